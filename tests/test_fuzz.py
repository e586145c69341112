"""Fuzzing (hypothesis): mangled YAML structure and random command lines never crash or lose a file.

The hostile suite (test_hostile.py) names the cases we thought of; these find the ones we did
not. An evidence bundle and a review sheet are mutated as data (a node replaced by other data,
removed, nested deeper) and as text (characters inserted, lines dropped or repeated); command
lines are drawn from the CLI's own words, the files of a small world and junk. Every run must
end 0, 1 or 2, say what is wrong in Chinese at a place, and leave every input as it was.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_SCHEME, community
from test_hostile import CHINESE, ENGLISH, FONT, bundle, invoke, snapshot

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["2024-13-01", "2024年2月30日", "教育", "领导机构", "attachments/d-1.pdf", "../x", "C:\\x",
                                           "\\ud800", "#", "*a", "&a", "!!python/object:os.system", "0x1F", "1e400", "~"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def nodes(data, path=()):
    """Every (path, node) of plain data, the root first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from nodes(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from nodes(value, path + (i,))


@st.composite
def mutated(draw, data: dict) -> dict:
    """`data` with a few nodes replaced, removed or buried under deeper nesting."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 4))):
        places = [p for p, _ in nodes(data) if p]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "remove", "bury"]))
        if how == "remove":
            del parent[path[-1]]
        elif how == "bury":
            for _ in range(draw(st.integers(1, 80))):
                parent[path[-1]] = [parent[path[-1]]]
        else:
            parent[path[-1]] = draw(values)
    return data


@st.composite
def scrambled(draw, text: str) -> str:
    """`text` with characters inserted, a line dropped or repeated, or indentation changed."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        n = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["insert", "drop", "repeat", "indent", "dedent"]))
        if how == "insert":
            at = draw(st.integers(0, len(lines[n])))
            junk = draw(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \t\\\x00\x85\u2028\ufeff甲") + ["\ud800"]), max_size=3))
            lines[n] = lines[n][:at] + junk + lines[n][at:]
        elif how == "drop":
            del lines[n]
        elif how == "repeat":
            lines.insert(n, lines[n])
        elif how == "indent":
            lines[n] = "  " + lines[n]
        else:
            lines[n] = lines[n][1:]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def dump(data) -> str | None:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return None


def sensible(out: str, code: int, where: str) -> None:
    """A run's output: an allowed exit, no traceback, no English from click, problems at a place."""
    assert code in (0, 1, 2), out
    for english in ENGLISH:
        assert english not in out, out
    if code == 2:
        problems = [line for line in out.splitlines() if line.startswith(where)]
        assert problems, out
        assert all(CHINESE.search(line) for line in problems), out


EVIDENCE = yaml.safe_load(yaml.safe_dump({
    "format": "safecomm/evidence@1", **community(),
    "documents": [{"id": "D-1", "kind": "制度", "title": "制度", "file": "attachments/d-1.pdf", "issued": "2024-03-01"}],
    "activities": [{"id": "A-1", "kind": "教育", "date": "2024-03-15", "title": "讲座", "audience": ["居民"], "participants": 20,
                    "project": "P-1", "files": ["attachments/d-1.pdf"]}],
}, allow_unicode=True))


@pytest.fixture(scope="module")
def place():
    folder = Path(tempfile.mkdtemp(prefix="safecomm-fuzz-"))
    (folder / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    bundle(folder / "app")
    yield folder
    shutil.rmtree(folder)


@FUZZ
@given(data=st.data())
def test_mangled_evidence_is_read_or_refused_at_a_place(place, data):
    ev = place / "app" / "evidence.yaml"
    text = dump(data.draw(mutated(EVIDENCE)))
    if text is None:
        text = yaml.safe_dump(EVIDENCE, allow_unicode=True, sort_keys=False)
    ev.write_bytes(data.draw(scrambled(text)).encode("utf-8", "surrogatepass"))
    command = data.draw(st.sampled_from([["validate", ev], ["assess", ev, "--scheme", place / "mini.yaml", "--format", "json"]]))
    before = ev.read_bytes()
    result = invoke(command)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    sensible(result.output, result.exit_code, str(ev))
    assert ev.read_bytes() == before


@FUZZ
@given(data=st.data())
def test_mangled_review_sheet_is_taken_or_refused_at_a_place(place, data):
    ev = bundle(place / "app")
    sheet = place / "app" / "evidence.review.yaml"
    if not sheet.exists():
        invoke(["review", "start", ev, "--scheme", place / "mini.yaml"])
    original = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    text = dump(data.draw(mutated(original))) or sheet.read_text(encoding="utf-8")
    mangled = place / "mangled.review.yaml"
    mangled.write_bytes(data.draw(scrambled(text)).encode("utf-8", "surrogatepass"))
    result = invoke(["assess", ev, "--scheme", place / "mini.yaml", "--review", mangled])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    sensible(result.output, result.exit_code, str(mangled))


WORDS = ["assess", "validate", "review", "start", "batch", "diff", "init", "schema", "indicators", "explain", "evidence", "2.4",
         "report", "convert", "scan", "--xlsx", "--docx", "--docx-template", "--only", "自评表", "--schemes",
         "--format", "json", "md", "html", "text", "--scheme", "--review", "--allow-stale", "--strict", "--pdf", "--csv", "--json",
         "--html", "0", "1", "-o", "--output", "--force", "--font-sans", "--primitives", "-h", "--", "-", "",
         "serve", "worker", "--demo", "--port", "--data", "--jobs", "draft", "--year"]
FILES = ["app/evidence.yaml", "app", "app/attachments/d-1.pdf", "app/evidence.review.yaml", "mini.yaml", "font.ttf", "notes.txt",
         "folder", "nowhere.yaml", "out.pdf", "out/x.csv", "out.docx", "out.xlsx", "out.md", "/dev/null", "/dev/zero",
         "/proc/self/status"]


@pytest.fixture(scope="module")
def world():
    folder = Path(tempfile.mkdtemp(prefix="safecomm-fuzz-cli-"))
    (folder / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    ev = bundle(folder / "app")
    invoke(["review", "start", ev, "--scheme", folder / "mini.yaml"])
    (folder / "font.ttf").write_bytes(FONT)
    (folder / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    (folder / "folder").mkdir()
    yield folder
    shutil.rmtree(folder)


@FUZZ
@given(words=st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(FILES), st.text(max_size=6)), max_size=8))
def test_random_command_lines_end_in_chinese_and_lose_nothing(world, words, monkeypatch_module):
    args = [str(world / w) if w in FILES and not w.startswith("/") else w for w in words]
    before = snapshot(world)
    result = invoke(args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (args, result.output)
    out = result.output
    for english in ENGLISH:
        assert english not in out, (args, out)
    after = snapshot(world)
    assert {k: v for k, v in after.items() if k in before} == before, args
    for new in set(after) - set(before):  # outputs made by this run: gone before the next one
        path = world / new
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists() or path.is_symlink():
            path.unlink()


@pytest.fixture(scope="module")
def monkeypatch_module():
    """No real PDF in the fuzzer (a second each): the renderer's bytes are not what is tested here;
    no server either."""
    from safecomm.report import pdf
    from safecomm.web import server

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "render", lambda *args, **kwargs: b"%PDF-1.7 fuzz")
        # serve and worker run until stopped: their options are fuzzed, the servers are not started
        patch.setattr(server, "serve", lambda *args, **kwargs: None)
        patch.setattr(server, "worker", lambda *args, **kwargs: None)
        yield patch


# Commands that run until stopped (the workbench's server and job worker): a random command line must
# not start them; tests/web drives them.
LONG_RUNNING = {"serve", "worker"}


def test_the_fuzzers_alphabet_covers_every_command():
    from safecomm.cli import main

    assert set(main.commands) - LONG_RUNNING <= set(WORDS)
