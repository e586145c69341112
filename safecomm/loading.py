"""Reading YAML files into models, with errors a person can act on.

PyYAML keeps no positions on what it returns, so we compose the node tree first, refuse
duplicate keys and aliases there, construct from it, and walk pydantic's error locations
back through the tree to a line and column. Every problem is collected; none stops the
search for the next.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .problems import InputError, Problem, column_letters, os_reason, printable  # noqa: F401  (re-exported for the loaders)

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure Python loader does it all
    CParser = None


@functools.cache
def _surrogate() -> re.Pattern:
    """Lone surrogates (a `\\ud800` escape); compiled when a node is checked on the slow path, not in every run."""
    return re.compile("[\ud800-\udfff]")


MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # nesting levels of a YAML file: the deepest real one (a rule set's check parameters) has about 10

M = TypeVar("M", bound=BaseModel)


def read_input(path: str | Path, label: str | None = None, limit: int = MAX_BYTES, what: str = "文件") -> bytes:
    """The bytes of an input file, for every reader of a user's files (evidence, review sheets,
    rule sets, JSON results, fonts, ledgers). Opened without blocking (a FIFO would hang), then
    checked on the open file to be a regular file within `limit` before anything is read, and
    read no further than the limit: a link to /dev/zero or a 2 GiB sparse file costs nothing.
    `what` names the file in the messages (规则集文件, 字体文件…)."""
    label = label or printable(str(path))

    def fail(message: str) -> InputError:
        return InputError([Problem(label, 0, 0, "", message)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise fail(f"{what}不存在") from None
    except ValueError:
        raise fail(f"{what}名中含有空字符") from None
    except OSError as exc:
        raise fail(f"无法读取{what}：{os_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise fail(f"这是一个文件夹，应为{what}")
        if not stat.S_ISREG(st.st_mode):
            raise fail(f"不是普通文件（是设备、管道或套接字），应为{what}")
        if st.st_size > limit:
            raise fail(f"{what}过大（{st.st_size} 字节），上限为 {limit} 字节")
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise fail(f"无法读取{what}：{os_reason(exc)}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise fail(f"{what}过大（超过 {limit} 字节）")
    return data


def decode_text(raw: bytes, label: str, lenient: bool = False) -> str:
    """UTF-8 text (with or without a BOM). Anything else is an InputError that says what the file
    looks like instead. `lenient` also reads UTF-16/32 with a BOM and GB18030 (GBK): what a
    Windows console makes of our own output when it is redirected to a file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    found = _encoding(raw)
    if lenient and found:
        return raw.decode(found)
    line = raw[:bad].count(b"\n") + 1
    column = bad - raw.rfind(b"\n", 0, bad)
    if found and found.startswith("utf"):
        line, column = 1, 1  # the whole file is in another encoding: no one byte is to blame
    names = {"utf-16": "UTF-16", "utf-32": "UTF-32", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "gb18030": "GBK"}
    guess = f"（看来是 {names[found]} 编码）" if found else ""
    raise InputError([Problem(label, line, column, "", f"文件不是 UTF-8 编码{guess}：请用编辑器另存为 UTF-8")])


