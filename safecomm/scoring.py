"""Points: the on-site evaluation sheet's way of scoring, from the same checks that grade A/B/C.

Each item is scored in parts (内容有无 0.8 · 可验证的证据（痕迹）1.0 · 效果 1.2 on the national
sheet), each part graded a/b/c/d and worth that share of its weight (100/70/30/0%). The rule set
lists, per item, the checks that show each part; a part's grade is read from their results, so
one set of evidence gives both views:

  d  the item is blank, or vetoed (the table's 视为不合格), or no check of the part saw anything;
  c  a severe defect (level: defect) of the part holds;
  a  every grading check of the part (A or defect) passed; a part of related checks only: any seen;
  b  otherwise: something seen, something short or to be confirmed on site.

A reviewer who changes an item's grade sets all its parts by `review` (A→a, B→b, C→c). Items not
applicable are in neither the total nor its maximum; with `scale` the total is rescaled to it, so
a 100-point sheet, or a sheet with items removed, keeps its bands. Sums are exact fractions, and
totals are cut (never rounded up) to 0.01: the figure printed is the figure the bands compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from . import assessment as out
from .measure import format_points
from .scheme import PartGrade, Scheme, Scoring


def cut(value: Fraction) -> Fraction:
    """Down to 0.01: 89.999… is 89.99, below a band at 90, and is printed so."""
    return Fraction(value.numerator * 100 // value.denominator, 100)


def part_grade(item: out.ItemResult, ids: list[str]) -> PartGrade:
    if item.vetoed or not any(c.seen for c in item.checks):
        return "d"
    mine = [c for c in item.checks if c.id in ids]
    grading = [c for c in mine if c.cites is None and c.level != "related"]
    if any(c.level == "defect" and c.status == "failed" for c in grading):
        return "c"
    if all(c.status == "passed" for c in grading) and (grading or any(c.seen for c in mine)):
        return "a"
    return "b" if any(c.seen or c.status == "unknown" for c in mine) else "d"


def item_points(scoring: Scoring, item: out.ItemResult) -> out.ItemPoints:
    parts, earned, most = [], Fraction(0), Fraction(0)
    for part, ids in scoring.parts_of(item.id):
        grade = scoring.review[item.final_grade] if item.overridden else part_grade(item, ids)
        weight = Fraction(str(part.weight))
        points = weight * Fraction(str(scoring.shares[grade]))
        earned, most = earned + points, most + weight
        parts.append(out.PartPoints(name=part.name, weight=part.weight, grade=grade, points=float(cut(points)), checks=list(ids)))
    return out.ItemPoints(points=float(cut(earned)), max=float(most), parts=parts)


def with_points(scheme: Scheme, items: list[out.ItemResult]) -> list[out.ItemResult]:
    """The items with their points (after review), for a points rule set; as they are otherwise."""
    if scheme.scoring.method != "points":
        return items
    return [item.model_copy(update={"points": item_points(scheme.scoring, item)}) for item in items]


@dataclass(frozen=True)
class Tally:
    total: Fraction  # cut to 0.01, rescaled when the rule set says so: what the verdict policy compares
    out_of: Fraction
    points: Fraction
    possible: Fraction
    zero: list[str]

    def result(self, band: str, note: str) -> out.Score:
        return out.Score(
            total=float(self.total), out_of=float(self.out_of), points=float(self.points),
            possible=float(self.possible), zero=self.zero, band=band, note=note,
        )

    def words(self) -> str:
        """`总分 87.36（满分 135）`"""
        return f"总分 {format_points(self.total)}（满分 {format_points(self.out_of)}）"


def tally(scheme: Scheme, items: list[out.ItemResult]) -> Tally | None:
    scoring = scheme.scoring
    if scoring.method != "points":
        return None
    earned = sum((Fraction(str(i.points.points)) for i in items), Fraction(0))
    possible = sum((Fraction(str(i.points.max)) for i in items), Fraction(0))
    scale = Fraction(str(scoring.scale)) if scoring.scale else None
    total = earned * scale / possible if scale and possible else earned
    return Tally(cut(total), scale or possible, earned, possible, [i.id for i in items if i.points.points == 0])
