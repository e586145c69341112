"""Primitives over the files behind the records (indicator 10): whether the work left a trace
that can be looked up, and whether the archive shows each side of the work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from ..measure import Measure, ratio
from ..terms import ActivityKind, DocumentKind
from .registry import primitive
from .activities import describe
from .common import cite, events, filed, files

if TYPE_CHECKING:
    from ..index import Index


@primitive(unit="ratio", reads=("activities.files", "community.period"))
def activities_with_files(ix: Index, kind: list[ActivityKind] = [], in_period: bool = True) -> Measure:
    """有存档附件的活动所占比例：所列种类的活动（默认评估期内，一行记多次的按次数计）中，至少附有一个附件且所列附件都存在的比例。
    证据中的活动都没有附材料时（从未用到 files），无从判断（需现场查阅）。"""
    found = ix.activities(kind, in_period=in_period)
    what = describe(kind, in_period=in_period)
    if not found:
        return Measure(None, f"未见{what}")
    if not any(a.files for a in ix.ev.activities):
        return Measure(None, f"{what} {len(found)} 次，证据中的活动都未附存档材料，需现场查阅", [f.id for f in found], unknown=True)
    weight = {f.id: events(ix, f.view.record, in_period) for f in found}  # a row of 48 with its file is 48 filed
    lacking = [f.id for f in found if not filed(ix, f.view.record.files)]
    whole = sum(weight.values())
    done = whole - sum(weight[i] for i in lacking)
    detail = f"{done}/{whole} 次{what}有可查的存档材料"
    if lacking:
        detail += f"，缺照片、签到表等存档材料：{cite(lacking)}"
    return Measure(ratio(done, whole), detail, [f.id for f in found])


class Aspect(BaseModel):
    """Which filed records show one side of the work: documents of these kinds (on these terms),
    activities of these kinds."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # validated only with a rule set

    document_kinds: list[DocumentKind] = []
    terms: list[str] = []
    activity_kinds: list[ActivityKind] = []


@primitive(unit="count", reads=("documents.file", "activities.files", "documents.kind", "activities.kind"))
def archive_aspects(ix: Index, aspects: dict[str, Aspect]) -> Measure:
    """档案反映的方面数：每个方面（如 创建过程、安全管理）有至少一份存有原件的相应文件或活动记录即算反映；
    标题或主题提到该方面名称（词条）的存档文件也算。看的是存了什么，不是档案叫什么。证据从未附任何原件或
    存档材料时，无从判断（需现场查阅）。"""
    shown: dict[str, list[str]] = {}
    listed: dict[str, list[str]] = {}  # what the records would show, filed or not
    for name, aspect in aspects.items():
        found = ix.documents(aspect.document_kinds, aspect.terms) if aspect.document_kinds or aspect.terms else []
        if name in ix.words:
            found += [f for f in ix.documents(terms=[name]) if name in f.view.terms]
        if aspect.activity_kinds:
            found += ix.activities(aspect.activity_kinds, in_period=False)
        ids = [f.id for f in found if filed(ix, files(f.view.record))]
        if ids:
            shown[name] = ids
        if found:
            listed[name] = [f.id for f in found]
    if not any(d.file for d in ix.ev.documents) and not any(a.files for a in ix.ev.activities):
        detail = "证据中的文件和活动都未附原件或存档材料，档案反映的情况需现场查阅"
        if listed:
            detail += "；登记的记录涉及：" + "；".join(f"{name} {cite(ids)}" for name, ids in listed.items())
        return Measure(None, detail, [i for ids in listed.values() for i in ids], unknown=True)
    missing = [name for name in aspects if name not in shown]
    detail = f"存档材料反映 {len(shown)}/{len(aspects)} 个方面"
    if shown:
        detail += "：" + "；".join(f"{name} {cite(ids)}" for name, ids in shown.items())
    if missing:
        detail += f"；未见：{'、'.join(missing)}"
    return Measure(len(shown), detail, [i for ids in shown.values() for i in ids], seen=bool(listed))

