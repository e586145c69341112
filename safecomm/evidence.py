"""The evidence bundle, format `safecomm/evidence@1`: the single truth of what a community submits.

Keys are English, values may be Chinese. Every record that results cite has an `id`. Which
evidence an item reads is the rule set's business; here we only say what may be written.
"""

import hashlib
import json
import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from .terms import (
    ActivityKind,
    Audience,
    Better,
    CommunityKind,
    ControlState,
    DocumentKind,
    Domain,
    HazardLevel,
    Horizon,
    InspectionScope,
    MemberCategory,
    OrganizationKind,
    RectificationKind,
    SurveyKind,
    TeamKind,
)

FORMAT = "safecomm/evidence@1"

# 2024-03-15, 2024-3-5, 2024.1.22, 2024/4/8, 2024年3月15日: one separator throughout, as typed.
_DATE = re.compile(r"^\s*(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|([-./])(\d{1,2})\4(\d{1,2}))\s*$")


def _to_date(value: Any) -> Any:
    """Accept the ways a clerk types a date (`2024-03-15`, `2024-3-5`, `2024.1.22`, `2024/4/8`,
    `2024年3月15日`) and Python dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        m = _DATE.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups() if g and g not in "-./")
            try:
                return date(y, mo, d)
            except ValueError:
                return value  # let pydantic report it as a bad date
    return value


Day = Annotated[date, BeforeValidator(_to_date), Field(json_schema_extra={"examples": ["2024-03-15", "2024年3月15日", "2024.3.15", "2024/3/15"]})]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$", title="编号", description="在本证据包内唯一的编号")]
Count = Annotated[int, Field(ge=0)]
Path = Annotated[str, Field(min_length=1, description="附件路径，相对于证据文件所在文件夹")]


def _item_id(value: Any) -> Any:
    """`8.6` written without quotes arrives as a number: read it back as the id `8.6`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value)) if isinstance(value, float) else f"{value}"
    return value.strip() if isinstance(value, str) else value


_YES_NO = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}


def _control_state(value: Any) -> Any:
    """`controlled: true` and 是 were the two-state spelling: read them as 已控制 / 未控制."""
    if isinstance(value, bool):
        return ControlState.CONTROLLED if value else ControlState.OPEN
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return ControlState.CONTROLLED if _YES_NO[value.strip().lower()] else ControlState.OPEN
    return value


def _one_or_many(value: Any) -> Any:
    """A single value stands for a list of one (`audience: 居民` or `audience: [居民, 老年人]`)."""
    return [] if value is None else value if isinstance(value, list) else [value]


ItemId = Annotated[str, BeforeValidator(_item_id), Field(pattern=r"^\d+\.\d+$", description="条目编号，如 8.6")]
Items = Annotated[list[ItemId], Field(
    description="本记录支持的条目（如 [8.6, 1.4]）：按指标装盒的档案写在这里，是最直接的对应",
    json_schema_extra={"examples": [["8.6", "1.4"]]},
)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False, allow_inf_nan=False, defer_build=True)


class Period(Record):
    start: Day = Field(title="评估期开始", description="评估期开始")
    end: Day = Field(title="评估期结束", description="评估期结束")

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError("评估期的结束日期早于开始日期")
        return self

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


class Contact(Record):
    name: str | None = Field(None, title="填报人", description="填报人姓名（印在自评表下方）")
    phone: str | None = Field(None, title="联系电话", max_length=40)


class Community(Record):
    name: str = Field(title="单位名称", min_length=1, description="单位名称")
    title: str | None = Field(None, title="拟申报安全社区名称", description="拟申报安全社区名称（默认同单位名称）")
    kind: CommunityKind = Field(CommunityKind.STREET, title="社区类型", description="街道 | 乡镇 | 工业园区 | 企业（规则集写明适用时）")
    province: str | None = Field(None, title="省")
    city: str | None = Field(None, title="市")
    county: str | None = Field(None, title="县(区)", description="县(区)")
    population: Count | None = Field(None, title="常住人口")
    households: Count | None = Field(None, title="户数")
    launched: Day | None = Field(None, title="创建启动日期", description="创建启动日期")
    designated: Day | None = Field(None, title="命名日期", description="曾被命名为安全社区的日期（首次申报不填）：称号的有效期从此算起")
    period: Period = Field(title="评估期", description="评估的年度")
    summary: str | None = Field(None, title="创建工作简述", description="对照创建条件，简述本社区创建安全社区工作内容及成效")
    subdivisions: Count | None = Field(None, title="下辖社区(村)数", description="街道下辖的社区、乡镇下辖的村（社区）个数")
    contact: Contact | None = Field(None, title="填报人", description="填报人及联系电话")

    @property
    def display_title(self) -> str:
        return self.title or self.name


