"""The district summary as one self-contained HTML page: charts, then one row per application.

Each assessed community links to its own HTML report, written into a folder named after the
summary page (`汇总.html` → `汇总/<申报>.html`; a page named without an extension, `汇总` →
`汇总_files/`), so the page and its reports move together.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import quote

from ..batch import COLUMNS, Row, summary
from ..output import HTML, Outputs
from . import charts
from .html import SANS, TEMPLATES, Fonts
from .html import render as community_report


def render(rows: list[Row], links: dict[str, str]) -> str:
    """The page; `links` maps an application's output name to the relative URL of its own report."""
    results = [row.summary for row in rows if row.summary is not None]
    verdicts = Counter(r.verdict for r in results)
    indicators: dict[str, dict[str, int]] = {}
    for r in results:
        for label, counts in r.indicators:
            totals = indicators.setdefault(label, {"A": 0, "B": 0, "C": 0})
            for grade, n in counts.items():
                totals[grade] += n
    order = list(dict.fromkeys(r.verdict for r in results))
    return TEMPLATES.get_template("batch.html.j2").render(
        font=SANS,
        columns=COLUMNS[:-1],
        rows=[(summary(row), links.get(row.application.name), row.error) for row in rows],
        total=len(rows),
        failed=sum(1 for row in rows if row.error),
        verdict_chart=charts.bars([(v, verdicts[v]) for v in order], "份", SANS).svg if results else None,
        grade_chart=charts.stacked(list(indicators.items()), SANS).svg if indicators else None,
    )


def folder(target: Path) -> Path:
    """Where the community reports of the summary page `target` go."""
    return target.with_suffix("") if target.suffix else target.with_name(target.name + "_files")


def write(rows: list[Row], target: Path, out: Outputs, fonts: Fonts = Fonts()) -> None:
    """Write the summary page and, beside it, each assessed community's own report (in `fonts`)."""
    reports = folder(target)
    links = {}
    for row in rows:
        if row.packed is not None:
            name = f"{row.application.name}.html"
            out.write(reports / name, community_report(row.result, fonts), HTML)
            links[row.application.name] = f"{quote(reports.name)}/{quote(name)}"
    out.write(target, render(rows, links), HTML)
