"""Reading YAML files into models, with errors a person can act on.

PyYAML keeps no positions on what it returns, so we compose the node tree first, refuse
duplicate keys and aliases there, construct from it, and walk pydantic's error locations
back through the tree to a line and column. Every problem is collected; none stops the
search for the next.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure Python loader does it all
    CParser = None

MAX_BYTES = 5 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


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
        return f"{self.place}  {self.path or ('(工作表)' if self.sheet else '(文件)')}  {self.message}"

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


class _Strict:
    """Refuses anchors and aliases (they expand when walked: billion laughs) and leaves dates as
    text: PyYAML would crash on `2024-13-01`, the models parse and report it."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "不允许使用 YAML 锚点或别名（& 或 *）：请把内容直接写出来", event.start_mark
            )
        return super().compose_node(parent, index)


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


@dataclass
class Document:
    """A parsed YAML file: its data, the node tree that knows where everything was, and the
    problems that did not stop reading (a duplicate key: the last one is read, as PyYAML does,
    so that the rest of the file is still checked and reported with it)."""

    file: str
    data: Any
    root: yaml.Node | None
    problems: list[Problem] = field(default_factory=list)

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
    """(key node, value node) of `segment` under `node`; a list item is its own key."""
    if isinstance(node, yaml.MappingNode):
        for key, value in reversed(node.value):  # of a duplicated key, the last one is read
            if str(key.value) == str(segment):
                return key, value
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
    path = Path(path)
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(label, 0, 0, "", "文件不存在")]) from None
    except IsADirectoryError:
        raise InputError([Problem(label, 0, 0, "", "这是一个文件夹，应为 YAML 文件")]) from None
    except OSError as exc:
        raise InputError([Problem(label, 0, 0, "", f"无法读取文件：{exc.strerror}")]) from None
    return parse_yaml(raw, label)


def parse_yaml(raw: bytes, label: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(label, 0, 0, "", f"文件过大（{len(raw)} 字节），上限为 {MAX_BYTES} 字节")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise InputError([Problem(label, line, column, "", "文件不是 UTF-8 编码（可能是 GBK）：请用编辑器另存为 UTF-8")]) from None
    if CParser is not None:
        try:
            return _parse(_FastLoader, text, label)
        except InputError:
            pass  # parse again in Python, for PyYAML's wording of the problem
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
        problems = list(_duplicate_keys(root, label, ()))
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in str(exc.problem):
            mark = exc.context_mark  # an unclosed quote or bracket: show where it was opened
        message = _yaml_message(exc)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError([Problem(label, line, column, "", message)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(label, 0, 0, "", f"YAML 错误：{exc}")]) from None
    finally:
        loader.dispose()
    return Document(label, data, root, problems)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if problem.startswith("不允许"):
        return problem
    hints = {
        "mapping values are not allowed here": "这里不能出现冒号：值中含有“: ”时请给整个值加引号",
        "could not find expected ':'": "缺少冒号：每一行应为“键: 值”",
        "found character '\\t' that cannot start any token": "含有制表符（Tab）：YAML 只能用空格缩进",
        "expected <block end>, but found": "缩进不一致：同一层的行应对齐",
        "found undefined alias": "不允许使用 YAML 别名（*）",
        "found unexpected end of stream": "文件意外结束：引号或括号没有闭合",
        "found unknown escape character": "引号内有无法识别的转义字符：改用单引号",
        "expected ',' or '}', but got ':'": "一行写法 {…} 里出现了意外的冒号：若值含“: ”，请给该值加引号（如 title: \"会议: 主题\"）；也可能是前面的 { 没有用 } 闭合",
        "expected ',' or '}'": "一行写法 {…} 没有正确结束：检查逗号和右花括号 }",
        "expected ',' or ']'": "一行写法 […] 没有正确结束：检查逗号和右方括号 ]",
    }
    for english, chinese in hints.items():
        if english in problem or english in str(exc.context or ""):
            return f"YAML 语法错误：{chinese}"
    return f"YAML 语法错误：{problem or exc.context}"


def _duplicate_keys(node: yaml.Node, label: str, loc: tuple):
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                first = seen[name].start_mark.line + 1
                yield Problem(label, key.start_mark.line + 1, key.start_mark.column + 1, field_path(loc + (name,)),
                              f"键 {name} 重复（第 {first} 行已有）：同一层的键只能出现一次")
            else:
                seen[name] = key
            yield from _duplicate_keys(value, label, loc + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, label, loc + (i,))


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
}