class Member(Record):
    name: str = Field(title="姓名")
    title: str | None = Field(None, title="职务")
    unit: str | None = Field(None, title="单位")
    sector: str | None = Field(None, title="所属部门", description="所属部门/领域，如 政府 应急 公安 消防 交通 卫生 教育 民政 企业 学校 居民")
    category: MemberCategory | None = Field(None, title="成员类别", description="执行机构成员类别")


class Organization(Record):
    id: Id
    kind: OrganizationKind = Field(title="机构类型")
    name: str = Field(title="机构名称")
    established: Day | None = Field(None, title="成立日期")
    charter: str | None = Field(None, title="职责文件", description="规定其职责的文件编号（documents 中的 id）")
    members: list[Member] = Field([], title="机构成员")
    size: Count | None = Field(None, title="人数", description="人数（成员名单未列全时）")


class Document(Record):
    id: Id
    kind: DocumentKind = Field(title="文件类别")
    title: str = Field(title="标题")
    number: str | None = Field(None, title="文号", description="文号")
    issued: Day | None = Field(None, title="印发日期")
    topics: list[str] = Field([], title="主题词")
    items: Items = Field([], title="支持的条目")
    file: Path | None = Field(None, title="附件")


class Goal(Record):
    id: Id
    horizon: Horizon = Field(Horizon.ANNUAL, title="目标类型")
    text: str = Field(title="目标内容")
    metric: str | None = Field(None, title="指标名称")
    baseline: float | None = Field(None, title="基线值")
    target: float | None = Field(None, title="目标值")
    due: Day | None = Field(None, title="完成期限")


class BudgetLine(Record):
    year: int = Field(title="年度", ge=1990, le=2100)
    planned: float = Field(title="预算（元）", ge=0)
    spent: float | None = Field(None, title="实际支出（元）", ge=0)


class Activity(Record):
    id: Id
    kind: ActivityKind = Field(title="活动类别")
    date: Day = Field(title="日期", description="日期；一行记多次活动时为第一次的日期")
    title: str = Field(title="名称")
    scope: InspectionScope | None = Field(None, title="检查类型", description="检查的类型：综合 | 专项 | 日常")
    audience: Annotated[list[Audience], BeforeValidator(_one_or_many)] = Field(
        [], title="对象", description="对象：一个或多个，如 居民 或 [居民, 应急队伍]；老年人、儿童、学生、残疾人、流动人口属于居民",
        json_schema_extra={"examples": ["居民", ["老年人", "儿童"]]},
    )
    domains: list[Domain] = Field([], title="安全领域")
    participants: Count | None = Field(None, title="参加人数")
    project: str | None = Field(None, title="所属项目", description="所属安全促进项目（projects 中的 id）")
    organizer: str | None = Field(None, title="组织单位", description="组织单位（organizations 中的 id）")
    findings: Count | None = Field(None, title="发现问题数", description="检查发现的问题数")
    place: str | None = Field(None, title="地点")
    items: Items = Field([], title="支持的条目")
    files: list[Path] = Field([], title="附件")
    count: int = Field(1, ge=1, le=100_000, title="次数", description="这一行记的活动次数（场次），如 全年开展演练48场 写 48")
    end: Day | None = Field(None, title="结束日期", description="一行记一段时间内的多次活动时，最后一次的日期")

    @model_validator(mode="after")
    def _range(self) -> "Activity":
        if self.end is not None and self.end < self.date:
            raise ValueError(f"结束日期 {self.end} 早于日期 {self.date}")
        return self

    @property
    def last(self) -> date:
        """The last day this row covers."""
        return self.end or self.date


class Targets(Record):
    vulnerable_groups: list[str] = Field([], title="脆弱群体", description="脆弱群体，如 老年人 儿童 残疾人")
    high_risk_groups: list[str] = Field([], title="高危人群", description="高危人群")
    high_risk_environments: list[str] = Field([], title="高风险环境", description="高风险环境")


