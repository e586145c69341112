"""Writing the files a run makes: whole or not at all, never over an input of the run, and every
failure a message in Chinese.

Every command writes through one `Outputs`, built from the files the run read
(`bundle.bundle_files` gives an evidence file and its attachments):

    out = Outputs([*bundle_files(evidence, bundle), sheet, scheme_file])
    out.add_inputs(more)                      # inputs learnt later (a batch's attachments)
    out.check(path, PDF)                      # before any work: raises InputError if it may not be written
    out.check_all([(p1, PDF), (p2, HTML)])    # the same for many, and no two of them one file
    out.write(path, data, PDF)                # an older PDF is replaced; anything else is refused
    out.write(path, pieces(), JSON)           # text or bytes, whole or as an iterable of pieces
    out.write(path, text, REVIEW, force=True) # a kind that holds a person's work needs --force
    out.folder(path)                          # a folder the command makes (init's attachments/)
    LOG = Kind("日志", lambda head: head.startswith(b"safecomm log"))  # a kind of one's own

Refused whatever `force` says: a target that resolves (symlinks followed) to an input of the
run; a target that exists and is not a regular file (a folder, /dev/null, a FIFO); an existing
file whose content is not of the kind written. An empty file may always be replaced. Every
OSError (read-only, disk full, parent is a file, name too long, permission…) becomes an
InputError naming the file; folders made for a write that failed are removed again.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .loading import InputError, Problem, os_reason, printable

HEAD = 64 * 1024  # how much of an existing file is read to tell its kind


@dataclass(frozen=True)
class Kind:
    """What a command writes, and how to recognise an existing file of the same kind by its first
    bytes. `keeps_work`: such a file holds a person's work (a filled-in sheet), so it is replaced
    only with --force; other kinds are regenerated outputs, replaced by the next run."""

    name: str
    looks_like: Callable[[bytes], bool]
    keeps_work: bool = False


def _text(head: bytes) -> str:
    return head.decode("utf-8-sig", "replace").lstrip()


def _typed(head: bytes) -> bool:
    """Text a person may have typed (evidence carries no signature): UTF-8 without NUL bytes.
    The head may end inside a character, which the incremental decoder leaves pending."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


PDF = Kind("PDF 文件", lambda head: head.startswith(b"%PDF-"))
HTML = Kind("HTML 文件", lambda head: re.match(r"(?i)<(!doctype html|html)\b", _text(head)) is not None)
JSON = Kind("JSON 文件", lambda head: re.match(r"\[\s*[{\]]|\{\s*[\"}]", _text(head)) is not None)
REVIEW = Kind("审核表", lambda head: b"safecomm/review@1" in head, keeps_work=True)
EVIDENCE = Kind("证据文件", lambda head: _typed(head) and not REVIEW.looks_like(head), keeps_work=True)
DOCX = Kind("Word 文件", lambda head: head.startswith(b"PK\x03\x04") and b"word/" in head)
# A 台账 holds a clerk's work, like an evidence file: replaced only with --force.
LEDGER_FILE = Kind("台账工作簿", lambda head: head.startswith(b"PK\x03\x04") and b"xl/" in head, keeps_work=True)
# The review sheet as a workbook (审核表.xlsx): a reviewer's work, replaced only with --force.
REVIEW_BOOK = Kind("审核表工作簿", lambda head: head.startswith(b"PK\x03\x04") and b"xl/" in head, keeps_work=True)
MARKDOWN = Kind("Markdown 文件", lambda head: _text(head).startswith("#"))


