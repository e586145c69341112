"""The district summary as one self-contained HTML page: charts, then one row per application.

Each assessed community links to its own HTML report, written into a folder named after the
summary page (`汇总.html` → `汇总/<申报>.html`), so the page and its reports move together.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import quote

from ..batch import COLUMNS, Row, pdf_name, summary
from ..output import write_atomic
from . import charts
from .html import SANS, TEMPLATES, Fonts
from .html import render as community_report


def render(rows: list[Row], links: dict[str, str]) -> str:
    """The page; `links` maps an application's label to the relative URL of its own report."""
    results = [row.result for row in rows if row.result is not None]
    verdicts = Counter(r.verdict.verdict for r in results)
    indicators: dict[str, dict[str, int]] = {}
    for r in results:
        for ind in r.indicators:
            totals = indicators.setdefault(f"{ind.id} {ind.title}", {"A": 0, "B": 0, "C": 0})
            for grade, n in ind.counts.items():
                totals[grade] += n
    order = [v for v in dict.fromkeys(row.result.verdict.verdict for row in rows if row.result)]
    return TEMPLATES.get_template("batch.html.j2").render(
        font=SANS,
        columns=COLUMNS[:-1],
        rows=[(summary(row), links.get(row.application.label), row.error) for row in rows],
        total=len(rows),
        failed=sum(1 for row in rows if row.error),
        verdict_chart=charts.bars([(v, verdicts[v]) for v in order], "份", SANS).svg if results else None,
        grade_chart=charts.stacked(list(indicators.items()), SANS).svg if indicators else None,
    )


def write(rows: list[Row], target: Path, fonts: Fonts = Fonts()) -> None:
    """Write the summary page and, beside it, each assessed community's own report (in `fonts`)."""
    folder = target.with_suffix("")
    links = {}
    for row in rows:
        if row.result is not None:
            name = pdf_name(row.application).removesuffix(".pdf") + ".html"
            write_atomic(folder / name, community_report(row.result, fonts))
            links[row.application.label] = f"{quote(folder.name)}/{quote(name)}"
    write_atomic(target, render(rows, links))