class Outcome(Record):
    metric: str = Field(title="效果指标")
    baseline: float = Field(title="实施前")
    latest: float = Field(title="最新")
    better: Better = Field(Better.LOWER, title="好转方向")

    @property
    def improved(self) -> bool:
        return self.latest < self.baseline if self.better is Better.LOWER else self.latest > self.baseline


class Project(Record):
    id: Id
    name: str = Field(title="项目名称")
    domains: list[Domain] = Field([], title="安全领域")
    key: bool = Field(False, title="重点项目", description="是否重点事故和伤害预防项目")
    plan: str | None = Field(None, title="实施方案", description="实施方案（documents 中的 id）")
    # Defaults of sub-models are made by `model_construct`: `Targets()` would build the class's validator
    # at import, in every run, only to make an empty instance (tests hold the two equal).
    targets: Targets = Field(Targets.model_construct(), title="针对的人群和环境")
    start: Day | None = Field(None, title="开始日期")
    end: Day | None = Field(None, title="结束日期")
    target_population: Count | None = Field(None, title="相关人群人数", description="相关人群人数")
    participants: Count | None = Field(None, title="参与人数", description="其中参与人数")
    outcomes: list[Outcome] = Field([], title="项目效果")
    # participants above target_population is no error: offices count 人次; 2.4 reads it as "not a rate, to confirm"


class Hazard(Record):
    id: Id
    found: Day | None = Field(None, title="发现日期")
    place: str = Field(title="地点")
    category: str | None = Field(None, title="类别")
    level: HazardLevel = Field(HazardLevel.GENERAL, title="等级")
    method: str | None = Field(None, title="辨识方式", description="辨识方式，如 日常巡查 专项排查 居民报告 专家评估（不写时按发现它的检查推断）")
    activity: str | None = Field(None, title="发现它的检查", description="发现它的检查（activities 中的编号）")
    high_risk_environment: bool = Field(False, title="高风险环境")
    controlled: Annotated[ControlState | None, BeforeValidator(_control_state)] = Field(
        None, title="控制状态",
        description="已控制 | 整改中（措施已落实、尚未完成）| 未控制；也接受 true/false、是/否",
    )


class InjuryYear(Record):
    year: int = Field(title="年份", ge=1990, le=2100)
    total: Count = Field(title="伤害人次")
    by_cause: dict[str, Count] = Field({}, title="按原因")

    @model_validator(mode="after")
    def _causes_within_total(self) -> "InjuryYear":
        if sum(self.by_cause.values()) > self.total:
            raise ValueError(f"{self.year} 年按原因分列的人次之和（{sum(self.by_cause.values())}）大于伤害人次（{self.total}）")
        return self


class Injuries(Record):
    sources: list[str] = Field([], title="数据来源", description="数据来源")
    reports_to: list[str] = Field([], title="报告的主管部门", description="事故与伤害报告的主管部门")
    years: list[InjuryYear] = Field([], title="伤害统计")

    @model_validator(mode="after")
    def _one_row_a_year(self) -> "Injuries":
        seen: set[int] = set()
        for row in self.years:
            if row.year in seen:
                raise ValueError(f"{row.year} 年的伤害统计写了两行：每年一行")
            seen.add(row.year)
        return self


class SpecialEquipment(Record):
    total: Count = Field(title="特种设备总数")
    registered: Count = Field(title="已登记建档数")

    @model_validator(mode="after")
    def _possible(self) -> "SpecialEquipment":
        if self.registered > self.total:
            raise ValueError(f"已登记建档数（{self.registered}）不能大于特种设备总数（{self.total}）")
        return self


class Agreements(Record):
    units: Count = Field(title="应签订单位数", description="辖区应签订安全责任书的单位数")
    signed: Count = Field(title="已签订单位数")
    special_equipment: SpecialEquipment | None = Field(None, title="特种设备")

    @model_validator(mode="after")
    def _possible(self) -> "Agreements":
        if self.signed > self.units:
            raise ValueError(f"已签订单位数（{self.signed}）不能大于应签订单位数（{self.units}）")
        return self


