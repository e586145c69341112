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

import io
import math
import re
import signal
import threading
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from ..assessment import Assessment
from ..loading import InputError, Problem, read_input
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


MAX_TEMPLATE = 20 * 1024 * 1024  # the file itself: a 附件4 with a seal image is under 1 MB
MAX_STEPS = 200_000  # loop turns over all the template's loops: 45 items × a few nested tables is a few hundred
MAX_OUTPUT = 20_000_000  # characters the template may print (its own XML included): the filled 附件4 is about 300,000
MAX_SECONDS = 10  # a filled template takes well under a second; a loop that never ends is cut here


class _Refused(Exception):
    """The template asked for more than a filled 申报表 needs (the message says what)."""


class _Budget:
    """What one rendering may spend: loop turns, characters printed, and time. Charged from the
    loops over placeholders and `range`, from every printed value and every joined output."""

    def __init__(self) -> None:
        self.steps = 0
        self.made = 0  # characters of the values printed (a macro's are held until it returns)
        self.printed = 0  # characters of the joined output
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Refused(f"模板中的循环次数超过 {MAX_STEPS:,} 次（多半是循环嵌套过深或 range 过大）：请减少循环嵌套")
        if not self.steps % 1000:
            self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Refused(f"模板填写超过 {MAX_SECONDS} 秒仍未完成（多半是循环嵌套过深）：请简化模板中的循环")

    def make(self, size: int) -> None:
        self.made += size
        if self.made > MAX_OUTPUT:
            raise _Refused(f"模板生成的内容超过 {MAX_OUTPUT:,} 个字符（多半是循环或字符串重复过多）：请检查模板中的循环与 * 运算")

    def print(self, size: int) -> None:
        self.printed += size
        if self.printed > MAX_OUTPUT:
            raise _Refused(f"模板生成的内容超过 {MAX_OUTPUT:,} 个字符（多半是循环或字符串重复过多）：请检查模板中的循环与 * 运算")

    def concat(self, pieces) -> str:
        out = []
        for n, piece in enumerate(pieces):
            self.print(len(piece))
            out.append(piece)
            if not n % 1000:
                self.clock()
        return "".join(out)


class _Rows(list):
    """A list placeholder whose every loop turn is charged to the budget."""

    budget: _Budget

    def __iter__(self):
        for row in super().__iter__():
            self.budget.step()
            yield row


