"""A rule set (`safecomm/scheme@2`): indicators, items, their checks, thresholds and the verdict policy.

A city or province maintains its variant as YAML: a new item, threshold or verdict rule is
data; only a new primitive is code. A variant may `extends:` another rule set and write only
what it changes (see extend.py); scoring (scoring.py), community kinds (communities.py) and
eligibility are data too. Unknown primitives, bad parameters and duplicate ids are errors when
the rule set is loaded, never silently ignored.
"""

import functools
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

from pydantic import (
    BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, create_model, field_validator, model_validator,
)

from .checks import REGISTRY
from .loading import field_path, validation_message
from .measure import OPERATORS, SYMBOLS, WORDS, Unit, Value, format_value
from .terms import ActivityKind, Audience, CommunityKind, DocumentKind, InspectionScope
from .vocabulary import Term, Vocabulary, concept_order

FORMAT = "safecomm/scheme@2"
Grade = Literal["A", "B", "C"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, defer_build=True)


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
def exact(value: float) -> Fraction | int:
    """A bound as written: `0.5` is exactly 1/2, `0.8` exactly 4/5, `5.0` the integer 5 (a count then
    compares as integers)."""
    fraction = Fraction(str(value))
    return fraction.numerator if fraction.denominator == 1 else fraction


@functools.lru_cache(maxsize=None)
def shown(value: float, unit: Unit) -> str:
    """`50%` for a ratio, `4` for a count."""
    return format_value(exact(value), unit) if unit == "ratio" else f"{value:g}"


Level = Literal["A", "related", "defect"]
LEVEL_WORDS = {"A": "达到 A 级所需", "related": "相关证据（见到即至少为 B，不影响 A）", "defect": "严重缺陷（未通过即为 C）"}


class Check(Rule):
    """One condition of an item: a primitive with parameters, or a citation of another item's check.

    `level: A` is needed for A; `level: defect` names a severe defect (failing it makes C, and says
    why); `level: related` only shows related work. Any related evidence seen by any check keeps an
    item at B or above: C means 空白或存在严重缺陷, not "one tag missing".
    """

    id: str = Field(min_length=1)
    level: Level = Field("A", description="A：达到 A 级所需；defect：未通过即为严重缺陷（C），须写 why；related：相关证据，不影响 A")
    requirement: str = Field(min_length=1, description="一句话说明要求什么")
    primitive: str | None = Field(None, description="检查原语的名称（见 docs/primitives.md）")
    see: str | None = Field(None, pattern=r"^\d+\.\d+/\S+$", description="引用另一条目的检查（如 3.3/pledges-all）：一个事实只在一个条目中评定")
    params: dict[str, Any] = {}
    target: Bound | None = Field(None, description='对测量值的要求，如 {">=": 0.5}')
    veto: Bound | None = Field(None, description='否决线：测量值满足它即不合格，如 {"<": 0.3}')
    threshold: str | None = Field(None, description="若为指标表中写明的阈值，给出其名称")
    advice: str | None = Field(None, min_length=1, description="未通过时做什么（公文用语，印在申报表上：不写字段名）")
    record: str | None = Field(None, min_length=1, description="在证据中怎样登记（给填写证据的人：可写字段名）")
    why: str | None = Field(None, description="为何选这个数、为何算严重缺陷：指标表没有写明时的依据")

    _args: dict[str, Any] | None = PrivateAttr(None)
    _texts: tuple[str | None, str | None] = PrivateAttr((None, None))

    @field_validator("primitive")
    @classmethod
    def _known(cls, name: str | None) -> str | None:
        if name is not None and name not in REGISTRY:
            raise ValueError(f"未知的检查原语 {name}；可用的原语见 `safecomm indicators --primitives` 或 docs/primitives.md")
        return name

    @field_validator("params")
    @classmethod
    def _valid_params(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """Checked here rather than after the model, so that the error points at `params:`."""
        primitive = REGISTRY.get(info.data.get("primitive") or "")
        if primitive is None:
            return params  # an unknown primitive, or a citation, is reported on its own line
        try:
            primitive.params.model_validate(params)
        except ValidationError as exc:
            raise ValueError("；".join(
                f"参数 {field_path(tuple(e['loc']))}：{validation_message(e)}" for e in exc.errors(include_url=False)
            )) from None
        return params

    @model_validator(mode="after")
    def _bind(self) -> "Check":
        if (self.primitive is None) == (self.see is None):
            raise ValueError("每个检查要么写 primitive（在本条目评定），要么写 see（引用另一条目的检查），二者选一")
        if self.see is not None:
            if self.params or self.target or self.veto or self.threshold:
                raise ValueError("引用（see）的检查不能再写 params、target、veto 或 threshold：这些在被引用的检查中")
            return self
        if self.advice is None:
            raise ValueError("缺少 advice：未通过时做什么（公文用语）")
        if self.level == "defect" and not self.why:
            raise ValueError("严重缺陷（level: defect）必须在 why 中写明为何算严重缺陷")
        primitive = REGISTRY[self.primitive]
        if primitive.unit == "bool" and self.target is not None:
            raise ValueError(f"原语 {self.primitive} 给出是/否，不能设 target")
        if primitive.unit != "bool" and self.target is None:
            raise ValueError(f"原语 {self.primitive} 给出测量值，必须设 target，如 {{\">=\": 1}}")
        if self.veto is not None and self.target is None:
            raise ValueError("设了 veto 的检查也必须设 target")
        self._args = primitive.params.model_validate(self.params).__dict__
        # Read for every check of every bundle: worked out once here.
        self._texts = (self.target.text(primitive.unit) if self.target else None,
                       self.veto.text(primitive.unit) if self.veto else None)
        return self

    @property
    def unit(self) -> Unit:
        return REGISTRY[self.primitive].unit

    @property
    def args(self) -> dict[str, Any]:
        """The parameters as the primitive's model validated them, by name: what the primitive is
        called with (do not modify)."""
        return self.__pydantic_private__["_args"]  # read for every check of every bundle: skip __getattr__

    @property
    def bound_params(self) -> SimpleNamespace:
        """The same parameters read by name (`p.terms`), for what explains a check."""
        return SimpleNamespace(**self.args)

    @property
    def bound_texts(self) -> tuple[str | None, str | None]:
        """The target and the veto line in words (`≥ 50%`, `< 30%`)."""
        return self.__pydantic_private__["_texts"]

    def fact(self) -> tuple:
        """What this check reads, independent of the bar it sets: two checks with the same fact in
        two items would charge one gap twice."""
        return (self.primitive, _frozen(self.args))  # the validated values: no dump per check


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, BaseModel):  # a parameter made of parts (a frozen model holding lists)
        return type(value).__name__, _frozen(value.__dict__)
    return value


