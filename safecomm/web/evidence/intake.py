"""From an uploaded file to a bundle the engine can read: a 台账 workbook, a YAML bundle, or a
.zip holding one of them with its attachments.

Bounded before anything is parsed: the upload's size, the zip's number of parts and what they
really inflate to (the workbook's own limits, which the engine applies to a ledger). Problems
name the upload as the user knows it (台账.xlsx:活动!B4), never a server path."""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ...ledger.package import MAX_FILE, MAX_INFLATED, MAX_PARTS
from ...loading import LEDGER_SUFFIXES, MAX_BYTES, NAME_BYTES, PATH_BYTES, InputError, Problem

YAML = (".yaml", ".yml")
ACCEPTED = (".xlsx", *YAML, ".zip")
LIMITS = [  # printed on the upload page, in the order a clerk meets them
    ("上传文件", f"不超过 {MAX_FILE // (1024 * 1024)} MB"),
    ("证据 YAML 文件", f"不超过 {MAX_BYTES // (1024 * 1024)} MB"),
    ("台账 .xlsx 与 .zip 压缩包的组成部分", f"不超过 {MAX_PARTS} 个"),
    (".zip 解压后合计", f"不超过 {MAX_INFLATED // (1024 * 1024)} MB"),
]
SKIPPED = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class Bundle:
    """The files of one upload, by path inside the bundle (the evidence file and attachments)."""

    evidence_path: str
    files: dict[str, bytes] = field(default_factory=dict)


def refuse(label: str, message: str) -> InputError:
    return InputError([Problem(label, 0, 0, "", message)])


def safe_name(name: str) -> str:
    """The file name a browser sent, without any folder part."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return name[:200] or "upload"


def unpack(name: str, raw: bytes) -> Bundle:
    """The bundle inside one upload, or InputError saying what is wrong with it."""
    name = safe_name(name)
    suffix = PurePosixPath(name).suffix.lower()
    if len(raw) > MAX_FILE:
        raise refuse(name, f"文件过大（{len(raw)} 字节），上限为 {MAX_FILE} 字节：请删去不需要的附件后重新上传")
    if suffix == ".zip":
        return _unzip(name, raw)
    if suffix in LEDGER_SUFFIXES or suffix in YAML:
        return Bundle(name, {name: raw})
    raise refuse(name, "只能上传台账（.xlsx）、证据 YAML（.yaml）或包含证据和附件的压缩包（.zip）")


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it: zips made on Chinese Windows name files in GBK
    without saying so (the UTF-8 flag unset), which Python reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", "replace")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unzip(label: str, raw: bytes) -> Bundle:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise refuse(label, "压缩包已损坏或不是 .zip 文件：请重新压缩后上传") from None
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    budget = MAX_INFLATED
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise refuse(label, f"压缩包中的文件过多（{len(infos)} 个，上限 {MAX_PARTS}）")
        for info in infos:
            name = _member_name(info).replace("\\", "/")
            if info.is_dir() or any(name.startswith(s) or name.endswith(s) for s in SKIPPED):
                continue
            wrong = _wrong_member(info, name)
            if wrong:
                problems.append(Problem(f"{label}:{name}", 0, 0, "", wrong))
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(budget + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
                problems.append(Problem(f"{label}:{name}", 0, 0, "", f"无法解压（{type(exc).__name__}）：请重新压缩后上传"))
                continue
            budget -= len(data)
            if budget < 0:
                raise refuse(label, f"压缩包解压后超过 {MAX_INFLATED} 字节：请删去不需要的附件，或分开上传")
            files[name.strip("/")] = data
    if problems:
        raise InputError(problems)
    return Bundle(_evidence_in(label, files), _unwrapped(files))


def _wrong_member(info: zipfile.ZipInfo, name: str) -> str | None:
    if info.flag_bits & 0x1:
        return "文件已加密：请不加密码重新压缩"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "是符号链接：压缩包中只能有普通文件"
    if "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "是绝对路径：压缩包中的文件须用相对路径"
    parts = name.split("/")
    if ".." in parts:
        return "路径中含有 ..：压缩包中的文件须在压缩包之内"
    if len(name.encode()) > PATH_BYTES or any(len(p.encode()) > NAME_BYTES for p in parts):
        return "文件名或路径太长：请缩短"
    return None


def _top_folder(files: dict[str, bytes]) -> str:
    """The one folder every file sits in (a zip of a folder), or ''."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return tops.pop() + "/"
    return ""


def _unwrapped(files: dict[str, bytes]) -> dict[str, bytes]:
    top = _top_folder(files)
    return {name[len(top):]: data for name, data in files.items()}


def _evidence_in(label: str, files: dict[str, bytes]) -> str:
    """The evidence file of a zip: the workbook or YAML nearest the top (after a wrapping folder)."""
    names = list(_unwrapped(files))
    found = [n for n in names if PurePosixPath(n).suffix.lower() in (*YAML, *LEDGER_SUFFIXES)]
    if not found:
        raise refuse(label, "压缩包中没有证据文件：应包含台账（.xlsx）或 evidence.yaml，以及 attachments 等附件文件夹")
    depth = min(n.count("/") for n in found)
    top = [n for n in found if n.count("/") == depth]
    if len(top) > 1:
        preferred = [n for n in top if PurePosixPath(n).name in ("evidence.yaml", "台账.xlsx")]
        if len(preferred) != 1:
            raise refuse(label, f"压缩包中有多个证据文件（{'、'.join(sorted(top)[:5])}）：每个压缩包只放一个社区的一份证据")
        return preferred[0]
    return top[0]


def relabel(exc: InputError, folder: str) -> InputError:
    """The loader's problems with the scratch folder taken out of every place and message."""
    prefix = folder.rstrip("/") + "/"

    def strip(text: str) -> str:
        return text.replace(prefix, "")

    return InputError([Problem(strip(p.file), p.line, p.column, p.path, strip(p.message), p.sheet) for p in exc.problems])


def rows(exc: InputError) -> list[dict]:
    """Problems as the table shows them: 位置 · 列 · 问题 · 怎么改 (the loader words its advice after
    a colon: "…：请…")."""
    out = []
    for p in exc.problems:
        problem, fix = p.message, ""
        for mark in ("：请", "；请", "，请", "：应", "：须"):
            if mark in p.message:
                problem, rest = p.message.split(mark, 1)
                fix = mark[1:] + rest
                break
        out.append({"place": p.place, "field": p.path, "problem": problem, "fix": fix})
    return out
