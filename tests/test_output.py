"""Outputs are written whole or not at all, never over a user's file unless asked."""

import os
import stat

import pytest

from safecomm.output import write_atomic


def test_writes_an_ordinary_readable_file(tmp_path):
    target = tmp_path / "sub" / "申报表.txt"
    write_atomic(target, "内容")
    assert target.read_text(encoding="utf-8") == "内容"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # group/others may read, as with any report
    assert os.listdir(target.parent) == ["申报表.txt"]  # no temporary file left behind


def test_refuses_to_replace_when_asked_not_to(tmp_path):
    target = tmp_path / "sheet.yaml"
    target.write_text("审核意见", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(target, "new", overwrite=False)
    assert target.read_text(encoding="utf-8") == "审核意见"
    assert os.listdir(tmp_path) == ["sheet.yaml"]


def test_replaces_when_allowed(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