def _encoding(raw: bytes) -> str | None:
    """The encoding a file that is not UTF-8 most likely has, when it decodes cleanly in it."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        name = "utf-32"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        name = "utf-16"
    elif raw[1::2].count(0) > len(raw) // 4:  # ASCII keys in UTF-16 without a BOM: every other byte 0
        name = "utf-16-le"
    elif raw[0::2].count(0) > len(raw) // 4:
        name = "utf-16-be"
    else:
        name = "gb18030"
    try:
        raw.decode(name)
    except UnicodeDecodeError:
        return None
    return name


_SCALAR_WORDS = {  # what a value under an explicit tag must look like, when it cannot be read so
    "tag:yaml.org,2002:int": "不是整数（或位数超过 4300 位）",
    "tag:yaml.org,2002:float": "不是数字（或位数过多）",
    "tag:yaml.org,2002:bool": "应为 true 或 false",
    "tag:yaml.org,2002:timestamp": "不是有效的日期，如 2024-03-15",
    "tag:yaml.org,2002:binary": "不是有效的 base64 数据",
}


_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _no_colon(regexp: re.Pattern) -> re.Pattern:
    """YAML 1.1 reads `10:30` as the base-60 number 630: a clerk typing a time meant text (which a
    number field then refuses as such, rather than counting 630 participants)."""
    return re.compile("(?!.*:)" + regexp.pattern, regexp.flags)


class _Typed:
    """Leaves dates as text (PyYAML would crash on `2024-13-01`, the models parse and report it),
    and words a scalar its tag cannot make at its line."""

    yaml_implicit_resolvers = {
        first: [(tag, _no_colon(regexp) if tag in _NUMBERS else regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    _resolved: dict[str, str] = {}  # plain scalar → its tag, for the first short ones seen (keys, dates, numbers, words)

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        """PyYAML's `resolve`, which libyaml's composer calls for every node, less what no loader
        here has (path resolvers, resolvers for any first character); a plain scalar's tag depends
        on its text alone, and a bundle writes the same keys and words again and again."""
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return self.DEFAULT_SCALAR_TAG
            tag = self._resolved.get(value)
            if tag is None:
                tag = next((tag for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()) if regexp.match(value)),
                           self.DEFAULT_SCALAR_TAG)
                if len(value) <= 32 and len(self._resolved) < 4096:
                    self._resolved[value] = tag
            return tag
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def construct_object(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        """A scalar its tag cannot make (`!!int 0xZZ`, `!!bool maybe`, `!!timestamp 2024-13-45`, an
        integer of 5,000 digits) is an error at its node, in Chinese, not PyYAML's crash."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, LookupError, TypeError, OverflowError, ArithmeticError, AttributeError) as exc:
            value = str(node.value)[:20] + ("…" if len(str(node.value)) > 20 else "") if isinstance(node, yaml.ScalarNode) else ""
            what = _SCALAR_WORDS.get(node.tag, "无法按它的 YAML 标签读取") + "：请改正；若是文字内容，请删去以 !! 开头的标签并给整个值加引号"
            if isinstance(exc, ValueError) and "digits" in str(exc):
                what = "位数过多（超过 4300 位）：请改正"
            raise yaml.constructor.ConstructorError(None, None, f"值「{value}」{what}", node.start_mark) from None


class _Strict(_Typed):
    """Refuses anchors and aliases (they expand when walked: billion laughs) and nesting deeper
    than MAX_DEPTH (the composer recurses), as the nodes are composed."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "不允许使用 YAML 锚点或别名（& 或 *）：请把内容直接写出来", event.start_mark
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"不允许嵌套超过 {MAX_DEPTH} 层：请检查缩进和括号是否成对", event.start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_Strict, yaml.SafeLoader):
    """Pure Python: slow, but words syntax errors the way `_yaml_message` translates them."""


if CParser is not None:

    class _FastLoader(_Strict, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (ten times faster on a rule set) under PyYAML's composer,
        which keeps the same line marks and lets `_Strict` see every anchor."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    class _CLoader(_Typed, CParser, SafeConstructor, Resolver):
        """libyaml scans, parses and composes (its nodes carry the same marks); `_Checked` then
        walks the tree once, checking what `_Strict` checks while composing, and constructs."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


