"""Enumerated terms of the evidence format.

A term's value is the Chinese word a street office writes; the member's name, lower-cased,
is the English code that is accepted too (`教育` or `education`). Some terms also take the words
clerks type for them (`村民` is 居民, `空巢老人` 老年人: ALIASES). Results always carry the
Chinese word, so reports read the way the indicator table does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Term(StrEnum):
    """A Chinese term that also accepts its English code on input."""

    @property
    def code(self) -> str:
        return self.name.lower()

    @classmethod
    def _missing_(cls, value: object) -> Term | None:
        if isinstance(value, str):
            wanted = value.strip()
            for member in cls:
                if wanted in (member.value, member.code):
                    return member
            said = ALIASES.get(cls.__name__, {}).get(wanted)
            if said is not None:
                return cls(said)
        return None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["enum"] = [m.value for m in cls] + [m.code for m in cls] + list(ALIASES.get(cls.__name__, {}))
        schema.pop("const", None)
        return schema


class CommunityKind(Term):
    STREET = "街道"
    TOWNSHIP = "乡镇"
    INDUSTRIAL_PARK = "工业园区"
    ENTERPRISE = "企业"


class OrganizationKind(Term):
    LEADERSHIP = "领导机构"
    WORKING = "执行机构"
    VOLUNTEER = "志愿者组织"
    PROJECT_GROUP = "项目组"
    MASS = "群众组织"


class MemberCategory(Term):
    MANAGER = "社区管理人员"
    UNIT_STAFF = "相关单位工作人员"
    TECHNICIAN = "安全卫生技术人员"
    VOLUNTEER = "志愿者"
    RESIDENT = "社区居民"


class DocumentKind(Term):
    RULE = "制度"
    PLAN = "计划"
    GOAL = "目标"
    SCHEME = "方案"
    CONTINGENCY = "预案"
    PLEDGE = "责任书"
    RECORD = "记录"
    ARCHIVE = "档案"
    REPORT = "报告"
    MINUTES = "纪要"
    NOTICE = "通知"
    LEDGER = "台账"
    SUMMARY = "总结"
    OTHER = "其他"


class ActivityKind(Term):
    EDUCATION = "教育"
    TRAINING = "培训"
    DRILL = "演练"
    INSPECTION = "检查"
    EXCHANGE = "交流"
    REVIEW = "评审"
    MEETING = "会议"
    PUBLICITY = "宣传"
    CONSULTATION = "议事"


class InspectionScope(Term):
    COMPREHENSIVE = "综合"
    SPECIAL = "专项"
    ROUTINE = "日常"


class Audience(Term):
    RESIDENTS = "居民"
    WORKERS = "从业人员"
    STUDENTS = "学生"
    ELDERLY = "老年人"
    CHILDREN = "儿童"
    DISABLED = "残疾人"
    MIGRANTS = "流动人口"
    VOLUNTEERS = "志愿者"
    OFFICIALS = "干部"
    ENTERPRISES = "企业"
    TEAMS = "应急队伍"
    OTHER = "其他"


class Domain(Term):
    """The 12 safety domains of 附件2."""

    FIRE = "消防安全"
    WORKPLACE = "工作场所安全"
    PUBLIC_PLACES = "公共场所安全"
    HOME = "家居安全"
    TRAFFIC = "交通安全"
    SCHOOL = "学校安全"
    ELDERLY = "老年人安全"
    WATER = "涉水安全"
    CHILDREN = "儿童安全"
    SPORTS = "体育运动安全"
    PUBLIC_SECURITY = "社会治安"
    DISASTER = "防灾减灾和环境安全"


class Horizon(Term):
    ANNUAL = "年度"
    LONG_TERM = "长期"


class HazardLevel(Term):
    GENERAL = "一般"
    SERIOUS = "较大"
    MAJOR = "重大"


class Better(Term):
    LOWER = "降低"
    HIGHER = "提高"


class RectificationKind(Term):
    RECTIFY = "整改"
    CORRECTIVE = "纠正"
    PREVENTIVE = "预防"


class TeamKind(Term):
    FULL_TIME = "专职"
    PART_TIME = "兼职"


class ControlState(Term):
    """Whether a hazard's control measures are in place: 整改中 is work under way, neither closed
    nor neglected (funds found, patrols on, works unfinished)."""

    CONTROLLED = "已控制"
    IN_PROGRESS = "整改中"
    OPEN = "未控制"


class SurveyKind(Term):
    SATISFACTION = "满意度"
    AWARENESS = "知晓率"
    NEEDS = "需求"
    OTHER = "其他"


# What clerks type for a term, word → the term's value: read as that value, which results then carry.
# Each group is the audience the rule set's `audience.groups` places (空巢老人 is 老年人, and so 居民);
# the rule set's vocabulary reads the same words in titles (tests hold the two together).
_AUDIENCE_WORDS = {
    "居民": ["村民", "群众", "居民群众", "社区居民", "辖区居民", "市民", "住户", "业主", "租户", "农户", "村（居）民", "家庭"],
    "学生": ["中小学生", "小学生", "中学生", "青少年", "师生", "在校学生", "学校师生"],
    "儿童": ["少儿", "幼儿", "孩子", "未成年人", "留守儿童", "学龄前儿童"],
    "老年人": ["老人", "老年", "空巢老人", "独居老人", "高龄老人", "长者", "老年群体"],
    "残疾人": ["残障人士", "残疾人士", "残障"],
    "流动人口": ["外来务工人员", "外来务工", "务工人员", "外来人口", "外来人员", "农民工", "新市民", "流动人员"],
    "从业人员": ["员工", "职工", "企业员工", "企业职工", "作业人员", "一线员工", "从业者", "商户", "店主", "经营户", "个体工商户",
             "安全员", "安全管理人员"],
    "志愿者": ["义工", "志愿服务者", "平安志愿者"],
    "干部": ["社区干部", "村干部", "网格员", "工作人员", "社区工作者", "两委", "村两委", "机关干部", "党员干部"],
    "企业": ["企业负责人", "生产经营单位", "辖区企业", "企业主"],
    "应急队伍": ["应急队", "救援队", "应急救援队", "应急分队", "微型消防站", "义务消防队", "专职消防队"],
}
ALIASES: dict[str, dict[str, str]] = {
    "Audience": {word: value for value, words in _AUDIENCE_WORDS.items() for word in words},
}

# A project's target groups (its fields) and the vocabulary term each is read by: read by the index,
# the projects' primitives and what explains them.
TARGET_KINDS = ("vulnerable_groups", "high_risk_groups", "high_risk_environments")
TARGET_WORDS = {"vulnerable_groups": "脆弱群体", "high_risk_groups": "高危人群", "high_risk_environments": "高风险环境"}
# The term of an incident said with its cause (煤气泄漏…查明…老化致漏气): a written 整改 of one is corrective too.
INCIDENT_CAUSE = "事故原因"
