"""Parsed rule sets kept between runs: the same results with or without the cache, problems still
at their lines, and a cache file that is not what safecomm wrote is ignored, never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from safecomm import assess, load_evidence, load_scheme
from safecomm.rulesets import available, examples
from safecomm.loading import InputError

from conftest import FIXTURES, MINI_SCHEME

READY = FIXTURES / "ready" / "evidence.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh cache folder for this test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "safecomm"


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("rules-*.json")) if cache.is_dir() else []


def graded(scheme_ref) -> str:
    return assess(load_evidence(READY), load_scheme(scheme_ref)).to_json()


def test_the_second_run_reads_the_cache_and_grades_the_same(cache, tmp_path, monkeypatch):
    first = graded("national-2009")
    [entry] = entries(cache)
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == "safecomm/rule-cache@1"
    before = entry.stat().st_mtime_ns
    assert graded("national-2009") == first  # from the cache: not written again
    assert entry.stat().st_mtime_ns == before
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder")
    assert graded("national-2009") == first  # no cache to be had: no error, the same bytes


def test_a_cached_rule_set_reports_its_problems_at_their_lines(cache, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI_SCHEME.replace("primitive: member_sectors", "primitive: member_sector"), encoding="utf-8")
    seen = []
    for _ in range(2):  # parsed, then from the cache
        with pytest.raises(InputError) as caught:
            load_scheme(bad)
        seen.append([(p.file, p.line, p.column, p.message) for p in caught.value.problems])
    assert len(entries(cache)) == 1
    assert seen[0] == seen[1] and seen[0][0][1] > 1 and "未知的检查原语 member_sector" in seen[0][0][3]


def test_a_changed_rule_set_is_parsed_again(cache, tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_SCHEME, encoding="utf-8")
    assert load_scheme(path).indicators[0].items[0].checks[1].target.value == 3
    path.write_text(MINI_SCHEME.replace('target: {">=": 3}', 'target: {">=": 4}'), encoding="utf-8")
    assert load_scheme(path).indicators[0].items[0].checks[1].target.value == 4
    assert len(entries(cache)) == 2


@pytest.mark.parametrize("planted", [
    b"\x80\x81 not text",
    b"{\"format\": \"safecomm/rule-cache@1\", \"name\": \"elsewhere.json\", \"data\": {}}",  # another entry's
    b"[" * 100_000 + b"]" * 100_000,
    b"{\"format\": \"safecomm/rule-cache@1\", \"name\": \"NAME\", \"data\": NaN}",
    b"(dp0\nS'format'\np1\n.",  # a pickle: not JSON, not read
    b"",
], ids=["binary", "other-name", "deep", "nan", "pickle", "empty"])
def test_a_cache_file_safecomm_did_not_write_is_ignored_and_replaced(cache, planted):
    first = graded("national-2009")
    [entry] = entries(cache)
    written = entry.read_bytes()
    entry.write_bytes(planted.replace(b"NAME", entry.name.encode()))
    assert graded("national-2009") == first
    assert entry.read_bytes() == written


def test_a_cache_file_of_another_shape_is_ignored(cache):
    first = graded("national-2009")
    [entry] = entries(cache)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    for shape in ({**stored, "extra": 1}, {**stored, "data": [stored["data"]]}, {**stored, "format": "safecomm/rule-cache@0"}):
        entry.write_text(json.dumps(shape, ensure_ascii=False), encoding="utf-8")
        assert graded("national-2009") == first


def test_a_cache_link_to_an_endless_file_costs_nothing(cache):
    first = graded("national-2009")
    [entry] = entries(cache)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert graded("national-2009") == first


def test_the_command_gives_the_same_bytes_cold_and_cached(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"}
    code = "import sys; sys.argv = ['safecomm', *sys.argv[1:]]\nfrom safecomm.cli import main\nmain()"
    runs = [subprocess.run([sys.executable, "-c", code, "assess", str(READY), "--format", "json"],
                           capture_output=True, env=env, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.startswith(b"{")
    assert len(entries(tmp_path / "cache" / "safecomm")) == 1


def test_a_relative_cache_folder_is_ignored(tmp_path, monkeypatch):
    """XDG says a relative XDG_CACHE_HOME is to be ignored: no cache is made where the user stands."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    graded("national-2009")
    assert not (tmp_path / "relative").exists()
    assert len(entries(tmp_path / "home" / ".cache" / "safecomm")) == 1


# -- rule sets kept checked (rulecache.checked / keep) ------------------------------------------

