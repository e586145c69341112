"""Evidence that arrives as bytes (an upload): a YAML bundle, a 台账 workbook, or a .zip holding
either with its attachments.

Every message names the upload by the name its sender gave it (and, inside a zip, the part's
path), never a path on the server. The bounds are the engine's own: the YAML and workbook limits
of `loading` and `ledger.package`, and a zip is bounded as a workbook is (its size, its number of
parts, what the parts really inflate to); a part whose path leaves the archive is refused. Nothing
is written to disk.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .bundle import attachment_path, evidence_from, inside, read_attachments
from .ledger import SUFFIXES as LEDGER_SUFFIXES
from .ledger.package import MAX_FILE, MAX_INFLATED, MAX_PARTS
from .loading import MAX_BYTES, InputError, Problem, parse_yaml, printable

ZIP_BYTES = MAX_FILE  # a zip is bounded as a workbook (itself a zip) is
BUNDLES = ("evidence.yaml", "evidence.yml", "台账.xlsx")  # a bundle's own names in its folder
BUNDLE_SUFFIXES = (".yaml", ".yml", ".xlsx")
SKIPPED = ("__MACOSX/",)  # what macOS's archiver adds beside every file
NAME_CHARS = 120
LIMITS = {  # printed where uploads are taken
    "证据 YAML": f"{MAX_BYTES // 1024 // 1024} MB 以内",
    "台账 .xlsx": f"{MAX_FILE // 1024 // 1024} MB 以内，解压后 {MAX_INFLATED // 1024 // 1024} MB 以内，组成部分不超过 {MAX_PARTS} 个",
    ".zip 压缩包": f"{ZIP_BYTES // 1024 // 1024} MB 以内，解压后共 {MAX_INFLATED // 1024 // 1024} MB 以内，文件不超过 {MAX_PARTS} 个",
}


@dataclass(frozen=True)
class Unpacked:
    """A zip's bundle and the files beside it."""

    bundle: str  # the bundle's path inside the archive
    data: bytes
    files: dict[str, bytes]  # every other file under the bundle's folder, by its path relative to that folder


def display_name(name: str) -> str:
    """The upload's own name as its sender knows it: the last part of what the browser sent (some
    send `C:\\fakepath\\台账.xlsx`), printable and short."""
    base = printable(name.replace("\\", "/").rsplit("/", 1)[-1].strip())
    return base[:NAME_CHARS] or "上传的文件"


def load_evidence_bytes(data: bytes, name: str, attachments: dict[str, bytes] | str | Path | None = None, scheme=None):
    """The evidence in an upload: `data` is a YAML bundle, a 台账 workbook or a .zip of either with
    its attachments; `name` is the upload's display name, which every message cites. A bundle's
    attachments come from `attachments` (relative path → bytes, or a folder), or from the zip;
    without them every cited file counts as missing (a warning, as on the command line).

    Raises InputError listing every problem, as `bundle.load_evidence` does.
    """
    label = display_name(name)
    kind = kind_of(data, label)
    if kind == "zip":
        if attachments is not None:
            raise ValueError("a zip brings its own attachments")
        box = unpack(data, label)
        inner = f"{label}/{box.bundle}"
        return _load(box.data, inner, kind_of(box.data, inner), box.files, scheme)
    return _load(data, label, kind, attachments, scheme)


def _load(data: bytes, label: str, kind: str, attachments, scheme):
    if kind == "ledger":
        from .ledger.read import ledger_from_bytes

        doc = ledger_from_bytes(data, label, posixpath.splitext(label)[1] or ".xlsx")
    else:
        binary = binary_kind(data)
        if binary:
            raise _refuse(label, f"不是台账、YAML 或 zip 文件（看内容是{binary}）：请上传台账（.xlsx）、证据 YAML（.yaml）"
                                 "或含附件的 .zip 压缩包")
        doc = parse_yaml(data, label)
    if isinstance(attachments, (str, Path)):
        folder = Path(attachments)
        return evidence_from(doc, lambda: read_attachments(doc, folder / "evidence.yaml"), scheme)
    files = {key: value for key, value in ((inside(k), v) for k, v in (attachments or {}).items()) if key}
    return evidence_from(doc, lambda: read_attachments(doc, None, files), scheme)


def kind_of(data: bytes, label: str) -> str:
    """`yaml`, `ledger` or `zip`: by the name where it says, else by the bytes (a workbook is a zip
    with `xl/` parts; the old binary formats go to the ledger reader, which says what to do)."""
    suffix = posixpath.splitext(label)[1].lower()
    if suffix in LEDGER_SUFFIXES:
        return "ledger"
    if suffix == ".zip":
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ledger"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "ledger" if b"xl/workbook" in data[:65536] or b"xl/_rels" in data[:65536] else "zip"
    return "yaml"