@dataclass
class Document:
    """A parsed YAML file: its data, the node tree that knows where everything was, and the
    problems that did not stop reading (a duplicate key: the last one is read, as PyYAML does,
    so that the rest of the file is still checked and reported with it)."""

    file: str
    data: Any
    root: yaml.Node | None
    problems: list[Problem] = field(default_factory=list)
    hashed: list[tuple[tuple, int, int, str]] = field(default_factory=list)  # values a `#` left empty: (loc, line, column, comment)

    def where(self, loc: tuple, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the deepest node along `loc` that exists; with `key`,
        of the key itself rather than its value (an unknown field's value may be lines below)."""
        node = mark = self.root
        for segment in loc:
            found = _child(node, segment)
            if found is None:
                continue  # a union tag or a missing key: stay on the parent
            mark, node = found
        if mark is None:
            return 0, 0
        mark = mark if key else node
        return mark.start_mark.line + 1, mark.start_mark.column + 1

    def problem(self, loc: tuple, message: str, key: bool = False) -> Problem:
        line, column = self.where(loc, key)
        return Problem(self.file, line, column, field_path(loc), message)

    def name(self, loc: tuple) -> str:
        """`documents[2].id（第 14 行）`: a place in the file, for messages about another place."""
        line, _ = self.where(loc)
        return f"{field_path(loc)}（第 {line} 行）" if line else field_path(loc)


def _child(node: yaml.Node | None, segment: Any) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) of `segment` under `node`; a list item is its own key. A mapping's
    keys are indexed once (60,000 unknown keys are 60,000 look-ups, not a scan each)."""
    if isinstance(node, yaml.MappingNode):
        index = getattr(node, "_keys", None)
        if index is None or index[0] != len(node.value):
            # of a duplicated key, the last one is read
            index = node._keys = (len(node.value), {str(key.value): (key, value) for key, value in node.value})
        return index[1].get(str(segment))
    elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int) and 0 <= segment < len(node.value):
        return node.value[segment], node.value[segment]
    return None


def field_path(loc: tuple) -> str:
    """`('activities', 3, 'date')` → `activities[3].date`."""
    out = ""
    for segment in loc:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += ("." if out else "") + str(segment)
    return out


def read_yaml(path: str | Path, label: str | None = None) -> Document:
    """Parse one YAML file safely; raise InputError on anything that is not plain YAML data."""
    label = label or printable(str(path))
    return parse_yaml(read_input(path, label), label)


def parse_yaml(raw: bytes, label: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(label, 0, 0, "", f"文件过大（{len(raw)} 字节），上限为 {MAX_BYTES} 字节")])
    text = decode_text(raw, label)
    if CParser is not None:
        doc = _parse_composed(text, label)
        if doc is not None:
            return doc
        try:
            return _parse(_FastLoader, text, label)
        except InputError as exc:
            if exc.problems[0].message.startswith(("不允许", "值「")):
                raise  # our own refusal: the same words either way, and the Python parser is slow
    return _parse(_Loader, text, label)


def _parse(loader_class: type, text: str, label: str) -> Document:
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:  # PyYAML checks every character up front
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        raise InputError([Problem(label, line, column, "", f"含有不能出现在 YAML 中的控制字符（U+{exc.character:04X}）：请删除")]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise InputError([Problem(label, 1, 1, "", "文件为空：应为 YAML 映射（键: 值）")])
        problems = list(_node_problems(root, label, ()))
        hashed = _hashed_in(root, text)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in str(exc.problem):
            mark = exc.context_mark  # an unclosed quote or bracket: show where it was opened
        message = _yaml_message(exc)
        opened = _unclosed(text, exc.problem_mark) if exc.problem_mark and not message.startswith("不允许") else None
        if opened:
            mark, message = opened
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError([Problem(label, line, column, "", message)]) from None
    except yaml.YAMLError:
        raise InputError([Problem(label, 0, 0, "", "YAML 语法错误：这里的写法无法识别：请检查引号、冒号、缩进和括号")]) from None
    finally:
        loader.dispose()
    return Document(label, data, root, problems, hashed)


_HASH_AFTER_COLON = re.compile(r":[ \t]+#")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's (and its marks' lines)


def _hashed_in(root: yaml.Node, text: str) -> list[tuple[tuple, int, int, str]]:
    return list(_hashed(root, _LINE_BREAKS.split(text), ())) if _HASH_AFTER_COLON.search(text) else []


def _hashed(node: yaml.Node, lines: list[str], loc: tuple):
    """(loc, line, column, comment) of each value left empty because a `#` after its colon began a
    comment (`title: #1 社区` is no title): YAML reads a comment, the clerk meant the text."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null" and value.value == "" and not value.style:
                found = _emptied(key, lines, loc)
                if found:
                    yield found
            else:
                yield from _hashed(value, lines, loc + (str(key.value),))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _hashed(item, lines, loc + (i,))


def _emptied(key: yaml.Node, lines: list[str], loc: tuple) -> tuple[tuple, int, int, str] | None:
    """(loc, line, column, comment) when the empty value of `key` was left so by a `#` after its colon."""
    rest = lines[key.end_mark.line][key.end_mark.column:] if key.end_mark.line < len(lines) else ""
    found = re.match(r"\s*:[ \t]+(#.*)$", rest)
    return (loc + (str(key.value),), key.start_mark.line + 1, key.start_mark.column + 1, found.group(1).rstrip()) if found else None


# Where an anchor (&) or an alias (*) could begin: never right after a letter, nor on a line that
# is a comment (or a comment-like line inside a quoted or block text, which holds no anchor either).
@functools.cache
def _property() -> re.Pattern:
    """Compiled when a text holds a `&` or a `*` at all (1 ms of every run otherwise)."""
    return re.compile("(?:\\A|(?<=[\n\r\x85\u2028\u2029]))(?![ \t]*#)[^\n\r\x85\u2028\u2029]*?(?<!\\w)[&*]")  # YAML's line breaks


class _Fallback(Exception):
    """The file needs the checked path: it alone words what is wrong (or unusual) in it."""


def _parse_composed(text: str, label: str) -> Document | None:
    """The fast path for a plain file: libyaml composes the whole node tree in C, one walk checks
    it and constructs the data. None when anything needs the checked path, which composes in
    Python and says what is wrong at its line: a `&` or `*` where an anchor or alias could begin,
    nesting deeper than MAX_DEPTH, a YAML error, a tag on a list or mapping, a merge key. Both paths
    give the same document (tested on every fixture and rule set)."""
    if ("&" in text or "*" in text) and _property().search(text):
        return None
    loader = _CLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        lines = _LINE_BREAKS.split(text) if _HASH_AFTER_COLON.search(text) else None
        walk = _Checked(loader, label, bool(_ESCAPE.search(text)), lines)
        data = walk.build(root, (), 1)
    except Exception:  # noqa: BLE001 - whatever it is, the checked path finds it again and words it
        return None
    finally:
        loader.dispose()
    return Document(label, data, root, walk.problems, walk.hashed)


_ESCAPE = re.compile(r"\\[uU]")  # a lone surrogate can only come from an escape
_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Checked:
    """One walk over a composed tree: what `_node_problems` finds, the depth `_Strict` bounds, the
    values a `#` left empty (what `_hashed` finds, given the file's `lines` when it has a `: #` at
    all), and the data SafeConstructor would build (text and null here, every other scalar through
    the loader's own constructors and error words)."""

    def __init__(self, loader: Any, label: str, escapes: bool, lines: list[str] | None = None):
        self.loader, self.label, self.escapes, self.lines = loader, label, escapes, lines
        self.problems: list[Problem] = []
        self.hashed: list[tuple[tuple, int, int, str]] = []

    def build(self, node: yaml.Node, loc: tuple, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Fallback
        kind = node.__class__
        if kind is yaml.ScalarNode:
            return self.scalar(node, loc)
        if node.value and depth == MAX_DEPTH:
            raise _Fallback  # its items would be deeper
        # a text or null item is made here, not in a call of its own (most of a bundle's nodes)
        plain = not self.escapes
        if kind is yaml.MappingNode and node.tag == _MAP:
            out, seen, lines = {}, {}, self.lines
            for key, value in node.value:
                if key.__class__ is not yaml.ScalarNode:
                    raise _Fallback
                name = str(key.value)
                if name in seen:
                    self.problems.append(_duplicate(self.label, key, seen[name], loc + (name,)))
                else:
                    seen[name] = key
                if lines is not None and value.__class__ is yaml.ScalarNode and value.tag == _NULL and value.value == "" and not value.style:
                    found = _emptied(key, lines, loc)  # as `_hashed` finds it, in the same walk
                    if found:
                        self.hashed.append(found)
                if plain and key.tag == _STR:
                    key = key.value
                else:
                    key = self.scalar(key, loc)
                if plain and value.__class__ is yaml.ScalarNode and (value.tag == _STR or value.tag == _NULL):
                    out[key] = value.value if value.tag == _STR else None
                else:
                    out[key] = self.build(value, loc + (name,), depth + 1)
            return out
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [item.value if plain and item.__class__ is yaml.ScalarNode and item.tag == _STR
                    else self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        raise _Fallback

    def scalar(self, node: yaml.ScalarNode, loc: tuple) -> Any:
        if self.escapes:
            self.problems += _node_problems(node, self.label, loc)
        if node.tag == _STR:
            return node.value
        if node.tag == _NULL:
            return None
        return self.loader.construct_object(node)


_TAG = "YAML 标签（以 ! 开头）写法有误：证据文件中不需要标签；若是文字内容，请给整个值加引号"
_DIRECTIVE = "以 % 开头的 YAML 指令或多余的文档分隔符（--- 或 ...）：请删除；若是文字内容，请给整个值加引号"
_HINTS = {  # PyYAML's words (its messages begin so) → what to do, in Chinese; the first that matches wins
    "mapping values are not allowed here": "这里不能出现冒号：值中含有“: ”时请给整个值加引号",
    "could not find expected ':'": "缺少冒号：每一行应为“键: 值”",
    "found character '\\t' that cannot start any token": "含有制表符（Tab）：YAML 只能用空格缩进",
    "found character": "值不能以 @ 或 ` 等字符开头：请给整个值加引号",
    "expected <block end>, but found": "缩进不一致：同一层的行应对齐",
    "invalid indentation or unclosed": "缩进有误，或 [ 与 { 没有闭合",
    "found undefined alias": "不允许使用 YAML 别名（*）",
    "expected alphabetic or numeric character": "& 或 * 之后应为名称（YAML 的锚点与别名，本文件中不允许）：若是文字内容，请给整个值加引号",
    "found unexpected end of stream": "文件意外结束：引号或括号没有闭合",
    "found unknown escape character": "引号内有无法识别的转义字符：改用单引号",
    "expected escape sequence": "引号内 \\x、\\u 或 \\U 之后应为十六进制数字：改用单引号，或删去反斜杠",
    "expected ',' or '}', but got ':'": "一行写法 {…} 里出现了意外的冒号：若值含“: ”，请给该值加引号（如 title: \"会议: 主题\"）；也可能是前面的 { 没有用 } 闭合",
    "expected ',' or '}'": "一行写法 {…} 没有正确结束：检查逗号和右花括号 }",
    "expected ',' or ']'": "一行写法 […] 没有正确结束：检查逗号和右方括号 ]",
    "expected the node content": "这里缺少值：检查逗号、冒号和括号",
    "sequence entries are not allowed here": "这里不能出现列表项“- ”：检查缩进；以“- ”开头的文字请加引号",
    "mapping keys are not allowed here": "这里不能出现“? ”：以问号开头的文字请加引号",
    "expected chomping or indentation indicators": "| 或 > 之后的写法有误：多行文字写成 | 或 >，后面直接换行",
    "expected indentation indicator": "| 或 > 之后的写法有误：多行文字写成 | 或 >，后面直接换行",
    "expected a comment or a line break": "这里之后应换行（或以 # 开始注释）：检查 | 或 > 之后的多余文字",
    "found unhashable key": "键不能是列表或映射",
    "could not determine a constructor for the tag": _TAG,
    "expected '!'": _TAG, "expected '>'": _TAG, "expected URI": _TAG, "expected non-empty name": _TAG, "found undefined tag": _TAG,
    "expected ' '": _TAG,
    "expected a single document": _DIRECTIVE, "expected '<document start>'": _DIRECTIVE, "found unexpected document": _DIRECTIVE,
    "expected a digit": _DIRECTIVE, "found duplicate YAML directive": _DIRECTIVE, "found incompatible YAML document": _DIRECTIVE,
}


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's error in Chinese, with what to do; never its English."""
    problem = exc.problem or ""
    if problem.startswith(("不允许", "值「")):
        return problem
    for english, chinese in _HINTS.items():
        if problem.startswith(english) or str(exc.context or "").startswith(english):
            return f"YAML 语法错误：{chinese}"
    return "YAML 语法错误：这里的写法无法识别：请检查引号、冒号、缩进和括号"


def _unclosed(text: str, error: yaml.Mark) -> tuple[yaml.Mark, str] | None:
    """Where a quote or bracket opened that a syntax error at `error` comes from, and what to say:
    a quoted value that ran over lines and closed on the error's line (an unclosed quote that
    swallowed the next lines, which PyYAML blames on the indentation), or a { or [ still open
    at the end of the file."""
    opened = []
    try:
        for token in yaml.scan(text, Loader=yaml.CSafeLoader if CParser is not None else yaml.SafeLoader):
            if token.start_mark.line > error.line:
                break
            if isinstance(token, (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
                opened.append(token.start_mark)
            elif isinstance(token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)) and opened:
                opened.pop()
            elif (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and token.start_mark.line < token.end_mark.line == error.line):
                return token.start_mark, (
                    f"YAML 语法错误：第 {token.start_mark.line + 1} 行的引号没有闭合，直到第 {error.line + 1} 行才遇到下一个引号："
                    "请在值的末尾补上引号（值中本身含引号时，外层改用另一种引号）"
                )
    except yaml.YAMLError:
        pass
    if opened and not text[error.index:].strip():
        return opened[-1], "YAML 语法错误：这里开始的 { 或 [ 直到文件末尾也没有闭合：请补上 } 或 ]"
    return None


def _node_problems(node: yaml.Node, label: str, loc: tuple):
    """Duplicate keys, and text with lone surrogates (a `\\ud800` escape), which is then read as
    � so that the models do not report it a second time in pydantic's words."""
    if isinstance(node, yaml.ScalarNode):
        if isinstance(node.value, str) and _surrogate().search(node.value):
            bad = _surrogate().search(node.value).group()
            yield Problem(label, node.start_mark.line + 1, node.start_mark.column + 1, field_path(loc),
                          f"含有无效的字符（孤立的代理码位 \\u{ord(bad):04x}，多半是转义写错了）：请删除或改正")
            node.value = _surrogate().sub("\ufffd", node.value)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield _duplicate(label, key, seen[name], loc + (name,))
            else:
                seen[name] = key
            yield from _node_problems(key, label, loc)
            yield from _node_problems(value, label, loc + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _node_problems(item, label, loc + (i,))


def _duplicate(label: str, key: yaml.Node, first: yaml.Node, loc: tuple) -> Problem:
    return Problem(label, key.start_mark.line + 1, key.start_mark.column + 1, field_path(loc),
                   f"键 {loc[-1]} 重复（第 {first.start_mark.line + 1} 行已有）：同一层的键只能出现一次")


# -- pydantic errors, in Chinese ------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（拼写错误？）：请对照文档删除或改正",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（不能有小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字（不能是 .inf 或 .nan）",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期，如 2024-03-15 或 2024年3月15日",
    "date_parsing": "应为日期，如 2024-03-15 或 2024年3月15日",
    "date_from_datetime_parsing": "应为日期，如 2024-03-15 或 2024年3月15日",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2024-03-15",
    "list_type": "应为列表（每项以“- ”开头，或写成 [甲, 乙]）",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "string_unicode": "含有无效的字符",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "none_required": "应留空",
    "union_tag_invalid": "类型不是可用的取值",
    "union_tag_not_found": "缺少类型字段",
}


_PATTERNS = {  # what a text must look like, by the pattern the model gives it
    r"^\S+$": "不能含空格",
    r"^\d+\.\d+$": "应为条目编号，如 8.6",
}


def validation_message(error: dict) -> str:
    """One pydantic error in Chinese, without its place (the caller words the place)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    shown = "" if isinstance(got, (dict, list)) else f"（现为 {_shown(got)}）" if got is not None else ""
    if kind == "enum":
        return f"「{got}」不是可用的取值，应为以下之一：{_choices(ctx.get('expected', ''))}"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected')}{shown}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "不小于", "greater_than": "大于", "less_than_equal": "不大于", "less_than": "小于"}
        bound = next(iter(ctx.values()), "")
        return f"应{words[kind]} {bound}{shown}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(ctx.get("pattern"), "格式不对") + shown
    if kind in _MESSAGES:
        return _MESSAGES[kind] + (shown if kind not in ("missing", "extra_forbidden") else "")
    return f"取值不符合要求{shown}（{kind}）"


def _shown(value: Any) -> str:
    """A value as the clerk wrote it: a date a YAML tag made (`!!timestamp`) as 2024-05-10, not
    Python's datetime.date(2024, 5, 10); bytes (`!!binary`) by their size."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat(" ") if isinstance(value, datetime.datetime) else value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return f"{len(value)} 字节的二进制数据"
    return repr(value)


def _choices(expected: str) -> str:
    """pydantic lists enum values as `'教育', '培训' or '演练'`: the Chinese values, as the drop-down
    shows them (the English codes are accepted, never offered)."""
    values = [v.strip(" '") for v in expected.replace(" or ", ", ").split(",") if v.strip()]
    return "、".join(values)


def validation_problems(doc: Document, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        problems.append(doc.problem(loc, validation_message(error), key=error["type"] == "extra_forbidden"))
    return problems


def load_model(doc: Document, model: type[M], context: dict | None = None) -> M:
    """Validate a parsed document against a model, reporting every error at its line."""
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "应为 YAML 映射（键: 值），而不是单个值或列表")])
    try:
        result = model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise InputError(doc.problems + validation_problems(doc, exc)) from None
    if doc.problems:
        raise InputError(doc.problems)
    return result


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()
