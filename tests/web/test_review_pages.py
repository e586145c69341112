"""The reviewer's pages: 审核 (the engine's review rules on the form, both sides of each), the banner
when the evidence changed, the review sheet file out and in, return and forward; 辖区总览 from stored
results with neutralised exports; 年度对比; the city's 规则集. Outside scope: 404."""

from __future__ import annotations

import csv
import io
import re

from .helpers import FIXTURES, client, world

from django.test import TestCase  # noqa: E402

from safecomm.web.audit.models import Entry  # noqa: E402
from safecomm.web.evidence.models import Assessment  # noqa: E402
from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.review import work  # noqa: E402
from safecomm.web.review.models import Activation, ReviewWork, RuleSet  # noqa: E402

RECTIFY = (FIXTURES / "rectify" / "evidence.yaml").read_bytes()  # 11.2, 11.3, 12.1 are C; 1.2 is B
VETO = (FIXTURES / "veto" / "evidence.yaml").read_bytes()  # 2.4 and 12.3 vetoed


def page(response) -> str:
    return response.content.decode("utf-8")


class Review(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.version = take(cls.home, cls.clerk, "evidence.yaml", RECTIFY).version
        cls.vetoed = take(cls.neighbour, cls.neighbour_clerk, "evidence.yaml", VETO).version
        take(cls.far, cls.far_clerk, "evidence.yaml", RECTIFY)

    def url(self, unit=None, tail=""):
        return f"/review/c/{(unit or self.home).pk}/{tail}"

    def post(self, fields, unit=None, action="save"):
        return client(self.reviewer).post(self.url(unit), {**fields, "action": action})

    def test_the_page_lists_every_item_with_its_automatic_grade_and_reason_for_the_districts_reviewer_only(self):
        response = client(self.reviewer).get(self.url())
        self.assertEqual(response.status_code, 200)
        text = page(response)
        self.assertEqual(len(re.findall(r'<select name="grade_', text)), 45)
        self.assertIn('id="item-11.2"', text)
        self.assertIn("审核状态：尚未开始", text)
        for user in (self.far_reviewer, self.clerk, self.admin):
            self.assertEqual(client(user).get(self.url()).status_code, 404, user.username)
        self.assertEqual(client(self.reviewer).get(self.url(self.far)).status_code, 404)
        self.assertEqual(client(self.reviewer).get("/review/c/999999/").status_code, 404)

    def test_the_citys_officer_reads_the_review_and_its_sheet_but_changes_nothing(self):
        self.assertEqual(self.post({"grade_1.2": "A", "reason_1.2": "六类人员齐全", "onsite_1.2": "on",
                                    "opinion": "同意上报"}).status_code, 302)
        officer = client(self.officer)
        text = page(officer.get(self.url()))
        self.assertIn("只读", text)
        self.assertIn("<fieldset class=\"plain\" disabled>", text)
        self.assertIn("六类人员齐全", text)
        self.assertIn("同意上报", text)
        self.assertNotIn("保存草稿", text)
        self.assertNotIn("退回社区修改", text)
        self.assertNotIn('name="sheet"', text)
        fresh = page(officer.get(self.url(self.neighbour)))  # no review begun: a reader's name is not filled in
        self.assertTrue('name="reviewer_name" value=""' in fresh and 'name="reviewer_date" value=""' in fresh)
        sheet = officer.get(self.url(tail="sheet"))
        self.assertEqual(sheet.status_code, 200)
        self.assertIn("六类人员齐全", sheet.content.decode("utf-8"))
        before = ReviewWork.objects.get(community=self.home).sheet
        for tail, fields in (("", {"action": "finish", "grade_1.2": "B"}), ("hand-on", {"step": "return", "comment": "改"}),
                             ("import", {})):
            self.assertEqual(officer.post(self.url(tail=tail), fields).status_code, 403, tail)
        self.assertEqual(ReviewWork.objects.get(community=self.home).sheet, before)
        self.assertEqual(ReviewWork.objects.get(community=self.home).status, ReviewWork.DRAFT)
        for user in (self.officer, self.reviewer):  # another city's district stays out of reach
            self.assertEqual(client(user).get(self.url(self.far)).status_code, 404, user.username)
            self.assertEqual(client(user).get(self.url(self.far, "sheet")).status_code, 404, user.username)

    def test_a_changed_grade_needs_a_reason_an_unchanged_one_does_not(self):
        wrong = self.post({"grade_1.2": "A"})
        self.assertEqual(wrong.status_code, 400)
        self.assertIn("条目 1.2 改判为 A（自动等级 B）但没有写理由", page(wrong))
        self.assertFalse(ReviewWork.objects.exists())
        self.assertEqual(self.post({"grade_1.2": "B"}).status_code, 302)  # the automatic grade: no change, no reason
        self.assertEqual(work.current(self.home).review.items[1].grade, None)
        self.assertEqual(self.post({"grade_1.2": "A", "reason_1.2": "现场核实：六类人员齐全"}).status_code, 302)
        saved = ReviewWork.objects.get(community=self.home)
        entry = next(e for e in saved.review().items if e.id == "1.2")
        self.assertEqual((entry.grade, entry.reason, saved.status), ("A", "现场核实：六类人员齐全", ReviewWork.DRAFT))
        self.assertEqual(Entry.objects.filter(action=Entry.REVIEW, unit=self.home).count(), 2)

    def test_every_form_needs_its_csrf_token(self):
        strict = client(self.reviewer, csrf=True)
        text = page(strict.get(self.url()))
        self.assertEqual(text.count('name="csrfmiddlewaretoken"'), 4)  # review, return/forward, import, and 退出
        self.assertEqual(strict.post(self.url(), {"action": "save"}).status_code, 403)
        self.assertEqual(strict.post(self.url(tail="hand-on"), {"step": "return", "comment": "x"}).status_code, 403)
        self.assertFalse(ReviewWork.objects.exists())

    def test_grades_are_a_b_or_c(self):
        wrong = self.post({"grade_1.2": "D", "reason_1.2": "理由"})
        self.assertEqual(wrong.status_code, 400)
        self.assertEqual(self.post({"grade_1.2": "C", "reason_1.2": "台账与现场不符"}).status_code, 302)

    def test_a_veto_stays_c(self):
        text = page(client(self.reviewer).get(self.url(self.neighbour)))
        options = re.search(r'<select name="grade_2\.4".*?</select>', text, re.S).group()
        self.assertEqual(re.findall(r'<option value="(\w)"', options), ["C"])
        wrong = self.post({"grade_2.4": "A", "reason_2.4": "统计有误"}, self.neighbour)
        self.assertEqual(wrong.status_code, 400)
        self.assertIn("条目 2.4 是否决项，不能改判为 A", page(wrong))
        self.assertEqual(self.post({"grade_2.4": "C", "reason_2.4": "异议：漏计入户活动"}, self.neighbour).status_code, 302)

    def test_finishing_needs_the_opinion_with_reviewer_unit_and_date_and_the_papers_then_show_the_review(self):
        fields = {"grade_11.2": "B", "reason_11.2": "现场查看整改台账齐全", "reviewer_name": "王审核",
                  "reviewer_unit": "甲区安委会办公室", "reviewer_date": "2024-12-20", "opinion": ""}
        wrong = self.post(fields, action="finish")
        self.assertEqual(wrong.status_code, 400)
        self.assertIn("完成审核前请填写初步审查意见", page(wrong))
        self.assertEqual(self.post({**fields, "reviewer_date": "2024-13-01", "opinion": "同意"}, action="finish").status_code, 400)
        self.assertEqual(self.post({**fields, "opinion": "同意上报，11.3、12.1 须整改"}, action="finish").status_code, 302)
        saved = ReviewWork.objects.get(community=self.home)
        self.assertEqual(saved.status, ReviewWork.FINISHED)
        result = work.reviewed(Assessment.objects.get(version=self.version))
        self.assertEqual((result.item("11.2").final_grade, result.item("11.2").override.reviewer), ("B", "王审核"))
        self.assertEqual(result.review.opinion, "同意上报，11.3、12.1 须整改")
        self.assertIn("审核状态：审核完成", page(client(self.reviewer).get(self.url())))

    def test_a_banner_when_the_evidence_changed_after_the_review_began_and_saving_then_needs_a_confirmation(self):
        self.assertEqual(self.post({"grade_11.2": "B", "reason_11.2": "已整改"}).status_code, 302)
        self.assertNotIn("证据在审核开始之后改动过", page(client(self.reviewer).get(self.url())))
        take(self.home, self.clerk, "evidence.yaml", RECTIFY.replace("title: ".encode(), "title: 修订 ".encode(), 2))
        shown = page(client(self.reviewer).get(self.url()))
        self.assertIn("证据在审核开始之后改动过", shown)
        refused = self.post({"grade_11.2": "B", "reason_11.2": "已整改"})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("证据在审核开始之后改动过，改判可能已不适用", page(refused))
        self.assertEqual(self.post({"grade_11.2": "B", "reason_11.2": "已整改", "confirm_changed": "on"}).status_code, 302)
        self.assertNotIn("证据在审核开始之后改动过", page(client(self.reviewer).get(self.url())))

    def test_the_review_sheet_goes_out_and_comes_back_in_with_the_same_rules_at_its_lines(self):
        self.post({"grade_1.2": "A", "reason_1.2": "现场核实"})
        out = client(self.reviewer).get(self.url(tail="sheet"))
        self.assertEqual(out.status_code, 200)
        self.assertIn("attachment", out["Content-Disposition"])
        sheet = out.content.decode("utf-8")
        self.assertIn('reason: "现场核实"', sheet)
        from django.core.files.uploadedfile import SimpleUploadedFile

        def send(text):
            return client(self.reviewer).post(self.url(tail="import"), {"sheet": SimpleUploadedFile("甲街道.review.yaml", text.encode("utf-8"))})

        changed = sheet.replace('reason: "现场核实"', "reason:")
        wrong = send(changed)
        self.assertEqual(wrong.status_code, 400)
        line = next(n for n, text in enumerate(changed.splitlines(), 1) if text.strip() == "grade: A")
        self.assertIn(f"甲街道.review.yaml:{line}:", page(wrong))
        self.assertNotIn("--allow-stale", page(wrong))
        self.assertEqual(send(sheet.replace('reason: "现场核实"', 'reason: "导入的理由"')).status_code, 302)
        entry = next(e for e in work.current(self.home).review.items if e.id == "1.2")
        self.assertEqual(entry.reason, "导入的理由")
        neighbours = client(self.reviewer).get(self.url(self.neighbour, "sheet")).content.decode("utf-8")
        self.assertIn("另一单位", page(send(neighbours)))

    def test_return_needs_a_comment_and_forward_a_finished_review(self):
        hand = client(self.reviewer)
        self.assertEqual(hand.post(self.url(tail="hand-on"), {"step": "return", "comment": ""}).status_code, 400)
        self.assertEqual(hand.post(self.url(tail="hand-on"), {"step": "forward"}).status_code, 400)
        self.assertEqual(hand.post(self.url(tail="hand-on"), {"step": "return", "comment": "12.1 请补充复查记录"}).status_code, 302)
        self.assertEqual(ReviewWork.objects.get(community=self.home).status, ReviewWork.RETURNED)
        self.assertIn("已退回社区", page(client(self.clerk).get(f"/c/{self.home.pk}/")))
        self.assertIn("12.1 请补充复查记录", page(client(self.clerk).get(f"/c/{self.home.pk}/")))
        self.assertNotIn("12.1 请补充复查记录", page(client(self.neighbour_clerk).get(f"/c/{self.neighbour.pk}/")))
        self.post({"reviewer_name": "王审核", "reviewer_unit": "甲区安委会办公室", "reviewer_date": "2024-12-20", "opinion": "同意"}, action="finish")
        self.assertEqual(hand.post(self.url(tail="hand-on"), {"step": "forward", "comment": "报市安委办"}).status_code, 302)
        self.assertEqual(ReviewWork.objects.get(community=self.home).status, ReviewWork.FORWARDED)
        locked = self.post({"grade_1.2": "A", "reason_1.2": "上报后再改"})
        self.assertEqual(locked.status_code, 400)
        self.assertIn("本审核已上报", page(locked))
        self.assertEqual(hand.post(self.url(tail="hand-on"), {"step": "return", "comment": "再退回"}).status_code, 400)
        self.assertEqual(ReviewWork.objects.get(community=self.home).status, ReviewWork.FORWARDED)
        take(self.home, self.clerk, "evidence.yaml", RECTIFY.replace("title: ".encode(), "title: 次年 ".encode(), 1))
        self.assertEqual(self.post({"grade_1.2": "A", "reason_1.2": "新版本重新审核"}).status_code, 302)  # a new review
        self.assertEqual(ReviewWork.objects.filter(community=self.home).count(), 2)
        self.assertEqual(client(self.far_reviewer).post(self.url(tail="hand-on"), {"step": "forward"}).status_code, 404)


class District(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.home.name = "=HYPERLINK(\"http://x\",\"点我\")"
        cls.home.save()
        take(cls.home, cls.clerk, "evidence.yaml", RECTIFY)
        take(cls.neighbour, cls.neighbour_clerk, "evidence.yaml", VETO)
        take(cls.far, cls.far_clerk, "evidence.yaml", RECTIFY)

    def test_every_community_of_the_district_from_stored_results_and_no_other(self):
        from unittest import mock

        with mock.patch("safecomm.engine.assess", side_effect=AssertionError("graded again")):
            response = client(self.reviewer).get("/review/")
        self.assertEqual(response.status_code, 200)
        text = page(response)
        self.assertIn("乙镇", text)
        self.assertIn("=HYPERLINK(&#34;http://x&#34;,&#34;点我&#34;)", text)  # autoescaped, shown as written
        self.assertNotIn("丙街道", text)
        self.assertIn("不具备申报条件", text)
        self.assertIn("丙街道", page(client(self.far_reviewer).get("/review/")))
        officer = page(client(self.officer).get("/review/"))
        self.assertIn("乙镇", officer)
        self.assertNotIn("丙街道", officer)
        for user in (self.clerk, self.admin):
            self.assertEqual(client(user).get("/review/").status_code, 404)

    def test_sorting_and_filtering(self):
        c = client(self.reviewer)
        by_c = page(c.get("/review/?sort=vetoes&dir=desc"))
        self.assertLess(by_c.index("乙镇"), by_c.index("HYPERLINK"))
        by_c = page(c.get("/review/?sort=vetoes&dir=asc"))
        self.assertGreater(by_c.index("乙镇"), by_c.index("HYPERLINK"))
        only = page(c.get("/review/?verdict=不具备申报条件"))
        self.assertIn("乙镇", only)
        self.assertNotIn("HYPERLINK", only)
        self.assertIn("HYPERLINK", page(c.get("/review/?q=HYPER")))
        self.assertNotIn("乙镇", page(c.get("/review/?q=HYPER")))

    def test_csv_and_excel_exports_neutralise_every_text_cell(self):
        c = client(self.reviewer)
        response = c.get("/review/?format=csv&sort=community")
        self.assertEqual(response["Content-Type"], "text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["县(区)", "社区", "版本", "结论"])
        names = [r[1] for r in rows[1:]]
        self.assertIn("'=HYPERLINK(\"http://x\",\"点我\")", names)
        self.assertIn("乙镇", names)
        self.assertFalse(any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r))
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(c.get("/review/?format=xlsx").content))
        cells = [cell for line in book.active.iter_rows() for cell in line if cell.value is not None]
        self.assertTrue(any(cell.value == "'=HYPERLINK(\"http://x\",\"点我\")" for cell in cells))
        self.assertFalse(any(cell.data_type == "f" for cell in cells))
        self.assertEqual(Entry.objects.filter(action=Entry.DOWNLOAD).count(), 2)


class Compare(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.v1 = take(cls.home, cls.clerk, "evidence.yaml", RECTIFY).version
        cls.v2 = take(cls.home, cls.clerk, "evidence.yaml", (FIXTURES / "ready" / "evidence.yaml").read_bytes()).version
        cls.other = take(cls.neighbour, cls.neighbour_clerk, "evidence.yaml", VETO).version

    def test_two_versions_side_by_side_with_the_grades_that_changed(self):
        response = client(self.clerk).get(f"/compare/c/{self.home.pk}/")
        self.assertEqual(response.status_code, 200)
        text = page(response)
        self.assertIn("第 1 版", text)
        self.assertIn("第 2 版", text)
        self.assertIn("↑ 提高", text)
        self.assertEqual(page(client(self.reviewer).get(f"/compare/c/{self.home.pk}/?old={self.v2.pk}&new={self.v1.pk}")).count("↓ 降低") > 0, True)

    def test_a_version_of_another_community_or_out_of_scope_is_not_found(self):
        c = client(self.reviewer)
        self.assertEqual(c.get(f"/compare/c/{self.home.pk}/?old={self.other.pk}&new={self.v2.pk}").status_code, 404)
        self.assertEqual(client(self.neighbour_clerk).get(f"/compare/c/{self.home.pk}/").status_code, 404)
        self.assertEqual(client(self.far_reviewer).get(f"/compare/c/{self.home.pk}/").status_code, 404)
        self.assertEqual(c.get(f"/compare/c/{self.home.pk}/?old=x&new={self.v2.pk}").status_code, 404)


VARIANT = """\
format: safecomm/scheme@2
extends: national-2009
id: jia-city
version: "2025.1"
title: 甲市安全社区评定
source: 甲市安委办
items:
  "2.4":
    checks:
      participation:
        target: {">=": 0.6}
"""


class Rules(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)

    def send(self, text, name="甲市.yaml", user=None):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client(user or self.officer).post("/rules/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})

    def test_a_variant_is_kept_and_shows_its_changes_against_the_base_at_their_lines(self):
        response = self.send(VARIANT)
        self.assertEqual(response.status_code, 302, page(response))
        rule_set = RuleSet.objects.get()
        self.assertEqual((rule_set.scheme_id, rule_set.base, rule_set.city), ("jia-city", "national-2009", self.city))
        detail = page(client(self.officer).get(f"/rules/{rule_set.pk}/"))
        self.assertIn("2.4", detail)
        self.assertRegex(detail, r"甲市\.yaml:\d+")
        self.assertNotIn("/tmp", detail)
        self.assertEqual(Entry.objects.filter(action=Entry.RULES).count(), 1)

    def test_a_broken_variant_shows_its_problems_at_their_lines_and_is_not_kept(self):
        response = self.send(VARIANT.replace('target: {">=": 0.6}', 'target: {">=": 六成}'))
        self.assertEqual(response.status_code, 400)
        text = page(response)
        self.assertRegex(text, r"甲市\.yaml:1[0-9]")
        self.assertNotIn("rules-", text)
        self.assertFalse(RuleSet.objects.exists())
        self.assertEqual(self.send("x: 1", name="notes.txt").status_code, 400)

    def test_activation_for_a_year_on_both_sides_of_its_range(self):
        self.send(VARIANT)
        rule_set = RuleSet.objects.get()
        c = client(self.officer)
        self.assertEqual(c.post(f"/rules/{rule_set.pk}/activate", {"year": "1999"}).status_code, 400)
        self.assertEqual(c.post(f"/rules/{rule_set.pk}/activate", {"year": "下一年"}).status_code, 400)
        self.assertEqual(c.post(f"/rules/{rule_set.pk}/activate", {"year": "2025"}).status_code, 302)
        self.assertEqual(work.active(self.city, 2025), rule_set)
        self.assertIsNone(work.active(self.city, 2024))
        self.assertIsNone(work.active(self.city2, 2025))
        self.assertEqual(Activation.objects.count(), 1)

    def test_only_the_citys_officer_sees_its_rule_sets(self):
        self.send(VARIANT)
        rule_set = RuleSet.objects.get()
        for user in (self.reviewer, self.clerk, self.admin):
            self.assertEqual(client(user).get("/rules/").status_code, 404)
            self.assertEqual(client(user).get(f"/rules/{rule_set.pk}/").status_code, 404)
        from safecomm.web.accounts import make
        from safecomm.web.accounts.models import User

        other = make.user("officer2", "correct-horse-battery", User.OFFICER, self.city2)
        self.assertEqual(client(other).get(f"/rules/{rule_set.pk}/").status_code, 404)
        self.assertEqual(client(other).post(f"/rules/{rule_set.pk}/activate", {"year": "2025"}).status_code, 404)


class Activated(TestCase):
    """What an activation changes: the next uploads of the city for that year; never a stored result."""

    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.before = take(cls.home, cls.clerk, "evidence.yaml", RECTIFY).version

    def test_the_activated_variant_grades_the_next_upload_and_old_results_keep_theirs(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from safecomm.web.evidence.rules import scheme_for

        c = client(self.officer)
        c.post("/rules/", {"file": SimpleUploadedFile("甲市.yaml", VARIANT.encode("utf-8"))})
        rule_set = RuleSet.objects.get()
        year = timezone.localdate().year
        c.post(f"/rules/{rule_set.pk}/activate", {"year": str(year - 1)})
        self.assertEqual(scheme_for(self.home).id, "national-2009")  # another year's activation
        c.post(f"/rules/{rule_set.pk}/activate", {"year": str(year)})
        self.assertEqual(scheme_for(self.home).id, "jia-city")
        self.assertEqual(scheme_for(self.far).id, "national-2009")  # another city
        after = take(self.home, self.clerk, "evidence.yaml", RECTIFY.replace("title: ".encode(), "title: 新 ".encode(), 1)).version
        old, new = Assessment.objects.get(version=self.before), Assessment.objects.get(version=after)
        self.assertEqual((old.scheme_id, new.scheme_id), ("national-2009", "jia-city"))
        self.assertEqual(work.scheme_of(old).id, "national-2009")
        self.assertEqual(work.scheme_of(new).digest, new.scheme_digest)

    def test_a_finished_review_changes_the_papers_and_their_cache_key(self):
        from safecomm.web.papers import queue

        stored = Assessment.objects.get(version=self.before)
        before = queue.cache_key("pdf", stored)
        self.assertEqual(queue.paper_input(stored), stored.result)  # no review yet: the automatic result
        fields = {"grade_11.2": "B", "reason_11.2": "整改台账齐全", "reviewer_name": "王审核", "reviewer_unit": "甲区安委会办公室",
                  "reviewer_date": "2024-12-20", "opinion": "同意上报", "action": "save"}
        client(self.reviewer).post(f"/review/c/{self.home.pk}/", fields)
        self.assertEqual(queue.cache_key("pdf", stored), before)  # a draft prints nothing
        client(self.reviewer).post(f"/review/c/{self.home.pk}/", {**fields, "action": "finish"})
        self.assertNotEqual(queue.cache_key("pdf", stored), before)
        self.assertIn("同意上报", queue.paper_input(stored))

    def test_a_points_rule_set_gives_the_district_table_its_score(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        points = VARIANT.replace("extends: national-2009", "extends: national-2009-onsite").replace("jia-city", "jia-points")
        c = client(self.officer)
        c.post("/rules/", {"file": SimpleUploadedFile("甲市积分.yaml", points.encode("utf-8"))})
        c.post(f"/rules/{RuleSet.objects.get().pk}/activate", {"year": str(timezone.localdate().year)})
        self.assertEqual(work.district_rows(self.district.children.all())[0].score, None)  # graded by A/B/C: no score
        take(self.neighbour, self.neighbour_clerk, "evidence.yaml", VETO)
        row = next(r for r in work.district_rows(self.district.children.all()) if r.community == "乙镇")
        stored = Assessment.objects.get(version__community=self.neighbour)
        self.assertEqual((row.score, row.band), (stored.parsed().score.total, stored.parsed().score.band))
        rows = list(csv.reader(io.StringIO(client(self.reviewer).get("/review/?format=csv").content.decode("utf-8-sig"))))
        self.assertIn(str(row.score), [r[8] for r in rows if r[1] == "乙镇"])
