"""The assessment (`safecomm/assessment@1`): the one result every output format is rendered from.

It is stable JSON: field names are English, words are Chinese, nothing depends on the time
or the machine it was made on.
"""

from copy import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .lineage import BaseRef, SchemeChange  # noqa: F401  (part of the result, defined with the rule sets)

FORMAT = "safecomm/assessment@1"
Grade = Literal["A", "B", "C"]
Status = Literal["met", "not_met", "veto", "no_data"]
CheckStatus = Literal["passed", "failed", "unknown"]


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @classmethod
    def built(cls, **values: Any) -> Any:
        """An instance from values the engine made already of their fields' types, not validated again:
        validating some 270 small results per assessment cost a fifth of it, and pydantic's own
        `model_construct` is slower still. Unknown and missing fields are refused as validation would;
        tests validate whole results again and compare (tests/test_properties.py)."""
        names, required, template, mutable = _FIELDS.get(cls) or _fields(cls)
        data = template.copy()
        data.update(values)  # a key already there keeps its place: the fields stay in their order
        if len(data) != len(template):
            raise TypeError(f"{cls.__name__} has no field {sorted(values.keys() - names)}")
        if len(values) == len(template):  # every field given (the engine's checks and items): nothing to fill in
            given = set(names)
        else:
            if not values.keys() >= required:
                raise TypeError(f"{cls.__name__}.{min(required - values.keys())} is required")
            for name in mutable:
                if name not in values:
                    data[name] = copy(data[name])
            given = set(values)
        obj = cls.__new__(cls)
        _set(obj, "__dict__", data)
        _set(obj, "__pydantic_fields_set__", given)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj


_set = object.__setattr__
_FIELDS: dict[type, tuple[frozenset[str], frozenset[str], dict[str, Any], tuple[str, ...]]] = {}


def _fields(cls: type[Result]) -> tuple[frozenset[str], frozenset[str], dict[str, Any], tuple[str, ...]]:
    """A result model's field names, the required ones, every field in its order (the order pydantic
    writes them in) with its default (None in place of a required one), and the fields whose default
    is a list or a dict, copied for each instance."""
    fields = cls.model_fields
    found = _FIELDS[cls] = (
        frozenset(fields),
        frozenset(name for name, f in fields.items() if f.is_required()),
        {name: None if f.is_required() else f.default for name, f in fields.items()},
        tuple(name for name, f in fields.items() if not f.is_required() and f.default.__class__ in (list, dict)),
    )
    return found


class SchemeRef(Result):
    id: str
    version: str
    title: str
    digest: str = Field(description="规则集的 SHA-256（继承的规则集：覆盖基础规则集和修改）")
    bases: list[BaseRef] = Field([], description="所继承的规则集，由近及远")
    changes: list[SchemeChange] = Field([], description="相对基础规则集的修改（由远及近）")
    scoring: Literal["grades", "points"] = Field("grades", description="记分办法：grades 按 A/B/C；points 按分")
    kind: str | None = Field(None, description="按哪一类社区的表述（规则集为该类社区写了表述时）")


class CommunityInfo(Result):
    name: str
    title: str
    kind: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    population: int | None = None
    households: int | None = None
    launched: str | None = None
    designated: str | None = Field(None, description="曾被命名为安全社区的日期")
    summary: str | None = None
    contact: str | None = Field(None, description="填报人")
    phone: str | None = Field(None, description="联系电话")


class Period(Result):
    start: str
    end: str


class CheckResult(Result):
    id: str
    level: Literal["A", "related", "defect"] = Field(description="A：达到 A 级所需；defect：未通过即为严重缺陷（C）；related：相关证据，不影响 A")
    requirement: str
    passed: bool
    status: CheckStatus = Field(description="passed 通过；failed 未通过；unknown 文件中无从判断（该字段从未填写），需现场核实")
    seen: bool = Field(description="是否见到与本检查相关的证据（条目有任何相关证据即至少为 B）")
    cites: str | None = Field(None, description="引用另一条目的检查结果（如 3.3/pledges-all），本条目不因它降级")
    detail: str = Field(description="看到了什么（公文用语，不含字段名）")
    hint: str | None = Field(None, description="近似但未计入的记录，及怎样登记（给填写证据的人）")
    confirm: str | None = Field(None, description="计入了但需现场核实的内容（如按标注采用、标题未写明内容的记录）")
    evidence: list[str] = Field(description="用到的证据编号")
    sections: list[str] = Field([], description="见到相关证据时，本检查读取的证据部分（如 经费、事故与伤害监测）：没有编号的证据在纸面上以此引用")
    measured: float | int | bool | None = None
    measured_text: str | None = None
    target: str | None = None
    veto: str | None = None
    vetoed: bool = False


class Override(Result):
    """A reviewer's grade, kept beside the automatic one, never in its place. A grade equal to the
    automatic one is a remark (confirmation or contest), not an override: see ItemResult.overridden."""

    grade: Grade
    reason: str
    reviewer: str | None = None
    unit: str | None = None
    date: str | None = None
    onsite: bool | None = Field(None, description="审核人已现场核实（审核表的 onsite）")