class Item(Rule):
    id: str = Field(pattern=r"^\d+\.\d+$", description="如 2.4")
    text: str = Field(min_length=1, description="指标原文")
    note: str | None = Field(None, description="指标表中的备注")
    confirm: str | None = Field(None, description="文件不足以判定、需现场核实的内容")
    not_applicable: str | None = Field(None, min_length=1, description="本条目不适用的理由：不评定、不计分，理由显示在报告中")
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_checks(self) -> "Item":
        ids = [c.id for c in self.checks]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"检查编号重复：{'、'.join(dup)}")
        if not any(c.level == "A" for c in self.checks):
            raise ValueError("条目至少要有一个 level 为 A 的检查：否则无从判定 A")
        return self


class Indicator(Rule):
    id: str = Field(pattern=r"^\d+$")
    title: str
    items: list[Item] = Field(min_length=1)


# -- changes to another rule set's items (a variant's `items:`, a community kind's `items:`) ------

def _quoted_ids(ids: Any) -> Any:
    """`2.10:` unquoted is the number 2.1 to YAML: refuse it rather than change another item."""
    if isinstance(ids, dict):
        numbers = [str(k) for k in ids if not isinstance(k, str)]
        if numbers:
            raise ValueError(f"编号 {'、'.join(numbers)} 要加引号（写成 \"{numbers[0]}\"）：不加引号时 YAML 把它读成数字，2.10 会变成 2.1")
    return ids


def _loose(model: type[BaseModel], *skip: str) -> dict[str, Any]:
    """The fields of `model`, each optional and taken as written: the values are checked once merged
    into the rule set, where an error still points at the line that wrote it."""
    return {name: (Any, None) for name in model.model_fields if name not in skip}