KINDS = ("街道", "乡镇", "工业园区")


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True and an enum == its text would
    pass a plain ==), fields written and private state included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return (same(a.__dict__, b.__dict__) and a.model_fields_set == b.model_fields_set
                and same(a.__pydantic_private__, b.__pydantic_private__))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k, l) and same(a[k], b[l]) for k, l in zip(a, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def checked_entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("checked-*.json")) if cache.is_dir() else []


def bookkeeping_aside(scheme):
    """What load_scheme adds after the check (the kinds read on demand, the files, the lineage) aside."""
    private = dict(scheme.__pydantic_private__)
    for name in ("_kinds", "_unread", "_files", "_lineage", "_vocabulary", "_topics", "_kind"):
        private.pop(name)
    return scheme.__dict__, scheme.model_fields_set, private


def as_for(name: str, kind: str | None):
    scheme = load_scheme(name)
    return scheme.for_kind(kind) if kind else scheme


@pytest.mark.parametrize("name", available() + examples())
def test_a_rule_set_read_back_checked_is_the_rule_set_its_checks_made(cache, name):
    fresh = {kind: bookkeeping_aside(as_for(name, kind)) for kind in (None, *KINDS)}
    kept = len(checked_entries(cache))
    assert kept >= 1
    again = {kind: bookkeeping_aside(as_for(name, kind)) for kind in (None, *KINDS)}
    assert len(checked_entries(cache)) == kept  # read, not written again
    for kind in fresh:
        assert same(fresh[kind], again[kind]), kind


def every_assessment() -> list[bytes]:
    bundles = [load_evidence(p) for p in sorted(FIXTURES.glob("*/evidence.yaml"))] + \
              [load_evidence(p) for p in sorted(FIXTURES.glob("*/台账.xlsx"))]
    out = []
    for name in available() + examples():
        scheme = load_scheme(name)
        for ev in bundles:
            for kind in KINDS:
                community = ev.community.model_copy(update={"kind": type(ev.community.kind)(kind)})
                out.append(assess(ev.model_copy(update={"community": community}), scheme).to_json().encode())
    return out


def test_every_assessment_is_the_same_bytes_with_and_without_the_checked_rule_sets(cache, tmp_path, monkeypatch):
    kept = every_assessment()  # written here
    assert checked_entries(cache)
    assert every_assessment() == kept  # read back
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))  # no cache at all
    assert every_assessment() == kept


def test_the_signing_key_is_the_users_alone(cache):
    graded("national-2009")
    key = cache / "key"
    assert len(key.read_bytes()) == 32 and key.stat().st_mode & 0o077 == 0


def tampered(raw: bytes) -> bytes:
    """The payload changed, the signature kept: the rule set's title, which every assessment prints."""
    mac, _, payload = raw.partition(b"\n")
    title = "安全社区评定指标（国家级）".encode()
    assert title in payload
    return mac + b"\n" + payload.replace(title, "安全社区评定指标（伪造）".encode())


def test_a_tampered_checked_rule_set_is_ignored_and_checked_again(cache):
    first = graded("national-2009")
    [entry] = checked_entries(cache)
    written = entry.read_bytes()
    entry.write_bytes(tampered(written))
    assert graded("national-2009") == first
    assert entry.read_bytes() == written  # checked again, and kept again as it was


def test_a_checked_rule_set_signed_with_another_key_is_ignored(cache, tmp_path, monkeypatch):
    first = graded("national-2009")
    [entry] = checked_entries(cache)
    elsewhere = tmp_path / "elsewhere" / "safecomm"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    graded("national-2009")  # that folder's own key and entry
    [own] = checked_entries(elsewhere)
    assert (elsewhere / "key").read_bytes() != (cache / "key").read_bytes()
    own.write_bytes(tampered(entry.read_bytes()))  # another user's file, loosened
    assert graded("national-2009") == first


def test_a_signed_file_naming_a_class_outside_the_rule_set_is_ignored(cache):
    """Even signed, a file may only make the models and enums of the rule-set modules."""
    import hashlib
    import hmac

    first = graded("national-2009")
    [entry] = checked_entries(cache)
    mac, _, payload = entry.read_bytes().partition(b"\n")
    for planted in (b'"c": "safecomm.scheme.Schemes"', b'"c": "safecomm.assessment.Assessment"', b'"c": "builtins.type"'):
        bad = payload.replace(b'"c": "safecomm.scheme.Scheme"', planted, 1)
        assert bad != payload
        key = (cache / "key").read_bytes()
        entry.write_bytes(hmac.new(key, bad, hashlib.sha256).hexdigest().encode() + b"\n" + bad)
        assert graded("national-2009") == first