class PartPoints(Result):
    name: str = Field(description="部分：如 有无、痕迹、效果")
    weight: float
    grade: Literal["a", "b", "c", "d"]
    points: float
    checks: list[str] = Field(description="据以评定这一部分的检查")


class ItemPoints(Result):
    points: float
    max: float
    parts: list[PartPoints]


class ItemResult(Result):
    id: str
    indicator: str
    text: str
    grade: Grade = Field(description="自动评定的等级")
    final_grade: Grade = Field(description="审核后的等级（无审核改判时同 grade）")
    override: Override | None = None
    reason: str
    needs_review: bool = Field(description="需现场核实")
    confirm: str | None = None
    vetoed: bool = False
    checks: list[CheckResult]
    advice: list[str] = Field(description="达到更高等级还需要做什么（给填写证据的人：含字段名）")
    plain_advice: list[str] = Field([], description="同一建议的公文用语（印在申报表上：不含字段名）")
    points: ItemPoints | None = Field(None, description="积分制下本条目的得分（按审核后的等级）")

    @property
    def overridden(self) -> bool:
        """The reviewer changed the grade (an override may also just confirm or contest it)."""
        return self.override is not None and self.override.grade != self.grade


class IndicatorResult(Result):
    id: str
    title: str
    items: list[str]
    counts: dict[Grade, int]


class ThresholdResult(Result):
    item: str
    check: str
    name: str
    measured: float | int | bool | None
    measured_text: str
    target: str
    veto: str | None = None
    status: Status


class NotApplicable(Result):
    """An item the rule set marks not applicable: not graded, not scored, shown with its reason."""

    id: str
    indicator: str
    text: str
    reason: str


class Score(Result):
    """The points total (scoring method `points`)."""

    total: float = Field(description="总分（有 scale 时已折算），截取到 0.01：分档按它比较")
    out_of: float = Field(description="满分（scale，或适用条目的分值之和）")
    points: float = Field(description="各条目得分之和（未折算）")
    possible: float = Field(description="适用条目的分值之和（不适用的条目不计入）")
    zero: list[str] = Field(description="得 0 分的条目")
    band: str = Field(description="分档：积分制下即结论")
    note: str = Field(description="记分办法的说明（规则集的解释）")


class ConditionResult(CheckResult):
    required: bool = Field(True, description="false：只作说明，不影响是否具备申报条件")


class Verdict(Result):
    verdict: str
    ready: bool = Field(description="是否为可以申报的结论")
    reasons: list[str]
    policy: str = Field(description="结论政策的说明（本项目的解释）")
    overridden: int = Field(0, description="审核改判的条目数")


class IndexEntry(Result):
    id: str
    kind: str
    title: str
    date: str | None = None
    files: list[str] = []
    sha256: list[str | None] = []


class Facts(Result):
    """Figures the reports chart, computed once from the evidence."""

    injuries: list[tuple[int, int]] = Field([], description="(年份, 伤害人次)")
    participation: list[tuple[str, str, float | None]] = Field([], description="(项目编号, 名称, 重点项目参与度)")
    education_per_quarter: list[tuple[str, int]] = Field([], description="(季度, 面向居民的教育次数)")
    participation_target: float | None = Field(None, description="规则集中参与度的要求线（如 0.5）")
    participation_veto: float | None = Field(None, description="规则集中参与度的否决线（如 0.3）")


class ReviewInfo(Result):
    reviewer: str | None = None
    unit: str | None = None
    date: str | None = None
    opinion: str | None = None
    stale: bool = Field(False, description="审核表是针对另一版本的证据制作的")


class Assessment(Result):
    format: Literal["safecomm/assessment@1"] = FORMAT
    scheme: SchemeRef
    community: CommunityInfo
    period: Period
    evidence_digest: str
    items: list[ItemResult]
    not_applicable: list[NotApplicable] = Field([], description="不适用的条目及理由（不评定、不计分）")
    indicators: list[IndicatorResult]
    thresholds: list[ThresholdResult]
    counts: dict[Grade, int]
    score: Score | None = Field(None, description="积分制下的总分与分档")
    eligibility: list[ConditionResult] = Field([], description="申报条件及其是否满足")
    grading: str = Field("", description="条目等级的评定办法（规则集的解释）")
    explanation: str = Field("", description="评定说明：印在自评表末页的简短说法（规则集 grading 与 verdict 的 printed），全文见 grading 和 verdict.policy")
    verdict: Verdict
    sample: bool = Field(False, description="证据中仍有模板的示例数据（示例数据不参与评定）")
    review: ReviewInfo | None = None
    facts: Facts
    evidence_index: list[IndexEntry]
    warnings: list[str]

    def to_json(self) -> str:
        """The stable JSON text: same assessment, same bytes. pydantic's own serializer writes the
        same bytes as `json.dumps(model_dump(mode="json"), ensure_ascii=False, indent=2)` at a sixth
        of the cost (tests hold the two equal)."""
        return self.model_dump_json(indent=2) + "\n"

    def item(self, item_id: str) -> ItemResult:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)
