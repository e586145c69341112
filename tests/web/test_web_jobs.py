"""The paper queue: one job per paper in flight, one worker per job, a lost lease retried, a
bounded number of attempts, papers served from the cache, 正在生成 while they are made."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from .helpers import client, fixture_zip, world

from django.test import TestCase  # noqa: E402
from django.utils import timezone  # noqa: E402

from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.papers import queue, views  # noqa: E402
from safecomm.web.papers.models import Job  # noqa: E402


class Queue(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.version = take(cls.home, cls.clerk, "rectify.zip", fixture_zip("rectify")).version
        cls.assessment = cls.version.assessments.get()

    def jobs(self, n):
        return [Job.objects.create(kind="pdf", key=f"{i:064d}", version=self.version, assessment=self.assessment)
                for i in range(n)]

    def test_two_workers_never_take_one_job(self):
        made = self.jobs(6)
        taken = []
        for worker in "ababab":
            taken.append(queue.claim(worker).pk)
        self.assertEqual(sorted(taken), [j.pk for j in made])
        self.assertIsNone(queue.claim("a"))
        self.assertEqual(set(Job.objects.values_list("status", flat=True)), {Job.RUNNING})

    def test_a_job_whose_lease_ran_out_is_taken_again(self):
        [job] = self.jobs(1)
        self.assertEqual(queue.claim("a").pk, job.pk)
        self.assertIsNone(queue.claim("b"))  # leased
        Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        again = queue.claim("b")
        self.assertEqual((again.pk, again.attempts, again.worker), (job.pk, 2, "b"))
        self.assertFalse(queue._finish(job, "a", Job.DONE))  # the first worker lost it

    def test_attempts_are_bounded(self):
        [job] = self.jobs(1)
        Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, attempts=Job.MAX_ATTEMPTS,
                                             lease_until=timezone.now() - timedelta(seconds=1))
        self.assertIsNone(queue.claim("a"))
        job.refresh_from_db()
        self.assertEqual(job.status, Job.FAILED)
        self.assertIn("已尝试", job.error)

    def test_a_job_over_its_time_is_stopped_and_queued_again(self):
        job = queue.enqueue("pdf", self.assessment, self.clerk)
        claimed = queue.claim("a")
        with mock.patch.object(queue, "TIMEOUT", 0):
            queue.run(claimed, "a")
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (Job.QUEUED, 1))
        self.assertIn("超过", job.error)

    def test_one_job_per_paper_and_the_cache_after_it(self):
        first = queue.enqueue("docx", self.assessment, self.clerk)
        self.assertEqual(queue.enqueue("docx", self.assessment, self.clerk).pk, first.pk)
        queue.run(queue.claim("w"), "w")
        first.refresh_from_db()
        self.assertEqual((first.status, first.progress), (Job.DONE, 100), first.error)
        self.assertIsNone(queue.enqueue("docx", self.assessment, self.clerk))  # in the cache now
        response = client(self.clerk).get(f"/v/{self.version.pk}/papers/docx")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(response.content[:2], b"PK")
        self.assertEqual(Job.objects.count(), 1)

    def test_the_work_report_is_made_from_the_rebuilt_bundle(self):
        job = queue.enqueue("workreport-docx", self.assessment, self.clerk)
        queue.run(queue.claim("w"), "w")
        job.refresh_from_db()
        self.assertEqual(job.status, Job.DONE, job.error)
        import io

        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(queue.cached("workreport-docx", job.key).read_bytes())).paragraphs)
        self.assertIn("柳湾镇", text)

    def test_the_cache_key_follows_the_stored_assessment(self):
        key = queue.cache_key("pdf", self.assessment)
        self.assertEqual(key, queue.cache_key("pdf", self.version.assessments.get()))
        self.assertNotEqual(key, queue.cache_key("docx", self.assessment))
        other = take(self.home, self.clerk, "ready.zip", fixture_zip("ready")).version.assessments.get()
        self.assertNotEqual(key, queue.cache_key("pdf", other))

    def test_a_paper_not_ready_shows_progress_with_and_without_javascript(self):
        c = client(self.clerk)
        with mock.patch.object(views, "WAIT", 0):
            response = c.get(f"/v/{self.version.pk}/papers/pdf")
        job = Job.objects.get()
        here = f"/jobs/{job.pk}/?version={self.version.pk}"
        self.assertRedirects(response, here, fetch_redirect_response=False)
        Job.objects.filter(pk=job.pk).update(progress=40, stage="排版申报表", status=Job.RUNNING)
        page = c.get(here)
        self.assertContains(page, "正在生成")
        self.assertContains(page, 'value="40"')
        self.assertContains(page, 'http-equiv="refresh"')  # without JavaScript
        self.assertContains(page, f'hx-get="{here}"')  # with htmx
        partial = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
        self.assertNotContains(partial, "<html")
        Job.objects.filter(pk=job.pk).update(status=Job.DONE, progress=100)
        done = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
        self.assertEqual(done["HX-Redirect"], f"/v/{self.version.pk}/papers/pdf")
        self.assertEqual(client(self.far_clerk).get(f"/jobs/{job.pk}/").status_code, 404)
        self.assertEqual(client(self.far_clerk).get(here).status_code, 404)  # another unit's version

    def test_the_materials_page_lists_the_papers_and_the_preview(self):
        page = client(self.clerk).get(f"/v/{self.version.pk}/papers/")
        for label in (queue.LABELS[kind] for kind in queue.KINDS):
            self.assertContains(page, label)
        self.assertContains(page, f"/v/{self.version.pk}/papers/preview")
        preview = client(self.clerk).get(f"/v/{self.version.pk}/papers/preview")
        self.assertContains(preview, "柳湾镇")
