"""A rule set (`safecomm/scheme@1`): indicators, items, their checks, thresholds and the verdict policy.

A city or province maintains its variant as YAML: a new item, threshold or verdict rule is
data; only a new primitive is code. Unknown primitives, bad parameters and duplicate ids are
errors when the rule set is loaded, never silently ignored.
"""

from __future__ import annotations

import functools
import hashlib
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator, model_validator

from .checks import REGISTRY
from .measure import OPERATORS, SYMBOLS, WORDS, Unit, Value, format_value

FORMAT = "safecomm/scheme@1"
Grade = Literal["A", "B", "C"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Bound(Rule):
    """A comparison written `{">=": 0.5}`: the measured value must satisfy it."""

    op: Literal[">=", ">", "<=", "<", "=="]
    value: float

    @model_validator(mode="before")
    @classmethod
    def _from_mapping(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) == 1 and next(iter(data)) in OPERATORS:
            (op, value), = data.items()
            return {"op": op, "value": value}
        if isinstance(data, dict) and set(data) == {"op", "value"}:
            return data
        raise ValueError('应写成一个比较，如 {">=": 0.5}；可用的比较符：>= > <= < ==')

    def holds(self, value: Value) -> bool:
        if value is None:
            return False
        return OPERATORS[self.op](value, exact(self.value))  # int, bool and Fraction compare exactly

    def text(self, unit: Unit) -> str:
        """`≥ 50%`"""
        return f"{SYMBOLS[self.op]} {shown(self.value, unit)}"

    def words(self, unit: Unit) -> str:
        """`不少于50%`"""
        return f"{WORDS[self.op]}{shown(self.value, unit)}"


# Bounds are few and read for every bundle: their exact value and their text are cached.
@functools.lru_cache(maxsize=None)
def exact(value: float) -> Fraction:
    """A bound as written: `0.5` is exactly 1/2, `0.8` exactly 4/5."""
    return Fraction(str(value))


@functools.lru_cache(maxsize=None)
def shown(value: float, unit: Unit) -> str:
    """`50%` for a ratio, `4` for a count."""
    return format_value(exact(value), unit) if unit == "ratio" else f"{value:g}"


class Check(Rule):
    """One condition of an item: a primitive with parameters, needed for grade B or for A."""

    id: str = Field(min_length=1)
    level: Literal["A", "B"] = Field(description="B：达到 B 级所必需；A：达到 A 级还需要")
    requirement: str = Field(min_length=1, description="一句话说明要求什么")
    primitive: str = Field(description="检查原语的名称（见 docs/primitives.md）")
    params: dict[str, Any] = {}
    target: Bound | None = Field(None, description='对测量值的要求，如 {">=": 0.5}')
    veto: Bound | None = Field(None, description='否决线：测量值满足它即不合格，如 {"<": 0.3}')
    threshold: str | None = Field(None, description="若为指标表中写明的阈值，给出其名称")
    advice: str = Field(min_length=1, description="未通过时的整改建议")
    why: str | None = Field(None, description="为何选这个数：指标表没有写明时的依据")

    _params: Any = PrivateAttr(None)

    @field_validator("primitive")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in REGISTRY:
            raise ValueError(f"未知的检查原语 {name}；可用的原语见 `safecomm indicators --primitives` 或 docs/primitives.md")
        return name

    @field_validator("params")
    @classmethod
    def _valid_params(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """Checked here rather than after the model, so that the error points at `params:`."""
        primitive = REGISTRY.get(info.data.get("primitive", ""))
        if primitive is None:
            return params  # the unknown primitive is reported on its own line
        try:
            primitive.params.model_validate(params)
        except ValidationError as exc:
            from .loading import _message, field_path

            raise ValueError("；".join(
                f"参数 {field_path(tuple(e['loc']))}：{_message(e)}" for e in exc.errors(include_url=False)
            )) from None
        return params

    @model_validator(mode="after")
    def _bind(self) -> Check:
        primitive = REGISTRY[self.primitive]
        if primitive.unit == "bool" and self.target is not None:
            raise ValueError(f"原语 {self.primitive} 给出是/否，不能设 target")
        if primitive.unit != "bool" and self.target is None:
            raise ValueError(f"原语 {self.primitive} 给出测量值，必须设 target，如 {{\">=\": 1}}")
        if self.veto is not None and self.target is None:
            raise ValueError("设了 veto 的检查也必须设 target")
        self._params = primitive.params.model_validate(self.params)
        return self

    @property
    def unit(self) -> Unit:
        return REGISTRY[self.primitive].unit

    @property
    def bound_params(self) -> Any:
        return self.__pydantic_private__["_params"]  # read for every check of every bundle: skip __getattr__


class Item(Rule):
    id: str = Field(pattern=r"^\d+\.\d+$", description="如 2.4")
    text: str = Field(min_length=1, description="指标原文")
    note: str | None = Field(None, description="指标表中的备注")
    confirm: str | None = Field(None, description="文件不足以判定、需现场核实的内容")
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_checks(self) -> Item:
        ids = [c.id for c in self.checks]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"检查编号重复：{'、'.join(dup)}")
        return self


class Indicator(Rule):
    id: str = Field(pattern=r"^\d+$")
    title: str
    items: list[Item] = Field(min_length=1)


class VerdictRule(Rule):
    """First matching rule wins. `when` maps a count (vetoes, A, B, C, review) to a bound."""

    verdict: str = Field(min_length=1)
    when: dict[Literal["vetoes", "A", "B", "C", "review"], Bound] = {}
    reason: str | None = Field(None, description="适用此结论时显示的说明")


class VerdictPolicy(Rule):
    note: str = Field(description="本政策的解释，显示在每份报告中")
    ready: str = Field(description="哪一个结论表示可以申报（--strict 据此返回退出码）")
    rules: list[VerdictRule] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _ends_with_default(cls, rules: list[VerdictRule]) -> list[VerdictRule]:
        if rules[-1].when:
            raise ValueError("最后一条结论规则不能有 when：它是其余情况的默认结论")
        return rules

    @model_validator(mode="after")
    def _ready_is_a_verdict(self) -> VerdictPolicy:
        if self.ready not in {r.verdict for r in self.rules}:
            raise ValueError(f"ready 的值 {self.ready} 不是任何一条规则的 verdict")
        return self


class Scheme(Rule):
    format: Literal["safecomm/scheme@1"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    title: str
    source: str
    grades: dict[Grade, str] = Field(description="A/B/C 各自的含义")
    indicators: list[Indicator] = Field(min_length=1)
    verdict: VerdictPolicy

    _digest: str = PrivateAttr("")

    @property
    def digest(self) -> str:
        return self._digest

    def items(self):
        """(indicator, item) in table order."""
        for indicator in self.indicators:
            for item in indicator.items:
                yield indicator, item

    def reads(self) -> dict[str, list[str]]:
        """Evidence field path (`activities.date`) → the items whose checks read it, in table order:
        what the docs, the template and the workbook say about each field."""
        found: dict[str, list[str]] = {}
        for _, item in self.items():
            for check in item.checks:
                for path in REGISTRY[check.primitive].reads:
                    ids = found.setdefault(path, [])
                    if item.id not in ids:
                        ids.append(item.id)
        return found

    def item(self, item_id: str) -> tuple[Indicator, Item]:
        for indicator, item in self.items():
            if item.id == item_id:
                return indicator, item
        raise KeyError(item_id)


def numbering_problems(data: Any) -> list[tuple[tuple, str]]:
    """Indicator and item ids that repeat, or items filed under the wrong indicator, as (loc, message).

    Checked on the data as written so that each problem points at its own line.
    """
    problems: list[tuple[tuple, str]] = []
    numbers: set[str] = set()
    seen: dict[str, str] = {}  # item id → its indicator
    indicators = data.get("indicators") if isinstance(data, dict) else None
    for i, indicator in enumerate(indicators if isinstance(indicators, list) else []):
        if not isinstance(indicator, dict):
            continue
        number = str(indicator.get("id"))
        if number in numbers:
            problems.append((("indicators", i, "id"), f"指标编号 {number} 重复"))
        numbers.add(number)
        items = indicator.get("items")
        for j, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or "id" not in item:
                continue
            item_id, loc = str(item["id"]), ("indicators", i, "items", j, "id")
            if item_id in seen:
                problems.append((loc, f"条目编号 {item_id} 重复（指标 {seen[item_id]} 中已有）"))
            elif not item_id.startswith(number + "."):
                problems.append((loc, f"条目 {item_id} 不属于指标 {number}：条目编号应以 {number}. 开头"))
            seen[item_id] = number
    return problems


DEFAULT = "national-2009"


def available() -> list[str]:
    """Ids of the rule sets shipped inside the package."""
    folder = resources.files("safecomm") / "indicators"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_scheme(ref: str | Path = DEFAULT) -> Scheme:
    """A shipped rule set by id (`national-2009`), or a rule-set file by path."""
    from .loading import InputError, Problem, load_model, parse_yaml

    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        label = str(path)
        try:
            raw = path.read_bytes()
        except OSError:
            raise InputError([Problem(label, 0, 0, "", "规则集文件不存在或无法读取")]) from None
    else:
        if str(ref) not in available():
            raise InputError([Problem(str(ref), 0, 0, "--scheme", f"没有名为 {ref} 的规则集；可用：{'、'.join(available())}，或给出规则集文件路径")])
        label = f"indicators/{ref}.yaml"
        raw = (resources.files("safecomm") / "indicators" / f"{ref}.yaml").read_bytes()
    doc = parse_yaml(raw, label)
    problems = [doc.problem(loc, message) for loc, message in numbering_problems(doc.data)]
    try:
        scheme = load_model(doc, Scheme)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    scheme._digest = hashlib.sha256(raw).hexdigest()
    return scheme

