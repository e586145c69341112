"""A district's papers as one zip, made outside the worker (`python -m safecomm.web.papers.district
MANIFEST OUT.zip --renders N`, or the same arguments as a request to the worker's child), so that
the job's time and memory are bounded by the worker as a single paper's are.

No Django here: the worker writes a manifest (each community's reviewed result as a file, the
paper cache's path of its 申报表 PDF, the verdict policy the summary sorts by). A run renders at
most N missing PDFs into the paper cache, one by one, and ends (the worker asks again for the next
N, and counts them against its child's share of documents); a run that finds every PDF there
writes the zip: the CLI's batch summary (汇总.html with its charts, linking each
community's own report under 汇总/, and 汇总.csv) and 申报表/<社区>.pdf. The zip's bytes depend
only on its inputs (fixed times, fixed order), so it is cached exactly as a paper is."""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

from .render import progress, write_atomic

STAMP = (1980, 1, 1, 0, 0, 0)  # every member's time: the same inputs give the same bytes
SUMMARY = "汇总"
PDFS = "申报表"


def _result(entry: dict):
    from ...assessment import Assessment

    return Assessment.model_validate_json(Path(entry["result"]).read_text(encoding="utf-8"))


def render_missing(entries: list[dict], limit: int) -> int:
    """Render up to `limit` of the PDFs not in the cache yet; how many are still missing after."""
    from ... import papers

    todo = [e for e in entries if e.get("result") and not Path(e["pdf"]).exists()]
    total, ready = len(entries), len(entries) - len(todo)
    for n, entry in enumerate(todo[:limit]):
        progress(int(90 * (ready + n) / max(total, 1)), f"申报表 {ready + n + 1}/{total}：{entry['name']}")
        write_atomic(Path(entry["pdf"]), papers.pdf(_result(entry)))
    return max(len(todo) - limit, 0)


def zip_bytes(manifest: dict) -> bytes:
    """The summary, the community reports and the PDFs, as one zip."""
    from ...batch import Application, Row, csv_text, sort_rows
    from ...report import batch_html
    from ...report.html import render as community_report
    from ...scheme import VerdictPolicy

    entries = manifest["communities"]
    rows = []
    for entry in entries:
        app = Application(Path(entry["stem"]), None, entry["label"], entry["stem"])
        rows.append(Row.assessed(app, _result(entry), ()) if entry.get("result") else Row(app, error=entry["error"]))
    rows = sort_rows(rows, VerdictPolicy.model_validate(manifest["policy"]))
    members: list[tuple[str, bytes]] = []
    links = {}
    for n, row in enumerate(rows):
        if row.packed is None:
            continue
        progress(90 + int(8 * n / max(len(rows), 1)), f"汇总：{row.application.label}")
        name = f"{SUMMARY}/{row.application.name}.html"
        members.append((name, community_report(row.result).encode("utf-8")))
        links[row.application.name] = f"{quote(SUMMARY)}/{quote(row.application.name)}.html"
    members.insert(0, (f"{SUMMARY}.html", batch_html.render(rows, links).encode("utf-8")))
    members.insert(1, (f"{SUMMARY}.csv", csv_text(rows).encode("utf-8")))
    for entry in entries:
        if entry.get("result"):
            members.append((f"{PDFS}/{entry['stem']}.pdf", Path(entry["pdf"]).read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safecomm.web.papers.district")
    parser.add_argument("manifest", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--renders", type=int, default=10, help="PDFs rendered in this run at most")
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    if render_missing(manifest["communities"], args.renders):
        print("more", flush=True)  # the worker runs this again for the next ones
        return 0
    data = zip_bytes(manifest)
    progress(99, "保存")
    write_atomic(args.out, data)
    progress(100, "完成")
    return 0


if __name__ == "__main__":
    sys.exit(main())