class Change(Rule):
    """A change written in a variant: fields replaced, or `remove` with the reason, alone."""

    remove: str | None = Field(None, min_length=1, description="删除它，并写明理由")

    @model_validator(mode="after")
    def _remove_alone(self) -> "Change":
        if self.remove is not None and len(self.model_fields_set) > 1:
            raise ValueError("remove 与其他字段不能同时写：要删除就只写 remove 和理由")
        return self


CheckChange = create_model(
    "CheckChange", __base__=Change, __doc__="改写一个检查的字段（params 逐项合并），新增检查（写全字段），或 remove",
    **_loose(Check, "id"),
)
ItemChange = create_model(
    "ItemChange", __base__=Change, __doc__="改写一个条目的字段，按编号改写、新增或删除其检查；新增条目须写 text 和 checks",
    checks=(dict[str, CheckChange], {}), **_loose(Item, "id", "checks"),
)
IndicatorChange = create_model(
    "IndicatorChange", __base__=Change, __doc__="改写一级指标的名称，新增一级指标，或 remove（连同其条目）",
    **_loose(Indicator, "id", "items"),
)


class Wording(Rule):
    """How the rule set reads for one kind of community (街道, 乡镇, 工业园区, 企业): words replaced in
    the project's own texts (requirement, advice, record, why, confirm — never the table's text or
    note), and item changes written as a variant writes them."""

    words: dict[str, str] = Field({}, description="原词: 替换词，如 社区（居委会）: 村（社区）")
    items: dict[str, ItemChange] = Field({}, description="按条目编号改写（同 extends 的 items）")

    _ids = field_validator("items", mode="before")(_quoted_ids)

    @field_validator("words")
    @classmethod
    def _not_empty(cls, words: dict[str, str]) -> dict[str, str]:
        if any(not w.strip() for w in words):
            raise ValueError("被替换的词不能为空")
        return words


class Condition(Check):
    """An eligibility condition: a check on the community as a whole (how long it has been building,
    accidents within its goals, a former title). `required: false` is shown but decides nothing."""

    required: bool = Field(True, description="false：只作说明，不影响是否具备申报条件")

    @model_validator(mode="after")
    def _own(self) -> "Condition":
        if self.see is not None:
            raise ValueError("申报条件不能引用条目的检查（see）：请写 primitive")
        return self


class Eligibility(Rule):
    note: str = Field(min_length=1, description="申报条件的出处和解释，显示在每份报告中")
    conditions: list[Condition] = Field(min_length=1)


Figure = Literal["vetoes", "A", "B", "C", "review", "total", "zero", "ineligible"]
POINTS_FIGURES = ("total", "zero")


class VerdictRule(Rule):
    """First matching rule wins. `when` maps a figure to a bound: a count (vetoes, A, B, C, review),
    the points total and the number of items at 0 (points scoring only), and the number of
    eligibility conditions not met (ineligible)."""

    verdict: str = Field(min_length=1)
    when: dict[Figure, Bound] = {}
    reason: str | None = Field(None, description="适用此结论时显示的说明")


class VerdictPolicy(Rule):
    note: str = Field(description="本政策的解释，显示在每份报告中")
    printed: str | None = Field(None, description="印在自评表末页评定说明中的简短说法（一两句，不写“本项目”）；不写时纸面不印")
    ready: str = Field(description="哪一个结论表示可以申报（--strict 据此返回退出码）")
    rules: list[VerdictRule] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _ends_with_default(cls, rules: list[VerdictRule]) -> list[VerdictRule]:
        if rules[-1].when:
            raise ValueError("最后一条结论规则不能有 when：它是其余情况的默认结论")
        return rules

    @model_validator(mode="after")
    def _ready_is_a_verdict(self) -> "VerdictPolicy":
        if self.ready not in {r.verdict for r in self.rules}:
            raise ValueError(f"ready 的值 {self.ready} 不是任何一条规则的 verdict")
        return self


class Grading(Rule):
    note: str = Field(min_length=1, description="条目等级怎样评定（本项目的解释），显示在每份报告中")
    printed: str | None = Field(None, description="印在自评表末页评定说明中的简短说法（一句，不写“本项目”）；不写时纸面不印")


PartGrade = Literal["a", "b", "c", "d"]