class Outputs:
    """The one way a command writes files; see the module docstring."""

    def __init__(self, inputs: Iterable[str | Path] = ()):
        self._real: set[str] = set()
        self._pending: list[str | Path] = []  # resolved when an output is first checked: a run that writes none never pays
        self._made: list[Path] = []  # folders this run created, newest last
        self.add_inputs(inputs)

    def add_inputs(self, paths: Iterable[str | Path]) -> None:
        """More files the run read (a batch learns its bundles' attachments as it goes)."""
        self._pending.extend(paths)

    @property
    def _inputs(self) -> set[str]:
        if self._pending:
            self._real.update(os.path.realpath(p) for p in self._pending)
            self._pending.clear()
        return self._real

    def check(self, path: str | Path, kind: Kind, force: bool = False) -> Path:
        """The real path `path` would be written at; InputError when it may not be written."""
        return self._check(path, kind, force)[0]

    def _check(self, path: str | Path, kind: Kind, force: bool = False) -> tuple[Path, bool]:
        """`check`, and whether a file is there to be replaced (False: the name must still be free
        when the output is put in place, or nothing is written)."""
        real = os.path.realpath(path)
        if real in self._inputs:
            raise _refused(path, "是本次读取的输入文件，不能覆盖：请换一个输出文件名")
        try:
            st = os.stat(real)
        except FileNotFoundError:
            return Path(real), False
        except OSError as exc:
            raise _refused(path, f"无法写入：{os_reason(exc)}") from None
        if stat.S_ISDIR(st.st_mode):
            raise _refused(path, f"这是一个文件夹，应为{kind.name}的路径")
        if not stat.S_ISREG(st.st_mode):
            raise _refused(path, "不是普通文件（是设备、管道或套接字），不能写入：请给出普通文件的路径")
        if st.st_size == 0:
            return Path(real), True
        try:
            with open(real, "rb") as f:
                head = f.read(HEAD)
        except OSError as exc:
            raise _refused(path, f"已存在但无法读取（{os_reason(exc)}），不能确认可以覆盖，未写入") from None
        if not kind.looks_like(head):
            raise _refused(path, f"已存在，内容不是{kind.name}，未覆盖：请换一个文件名，或先移走该文件")
        if kind.keeps_work and not force:
            raise _refused(path, f"已存在，未覆盖：{kind.name}中可能已有填写的内容（确需覆盖请加 --force）")
        return Path(real), True

    def check_all(self, targets: Iterable[tuple[str | Path, Kind]]) -> None:
        """`check` every (path, kind) a command will write, and that no two are the same file;
        every problem at once. For a command that writes many files (a batch): before any work."""
        seen: dict[Path, str | Path] = {}
        problems = []
        for path, kind in targets:
            try:
                real = self.check(path, kind)
            except InputError as exc:
                problems += exc.problems
                continue
            if real in seen:
                problems.append(Problem(printable(str(path)), 0, 0, "", f"与 {printable(str(seen[real]))} 是同一个输出文件：请为不同的输出换用不同的名称"))
            seen.setdefault(real, path)
        if problems:
            raise InputError(problems)

    def write(self, path: str | Path, data: bytes | str | Iterable[bytes | str], kind: Kind, force: bool = False) -> None:
        """Write `data` at `path` atomically (a temporary file beside it, then a rename). Text is
        written as UTF-8; an iterable of pieces is written piece by piece (never whole in memory)."""
        target, replace = self._check(path, kind, force)
        made = len(self._made)
        try:
            self._mkdirs(target.parent)
            _write_atomic(target, data, replace=replace)
        except FileExistsError:  # appeared since it was checked: check again, for its message
            self._unmake(made)
            self.check(path, kind, force)
            raise _refused(path, f"已存在，未覆盖{kind.name}") from None
        except OSError as exc:
            self._unmake(made)
            raise _refused(path, f"无法写入：{os_reason(exc)}") from None

    def folder(self, path: str | Path) -> None:
        """Make a folder (and its parents) for the command's output; OSError becomes InputError."""
        real = Path(os.path.realpath(path))
        made = len(self._made)
        try:
            self._mkdirs(real)
        except OSError as exc:
            self._unmake(made)
            raise _refused(path, f"无法创建文件夹：{os_reason(exc)}") from None

    def undo_folders(self) -> None:
        """Remove the folders this run made that are still empty (a command that failed half-way)."""
        self._unmake(0)

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir():
            if folder.exists() or folder.is_symlink():
                raise NotADirectoryError(20, "Not a directory", str(folder))
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self._made.append(folder)

    def _unmake(self, keep: int) -> None:
        while len(self._made) > keep:
            try:
                self._made.pop().rmdir()
            except OSError:
                pass  # not empty (another output is in it) or already gone: leave it


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """A cell's text as a spreadsheet shows it and never runs it (OWASP's rule for CSV injection):
    one that starts with = + - @, a tab or a carriage return gets a leading '. Every CSV a
    person may open in Excel or WPS (the batch summary, the workbench's exports) goes through it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _refused(path: str | Path, message: str) -> InputError:
    return InputError([Problem(printable(str(path)), 0, 0, "", message)])


def _write_atomic(target: Path, data: bytes | str | Iterable[bytes | str], replace: bool) -> None:
    """A temporary file (short name: a long target name must not push it over the limit) made
    whole and synced, then put in place. Without `replace` (the check found no file there) the
    output is created exclusively: hard-linked to its name, which fails if anything took the name
    meanwhile, so of two runs creating one new file exactly one succeeds. Where there are no hard
    links (the FAT file system of a USB stick) the name is reserved first with O_EXCL."""
    reserved = False
    fd, tmp = tempfile.mkstemp(prefix=".safecomm-", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as f:
            for piece in [data] if isinstance(data, (bytes, str)) else data:
                f.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # FileExistsError when the name was taken meanwhile
            except FileExistsError:
                raise
            except OSError:  # no hard links here: reserve the name, then rename onto the reservation
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                reserved = True
                os.replace(tmp, target)
            else:
                os.unlink(tmp)
    except BaseException:
        for leftover in (tmp, target) if reserved else (tmp,):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