class Rectification(Record):
    id: Id
    kind: RectificationKind | None = Field(
        None, title="措施类别", description="整改 | 纠正 | 预防；不写时推断：指向检查的为整改，写明举一反三、推广的为预防，针对事故伤害原因的为纠正",
    )
    activity: str | None = Field(None, title="发现问题的检查", description="发现问题的检查（activities 中的 id）")
    issue: str = Field(title="问题及措施")
    found: Day | None = Field(None, title="发现日期")
    fixed: Day | None = Field(None, title="完成日期")
    verified: Day | None = Field(None, title="验证日期")
    count: int = Field(1, ge=1, le=100_000, title="件数", description="这一行记的整改件数，如 下达整改指令书63份 写 63")
    verified_count: Count | None = Field(None, title="已复查数", description="其中已复查（验证）的件数")

    @model_validator(mode="after")
    def _possible(self) -> "Rectification":
        if self.found and self.fixed and self.fixed < self.found:
            raise ValueError(f"完成日期 {self.fixed} 早于发现日期 {self.found}")
        if self.fixed and self.verified and self.verified < self.fixed:
            raise ValueError(f"验证日期 {self.verified} 早于完成日期 {self.fixed}")
        if self.verified_count is not None and self.verified_count > self.count:
            raise ValueError(f"已复查数（{self.verified_count}）不能大于件数（{self.count}）")
        return self


class Team(Record):
    id: Id
    name: str = Field(title="队伍名称")
    members: Count = Field(title="人数")
    kind: TeamKind = Field(TeamKind.PART_TIME, title="队伍类型")


class Equipment(Record):
    id: Id
    name: str = Field(title="器材名称")
    quantity: Count = Field(1, title="数量")
    checked: Day | None = Field(None, title="最近检查日期")
    ok: bool = Field(True, title="完好")


class Emergency(Record):
    teams: list[Team] = Field([], title="应急队伍")
    equipment: list[Equipment] = Field([], title="应急器材")


class Publicity(Record):
    boards: Count = Field(0, title="宣传栏数量", description="固定宣传栏、橱窗、安全提示牌数量")
    channels: list[str] = Field([], title="传播渠道", description="传播渠道，如 广播 电视 网络 微信")


class WorkforceTraining(Record):
    units: Count = Field(title="应培训单位数", description="应开展从业人员安全培训的单位数")
    trained: Count = Field(title="已培训单位数")

    @model_validator(mode="after")
    def _possible(self) -> "WorkforceTraining":
        if self.trained > self.units:
            raise ValueError(f"已培训单位数（{self.trained}）不能大于应培训单位数（{self.units}）")
        return self


class Survey(Record):
    id: Id
    kind: SurveyKind = Field(title="调查类别")
    date: Day = Field(title="调查日期")
    respondents: Count = Field(title="调查人数")
    positive: Count = Field(title="肯定回答人数")

    @model_validator(mode="after")
    def _not_more_than_asked(self) -> "Survey":
        if self.positive > self.respondents:
            raise ValueError(f"肯定回答人数（{self.positive}）不能大于调查人数（{self.respondents}）")
        return self


class Feedback(Record):
    received: Count = Field(title="收到意见数")
    handled: Count = Field(title="已处理数")
    satisfied: Count | None = Field(None, title="满意数")

    @model_validator(mode="after")
    def _possible(self) -> "Feedback":
        if self.handled > self.received:
            raise ValueError(f"已处理数（{self.handled}）不能大于收到意见数（{self.received}）")
        if self.satisfied is not None and self.satisfied > self.handled:
            raise ValueError(f"满意数（{self.satisfied}）不能大于已处理数（{self.handled}）")
        return self


class Evidence(Record):
    """One community's evidence for one assessment period."""

    format: Literal["safecomm/evidence@1"] = FORMAT
    community: Community = Field(title="社区基本情况")
    organizations: list[Organization] = Field([], title="组织机构")
    documents: list[Document] = Field([], title="文件")
    goals: list[Goal] = Field([], title="目标")
    budget: list[BudgetLine] = Field([], title="经费")
    activities: list[Activity] = Field([], title="活动")
    projects: list[Project] = Field([], title="项目")
    hazards: list[Hazard] = Field([], title="隐患")
    injuries: Injuries = Field(Injuries.model_construct(), title="事故与伤害监测")
    agreements: Agreements | None = Field(None, title="安全责任书")
    rectifications: list[Rectification] = Field([], title="整改")
    emergency: Emergency = Field(Emergency.model_construct(), title="应急")
    publicity: Publicity = Field(Publicity.model_construct(), title="宣传阵地与渠道")
    workforce_training: WorkforceTraining | None = Field(None, title="从业人员安全培训")
    surveys: list[Survey] = Field([], title="调查")
    feedback: Feedback | None = Field(None, title="意见处理")

    _attachments: dict[str, Any] = PrivateAttr(default_factory=lambda: {})  # a lambda: see scheme.Scheme._kinds
    _notes: list[str] = PrivateAttr(default_factory=lambda: [])  # what the loader warns of, at its place (a value a `#` left empty)

    @property
    def period(self) -> Period:
        return self.community.period

    @property
    def attachments(self) -> dict[str, Any]:
        """Attachment path as written → `Attachment` (set by the loader; empty when built in code)."""
        return self.__pydantic_private__["_attachments"]  # not self._attachments: pydantic's __getattr__ is slow

    def records(self) -> dict[str, Any]:
        """Every record with an id, by id."""
        found: dict[str, Any] = {}
        for _loc, record in iter_identified(self):
            found.setdefault(record.id, record)
        return found


