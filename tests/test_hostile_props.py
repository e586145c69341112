"""Properties over hostile values: typed YAML scalars, extreme numbers and names with line
separators, through validate, assess --format json, review start and --pdf; every run ends 0 or 2,
says what is wrong in Chinese at its place, and leaves its inputs as they were."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_SCHEME
from hostile_kit import CHINESE, ENGLISH, HEAD, bundle, invoke, snapshot

FEW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

typed = st.one_of(
    st.sampled_from(["!!int", "!!float", "!!bool", "!!timestamp", "!!str", "!!null", "!!binary"]).flatmap(
        lambda tag: st.sampled_from(["0xZZ", "0b2", "abc", "maybe", "2024-13-45", "1e400", "9" * 5000, "''", "-.inf", "0o9",
                                     "2024-02-30", "1_0", "+", "."]).map(lambda v: f"{tag} {v}")),
    st.sampled_from(["1" * 5000, "-" + "9" * 4301, "1.0e+400", "-1.0e+400", ".nan", "1e-400", "0.0001", "1.0e+300",
                     "9999-12-31", "0001-01-01", "1900-01-01"]),
    st.integers(min_value=-10**400, max_value=10**400).map(str),
)
separators = st.sampled_from(["\n", "\r", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\t", "\x1c"])
names = st.lists(st.one_of(st.text(alphabet="甲乙街道#:'\"{}[]&*!|>-", min_size=1, max_size=4), separators), min_size=1, max_size=6).map("".join)

FIELDS = ["population", "households", "launched", "title"]


def _run(args: list, root: Path, ok=(0, 2)) -> str:
    before = snapshot(root)
    result = invoke(args)
    out = result.output
    assert result.exit_code in ok, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for english in ENGLISH:
        assert english not in out, out
    if result.exit_code == 2:
        assert CHINESE.search(out), out
    assert snapshot(root) == before
    return out


@FEW
@given(value=typed, field=st.sampled_from(FIELDS), command=st.sampled_from(["validate", "json", "review", "pdf"]))
def test_typed_scalars_and_extreme_numbers(value, field, command):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mini = root / "mini.yaml"
        mini.write_text(MINI_SCHEME, encoding="utf-8")
        ev = bundle(root / "甲", HEAD + f"  {field}: {value}\n")
        out = root / "出"
        args = {"validate": ["validate", ev], "json": ["assess", ev, "--format", "json"],
                "review": ["review", "start", ev, "-o", out / "s.review.yaml"],
                "pdf": ["assess", ev, "--pdf", out / "x.pdf"]}[command]
        text = _run([*args, "--scheme", mini], root / "甲")
        if "Traceback" not in text and "甲/evidence.yaml:" in text:
            assert f"{ev}:" in text


WRITERS = ["validate", "json", "review", "pdf", "docx", "html", "md", "report", "ledger"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=names, field=st.sampled_from(["name", "title", "county"]), command=st.sampled_from(WRITERS))
def test_names_with_line_separators(name, field, command):
    """Through every writer: terminal, JSON, review sheet, PDF, Word, HTML, Markdown, work report
    and 台账; a sheet it writes reads back to the same community."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mini = root / "mini.yaml"
        mini.write_text(MINI_SCHEME, encoding="utf-8")
        data = yaml.safe_load(HEAD)
        data["community"][field] = name
        ev = bundle(root / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        out = root / "出"
        args = {"validate": ["validate", ev], "json": ["assess", ev, "--format", "json"],
                "review": ["review", "start", ev, "-o", out / "s.review.yaml"],
                "pdf": ["assess", ev, "--pdf", out / "x.pdf"], "docx": ["assess", ev, "--docx", out / "x.docx"],
                "html": ["assess", ev, "--format", "html"], "md": ["assess", ev, "--format", "md"],
                "report": ["report", ev, "-o", out / "r.docx"], "ledger": ["convert", ev, out / "台账.xlsx"]}[command]
        _run([*args, "--scheme", mini], root / "甲")
        if command == "ledger" and (out / "台账.xlsx").exists():  # and back: the same community
            _run(["convert", out / "台账.xlsx", out / "back.yaml", "--scheme", mini], root / "甲", ok=(0,))
            back = yaml.safe_load((out / "back.yaml").read_text(encoding="utf-8"))["community"]
            assert (back.get(field) or "").strip() == " ".join(name.split()).strip() or back.get(field) == name.strip(), (back, name)
        if command == "review" and (out / "s.review.yaml").exists():
            sheet = out / "s.review.yaml"
            loaded = yaml.safe_load(sheet.read_text(encoding="utf-8"))
            assert loaded["opinion"] in ("", None)
            _run(["assess", ev, "--scheme", mini, "--review", sheet, "--format", "json"], root / "甲", ok=(0,))