def _environment(budget: _Budget):
    """Jinja2's sandbox (placeholders only, every value escaped), bounded: loops, printed
    characters, `*` on text and lists, `**` and `%` formatting may not make more than a 申报表."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

    def bounded_range(*args):
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise _Refused(f"模板中的 range 超过 {MAX_RANGE:,} 项：请改小")
        rows = _Rows(numbers)
        rows.budget = budget
        return rows

    def finalize(value):
        budget.make(len(value) if isinstance(value, str) else 0)
        return value

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "%"])

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for text, times in ((left, right), (right, left)):
                    if isinstance(text, (str, list, tuple)) and isinstance(times, int) and len(text) * times > MAX_OUTPUT:
                        raise _Refused(f"模板中的 * 运算会生成 {len(text) * times:,} 个字符或项（上限 {MAX_OUTPUT:,}）：请改小")
            elif operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
                if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > 4096:
                    raise _Refused("模板中的 ** 运算结果过大：请改小")
            elif operator == "%" and isinstance(left, str) and re.search(r"%[-+ #0]*(\*|\d{4,})|%[-+ #0\d]*\.(\*|\d{4,})", left):
                raise _Refused("模板中的 % 格式宽度过大：请改小")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(autoescape=True, undefined=StrictUndefined, finalize=finalize)
    env.globals["range"] = bounded_range
    env.concat = budget.concat
    return env


def _counted(value, budget: _Budget):
    if isinstance(value, dict):
        return {k: _counted(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        rows = _Rows(_counted(v, budget) for v in value)
        rows.budget = budget
        return rows
    return value


@contextmanager
def _alarm(seconds: int):
    """A wall-clock stop for what no counter sees (a loop over the letters of a long text): SIGALRM
    in the main thread; elsewhere the counters alone."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise _Refused(f"模板填写超过 {seconds} 秒仍未完成（多半是循环嵌套过深）：请简化模板中的循环")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds + 1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def render(result: Assessment, template: Path) -> bytes:
    """The filled template as .docx bytes; InputError (in Chinese, at the template) when the
    template cannot be used or asks for more than a 申报表 needs."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError
    from lxml.etree import XMLSyntaxError

    raw = read_input(template, str(template), MAX_TEMPLATE, "Word 模板文件")  # a FIFO, /dev/zero or folder is refused unread
    _check_zip(template, raw)
    r = compose(result, parts=PARTS)
    try:
        doc = DocxTemplate(io.BytesIO(raw))
        doc.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile):
        raise _problem(template, "不是可用的 Word 文件（.docx）：请在 Word 或 WPS 中打开后另存为 .docx 格式") from None
    budget = _Budget()
    try:
        with _alarm(MAX_SECONDS):
            doc.render(_counted(context(r), budget), jinja_env=_environment(budget))
    except _Refused as exc:
        raise _problem(template, str(exc)) from None
    except UndefinedError as exc:
        name = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = next((g for g in name.groups() if g), "") if name else ""
        raise _problem(template, f"模板中的占位符「{name}」不存在{_near(exc)}；可用的占位符：{'、'.join(PLACEHOLDERS)}") from None
    except TemplateSyntaxError as exc:
        unknown = re.search(r"No (filter|test) named '([^']+)'", exc.message or "")
        if unknown:
            kind = "过滤器（| 之后的名称）" if unknown.group(1) == "filter" else "检验（is 之后的名称）"
            raise _problem(template, f"模板使用了不存在的{kind}「{unknown.group(2)}」{_near(exc)}：请删去或改正") from None
        raise _problem(template, f"模板中的占位符写法有误{_near(exc)}：占位符写作 {{{{ 单位名称 }}}}，"
                                 f"重复的表格行写作 {{%tr for 行 in 自评表 %}} … {{%tr endfor %}}，{{% %}} 须成对") from None
    except SecurityError:
        raise _problem(template, "模板试图读取占位符以外的内容，已拒绝") from None
    except RecursionError:
        raise _problem(template, "模板中的宏（macro）无限地调用自己：请删去这样的宏") from None
    except (ArithmeticError, OverflowError):
        raise _problem(template, "模板中的计算出错（除以零，或数值过大）：请删去模板中的算式") from None
    except MemoryError:
        raise _problem(template, "模板生成的内容过多，内存不足：请检查模板中的循环") from None
    except TemplateError as exc:
        unknown = re.search(r"No (filter|test) named '([^']+)'", getattr(exc, "message", "") or "")
        if unknown:
            kind = "过滤器（| 之后的名称）" if unknown.group(1) == "filter" else "检验（is 之后的名称）"
            raise _problem(template, f"模板使用了不存在的{kind}「{unknown.group(2)}」{_near(exc)}：请删去或改正") from None
        raise _problem(template, f"无法用此模板生成申报表{_near(exc)}：检查 {{% %}} 是否成对，是否跨越了段落或表格") from None
    except (XMLSyntaxError, PackageNotFoundError, ValueError, LookupError, TypeError, AttributeError, zipfile.BadZipFile):
        raise _problem(template, "无法用此模板生成申报表：检查 {% %} 是否成对，是否跨越了段落或表格；"
                                 "填入的内容须是完整的段落或表格行") from None
    if r.sample:
        word.mark_sample(doc.docx, r.sample)
    return word.save(doc.docx, r.title, result.community.name, result.period.end)


def _near(exc) -> str:
    """Where in the template a Jinja2 error is: the placeholders of the paragraph it names (docxtpl
    puts one paragraph on a line and keeps the lines around it, without their XML)."""
    lines = list(getattr(exc, "docx_context", None) or ())
    lineno = getattr(exc, "lineno", None) or 1
    at = lineno - 1 - max(lineno - 4, 0)  # the context starts 3 lines before the error's
    for line in [lines[at]] if 0 <= at < len(lines) else []:
        tags = re.findall(r"\{[{%].{0,60}?[}%]\}|\{[{%].{0,40}", line)
        if tags:
            return f"（在「{'」「'.join(t.strip() for t in tags[:3])}」处）"
    return ""


def _check_zip(template: Path, raw: bytes) -> None:
    """A .docx is a zip holding word/document.xml; anything else, a part whose CRC is wrong, or a
    zip bomb, is refused before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            size = sum(i.file_size for i in infos)
            if "word/document.xml" not in names:
                raise _problem(template, "不是 Word 文件（.docx）：请在 Word 或 WPS 中另存为 .docx 格式")
            if size > MAX_UNPACKED or len(infos) > 1000:
                raise _problem(template, f"模板解压后超过 {MAX_UNPACKED // 1024 // 1024} MB（或多于 1000 个部件），不予处理")
            bad = z.testzip()  # inflates every part within the sizes just checked
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise _problem(template, "不是 Word 文件（.docx），或文件已损坏：请在 Word 或 WPS 中打开后另存为 .docx 格式") from None
    if bad:
        raise _problem(template, f"文件已损坏（其中的 {bad} 校验不符）：请在 Word 或 WPS 中打开后另存为 .docx 格式")


def _problem(template: Path, message: str) -> InputError:
    return InputError([Problem(str(template), 0, 0, "--docx-template", message)])