COLLECTIONS = ("organizations", "documents", "goals", "activities", "projects", "hazards", "rectifications", "surveys")


def iter_identified(ev: Evidence):
    """(loc, record) for every record that carries an id, in file order."""
    for name in COLLECTIONS:
        for i, record in enumerate(getattr(ev, name)):
            yield (name, i), record
    for name in ("teams", "equipment"):
        for i, record in enumerate(getattr(ev.emergency, name)):
            yield ("emergency", name, i), record


# (collection, field, collection the reference points into)
REFERENCES = (
    ("organizations", "charter", "documents"),
    ("projects", "plan", "documents"),
    ("activities", "project", "projects"),
    ("activities", "organizer", "organizations"),
    ("rectifications", "activity", "activities"),
    ("hazards", "activity", "activities"),
)


def _records(data: Any, *path: str):
    """(loc, record) for the mappings listed under `path` in plain data, skipping what is malformed."""
    for name in path:
        data = data.get(name) if isinstance(data, dict) else None
    for i, record in enumerate(data if isinstance(data, list) else []):
        if isinstance(record, dict):
            yield path + (i,), record


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


_ID_PATHS = [(name,) for name in COLLECTIONS] + [("emergency", "teams"), ("emergency", "equipment")]
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
# Cyrillic and Greek capitals and small letters drawn as Latin ones: А-008 beside A-008 is two ids no reader tells apart.
_LOOKALIKE = str.maketrans("АВЕКМНОРСТХаеорсухіјѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧον", "ABEKMHOPCTXaeopcyxijsABEZHIKMNOPTYXov")


def normal_id(value: str) -> str:
    """An id as a reader sees it: NFKC (full-width Ａ-００８ is A-008), invisible format characters
    (zero-width space, soft hyphen, BOM, word joiner) removed, every dash a `-`."""
    text = unicodedata.normalize("NFKC", value)
    if text.isascii():
        return text.strip()
    return "".join(c for c in text if unicodedata.category(c) != "Cf").translate(_DASHES).strip()


def normalise_ids(data: Any) -> dict[tuple, str]:
    """Rewrite every id and every reference to one in plain data as `normal_id` reads it, so that
    the results, the references and the duplicate check all see one spelling; → {loc: as written}
    for the ones that changed (messages quote what the clerk typed)."""
    written: dict[tuple, str] = {}
    fields = [(path, "id") for path in _ID_PATHS] + [((collection,), field) for collection, field, _ in REFERENCES]
    for path, name in fields:
        for loc, record in _records(data, *path):
            value = record.get(name)
            if isinstance(value, str) and value != (normal := normal_id(value)):
                written[loc + (name,)] = value
                record[name] = normal
    return written


def _foreign(ident: str) -> str:
    """What makes an id only look like another: its letters of another script, as the clerk sees them."""
    odd = [c for c in ident if ord(c) < 0x3000 and not c.isascii()]
    return "、".join(f"「{c}」（U+{ord(c):04X}，不是拉丁字母）" for c in dict.fromkeys(odd))