_PATTERNS = {  # what a text must look like, by the pattern the model gives it
    r"^\S+$": "不能含空格",
    r"^\d+\.\d+$": "应为条目编号，如 8.6",
}


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    shown = "" if isinstance(got, (dict, list)) else f"（现为 {got!r}）" if got is not None else ""
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
    return f"{error['msg']}{shown}"


def _choices(expected: str) -> str:
    """pydantic lists enum values as `'教育', '培训' or '演练'`; add the English codes we accept."""
    values = [v.strip(" '") for v in expected.replace(" or ", ", ").split(",") if v.strip()]
    from . import terms

    for cls in vars(terms).values():
        if isinstance(cls, type) and issubclass(cls, terms.Term) and cls is not terms.Term:
            if [m.value for m in cls] == values:
                return cls.choices()
    return "、".join(values)


def validation_problems(doc: Document, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        problems.append(doc.problem(loc, _message(error), key=error["type"] == "extra_forbidden"))
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


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")


def read_evidence_file(path: Path):
    """A YAML bundle as a `Document`, or a 台账 workbook as a `Ledger`: the same plain data, and
    each can say where in its file a field was (`where`, `problem`, `name`)."""
    if path.suffix.lower() in LEDGER_SUFFIXES:
        from .ledger.read import read_ledger

        return read_ledger(path)
    return read_yaml(path)


def load_evidence(path: str | Path, scheme=None):
    """Load an evidence bundle (YAML or 台账 workbook): validated, references resolved, attachments
    hashed; with a rule set, every declared `items` entry must be one of its items.

    Raises InputError listing every problem. A missing attachment is not an error: the
    assessment reports it as a warning.
    """
    from .evidence import Attachment, Evidence, attachment_locs, item_problems, reference_problems

    path = Path(path)
    doc = read_evidence_file(path)
    if not isinstance(doc.data, dict):
        load_model(doc, Evidence)  # raises the "not a mapping" problem
    problems = list(doc.problems)
    try:
        evidence = Evidence.model_validate(doc.data)
    except ValidationError as exc:
        evidence = None
        problems += validation_problems(doc, exc)
    problems += [doc.problem(loc, msg) for loc, msg in reference_problems(doc.data, where=doc.name)]
    if scheme is not None:
        known = {item.id for _, item in scheme.items()}
        problems += [doc.problem(loc, msg) for loc, msg in item_problems(doc.data, known, scheme.id)]
        if evidence is not None and scheme.communities and evidence.community.kind not in scheme.communities:
            kinds = "、".join(k.value for k in scheme.communities)
            problems.append(doc.problem(("community", "kind"), f"规则集 {scheme.id} 不适用于{evidence.community.kind.value}（适用于：{kinds}）：请换用适用的规则集（safecomm indicators --schemes）"))
    base = path.resolve().parent
    attachments: dict[str, Attachment] = {}
    for loc, written in attachment_locs(doc.data):
        target = (base / written).resolve()
        if Path(written).is_absolute() or not target.is_relative_to(base):
            problems.append(doc.problem(loc, f"附件 {written} 不在证据文件所在文件夹内：附件须放在该文件夹（或其子文件夹）中，用相对路径引用"))
        elif target.is_file():
            attachments[written] = Attachment(path=written, sha256=sha256_file(target), size=target.stat().st_size)
        else:
            attachments[written] = Attachment(path=written)
    if problems:
        raise InputError(problems)
    evidence._attachments = attachments
    return evidence
