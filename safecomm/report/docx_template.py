"""The 申报表 filled into a user's own Word template (`--docx-template`): provinces print their own
variants of 附件4, and an office must send the variant its province asks for.

The template is a .docx with placeholders in Jinja2 syntax, as docxtpl reads them: `{{ 单位名称 }}`
for a field, a table row holding `{%tr for 行 in 自评表 %}` … `{%tr endfor %}` around the row to
repeat. `PLACEHOLDERS` lists every name (docs/papers.md shows them). The words are those of the
PDF (report/compose.py). The template runs sandboxed, as it is a file from elsewhere: it can read
these values and nothing else; every value is escaped, so `<`, `&` or `{{ }}` in a name print as
written.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..assessment import Assessment
from ..loading import InputError, Problem
from . import word
from .compose import PARTS, Report, compose

MAX_UNPACKED = 100 * 1024 * 1024  # a .docx is a zip: refuse to inflate more than this

ROW = {"编号": "条目编号", "指标": "条目原文", "A": "✓ 或空", "B": "✓ 或空", "C": "✓ 或空", "审核": "审核后的等级（无审核时为空）", "备注": "备注（多行）"}
GAP = {"编号": "条目编号", "等级": "审核后的等级", "否决": "“否决”或空", "存在问题": "存在问题（多行）", "整改建议": "整改建议（多行，逐条编号）"}
PLACEHOLDERS = {
    "县区": "县(区)",
    "单位名称": "单位名称",
    "申报名称": "拟申报安全社区名称",
    "简述": "对照创建条件简述工作内容及成效（多段）",
    "简述说明": "简述由自评结果生成时的说明，否则为空",
    "初步审查意见": "县(区)安委会办公室初步审查意见（审核表中填写；否则为空）",
    "审核人": "审核单位和审核人（否则为空）",
    "审查日期": "审核日期，如 2025年1月15日（否则为空）",
    "备注": "备注：自评结论与附件清单",
    "评估期": "如 2024年1月1日至2024年12月31日",
    "规则集": "规则集名称、编号和版本",
    "等级统计": "如 A 级 43 项，B 级 2 项，C 级 0 项",
    "结论": "自评结论",
    "结论理由": "结论的理由（多行）",
    "结论政策": "结论政策的说明",
    "评定办法": "条目等级的评定办法",
    "示例": "证据仍含示例数据时的提示，否则为空",
    "自评表": "全部条目，每项有：" + "、".join(ROW),
    "指标": "一级指标，每项有：编号、名称、条目（同 自评表 的各项）",
    "差距": "未达到 A 级的条目，每项有：" + "、".join(GAP),
}


def context(r: Report) -> dict:
    """The values of the placeholders, control characters made visible."""
    res = r.result
    c, review = res.community, res.review

    def row(item) -> dict:
        ticks = {g: "✓" if item.grade == g else "" for g in "ABC"}
        return {"编号": item.id, "指标": item.text, **ticks, "审核": item.review or "", "备注": "\n".join(item.remarks)}

    values = {
        "县区": c.county or "",
        "单位名称": c.name,
        "申报名称": c.title,
        "简述": "\n".join(r.narrative),
        "简述说明": r.narrative_note or "",
        "初步审查意见": (review.opinion or "") if review else "",
        "审核人": r.reviewer_line or "",
        "审查日期": r.county_date or "",
        "备注": r.remarks,
        "评估期": r.period,
        "规则集": f"{res.scheme.title}（{res.scheme.id} {res.scheme.version}）",
        "等级统计": r.counts,
        "结论": res.verdict.verdict,
        "结论理由": "\n".join(res.verdict.reasons),
        "结论政策": res.verdict.policy,
        "评定办法": res.grading,
        "示例": r.sample or "",
        "自评表": [row(item) for g in r.groups for item in g.rows],
        "指标": [{"编号": g.id, "名称": g.title, "条目": [row(item) for item in g.rows]} for g in r.groups],
        "差距": [{
            "编号": gap.id, "等级": gap.grade, "否决": "否决" if gap.vetoed else "",
            "存在问题": "\n".join([gap.reason] + ([gap.override] if gap.override else []) + ([f"需现场核实：{gap.confirm}"] if gap.confirm else [])),
            "整改建议": "\n".join(f"{n}. {a}" for n, a in enumerate(gap.advice, 1)),
        } for gap in r.gaps],
    }
    return _visible(values)


def _visible(value):
    if isinstance(value, str):
        return word.visible(value)
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    return [_visible(v) for v in value]


def render(result: Assessment, template: Path) -> bytes:
    """The filled template as .docx bytes; InputError (in Chinese) when the template cannot be used."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SandboxedEnvironment, SecurityError
    from lxml.etree import XMLSyntaxError

    _check_zip(template)
    r = compose(result, parts=PARTS)
    doc = DocxTemplate(str(template))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        doc.render(context(r), jinja_env=env)
    except UndefinedError as exc:
        name = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = next((g for g in name.groups() if g), "") if name else exc.message
        raise _problem(template, f"模板中的占位符「{name}」不存在；可用的占位符：{'、'.join(PLACEHOLDERS)}") from None
    except TemplateSyntaxError as exc:
        raise _problem(template, f"模板中的占位符写法有误：{exc.message}；占位符写作 {{{{ 单位名称 }}}}，"
                                 f"重复的表格行写作 {{%tr for 行 in 自评表 %}} … {{%tr endfor %}}") from None
    except SecurityError:
        raise _problem(template, "模板试图读取占位符以外的内容，已拒绝") from None
    except (TemplateError, XMLSyntaxError, PackageNotFoundError, ValueError, KeyError) as exc:
        raise _problem(template, f"无法用此模板生成申报表（{exc}）：检查 {{% %}} 是否成对，是否跨越了段落或表格") from None
    if r.sample:
        word.mark_sample(doc.docx, r.sample)
    return word.save(doc.docx, r.title, result.community.name, result.period.end)


def _check_zip(template: Path) -> None:
    """A .docx is a zip holding word/document.xml; anything else, or a zip bomb, is refused before parsing."""
    try:
        with zipfile.ZipFile(template) as z:
            names = {i.filename for i in z.infolist()}
            size = sum(i.file_size for i in z.infolist())
    except FileNotFoundError:
        raise _problem(template, "模板文件不存在") from None
    except (zipfile.BadZipFile, OSError):
        raise _problem(template, "不是 Word 文件（.docx）：请在 Word 或 WPS 中另存为 .docx 格式") from None
    if "word/document.xml" not in names:
        raise _problem(template, "不是 Word 文件（.docx）：请在 Word 或 WPS 中另存为 .docx 格式")
    if size > MAX_UNPACKED:
        raise _problem(template, f"模板解压后超过 {MAX_UNPACKED // 1024 // 1024} MB，不予处理")


def _problem(template: Path, message: str) -> InputError:
    return InputError([Problem(str(template), 0, 0, "--docx-template", message)])
