"""A problem with an input, in words a person can act on: where (file:line:column, or
台账.xlsx:sheet!cell), which field, what is wrong. Kept apart from the loaders so that the command
line can report problems without importing the engine."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. `line` and `column` are 1-based (0 when unknown); in a
    workbook they are the row and column of the cell on `sheet`."""

    file: str
    line: int
    column: int
    path: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        return printable(f"{self.place}  {self.path or ('(工作表)' if self.sheet else '(文件)')}  {self.message}")

    @property
    def place(self) -> str:
        """`evidence.yaml:41:13`, or `台账.xlsx:活动!C12` in a workbook."""
        if self.sheet:
            cell = f"!{column_letters(self.column) if self.column else ''}{self.line or ''}" if self.line else ""
            return f"{self.file}:{self.sheet}{cell}"
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


def column_letters(number: int) -> str:
    """A spreadsheet column's letters: 1 → A, 28 → AB."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class InputError(Exception):
    """Input that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.sheet, p.line, p.column, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


_UNPRINTABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f\n\x85\u2028\u2029]")


def printable(text: str) -> str:
    """Text as it can be printed and written as UTF-8, on one line: a lone surrogate (a `\\ud800`
    escape in YAML, or a file name that was not UTF-8, as from a Windows zip unpacked here)
    becomes �; a line break (\\n, U+2028…) or another control character (an escape sequence that
    would recolour the terminal) is shown escaped, as `\\n`: a file name with a newline must not
    look like two lines of output."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    ch = match.group()
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    return {"\n": "\\n", "\r": "\\r"}.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长（一段文件名最多 255 字节，约 85 个汉字）",
    errno.ELOOP: "路径中的符号链接构成了循环",
    errno.ENOENT: "文件或所在文件夹不存在",
    errno.EEXIST: "已存在",
    errno.EIO: "读写出错（磁盘或网络盘故障）",
    errno.EFBIG: "文件太大",
    errno.ETXTBSY: "文件正被使用",
}


def os_reason(exc: OSError) -> str:
    """What an OSError means, in words a person can act on."""
    return _REASONS.get(exc.errno) or f"系统错误 {exc.strerror or exc}"
