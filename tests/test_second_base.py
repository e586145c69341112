"""tests/data/wuling: a second street's year, written in the wording of a real street's annual
安全生产 summary (一岗双责, 挂点社区, “三小”场所, 民宅制衣作坊清理整治, 《责令整改指令书》63份,
演练以场次计). It is the second base of the real-wording check, so every item must stand at A
on its own records: an item that drops here has nothing left for the wording check to thin."""

from __future__ import annotations

from conftest import ROOT
from safecomm import assess
from safecomm.engine import warnings
from safecomm.bundle import load_evidence

BASE = ROOT / "tests" / "data" / "wuling" / "evidence.yaml"


def test_the_second_base_loads_cleanly_with_every_attachment():
    ev = load_evidence(BASE)
    assert warnings(ev) == []
    on_disk = {f"attachments/{p.name}" for p in (BASE.parent / "attachments").iterdir()}
    assert on_disk == set(ev.attachments)


def test_every_item_of_the_second_base_is_a(scheme):
    result = assess(load_evidence(BASE), scheme)
    assert [(i.id, i.grade, i.reason) for i in result.items if i.grade != "A"] == []
    assert result.verdict.verdict == "具备申报条件"


def test_the_second_base_counts_the_office_totals_as_written(scheme):
    """63 orders on one row, all re-checked, among the year's rectifications; 44 drills on one row."""
    items = {i.id: i for i in assess(load_evidence(BASE), scheme).items}
    checks = {c.id: c for c in items["11.1"].checks}
    assert checks["verified"].detail.startswith("82/82 条整改措施")
    drills = next(c for c in items["7.4"].checks if c.id == "drills")
    assert drills.measured == 47  # 44 counted on one row, and three single drills
