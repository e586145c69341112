"""A job worker's long-lived child: it keeps WeasyPrint loaded from one job to the next, its second
PDF is byte for byte a fresh process's, and a job that crashes it, runs out of memory or over its
time fails alone, with a message saying so, while the worker goes on with a fresh child."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from unittest import mock

from .helpers import fixture_zip, world

from django.test import TestCase  # noqa: E402

from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.papers import child as child_module  # noqa: E402
from safecomm.web.papers import queue  # noqa: E402
from safecomm.web.papers.models import Job  # noqa: E402
from safecomm.web.review.work import scheme_ref  # noqa: E402


class Child(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.rectify = take(cls.home, cls.clerk, "rectify.zip", fixture_zip("rectify")).version.assessments.get()
        cls.ready = take(cls.neighbour, cls.neighbour_clerk, "ready.zip", fixture_zip("ready")).version.assessments.get()

    def job(self, kind, assessment, child, worker="w"):
        paper = queue.paper_path(kind, queue.cache_key(kind, assessment))
        paper.unlink(missing_ok=True)  # made anew, not served from the cache; and gone after the test
        self.addCleanup(paper.unlink, missing_ok=True)
        job = queue.enqueue(kind, assessment, self.clerk)
        queue.run(queue.claim(worker), worker, child)
        job.refresh_from_db()
        return job

    def test_the_second_pdf_of_a_worker_is_a_fresh_process_s_bytes(self):
        child = queue.Child()
        try:
            first = self.job("pdf", self.rectify, child)
            pid = child.process.pid
            second = self.job("pdf", self.ready, child)
            self.assertEqual((first.status, second.status), (Job.DONE, Job.DONE), (first.error, second.error))
            self.assertEqual(child.process.pid, pid)  # the same process made both: WeasyPrint imported once
            self.assertEqual(child.documents, 2)
        finally:
            child.close()
        folder = queue.storage.scratch("fresh-")
        (folder / "a.json").write_text(queue.paper_input(self.ready), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "safecomm.web.papers.render", "pdf", "-", str(folder / "a.json"),
                        scheme_ref(self.ready, folder), str(folder / "fresh.pdf")], check=True, stdout=subprocess.DEVNULL)
        made = queue.cached("pdf", second.key).read_bytes()
        self.assertEqual(made[:5], b"%PDF-")
        self.assertEqual(made, (folder / "fresh.pdf").read_bytes())

    def test_a_child_killed_mid_job_fails_that_job_and_the_next_gets_a_fresh_one(self):
        child = queue.Child()

        def kill_when_rendering():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if child.process and any(line.startswith("progress 20") for line in child.lines):
                    os.kill(child.process.pid, signal.SIGKILL)
                    return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_when_rendering)
        killer.start()
        try:
            with mock.patch.object(Job, "MAX_ATTEMPTS", 1):  # fail for good at once, to read the message
                crashed = self.job("pdf", self.rectify, child)
            killer.join()
            self.assertEqual(crashed.status, Job.FAILED)
            self.assertIn("生成进程被信号 SIGKILL 终止", crashed.error)
            self.assertIsNone(child.process)  # the dead child is let go
            after = self.job("docx", self.ready, child)
            self.assertEqual(after.status, Job.DONE, after.error)
        finally:
            child.close()

    def test_a_job_over_the_memory_limit_fails_alone_with_the_limit_named(self):
        child = queue.Child()
        try:
            with mock.patch.object(queue, "MEMORY", 250 * 1024 * 1024), mock.patch.object(Job, "MAX_ATTEMPTS", 1):
                starved = self.job("pdf", self.rectify, child)
            self.assertEqual(starved.status, Job.FAILED)
            self.assertRegex(starved.error, "^生成失败")
            self.assertTrue("内存" in starved.error, starved.error)
            fine = self.job("pdf", self.ready, child)  # a fresh child under the usual limit
            self.assertEqual(fine.status, Job.DONE, fine.error)
        finally:
            child.close()

    def test_a_child_over_its_time_is_killed_and_the_next_job_gets_a_fresh_one(self):
        child = queue.Child()
        try:
            with mock.patch.object(queue, "TIMEOUT", 0):
                late = self.job("docx", self.rectify, child)
            self.assertEqual((late.status, late.attempts), (Job.QUEUED, 1))
            self.assertIn("超过 0 秒未完成", late.error)
            self.assertIsNone(child.process)
            again = self.job("docx", self.rectify, child)
            self.assertEqual((again.status, again.attempts), (Job.DONE, 2), again.error)
        finally:
            child.close()

    def test_a_child_is_replaced_after_its_share_of_documents(self):
        child = queue.Child()
        try:
            with mock.patch.object(queue, "DOCUMENTS", 2):
                self.job("docx", self.rectify, child)
                kept = child.process
                self.assertIsNotNone(kept)  # one document of two: kept
                self.job("docx", self.ready, child)
                self.assertIsNone(child.process)  # two of two: let go, its memory with it
                self.assertIsNotNone(kept.returncode)
        finally:
            child.close()

    def test_a_child_grown_past_half_the_memory_limit_is_replaced(self):
        child = queue.Child()
        try:
            with mock.patch.object(queue, "_address_space", lambda pid: queue.MEMORY // 2):
                self.job("docx", self.rectify, child)
                self.assertIsNotNone(child.process)  # at half: kept
            with mock.patch.object(queue, "_address_space", lambda pid: queue.MEMORY // 2 + 1):
                self.job("docx", self.ready, child)
                self.assertIsNone(child.process)  # past half: let go
        finally:
            child.close()


def test_the_child_reports_a_failure_and_ends(monkeypatch, capsys):
    """A job that raises ends the child (its state may not be sound) after saying how it failed;
    MemoryError is told apart, and jobs before it were answered `end ok`."""
    from safecomm.web.papers import render

    calls = []

    def fake(argv):
        calls.append(argv)
        if argv == ["boom"]:
            raise MemoryError
        if argv == ["bad"]:
            raise ValueError("坏的输入")
        return 0

    monkeypatch.setattr(render, "main", fake)
    for requests, ends, code in (([["render", "ok"], ["render", "boom"], ["render", "never"]], ["end ok", "end memory"], 1),
                                 ([["render", "bad"], ["render", "never"]], ["end error"], 1),
                                 ([["render", "ok"]], ["end ok"], 0)):
        calls.clear()
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(r) + "\n" for r in requests)))
        assert child_module.main() == code
        out, err = capsys.readouterr()
        assert out.split("\n")[:-1] == ends
        assert ["never"] not in calls
        assert ("坏的输入" in err) == (requests[0] == ["render", "bad"])


def test_a_failure_for_want_of_memory_is_told_however_the_library_says_it(monkeypatch):
    import resource

    from safecomm.web.papers import child as child_module

    try:
        try:
            raise MemoryError
        except MemoryError as inner:
            raise SystemError("returned NULL without setting an exception") from inner
    except SystemError as chained:
        assert child_module.starved(chained)  # a MemoryError anywhere in the chain
    peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmPeak:"))
    for limit, starved in ((int(peak / 0.9), True), (int(peak / 0.9) + (10 << 20), False), (resource.RLIM_INFINITY, False)):
        monkeypatch.setattr(resource, "getrlimit", lambda which, limit=limit: (limit, limit))
        assert child_module.starved(SystemError("cffi")) is starved, limit  # peak within a tenth of the limit, or not
