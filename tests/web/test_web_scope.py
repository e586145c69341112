"""Scope: every page that names an object answers 404 for an object outside the user's scope,
for every role. The list of pages comes from the URL configuration, so a new page cannot be
forgotten: a pattern with a key must say here what its key names."""

from __future__ import annotations

from .helpers import client, fixture_zip, world

from django.test import TestCase  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from safecomm.web import scope  # noqa: E402
from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.papers.models import Job  # noqa: E402
from safecomm.web.review.models import RuleSet  # noqa: E402

KEYS = {  # URL name → what its <pk> names
    "community": "unit", "upload": "unit", "empty_ledger": "unit",
    "result": "version", "submit": "version", "original": "version", "as_ledger": "version",
    "materials": "version", "preview": "version", "paper": "version", "job": "job", "district_zip": "job",
    "review": "unit", "review_import": "unit", "review_sheet": "unit", "review_hand_on": "unit", "compare": "unit",
    "rule_set": "rule_set", "rule_set_activate": "rule_set",
}
POSTS = {"upload", "submit", "review_import", "review_hand_on", "rule_set_activate"}


def keyed_patterns():
    for pattern in get_resolver().url_patterns:
        name = getattr(pattern, "name", None)
        if name and "<int:pk>" in str(pattern.pattern):
            yield name, str(pattern.pattern)


def path_for(route: str, pk: int) -> str:
    return "/" + route.replace("<int:pk>", str(pk)).replace("<str:kind>", "pdf")


class Matrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        cls.versions = {}
        for unit in (cls.home, cls.neighbour, cls.far):
            cls.versions[unit.pk] = take(unit, cls.clerk, "ready.zip", fixture_zip("ready")).version
        cls.jobs = {pk: Job.objects.create(kind="pdf", key="k" * 64, version=v, assessment=v.assessments.get())
                    for pk, v in cls.versions.items()}
        cls.rule_sets = {city.pk: RuleSet.objects.create(city=city, name="r.yaml", text="", sha256="0" * 64, scheme_id="r",
                                                         scheme_version="1", title="r", uploaded_by=cls.officer)
                         for city in (cls.city, cls.city2)}

    def objects(self, unit):
        return {"unit": unit.pk, "version": self.versions[unit.pk].pk, "job": self.jobs[unit.pk].pk,
                "rule_set": self.rule_sets[unit.parent.parent_id].pk}

    def test_every_keyed_page_is_in_the_matrix(self):
        self.assertEqual(sorted(name for name, _ in keyed_patterns() if name not in KEYS), [])

    def test_out_of_scope_is_404_for_every_role_and_page(self):
        outside = {  # user → communities they must not reach
            self.clerk: [self.neighbour, self.far], self.reviewer: [self.far], self.officer: [self.far],
            self.admin: [self.home, self.neighbour, self.far],
        }
        for user, units in outside.items():
            c = client(user)
            for unit in units:
                for name, route in keyed_patterns():
                    path = path_for(route, self.objects(unit)[KEYS[name]])
                    response = c.post(path) if name in POSTS else c.get(path)
                    self.assertEqual(response.status_code, 404, f"{user.username} {path}")

    def test_in_scope_pages_answer(self):
        inside = {self.clerk: [self.home], self.reviewer: [self.home, self.neighbour], self.officer: [self.home, self.neighbour]}
        for user, units in inside.items():
            c = client(user)
            for unit in units:
                for name in ("community", "result", "materials") + (("review", "review_sheet", "compare") if user != self.clerk else ()):
                    route = dict(keyed_patterns())[name]
                    path = path_for(route, self.objects(unit)[KEYS[name]])
                    self.assertEqual(c.get(path).status_code, 200, f"{user.username} {path}")

    def test_querysets_of_each_role(self):
        self.assertEqual(set(scope.communities(self.clerk)), {self.home})
        self.assertEqual(set(scope.communities(self.reviewer)), {self.home, self.neighbour})
        self.assertEqual(set(scope.communities(self.officer)), {self.home, self.neighbour})
        self.assertEqual(set(scope.communities(self.far_reviewer)), {self.far, self.far2})
        self.assertEqual(list(scope.communities(self.admin)), [])
        self.assertEqual(set(scope.districts(self.officer)), {self.district})
        self.assertEqual(set(scope.versions(self.reviewer)), {self.versions[self.home.pk], self.versions[self.neighbour.pk]})

    def test_only_the_districts_reviewer_may_change_a_review(self):
        self.assertTrue(scope.may_review(self.reviewer))
        for user in (self.clerk, self.officer, self.admin):
            self.assertFalse(scope.may_review(user))

    def test_only_the_own_clerk_may_change_a_community(self):
        self.assertTrue(scope.may_edit(self.clerk, self.home))
        for user in (self.neighbour_clerk, self.reviewer, self.officer, self.admin):
            self.assertFalse(scope.may_edit(user, self.home))
        response = client(self.reviewer).post(f"/c/{self.home.pk}/upload")
        self.assertContains(response, "无权操作", status_code=403)

    def test_role_pages_are_404_for_other_roles(self):
        self.assertEqual(client(self.clerk).get("/communities/").status_code, 404)
        self.assertEqual(client(self.clerk).get("/audit/").status_code, 404)
        self.assertEqual(client(self.reviewer).get("/audit/").status_code, 404)
        self.assertEqual(client(self.reviewer).get("/my/").status_code, 404)
        self.assertEqual(client(self.officer).get("/audit/").status_code, 200)
        self.assertEqual(client(self.admin).get("/audit/").status_code, 200)

    def test_the_community_list_shows_only_the_district(self):
        response = client(self.reviewer).get("/communities/")
        self.assertContains(response, "甲街道")
        self.assertContains(response, "乙镇")
        self.assertNotContains(response, "丙街道")
