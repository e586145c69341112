"""Outputs are written whole or not at all, never over an input, never over another kind of file."""

import os
import stat

import pytest

from safecomm.loading import InputError
from safecomm.output import EVIDENCE, JSON, PDF, REVIEW, Outputs


def refused(out: Outputs, *args, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        out.write(*args, **kwargs)
    return str(caught.value)


def test_writes_an_ordinary_readable_file(tmp_path):
    target = tmp_path / "sub" / "申报表.pdf"
    Outputs().write(target, b"%PDF-1.7 x", PDF)
    assert target.read_bytes() == b"%PDF-1.7 x"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # group/others may read, as with any report
    assert os.listdir(target.parent) == ["申报表.pdf"]  # no temporary file left behind


def test_a_kind_that_holds_work_is_replaced_only_with_force(tmp_path):
    target = tmp_path / "sheet.yaml"
    target.write_text("format: safecomm/review@1\nopinion: 审核意见\n", encoding="utf-8")
    assert "--force" in refused(Outputs(), target, "new", REVIEW)
    assert "审核意见" in target.read_text(encoding="utf-8")
    Outputs().write(target, "format: safecomm/review@1\n", REVIEW, force=True)
    assert target.read_text(encoding="utf-8") == "format: safecomm/review@1\n"
    assert os.listdir(tmp_path) == ["sheet.yaml"]


def test_a_regenerated_output_is_replaced_but_never_a_file_of_another_kind(tmp_path):
    old = tmp_path / "out.pdf"
    old.write_bytes(b"%PDF-1.4 old")
    Outputs().write(old, b"%PDF-1.7 new", PDF)
    assert old.read_bytes() == b"%PDF-1.7 new"
    notes = tmp_path / "notes.json"
    notes.write_text("community:\n  name: 甲\n", encoding="utf-8")
    for force in (False, True):
        assert "内容不是JSON 文件" in refused(Outputs(), notes, "{}", JSON, force=force)
    assert notes.read_text(encoding="utf-8") == "community:\n  name: 甲\n"


def test_an_empty_file_may_be_replaced_by_any_kind(tmp_path):
    target = tmp_path / "x.yaml"
    target.touch()
    Outputs().write(target, "community: {}\n", EVIDENCE)
    assert target.read_text(encoding="utf-8") == "community: {}\n"


def test_an_input_is_refused_through_a_symlink_whatever_force_says(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("format: safecomm/review@1\n", encoding="utf-8")  # even when it looks like the kind written
    link = tmp_path / "link.yaml"
    link.symlink_to(evidence)
    out = Outputs([evidence])
    for target in (evidence, link):
        assert "输入文件" in refused(out, target, "x", REVIEW, force=True)
    assert evidence.read_text(encoding="utf-8") == "format: safecomm/review@1\n"


@pytest.mark.parametrize("target", ["/dev/null", "folder"])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path, target):
    path = tmp_path / target if target == "folder" else target
    if target == "folder":
        path.mkdir()
    message = refused(Outputs(), path, b"%PDF-", PDF)
    assert "文件夹" in message or "不是普通文件" in message
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_no_folder_it_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = Outputs()
    assert "是文件而不是文件夹" in refused(out, blocker / "new" / "x.pdf", b"%PDF-", PDF)
    out.folder(tmp_path / "made" / "attachments")
    assert (tmp_path / "made" / "attachments").is_dir()
    out.undo_folders()  # what init does when its evidence.yaml cannot be written
    assert os.listdir(tmp_path) == ["file"]