MAGIC = (  # what a file that is not ours most often is, by its first bytes
    (b"MZ", "Windows 程序"), (b"\x7fELF", "程序"), (b"%PDF", "PDF 文件"), (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
)
TEXT_CONTROLS = b"\t\n\r\x0c"


def binary_kind(data: bytes) -> str | None:
    """What a file that is neither a workbook, a zip nor text is (`Windows 程序`, `PNG 图片`, …;
    `二进制文件` when unknown), or None for text. Text in UTF-16/32 (a BOM, or every other byte 0)
    is text: the YAML reader says which encoding to save it in."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return None
    controls = sum(1 for b in head if b < 0x20 and b not in TEXT_CONTROLS)
    for magic, kind in MAGIC:
        if head.startswith(magic) and (controls or magic != b"MZ"):
            return kind
    if not (b"\x00" in head or controls > len(head) // 100):
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = head[: max(len(head) // 2 * 2 - 2, 2)].decode(encoding)  # a pair cut at the end left out
        except UnicodeDecodeError:
            continue
        if text and not any(ord(c) < 0x20 and c not in "\t\n\r\x0c" for c in text):
            return None
    return "二进制文件"


def _refuse(label: str, message: str) -> InputError:
    return InputError([Problem(label, 0, 0, "", message)])


def _name(info: zipfile.ZipInfo) -> str:
    """A part's name as its maker wrote it: zips made on Chinese Windows store GBK names without
    saying so, which zipfile reads as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def unpack(data: bytes, name: str) -> Unpacked:
    """The bundle in a zip and the files under its folder, inflated under the engine's bounds.

    The bundle is `evidence.yaml` or `台账.xlsx` nearest the top, else the one .yaml/.xlsx file
    there; files outside its folder are not its attachments and are left out.
    """
    label = display_name(name)
    if len(data) > ZIP_BYTES:
        raise _refuse(label, f"压缩包过大（{len(data)} 字节），上限为 {ZIP_BYTES} 字节：附件较多时请分批整理，或压缩图片")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(label, "不是完整的 .zip 压缩包（文件已损坏，或是另一种文件改了扩展名）：请重新打包") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not _name(i).startswith(SKIPPED)]
        if len(infos) > MAX_PARTS:
            raise _refuse(label, f"压缩包中的文件过多（{len(infos)} 个，上限 {MAX_PARTS} 个）")
        parts: dict[str, bytes] = {}
        budget = MAX_INFLATED
        for info in infos:
            written = _name(info)
            if info.flag_bits & 0x1:
                raise _refuse(label, "压缩包设置了密码（已加密），无法读取：请不加密码重新打包")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _refuse(label, f"压缩包中的 {written} 是符号链接：请放入文件本身，重新打包")
            path, wrong = attachment_path(written)
            path = inside(path) if wrong is None else None
            if path is None:
                raise _refuse(label, f"压缩包中的 {written} {wrong or '指向压缩包之外（绝对路径或含 ..）'}：请把证据和附件放在同一文件夹中重新打包")
            if path in parts:
                raise _refuse(label, f"压缩包中的 {written} 重复出现：请重新打包")
            try:
                with archive.open(info) as part:
                    body = part.read(budget + 1)
            except NotImplementedError:
                raise _refuse(label, f"压缩包使用了不支持的压缩方式（{written}）：请用“deflate”或“存储”方式重新打包") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise _refuse(label, f"压缩包已损坏（{written} 无法解压）：请重新打包") from None
            if len(body) > budget:
                raise _refuse(label, f"压缩包解压后过大（超过 {MAX_INFLATED} 字节）")
            budget -= len(body)
            parts[path] = body
    bundle = _bundle(parts, label)
    folder = posixpath.dirname(bundle)
    files = {posixpath.relpath(p, folder or "."): body for p, body in parts.items()
             if p != bundle and (not folder or p.startswith(folder + "/"))}
    return Unpacked(bundle, parts[bundle], files)


def _bundle(parts: dict[str, bytes], label: str) -> str:
    def depth(path: str) -> int:
        return path.count("/")

    for wanted in (lambda p: posixpath.basename(p) in BUNDLES, lambda p: p.lower().endswith(BUNDLE_SUFFIXES)):
        found = [p for p in parts if wanted(p)]
        if not found:
            continue
        top = min(map(depth, found))
        nearest = sorted(p for p in found if depth(p) == top)
        if len(nearest) > 1:
            raise _refuse(label, f"压缩包中有多份证据（{'、'.join(nearest[:5])}）：一个压缩包只放一份证据（evidence.yaml 或 台账.xlsx）及其附件")
        return nearest[0]
    raise _refuse(label, "压缩包中没有证据文件：应含 evidence.yaml 或 台账.xlsx（及其 attachments 文件夹）")