class Part(Rule):
    name: str = Field(min_length=1, description="如 有无、痕迹、效果")
    weight: float = Field(gt=0, description="每个条目中这一部分的分值，如 0.8")
    shows: str | None = Field(None, description="这一部分看什么，如 制度、计划、机构是否存在")


class Scoring(Rule):
    """How an assessment is scored (computed in scoring.py). `grades`: the table's A/B/C, and the
    verdict policy counts them. `points`: each item in parts, each part graded a/b/c/d from the
    checks listed for it and worth `shares` of its weight; the verdict policy may then test the
    total and the items at 0."""

    method: Literal["grades", "points"] = "grades"
    note: str | None = Field(None, min_length=1, description="记分办法的出处和解释，显示在每份报告中")
    parts: list[Part] = Field([], description="每个条目分为哪几部分及其分值")
    shares: dict[PartGrade, float] = Field({}, description="部分等级记该部分分值的比例，如 {a: 1, b: 0.7, c: 0.3, d: 0}")
    review: dict[Grade, PartGrade] = Field({}, description="审核改判条目等级后，各部分记为哪一等级，如 {A: a, B: b, C: c}")
    scale: float | None = Field(None, gt=0, description="总分折算到这个满分（不适用的条目不计入满分）；不写则为各条目分值之和")
    items: dict[str, list[str] | dict[str, list[str]]] = Field(
        {}, description="条目编号 → 各部分看哪些检查（{有无: [exists], 痕迹: [...], 效果: [...]}；写成一个列表则各部分都看它们）",
    )

    _ids = field_validator("items", mode="before")(_quoted_ids)

    @model_validator(mode="after")
    def _complete(self) -> "Scoring":
        if self.method == "grades":
            if self.parts or self.items or self.shares or self.scale:
                raise ValueError("method: grades（A/B/C）不用 parts、shares、scale、items：要按分记分请写 method: points")
            return self
        missing = [key for key in ("note", "parts", "shares", "review", "items") if not getattr(self, key)]
        if missing:
            raise ValueError(f"method: points 须写 {'、'.join(missing)}")
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):
            raise ValueError(f"部分名称重复：{'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
        if set(self.shares) != {"a", "b", "c", "d"} or not all(0 <= v <= 1 for v in self.shares.values()):
            raise ValueError("shares 须为 a、b、c、d 各写一个 0 到 1 之间的比例，如 {a: 1, b: 0.7, c: 0.3, d: 0}")
        if set(self.review) != {"A", "B", "C"}:
            raise ValueError("review 须为 A、B、C 各写一个部分等级，如 {A: a, B: b, C: c}")
        return self

    def parts_of(self, item_id: str) -> list[tuple[Part, list[str]]]:
        """(part, the check ids that show it) for an item, in the order of `parts`; a part the item
        does not carry is left out (its weight is then not in the item's maximum)."""
        spec = self.items.get(item_id, {})
        if isinstance(spec, list):
            return [(part, spec) for part in self.parts]
        return [(part, spec[part.name]) for part in self.parts if part.name in spec]


class Audiences(Rule):
    """Who counts as whom: 老年人 are 居民, so their education is residents' education."""

    groups: dict[Audience, list[Audience]] = Field({}, description="人群及其所含的人群，如 居民: [老年人, 儿童]")
    default: Audience | None = Field(None, description="活动未写对象、标题也看不出时视为的对象")
    public: list[ActivityKind] = Field([], description="在社区公开开展的活动种类（宣传）：对象只写了 staff 所列的人员时，也按 default 计")
    staff: list[Audience] = Field([], description="组织和承担工作的人员（干部、志愿者）：写在公开活动的对象里，说的是谁去做，不是面向谁")

    def within(self, wanted: list[Audience]) -> frozenset[Audience]:
        """The groups asked for, and every group they contain."""
        out, todo = set(), list(wanted)
        while todo:
            group = todo.pop()
            if group not in out:
                out.add(group)
                todo += self.groups.get(group, [])
        return frozenset(out)


class Kinds(Rule):
    """A record written under a general kind (a 通知, a 会议) is also of the kinds its title names:
    关于印发安全检查制度的通知 is a 制度, 居民安全议事会 an 议事."""

    documents: dict[DocumentKind, list[DocumentKind]] = {}
    activities: dict[ActivityKind, list[ActivityKind]] = {}


class Milestones(Rule):
    """Which records the 工作报告's 创建历程 lists (besides the launch, the bodies founded and the
    designation): records of these kinds whose title says one of these words (any, if none)."""

    kinds: list[DocumentKind | ActivityKind] = Field(min_length=1)
    words: list[str] = []


class Workreport(Rule):
    """How the 工作报告 draft words records: the verb for each kind (印发制度, 建立台账, 召开会议),
    and what counts as a milestone of the creation."""

    verbs: dict[DocumentKind | ActivityKind, str] = Field(
        {}, description="种类 → 动词：文件的动词接书名号（印发《…》），活动的动词接引号（召开“…”）；未列出的文件为“形成”，活动为“开展”",
    )
    milestones: list[Milestones] = Field([], description="创建历程中列出的文件和活动")


class Scheme(Rule):
    format: Literal["safecomm/scheme@2"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    title: str
    source: str
    grades: dict[Grade, str] = Field(description="A/B/C 各自的含义")
    grading: Grading
    # Defaults made by `model_construct`, as equal as `Audiences()` (a test holds it) without building a
    # validator at import: a rule set read back checked is never validated (rulecache.py).
    audience: Audiences = Audiences.model_construct()
    kinds: Kinds = Kinds.model_construct()
    scopes: dict[InspectionScope, str] = Field({}, description="检查未写类型时，标题中含哪个词条即为该类型")
    sectors: dict[str, str] = Field({}, description="部门名 → 词条：成员未写 sector 时按单位名称中的词条推断部门")
    general: list[str] = Field(
        [], description="泛指的词条：只说出整体的安全工作或安全领域（安全生产工作、安全社区创建、消防），不说明文件管哪一件事。"
        "种类对、标题只说出这些词条（或什么也没说出）的文件可能就是条目要的那份（相关证据，需现场核实，不为 C）；"
        "说出了另一件事（检查、应急、安全职责……）的，是那件事的文件",
    )
    vocabulary: dict[str, list[str] | Term] = Field(
        {}, description="词条及其同义词（或 {words: […], not_in: […], concepts: […]}）：规则按词条找文件和活动，不按字面",
    )
    variants: dict[str, str] = Field(
        {}, description="异体、繁体及习惯写法 → 标准写法（台帐: 台账，檢: 检）：标题和词条都先按标准写法读",
    )
    indicators: list[Indicator] = Field(min_length=1)
    verdict: VerdictPolicy
    scoring: Scoring = Field(Scoring.model_construct(), description="记分办法：grades（A/B/C，默认）或 points（分部分记分，按总分分档）")
    eligibility: Eligibility | None = Field(None, description="申报条件（如创建满半年）：每条都作为结论的理由显示")
    communities: dict[CommunityKind, Wording] = Field(
        {}, description="适用的社区类型及各自的表述（写了就只适用于所列类型）",
    )
    workreport: Workreport = Field(Workreport.model_construct(), description="工作报告草稿的说法：各类记录的动词，创建历程列出哪些记录")

    _digest: str = PrivateAttr("")
    _vocabulary: Vocabulary | None = PrivateAttr(None)
    _topics: frozenset[str] | None = PrivateAttr(None)
    _telling: frozenset[str] | None = PrivateAttr(None)
    _kind_words: dict[frozenset, frozenset[str]] = PrivateAttr(default_factory=lambda: {})
    _lineage: Any = PrivateAttr(None)  # extend.Lineage: the bases and what this rule set changed in them
    # Factories written as lambdas: pydantic reads a factory's signature, and a builtin's (dict) is
    # parsed from its text by the tokenizer, 3 ms of a cold run.
    _kinds: dict[str, "Scheme"] = PrivateAttr(default_factory=lambda: {})
    _unread: dict[str, Any] = PrivateAttr(default_factory=lambda: {})  # kind → its reader (rulesets.py): read on first use
    _files: tuple[Path, ...] = PrivateAttr(())  # the user's rule-set files read: this one and its bases
    _kind: str | None = PrivateAttr(None)

    @field_validator("vocabulary")
    @classmethod
    def _words(cls, vocabulary: dict[str, list[str] | Term]) -> dict[str, list[str] | Term]:
        def words(spec):
            if isinstance(spec, list):
                return spec
            inline = [w for c in spec.concepts for w in ([c] if isinstance(c, str) else c or [""])]
            return spec.words + spec.not_in + inline + spec.any

        empty = [name for name, spec in vocabulary.items() if not name.strip() or any(not w.strip() for w in words(spec))]
        if empty:
            raise ValueError(f"词条或同义词不能为空：{'、'.join(empty)}")
        return vocabulary

    @property
    def digest(self) -> str:
        return self._digest

    @property
    def lineage(self):
        """The rule sets this one extends and what it changed in them (extend.Lineage)."""
        return self._lineage

    @property
    def kind(self) -> str | None:
        """The community kind whose wording this copy carries (None: the rule set as written)."""
        return self._kind

    def for_kind(self, kind: str) -> "Scheme":
        """The rule set as it reads for a kind of community: its wording and item changes applied."""
        if kind in self._unread:
            worded = self._unread[kind]()
            if worded is not None:
                self._kinds[kind] = worded
            self._unread.pop(kind, None)
        return self._kinds.get(kind, self)

    @property
    def files(self) -> tuple[Path, ...]:
        """The user's rule-set files this rule set was read from (a variant and the bases it names by
        path): inputs of the run, which no output may replace."""
        return self.__pydantic_private__["_files"]

    @property
    def topics(self) -> frozenset[str]:
        """Every term a check names, and the concepts they are made of: what a record is about. A record
        that names none of them says nothing the rules read; one that names another item's topic is about
        something else."""
        if self._topics is None:
            self._topics = self.words.area(t for _, item in self.items() for c in item.checks if c.primitive
                                           for t in _terms_named(c.params))
        return self._topics

    def kind_words(self, kinds: frozenset[DocumentKind]) -> frozenset[str]:
        """The words that say these document kinds (台账, 明细表, 规定…): in a record of the kind they say
        what it is, not what it is about (every 台账 says 台账, which is also one of 安全档案's words)."""
        words = self._kind_words.get(kinds)
        if words is None:
            words = self._kind_words[kinds] = frozenset(w for k in kinds for w in self.words.terms.get(k.value, ()))
        return words

    @property
    def telling(self) -> frozenset[str]:
        """The topics that say which work a document does: every topic but the general ones (`general`,
        and the members of their families). 安全检查制度 says inspections; 社区安全生产工作制度 and
        消防安全管理制度 say only the whole work or a domain, so may hold any rule of the kind."""
        if self._telling is None:
            general, todo = set(), list(self.general)
            while todo:  # a family's members, not a term's concepts: 综合预案 is general, 预案 is not
                term = todo.pop()
                if term not in general:
                    general.add(term)
                    todo += self.words.family.get(term, [])
            self._telling = self.topics - general
        return self._telling

    @property
    def words(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self.vocabulary, self.variants)
        return self._vocabulary

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
                for path in REGISTRY[check.primitive].reads if check.primitive else ():
                    ids = found.setdefault(path, [])
                    if item.id not in ids:
                        ids.append(item.id)
        return found

    def item(self, item_id: str) -> tuple[Indicator, Item]:
        for indicator, item in self.items():
            if item.id == item_id:
                return indicator, item
        raise KeyError(item_id)

    def check(self, ref: str) -> tuple[Item, Check]:
        """`3.3/pledges-all` → (item, check)."""
        item_id, check_id = ref.split("/", 1)
        _, item = self.item(item_id)
        for check in item.checks:
            if check.id == check_id:
                return item, check
        raise KeyError(ref)


def _terms_named(params: Any):
    """Every vocabulary term a check's parameters name (fields called terms, and_terms, or_terms, areas, the
    lists of `aspects`, and the terms inside aspects)."""
    if isinstance(params, dict):
        for key, value in params.items():
            if key in ("terms", "and_terms", "not_terms", "or_terms", "areas") and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            elif key == "aspects" and isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
                yield from (t for words in value.values() for t in words if isinstance(t, str))
            else:
                yield from _terms_named(value)
    elif isinstance(params, list):
        for value in params:
            yield from _terms_named(value)


def cross_problems(data: Any, scheme: Scheme) -> list[tuple[tuple, str]]:
    """What only the whole rule set can tell, as (loc, message): terms not in the vocabulary,
    citations of checks that do not exist, and one fact graded in several items."""
    problems: list[tuple[tuple, str]] = []
    words = scheme.vocabulary
    for problem in concept_order(words)[1]:
        problems.append((("vocabulary", problem.split()[1]), problem))
    for key, term in scheme.scopes.items():
        if term not in words:
            problems.append((("scopes", key.value), f"词条 {term} 不在 vocabulary 中"))
    for i, term in enumerate(scheme.general):
        if term not in words:
            problems.append((("general", i), f"词条 {term} 不在 vocabulary 中：general 写泛指的词条名"))
    for sector, term in scheme.sectors.items():
        if term not in words:
            problems.append((("sectors", sector), f"词条 {term} 不在 vocabulary 中：请在 vocabulary 中列出单位名称里代表部门 {sector} 的词"))
    for table in ("documents", "activities"):
        for general, kinds in getattr(scheme.kinds, table).items():
            missing = [k.value for k in kinds if k.value not in words]
            if missing:
                problems.append((("kinds", table, general.value), f"种类 {'、'.join(missing)} 在 vocabulary 中没有同名词条：标题中的种类词要先在 vocabulary 中列出"))
    owners: dict[tuple, tuple[str, str]] = {}
    for i, indicator in enumerate(scheme.indicators):
        for j, item in enumerate(indicator.items):
            for k, check in enumerate(item.checks):
                loc = ("indicators", i, "items", j, "checks", k)
                if check.see is not None:
                    try:
                        _, cited = scheme.check(check.see)
                    except KeyError:
                        problems.append((loc + ("see",), f"引用的检查 {check.see} 不存在：写成 条目/检查编号，如 3.3/pledges-all"))
                        continue
                    if cited.see is not None:
                        problems.append((loc + ("see",), f"{check.see} 本身也是引用：请直接引用评定它的条目"))
                    continue
                for term in _terms_named(check.params):
                    if term not in words:
                        problems.append((loc + ("params",), f"词条 {term} 不在 vocabulary 中：请先在 vocabulary 中定义它及其同义词"))
                fact = check.fact()
                first, first_check = owners.setdefault(fact, (item.id, check.id))
                if first != item.id:
                    problems.append((loc + ("primitive",), (
                        f"与条目 {first} 的检查 {first_check} 读取同一事实（{check.primitive}，参数相同）："
                        f"一个事实只在一个条目中评定，此处请改为 see: {first}/{first_check}"
                    )))
    return problems


def scoring_problems(scheme: Scheme) -> list[tuple[tuple, str]]:
    """What only the whole rule set can tell about its scoring (scoring.py), as (loc, message)."""
    scoring = scheme.scoring
    if scoring.method != "points":
        return [
            (("verdict", "rules", n, "when", key), f"{key} 只能用于积分制（scoring.method: points）的规则集")
            for n, rule in enumerate(scheme.verdict.rules) for key in rule.when if key in POINTS_FIGURES
        ]
    found: list[tuple[tuple, str]] = []
    names = [p.name for p in scoring.parts]
    items = {item.id: item for _, item in scheme.items()}
    for item_id, spec in scoring.items.items():
        loc, item = ("scoring", "items", item_id), items.get(item_id)
        if item is None:
            found.append((loc, f"规则集中没有条目 {item_id}"))
            continue
        checks = [c.id for c in item.checks]
        shown: set[str] = set()
        for part, ids in (spec.items() if isinstance(spec, dict) else [(None, spec)]):
            at = loc + ((part,) if part else ())
            if part is not None and part not in names:
                found.append((at, f"没有名为 {part} 的部分（scoring.parts 中有：{'、'.join(names)}）"))
            unknown = [i for i in ids if i not in checks]
            if unknown or not ids:
                found.append((at, f"条目 {item_id} 中没有检查 {'、'.join(unknown)}（现有：{'、'.join(checks)}）" if unknown
                              else "每一部分至少要看一个检查"))
            shown.update(ids)
        unmapped = [c.id for c in item.checks if c.primitive and c.id not in shown]
        if unmapped:
            found.append((loc, f"条目 {item_id} 的检查 {'、'.join(unmapped)} 未归入任何部分：积分制下每个检查都要在某一部分中计分"))
    missing = [item.id for item in items.values() if not item.not_applicable and item.id not in scoring.items]
    if missing:
        found.append((("scoring", "items"), f"条目 {'、'.join(missing)} 没有写各部分看哪些检查（不适用的条目除外）"))
    return found


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
