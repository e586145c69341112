"""全辖区申报材料: all of a district's 申报表 and the batch summary as one background job. The
zip holds what the CLI's batch makes (汇总.html with its charts and links, 汇总.csv, a PDF per
community); PDFs already in the paper cache are used as they are; progress is n of N; the job
and its zip are in the scope of the district's reviewer and the city's officer only."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from contextlib import redirect_stdout

import pypdf

from . import ledgers
from .helpers import client, fixture_zip, world

from django.test import TestCase  # noqa: E402

from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.papers import district, queue  # noqa: E402
from safecomm.web.papers.models import DISTRICT, Job  # noqa: E402


class DistrictPapers(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        take(cls.home, cls.clerk, "ready.zip", fixture_zip("ready"))
        take(cls.neighbour, cls.neighbour_clerk, "rectify.zip", fixture_zip("rectify"))

    def setUp(self):
        papers = queue.storage.data() / "papers"
        before = set(papers.glob("*")) if papers.exists() else set()
        # the paper cache is one folder for the test process: what these tests make goes with them
        self.addCleanup(lambda: [p.unlink() for p in set(papers.glob("*")) - before])

    def start(self, user=None):
        response = client(user or self.reviewer).post("/review/papers", {"district": self.district.pk})
        return response

    def run_jobs(self):
        while (job := queue.claim("test")) is not None:
            queue.run(job, "test")

    def test_one_job_makes_the_districts_zip_and_reuses_the_paper_cache(self):
        started = self.start()
        job = Job.objects.get(kind=DISTRICT)
        self.assertRedirects(started, f"/jobs/{job.pk}/", fetch_redirect_response=False)
        self.assertEqual((job.unit, job.status), (self.district, Job.QUEUED))
        page = client(self.reviewer).get(f"/jobs/{job.pk}/").content.decode()
        self.assertIn("全辖区申报材料（zip）排队中", page)
        home = next(e for e in queue.district_entries(self.district) if e["name"] == "甲街道")
        kept = queue.paper_path("pdf", home["key"])  # 甲街道's 申报表 is in the cache already
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(b"%PDF-1.7 made before")

        self.run_jobs()
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress, job.stage), (Job.DONE, 100, "完成"), job.error)
        done = client(self.reviewer).get(f"/jobs/{job.pk}/").content.decode()
        self.assertIn("<h1>已生成</h1>", done)  # the heading follows the job, not 正在生成 forever
        answer = client(self.reviewer).get(f"/jobs/{job.pk}/zip")
        self.assertEqual(answer.status_code, 200)
        self.assertIn("attachment", answer["Content-Disposition"])
        archive = zipfile.ZipFile(io.BytesIO(answer.content))
        self.assertEqual(archive.namelist(), ["汇总.html", "汇总.csv", "汇总/甲街道.html", "汇总/乙镇.html",
                                              "申报表/乙镇.pdf", "申报表/甲街道.pdf"])
        self.assertEqual(archive.read("申报表/甲街道.pdf"), b"%PDF-1.7 made before")  # used as it was
        text = "".join("".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(archive.read("申报表/乙镇.pdf"))).pages)
        self.assertIn("柳湾镇", text)  # made now, and kept in the cache for the next time
        self.assertEqual(len(list(kept.parent.glob("*.pdf"))), 2)
        table = list(csv.reader(io.StringIO(archive.read("汇总.csv").decode("utf-8-sig"))))
        self.assertEqual([(r[0], r[7]) for r in table[1:]], [("甲街道（第 1 版）", "具备申报条件"), ("乙镇（第 1 版）", "需整改后申报")])
        summary = archive.read("汇总.html").decode()
        self.assertIn("<svg", summary)  # the batch's charts
        self.assertIn('href="%E6%B1%87%E6%80%BB/%E4%B9%99%E9%95%87.html"', summary)  # 汇总/乙镇.html

        again = self.start()  # nothing changed: the zip from the cache at once
        self.assertRedirects(again, f"/jobs/{job.pk}/zip", fetch_redirect_response=False)
        self.assertEqual(Job.objects.filter(kind=DISTRICT).count(), 1)
        take(self.neighbour, self.neighbour_clerk, "台账.xlsx", ledgers.edited("D5", "乙镇的讲座"))  # 乙镇's second version
        self.start()
        newer = Job.objects.filter(kind=DISTRICT).latest("id")
        self.assertEqual(newer.status, Job.QUEUED)
        self.assertNotEqual(newer.key, job.key)

    def test_a_run_renders_at_most_its_share_and_leaves_the_rest_to_the_next(self):
        folder = queue.storage.scratch("share-")
        entries = queue.district_entries(self.district)
        for n, entry in enumerate(entries):
            stored = entry.pop("stored")
            (folder / f"{n}.json").write_text(queue.paper_input(stored), encoding="utf-8")
            entry.update(result=str(folder / f"{n}.json"), pdf=str(folder / f"{n}.pdf"))
        from safecomm.rulesets import load_scheme

        manifest = folder / "manifest.json"
        manifest.write_text(json.dumps({"communities": entries, "policy": load_scheme().verdict.model_dump(mode="json")}))
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(district.main([str(manifest), str(folder / "d.zip"), "--renders", "0"]), 0)
        self.assertEqual(out.getvalue(), "more\n")  # nothing rendered, two to go: the worker runs it again
        self.assertFalse((folder / "d.zip").exists())

    def test_progress_is_n_of_n_on_the_job_and_district_pages(self):
        self.start()
        job = Job.objects.get(kind=DISTRICT)
        Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, progress=45, stage="申报表 2/2：乙镇")
        page = client(self.reviewer).get(f"/jobs/{job.pk}/").content.decode()
        self.assertIn("申报表 2/2：乙镇", page)
        self.assertIn('value="45"', page)
        self.assertIn("<h1>正在生成</h1>", page)
        overview = client(self.reviewer).get("/review/").content.decode()
        self.assertIn("正在生成（45%，申报表 2/2：乙镇）", overview)
        self.assertIn("结论分布", overview)

    def test_a_community_without_evidence_is_a_row_saying_so(self):
        from safecomm.web.units.models import Unit

        Unit.objects.create(name="丙村", level=Unit.COMMUNITY, parent=self.district)
        entries = queue.district_entries(self.district)
        self.assertEqual([(e["name"], e.get("error")) for e in entries],
                         [("丙村", "尚未上传证据"), ("乙镇", None), ("甲街道", None)])

    def test_the_zip_is_the_same_bytes_for_the_same_inputs(self):
        self.start()
        job = Job.objects.get(kind=DISTRICT)
        folder = queue.storage.scratch("same-")
        entries = queue.district_entries(self.district)
        for n, entry in enumerate(entries):
            stored = entry.pop("stored")
            (folder / f"{n}.json").write_text(queue.paper_input(stored), encoding="utf-8")
            entry.update(result=str(folder / f"{n}.json"), pdf=str(folder / f"{n}.pdf"))
            (folder / f"{n}.pdf").write_bytes(b"%PDF-1.7 stand-in")
        from safecomm.rulesets import load_scheme

        manifest = {"communities": entries, "policy": load_scheme().verdict.model_dump(mode="json")}
        self.assertEqual(district.zip_bytes(manifest), district.zip_bytes(manifest))
        self.assertEqual(job.status, Job.QUEUED)

    def test_only_the_district_and_its_city_reach_the_job_and_its_zip(self):
        self.start()
        job = Job.objects.get(kind=DISTRICT)
        for user in (self.far_reviewer, self.clerk, self.admin):
            self.assertEqual(client(user).get(f"/jobs/{job.pk}/").status_code, 404, user.username)
            self.assertEqual(client(user).get(f"/jobs/{job.pk}/zip").status_code, 404, user.username)
        self.assertEqual(client(self.officer).get(f"/jobs/{job.pk}/").status_code, 200)
        self.assertEqual(client(self.officer).get(f"/jobs/{job.pk}/zip").status_code, 302)  # not made yet: its page
        self.assertEqual(client(self.far_reviewer).post("/review/papers", {"district": self.district.pk}).status_code, 404)
        self.assertEqual(client(self.clerk).post("/review/papers", {"district": self.district.pk}).status_code, 404)
        self.assertEqual(client(self.officer).post("/review/papers", {"district": self.district2.pk}).status_code, 404)
        self.assertEqual(client(self.officer).post("/review/papers", {"district": self.district.pk}).status_code, 302)
        self.assertEqual(Job.objects.filter(kind=DISTRICT).count(), 1)  # the officer's follows the same job