def reference_problems(data: Any, where=lambda loc: ".".join(map(str, loc)), written: dict | None = None) -> list[tuple[tuple, str]]:
    """Duplicate ids (also ids that only look alike), and references that point nowhere, as
    (loc, message in Chinese).

    Works on the plain data as written (not the model, ids through `normalise_ids`), so these
    problems are reported together with the validation errors of the same file; `where` names a
    location, `written` is what `normalise_ids` changed.
    """
    problems: list[tuple[tuple, str]] = []
    written = written or {}
    first: dict[str, tuple] = {}
    alike: dict[str, tuple[str, tuple]] = {}
    for path in _ID_PATHS:
        for loc, record in _records(data, *path):
            ident = _text(record.get("id"))
            if not ident:
                continue
            typed = written.get(loc + ("id",))
            shown = f"{ident}（写作「{typed}」，全角字符与不可见字符按半角读）" if typed and typed.strip() != ident else f"{ident} "
            skeleton = ident.translate(_LOOKALIKE)
            if ident in first:
                problems.append((loc + ("id",), f"编号 {shown}重复：{where(first[ident] + ('id',))}已用过此编号。编号在整个证据包内必须唯一"))
            elif skeleton in alike:
                other, at = alike[skeleton]
                problems.append((loc + ("id",), f"编号 {ident} 与{where(at + ('id',))}的编号 {other} 看起来相同，读者难以区分"
                                 f"（{_foreign(ident + other)}）：请改用不同的编号，或都用拉丁字母书写"))
            else:
                first[ident] = loc
                alike[skeleton] = (ident, loc)
    for collection, field, target in REFERENCES:
        ids = {_text(r.get("id")) for _, r in _records(data, target)}
        for loc, record in _records(data, collection):
            ref = _text(record.get(field))
            if ref and ref not in ids:
                problems.append((loc + (field,), f"引用的编号 {ref} 在 {target} 中不存在"))
    return problems


def item_problems(data: Any, known: set[str], scheme_id: str) -> list[tuple[tuple, str]]:
    """Declared `items` that the active rule set does not have, as (loc, message in Chinese)."""
    problems = []
    for collection in ("documents", "activities"):
        for loc, record in _records(data, collection):
            declared = record.get("items")
            for j, value in enumerate(declared if isinstance(declared, list) else []):
                item = _item_id(value)
                if isinstance(item, str) and re.match(r"^\d+\.\d+$", item) and item not in known:
                    problems.append((loc + ("items", j), f"条目 {item} 不在规则集 {scheme_id} 中：条目编号见 safecomm indicators"))
    return problems


def fields_used(ev: Evidence) -> set[str]:
    """Every field path (`activities.audience`) that the bundle writes somewhere: what a rule that
    reads a field can see. A list counts when it has an entry."""
    used: set[str] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, BaseModel):
            for name in value.model_fields_set:
                child = getattr(value, name)
                if child in (None, [], {}):
                    continue
                used.add(f"{path}{name}")
                walk(child, f"{path}{name}.")
        elif isinstance(value, list):
            for entry in value:
                walk(entry, path)

    walk(ev, "")
    return used


class Attachment(BaseModel):
    """A file the evidence cites, as found when the bundle was loaded."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    path: str
    sha256: str | None = None
    size: int | None = None

    @property
    def missing(self) -> bool:
        return self.sha256 is None


def attachment_locs(data: Any):
    """(loc, path) for every attachment path the bundle cites, in plain data as written."""
    for loc, doc in _records(data, "documents"):
        if _text(doc.get("file")):
            yield loc + ("file",), doc["file"].strip()
    for loc, act in _records(data, "activities"):
        files = act.get("files")
        for j, path in enumerate(files if isinstance(files, list) else []):
            if _text(path):
                yield loc + ("files", j), path.strip()


def canonical(ev: Evidence) -> dict:
    """The bundle as plain data with every list sorted: the order of records, members, topics… is not meaning."""
    data = unordered(ev.model_dump(mode="json", exclude_none=True))
    data["attachments"] = {p: a.sha256 for p, a in sorted(ev.attachments.items())}
    return data


def unordered(value: dict | list) -> dict | list:
    """The same data with every list sorted (records by id, others by their JSON text), in place:
    it is given fresh data (a `model_dump`), and copying every dict and list cost a third of the digest."""
    if type(value) is dict:
        for v in value.values():
            if type(v) is dict or type(v) is list:
                unordered(v)
        return value
    for v in value:
        if type(v) is dict or type(v) is list:
            unordered(v)
    if value and type(value[0]) is dict:
        value.sort(key=lambda r: r["id"] if "id" in r else _canonical_text(r))
    else:
        value.sort(key=str)
    return value


def _canonical_text(value: Any) -> str:
    # Plain data from a dump holds no cycle: not tracking every container to find one is 0.9x the time.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False)


def digest(ev: Evidence) -> str:
    """SHA-256 of the canonical bundle (attachment contents included through their hashes)."""
    return hashlib.sha256(_canonical_text(canonical(ev)).encode("utf-8")).hexdigest()
