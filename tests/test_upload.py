"""Evidence from an upload's bytes: a YAML bundle, a 台账, or a zip with attachments; bounded as the
engine's files are; every message names the upload, never a path on the server."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import FIXTURES
from safecomm import InputError, load_evidence
from safecomm.ledger.package import MAX_INFLATED, MAX_PARTS
from safecomm.upload import ZIP_BYTES, load_evidence_bytes, unpack

READY = FIXTURES / "ready"


def zipped(files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def folder_files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def messages(exc) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def test_yaml_ledger_and_zip_give_the_evidence_the_file_gives():
    on_disk = load_evidence(READY / "evidence.yaml")
    from_yaml = load_evidence_bytes((READY / "evidence.yaml").read_bytes(), "evidence.yaml", READY)
    assert from_yaml == on_disk and from_yaml.attachments == on_disk.attachments
    files = {k: v for k, v in folder_files(READY).items() if k.startswith("attachments/")}
    assert load_evidence_bytes((READY / "evidence.yaml").read_bytes(), "e.yaml", files).attachments == on_disk.attachments
    ledger = load_evidence_bytes((READY / "台账.xlsx").read_bytes(), "C:\\fakepath\\台账.xlsx", READY)
    assert ledger == load_evidence(READY / "台账.xlsx")
    box = zipped({f"朝阳/{k}": v for k, v in folder_files(READY).items() if k != "台账.xlsx"})
    from_zip = load_evidence_bytes(box, "朝阳.zip")
    assert from_zip == on_disk and from_zip.attachments == on_disk.attachments


def test_without_attachments_every_cited_file_is_missing_not_an_error():
    ev = load_evidence_bytes((READY / "evidence.yaml").read_bytes(), "evidence.yaml")
    assert ev.attachments and all(a.sha256 is None for a in ev.attachments.values())


def test_problems_name_the_upload_never_a_server_path(tmp_path):
    bad = (READY / "evidence.yaml").read_bytes().replace(b"kind: \xe6\x95\x99\xe8\x82\xb2", b"kind: lecture", 1)
    with pytest.raises(InputError) as exc:
        load_evidence_bytes(bad, "/srv/uploads/tmp123/朝阳街道.yaml", tmp_path)
    text = messages(exc)
    assert text.startswith("朝阳街道.yaml:") and "/srv" not in text and str(tmp_path) not in text
    with pytest.raises(InputError) as exc:
        load_evidence_bytes(zipped({"a/evidence.yaml": bad}), "材料.zip")
    assert messages(exc).startswith("材料.zip/a/evidence.yaml:")


def test_attachments_in_a_dict_cannot_climb_out_of_their_folder():
    text = (READY / "evidence.yaml").read_text(encoding="utf-8").replace("attachments/d-001.pdf", "../secret.pdf", 1)
    with pytest.raises(InputError, match="不在证据文件所在文件夹内"):
        load_evidence_bytes(text.encode("utf-8"), "e.yaml", {"../secret.pdf": b"x"})


@pytest.mark.parametrize("name, message", [
    ("../evil.yaml", "指向压缩包之外"),
    ("/etc/evil.yaml", "绝对路径"),
    ("a/../../evil.yaml", "指向压缩包之外"),
])
def test_a_zip_whose_parts_leave_it_is_refused(name, message):
    with pytest.raises(InputError, match=message):
        unpack(zipped({"evidence.yaml": b"format: x", name: b"x"}), "x.zip")


def test_zip_bounds_on_both_sides_of_each_line():
    small = zipped({"evidence.yaml": b"x"})
    with pytest.raises(InputError, match="压缩包过大"):
        unpack(small + b"\0" * (ZIP_BYTES + 1 - len(small)), "big.zip")
    parts = {f"attachments/{n}.txt": b"" for n in range(MAX_PARTS - 1)}
    assert len(unpack(zipped({"evidence.yaml": b"x", **parts}), "ok.zip").files) == MAX_PARTS - 1
    with pytest.raises(InputError, match="文件过多"):
        unpack(zipped({"evidence.yaml": b"x", **parts, "attachments/last.txt": b""}), "many.zip")
    exact = zipped({"evidence.yaml": b"", "attachments/zero.bin": b"\0" * MAX_INFLATED})
    assert len(unpack(exact, "ok.zip").files["attachments/zero.bin"]) == MAX_INFLATED
    bomb = zipped({"evidence.yaml": b"x", "attachments/zero.bin": b"\0" * MAX_INFLATED})
    assert len(bomb) < ZIP_BYTES
    with pytest.raises(InputError, match="解压后过大"):
        unpack(bomb, "bomb.zip")


def test_the_bundle_is_found_nearest_the_top_and_two_are_refused():
    box = unpack(zipped({"x/台账.xlsx": b"PK", "x/attachments/名单.xlsx": b"PK2", "y.txt": b""}), "a.zip")
    assert box.bundle == "x/台账.xlsx" and set(box.files) == {"attachments/名单.xlsx"}
    with pytest.raises(InputError, match="多份证据"):
        unpack(zipped({"evidence.yaml": b"", "台账.xlsx": b""}), "two.zip")
    with pytest.raises(InputError, match="没有证据文件"):
        unpack(zipped({"a.txt": b""}), "none.zip")
    with pytest.raises(InputError, match="不是完整的 .zip"):
        unpack(b"PK\x03\x04garbage", "bad.zip")


def test_gbk_names_from_chinese_windows_are_read_as_written():
    gbk = "证据.yaml".encode("gbk")
    placeholder = b"X" * (len(gbk) - 5) + b".yaml"  # the same length: only the name's bytes change
    raw = zipped({placeholder.decode(): b"format: x"}).replace(placeholder, gbk)  # no UTF-8 flag, as Windows writes
    assert unpack(raw, "a.zip").bundle == "证据.yaml"


@pytest.mark.parametrize("name, data, kind", [
    ("evil.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "Windows 程序"),
    ("evidence.yaml", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(50), "Windows 程序"),  # by content, not by name
    ("photo", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "PNG 图片"),
    ("data.bin", bytes(range(256)) * 4, "二进制文件"),
])
def test_a_program_or_other_binary_is_not_a_ledger_yaml_or_zip(name, data, kind):
    with pytest.raises(InputError) as exc:
        load_evidence_bytes(data, name)
    message = exc.value.problems[0].message
    assert message.startswith(f"不是台账、YAML 或 zip 文件（看内容是{kind}）") and "UTF-8" not in message


@pytest.mark.parametrize("data, words", [
    ("format: safecomm/evidence@1\ncommunity:\n  name: 和平街道\n".encode("utf-16"), "UTF-16"),
    ("format: safecomm/evidence@1\ncommunity:\n  name: 和平街道\n".encode("gbk"), "GBK"),
    (b"MZ: a YAML key that starts like a program\n", None),  # text: the YAML reader's own message
])
def test_text_in_another_encoding_is_still_told_to_be_saved_as_utf8(data, words):
    with pytest.raises(InputError) as exc:
        load_evidence_bytes(data, "evidence.yaml")
    message = " ".join(p.message for p in exc.value.problems)
    assert "不是台账、YAML 或 zip 文件" not in message
    if words:
        assert "不是 UTF-8 编码" in message and words in message
