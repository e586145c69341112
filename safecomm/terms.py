"""Enumerated terms of the evidence format.

A term's value is the Chinese word a street office writes; the member's name, lower-cased,
is the English code that is accepted too (`教育` or `education`). Results always carry the
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
        return None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["enum"] = [m.value for m in cls] + [m.code for m in cls]
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
