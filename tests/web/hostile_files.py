"""Hostile uploads, made in code: each is (upload name, bytes). Neighbours of the CLI's hostile
classes (issue 19) as a browser would send them."""

from __future__ import annotations

import io
import re
import stat
import zipfile

import openpyxl

from . import ledgers

MB = 1024 * 1024


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)  # names kept as given (writestr of a str name would clean them)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def _rezip_xlsx(data: bytes, change) -> bytes:
    """An .xlsx with one of its parts rewritten by `change(name, bytes) -> bytes`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            archive.writestr(info, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def oversize() -> tuple[str, bytes]:
    """Just over the 20 MB an upload may have (a real ledger, padded with an attachment)."""
    return "big.zip", _zip([("台账.xlsx", ledgers.rectify())]) + b"\0" * (20 * MB + 10)


def zip_bomb() -> tuple[str, bytes]:
    """200 KB that inflate to 200 MB, beside a real ledger."""
    return "bomb.zip", _zip([("台账.xlsx", ledgers.rectify()), ("attachments/zeros.pdf", b"\0" * (200 * MB))])


def cut_zip() -> tuple[str, bytes]:
    """A fixture's zip cut in half: no central directory."""
    data = ledgers.fixture_zip("rectify")
    return "cut.zip", data[: len(data) // 2]


def cut_xlsx() -> tuple[str, bytes]:
    data = ledgers.rectify()
    return "台账.xlsx", data[: len(data) * 2 // 3]


def traversal() -> tuple[str, bytes]:
    return "trav.zip", _zip([("台账.xlsx", ledgers.rectify()), ("../../../escaped-by-zip.txt", b"x"),
                             ("attachments/../../escaped-too.txt", b"y")])


def absolute() -> tuple[str, bytes]:
    return "abs.zip", _zip([("台账.xlsx", ledgers.rectify()), ("/etc/escaped-absolute.txt", b"z")])


def symlink() -> tuple[str, bytes]:
    """A zip whose attachment is a symbolic link to a file outside."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("台账.xlsx", ledgers.rectify())
        link = zipfile.ZipInfo("attachments/a-001.jpg")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return "link.zip", out.getvalue()


def many_parts() -> tuple[str, bytes]:
    return "parts.zip", _zip([("台账.xlsx", ledgers.rectify())] + [(f"attachments/{i}.txt", b"") for i in range(1500)])


def _with_doctype(doctype: str, entity: str):
    """A part rewriter: the first worksheet gets `doctype` and uses `entity` in its first text."""
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet2.xml":
            return data
        text = data.decode("utf-8")
        head, rest = text.split("?>", 1) if text.startswith("<?xml") else ("", text)
        rest = re.sub(r"(<t[^>]*>)", lambda m: m.group(1) + entity, rest, count=1)
        return ((head + "?>" if head else "") + doctype + rest).encode("utf-8")
    return change


def xml_entity() -> tuple[str, bytes]:
    """A workbook whose sheet declares an external entity and uses it in a cell (never resolved)."""
    change = _with_doctype('<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
    return "台账.xlsx", _rezip_xlsx(ledgers.rectify(), change)


def billion_laughs() -> tuple[str, bytes]:
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    return "台账.xlsx", _rezip_xlsx(ledgers.rectify(), _with_doctype(f"<!DOCTYPE worksheet [{ents}]>", "&i;"))


def huge_extent() -> tuple[str, bytes]:
    """A small workbook with one cell at XFD1048576: its extent is 16384 × 1048576 cells."""
    book = openpyxl.load_workbook(ledgers.RECTIFY)
    book["活动"]["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return "台账.xlsx", out.getvalue()


def dimension_lie() -> tuple[str, bytes]:
    """A sheet whose <dimension> claims A1:XFD1048576 while its cells are few."""
    def change(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet") and b"<dimension" in data:
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data, count=1)
        return data
    return "台账.xlsx", _rezip_xlsx(ledgers.rectify(), change)


def not_a_workbook() -> tuple[str, bytes]:
    return "台账.xlsx", b"MZ\x90\x00 this is an executable, not a workbook" * 100


def wrong_kind() -> tuple[str, bytes]:
    return "evil.exe", b"MZ\x90\x00"


def python_tag() -> tuple[str, bytes]:
    return "evidence.yaml", (b"format: safecomm/evidence@1\ncommunity: !!python/object/apply:os.system ['touch /tmp/pwned-by-yaml']\n")


def typed_scalar() -> tuple[str, bytes]:
    return "evidence.yaml", "format: safecomm/evidence@1\ncommunity:\n  name: 甲街道\n  population: !!int 0xZZ\n".encode()


def huge_integer() -> tuple[str, bytes]:
    return "evidence.yaml", ("format: safecomm/evidence@1\ncommunity:\n  name: 甲街道\n  population: "
                             + "9" * 5000 + "\n").encode()


def formula_cell() -> tuple[str, bytes]:
    """A title that Excel would run: accepted as text, never as a formula (checked in the download)."""
    book = openpyxl.load_workbook(ledgers.RECTIFY)
    book["活动"]["D5"] = "=cmd|' /C calc'!A0"
    out = io.BytesIO()
    book.save(out)
    return "台账.xlsx", out.getvalue()


REFUSED = {  # name → maker; each must be refused with a Chinese page, nothing stored as a version
    "oversize": oversize, "zip bomb": zip_bomb, "cut zip": cut_zip, "cut xlsx": cut_xlsx,
    "traversal": traversal, "absolute path": absolute, "symlink": symlink, "too many parts": many_parts,
    "xml entity": xml_entity, "billion laughs": billion_laughs, "huge cell extent": huge_extent,
    "not a workbook": not_a_workbook, "wrong kind": wrong_kind,
    "python tag": python_tag, "typed scalar": typed_scalar, "huge integer": huge_integer,
}
