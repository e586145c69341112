"""The `safecomm` command: thin click commands over the library API."""

from __future__ import annotations

import functools
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import clicktext
from .problems import InputError, Problem, os_reason, printable
from .report import PARTS

if TYPE_CHECKING:
    from . import papers

EXIT_INPUT = 2
DEFAULT_SCHEME = "national-2009"  # rulesets.DEFAULT, named here so that `--help` loads no rule set (a test holds them equal)
SHOWN = 200  # problems listed at most: 60,000 unknown keys are one mistake repeated, not a page to scroll

clicktext.install()


def handles_input_errors(func):
    """Bad input becomes a list of `file:line:column  field  message` on stderr and exit 2; so
    does an error writing the results themselves (standard output on a full disk)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            done = func(*args, **kwargs)
            sys.stdout.flush()
            return done
        except InputError as exc:
            for problem in exc.problems[:SHOWN]:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            if n > SHOWN:
                click.echo(f"……还有 {n - SHOWN} 处问题未列出（先改正以上各处，再运行一次）", err=True)
            click.echo(f"共 {n} 处问题，未生成结果。", err=True)
            sys.exit(EXIT_INPUT)
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say to it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # what the loaders and Outputs did not word: standard output, mostly
            what = f"{printable(str(exc.filename))}  无法读写" if exc.filename else "标准输出  无法写出结果"
            click.echo(f"{what}：{os_reason(exc)}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


# Fields that only help the rules read a record (declared items, links, the period): never missed.
AIDS = {"documents.items", "activities.items", "hazards.activity", "community.period"}


def _echo_json(text: str | bytes) -> None:
    """JSON, HTML and Markdown go out as UTF-8 bytes, whatever the console's encoding: a Windows
    console would write GBK into a redirected file under `charset=utf-8`, which no reader expects."""
    _echo_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def _echo_text(text: str) -> None:
    """Text for the console, in its encoding (a GBK console shows what it cannot as ?)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    _echo_bytes(text.encode(encoding, "replace"))


def _echo_bytes(data: bytes) -> None:
    """Every byte written, or an OSError: Python's buffered standard output loses the end of a
    write cut at a file-size limit (EFBIG) without a word, and the run would exit 0."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        click.echo(data, nl=False)  # not a file (a test's runner): it keeps what it is given
        return
    sys.stdout.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _echo_data(data) -> None:
    """Data as JSON with a final newline, in UTF-8 bytes (see `_echo_json`)."""
    _echo_json(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


scheme_option = click.option(
    "--scheme", "scheme_ref", default=DEFAULT_SCHEME, show_default=True,
    help="规则集：内置规则集的编号，或规则集 YAML 文件的路径",
)


def _tty() -> bool:
    return bool(sys.stdout and sys.stdout.isatty())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="safecomm", prog_name="safecomm")
def main() -> None:
    """安全社区创建自评：按评定指标评估证据，给出等级、理由和申报表。"""
    if sys.stdout is None:  # started with standard output closed (`>&-`): click would print nothing and exit 0
        click.echo("标准输出  无法写出结果：标准输出已关闭（如 >&-）：请把输出重定向到文件，如 > 结果.txt", err=True)
        sys.exit(EXIT_INPUT)
    for stream in (sys.stdout, sys.stderr):  # a GBK console cannot show �: a ? then, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


font_options = [
    click.option("--font-title", type=click.Path(dir_okay=False, path_type=Path), help="标题字体文件（如 方正小标宋），用于 PDF/HTML；Word 中写入其字体名称"),
    click.option("--font-serif", type=click.Path(dir_okay=False, path_type=Path), help="正文字体文件（如 仿宋_GB2312），用于 PDF/HTML；Word 中写入其字体名称"),
    click.option("--font-sans", type=click.Path(dir_okay=False, path_type=Path), help="表头与图表字体文件（如 黑体），用于 PDF/HTML；Word 中写入其字体名称"),
]


def with_font_options(func):
    for option in reversed(font_options):
        func = option(func)
    return func


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text", show_default=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="另将申报表写成 PDF 文件")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path), help="另将申报表写成可编辑的 Word 文件（.docx）")
@click.option("--docx-template", type=click.Path(dir_okay=False, path_type=Path), help="用本省的 Word 模板生成 --docx（占位符见 docs/papers.md）")
@click.option("--only", "only", multiple=True, type=click.Choice(PARTS),
              help="只输出申报表的这一部分（可重复），用于 --pdf、--docx 和 --format html")
@click.option("--footer", type=click.Choice(["page", "digest"]), default="page", show_default=True,
              help="页脚：page 只印页码；digest 另在每页印规则集和证据摘要（摘要总在证据索引页和文件属性中）")
@with_font_options
@click.option("--strict", is_flag=True, help="结论不是“可以申报”时以退出码 1 结束")
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path), help="审核表（safecomm review start 生成并填写）")
@click.option("--allow-stale", is_flag=True, help="证据在审核表制作后改动过时仍采用审核表（只限同一社区；报告会注明）")
@handles_input_errors
def assess(
    evidence: Path, scheme_ref: str, fmt: str, strict: bool, review_path: Path | None, allow_stale: bool,
    pdf_path: Path | None, docx_path: Path | None, docx_template: Path | None, only: tuple[str, ...], footer: str,
    font_title: Path | None, font_serif: Path | None, font_sans: Path | None,
) -> None:
    """评估 EVIDENCE（证据 YAML 或台账 .xlsx），按指标列出每个条目的等级、理由和提升建议。"""
    from .collector import starting

    with starting():
        from . import papers
        from . import rulesets
        from .engine import assess as run
        from .bundle import bundle_files, load_evidence
        from .output import DOCX, PDF, Outputs

        _check_papers(fmt, pdf_path, docx_path, docx_template, only)
        scheme = rulesets.load_scheme(scheme_ref)
    fonts = _fonts(font_title, font_serif, font_sans)
    bundle = load_evidence(evidence, scheme)
    sheet = None
    if review_path:
        from .review_input import load_review

        sheet = load_review(review_path)
    out = Outputs([*bundle_files(evidence, bundle), *scheme.files, *fonts.given().values(),
                   *(p for p in (review_path, docx_template) if p)])
    out.check_all([(path, kind) for path, kind in ((pdf_path, PDF), (docx_path, DOCX)) if path])
    result = run(bundle, scheme)
    if fmt != "json":  # the words of the channel for a person; the JSON stays the same whatever the source
        from .ledger.words import assessment_in, channel_of

        result = assessment_in(result, scheme, channel_of(evidence))
    if sheet:
        from .review import apply_review

        result = apply_review(result, sheet, scheme, allow_stale)
    made = {}  # made before anything is printed: a bad template stops the run with nothing written
    if pdf_path:
        made[pdf_path] = papers.pdf(result, fonts, only, footer), PDF
    if docx_path:
        made[docx_path] = papers.docx(result, fonts, only, docx_template, footer), DOCX
    if fmt == "json":
        _echo_json(result.to_json())
    elif fmt == "md":
        from .report import markdown

        _echo_json(markdown.render(result))
    elif fmt == "html":
        _echo_json(papers.html(result, fonts, only, footer))
    elif made:  # the papers are what was asked for: the verdict and the counts, not the whole report
        _echo_text(_short(result))
    else:
        from .report import text

        _echo_text(text.render(result, color=_tty()))
    for target, (data, kind) in made.items():
        out.write(target, data, kind)
        click.echo(f"已生成申报表 {printable(str(target))}", err=True)
    if strict and not result.verdict.ready:
        sys.exit(1)


def _short(result) -> str:
    """Three lines for a run that wrote the papers: who, the verdict, the grades."""
    counts = "，".join(f"{g} {n} 项" for g, n in result.counts.items())
    vetoed = sum(1 for i in result.items if i.vetoed)
    return (f"{result.community.title}  评估期 {result.period.start} 至 {result.period.end}\n"
            f"结论：{result.verdict.verdict}\n"
            f"等级：{counts}{f'，否决 {vetoed} 项' if vetoed else ''}（完整报告：去掉 --pdf/--docx 运行 safecomm assess）\n")


def _check_papers(fmt: str, pdf_path: Path | None, docx_path: Path | None, template: Path | None, only: tuple[str, ...]) -> None:
    """Options that only mean something beside another one."""
    problems = []
    if only and not (pdf_path or docx_path or fmt == "html"):
        problems.append(Problem("--only", 0, 0, "--only", "--only 选择申报表的部分，只用于 --pdf、--docx 或 --format html"))
    if template and not docx_path:
        problems.append(Problem("--docx-template", 0, 0, "--docx-template", "--docx-template 须与 --docx 一起使用：--docx 给出输出文件"))
    if template and only:
        problems.append(Problem("--docx-template", 0, 0, "--only", "用 Word 模板时，模板本身决定输出哪些内容，不能再用 --only"))
    if problems:
        raise InputError(problems)


def _fonts(title: Path | None, serif: Path | None, sans: Path | None) -> papers.FontFiles:
    """The --font-* files, checked before any work."""
    from . import papers
    return papers.check_fonts(papers.FontFiles(title=title, serif=serif, sans=sans))


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件（如 工作报告.docx）")
@click.option("--format", "fmt", type=click.Choice(["docx", "md"]),
              help="docx（Word，默认）或 md（Markdown，不给 -o 时打印出来）；不给时按 -o 的扩展名")
@scheme_option
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path), help="审核表：按审核后的等级写报告")
@click.option("--allow-stale", is_flag=True, help="证据在审核表制作后改动过时仍采用审核表")
@with_font_options
@handles_input_errors
def report(evidence: Path, output: Path | None, fmt: str | None, scheme_ref: str, review_path: Path | None,
           allow_stale: bool, font_title: Path | None, font_serif: Path | None, font_sans: Path | None) -> None:
    """由 EVIDENCE 起草安全社区建设工作报告：社区概况，按指标和条目写开展的工作，缺少的内容标为【待补充】。"""
    from . import papers
    from . import rulesets
    from .engine import assess as run
    from .bundle import bundle_files, load_evidence
    from .output import DOCX, MARKDOWN, Outputs

    fmt = fmt or ("md" if output and output.suffix.lower() == ".md" else "docx")
    if fmt == "docx" and not output:
        raise InputError([Problem("-o", 0, 0, "-o", "Word 文件须用 -o 指定输出路径，如 -o 工作报告.docx；要在终端查看请用 --format md")])
    fonts = _fonts(font_title, font_serif, font_sans)
    scheme = rulesets.load_scheme(scheme_ref)
    ev = load_evidence(evidence, scheme)
    out = Outputs([*bundle_files(evidence, ev), *scheme.files, *fonts.given().values(), *([review_path] if review_path else [])])
    kind = MARKDOWN if fmt == "md" else DOCX
    if output:
        out.check(output, kind)
    result = run(ev, scheme)
    if review_path:
        from .review import apply_review
        from .review_input import load_review

        result = apply_review(result, load_review(review_path), scheme, allow_stale)
    data = papers.workreport(ev, result, scheme, fmt, fonts)
    if not output:
        _echo_json(data)
        return
    out.write(output, data, kind)
    click.echo(f"已生成工作报告草稿 {printable(str(output))}（【待补充】处须由申报单位补写）", err=True)


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@scheme_option
@handles_input_errors
def validate(evidence: Path, scheme_ref: str) -> None:
    """只检查 EVIDENCE（证据 YAML 或台账 .xlsx）的格式与引用，列出全部问题（文件:行:列 或 文件:工作表!单元格，字段，说明）；另提示规则集会读、本证据从未填写的字段。"""
    from .collector import starting

    with starting():
        from . import rulesets
        from . import sample
        from .notes import warnings
        from .evidence import fields_used
        from .fidelity import fields_read
        from .ledger.words import channel_of, speak, unfilled
        from .bundle import load_evidence

        scheme = rulesets.load_scheme(scheme_ref)
    ev = load_evidence(evidence, scheme)
    channel = channel_of(evidence)
    for warning in warnings(ev, scheme, sample.split(ev)[1]):
        click.echo(f"警告：{speak(warning, channel)}", err=True)
    used = fields_used(ev)
    read: dict[str, list[str]] = {}  # field → items, narrowed by each check's parameters
    for _, item in scheme.items():
        for check in item.checks:
            for field in fields_read(check):
                if item.id not in read.setdefault(field, []):
                    read[field].append(item.id)
    missing = {field: items for field, items in read.items()
               if field not in used and not any(u.startswith(field + ".") for u in used) and field not in AIDS}
    for line in unfilled(missing, used, channel):
        click.echo(f"提示：{line}", err=True)
    click.echo(f"{printable(str(evidence))}：格式正确（{len(ev.records())} 条带编号的记录）。")


@main.command()
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--primitives", is_flag=True, help="列出检查原语（规则集作者用）")
@click.option("--schemes", "list_schemes", is_flag=True, help="列出随软件提供的规则集（编号、名称、所继承的规则集、记分办法）")
@handles_input_errors
def indicators(scheme_ref: str, fmt: str, primitives: bool, list_schemes: bool) -> None:
    """列出规则集的指标和条目。"""
    from . import rulesets
    from . import explain as words

    if list_schemes:
        names = rulesets.available() + rulesets.examples()
        rows = [words.scheme_row(name, rulesets.load_scheme(name)) for name in names]
        _echo_data(rows) if fmt == "json" else click.echo(words.schemes_text(rows))
        return
    scheme = rulesets.load_scheme(scheme_ref)
    if primitives:
        click.echo(words.primitives_text()) if fmt == "text" else _echo_data(words.primitives_data())
    elif fmt == "json":
        _echo_data(words.indicators_data(scheme))
    else:
        click.echo(words.indicators_text(scheme), nl=False)


@main.command()
@click.argument("item")
@scheme_option
@handles_input_errors
def explain(item: str, scheme_ref: str) -> None:
    """用文字说明条目 ITEM（如 2.4）：原文、检查、阈值和读取的证据字段。"""
    from . import rulesets
    from . import explain as words

    scheme = rulesets.load_scheme(scheme_ref)
    try:
        text = words.item_text(scheme, item)
    except KeyError:
        raise InputError([Problem("ITEM", 0, 0, item, f"规则集 {scheme.id} 中没有条目 {item}；条目编号形如 2.4，见 `safecomm indicators`")]) from None
    click.echo(text, nl=False)


@main.command()
@click.argument("what", type=click.Choice(["evidence", "scheme", "review", "assessment"]))
@scheme_option
@handles_input_errors
def schema(what: str, scheme_ref: str) -> None:
    """输出 JSON Schema（供编辑器校验和提示）；证据的 Schema 附有规则集认得的词（topics、items 等的 examples）。"""
    from . import rulesets
    from .assessment import Assessment
    from .review import Review
    from .scheme import Scheme

    if what == "evidence":
        from .explain import evidence_schema

        _echo_data(evidence_schema(rulesets.load_scheme(scheme_ref)))
        return
    model = {"scheme": Scheme, "review": Review, "assessment": Assessment}[what]
    _echo_data(model.model_json_schema())


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--xlsx", is_flag=True, help="生成 Excel/WPS 台账 台账.xlsx（代替 evidence.yaml）")
@scheme_option
@click.option("--force", is_flag=True, help="覆盖已有的 evidence.yaml 或 台账.xlsx")
@handles_input_errors
def init(directory: Path, xlsx: bool, scheme_ref: str, force: bool) -> None:
    """在 DIRECTORY 中生成带中文注释的证据模板 evidence.yaml，或加 --xlsx 生成台账 台账.xlsx。"""
    from . import rulesets
    from importlib import resources

    from .output import EVIDENCE, LEDGER_FILE, Outputs

    if xlsx:
        from .ledger.write import template

        target, data, kind = directory / LEDGER, template(rulesets.load_scheme(scheme_ref)), LEDGER_FILE
    else:
        target, kind = directory / "evidence.yaml", EVIDENCE
        data = (resources.files("safecomm") / "templates" / "evidence.yaml").read_bytes()
    out = Outputs()
    out.check(target, kind, force)
    try:  # all or nothing: a failure leaves no half-made folder behind
        out.folder(directory / "attachments")
        out.write(target, data, kind, force=force)
    except InputError:
        out.undo_folders()
        raise
    shown = printable(str(target))
    click.echo(f"已生成 {shown}：按{'表中说明' if xlsx else '注释'}填写后运行 safecomm validate {shown}")


LEDGER = "台账.xlsx"
YAML_SUFFIXES = (".yaml", ".yml")


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@scheme_option
@click.option("--force", is_flag=True, help="覆盖已有的 TARGET")
@handles_input_errors
def convert(source: Path, target: Path, scheme_ref: str, force: bool) -> None:
    """在证据 YAML 与台账 .xlsx 之间转换，内容不变：SOURCE 是 .yaml 则 TARGET 为 .xlsx，反之亦然。"""
    from . import rulesets
    from .bundle import bundle_files, load_evidence
    from .output import EVIDENCE, LEDGER_FILE, Outputs

    to_ledger = source.suffix.lower() in YAML_SUFFIXES
    wanted = ".xlsx" if to_ledger else ".yaml"
    if target.suffix.lower() not in ((".xlsx",) if to_ledger else YAML_SUFFIXES):
        raise InputError([Problem(str(target), 0, 0, "TARGET", f"从 {source.suffix or '该文件'} 转换，目标文件的扩展名应为 {wanted}")])
    scheme = rulesets.load_scheme(scheme_ref)
    evidence = load_evidence(source, scheme)
    out = Outputs([*bundle_files(source, evidence), *scheme.files])
    kind = LEDGER_FILE if to_ledger else EVIDENCE
    out.check(target, kind, force)
    if to_ledger:
        from .ledger.write import ledger_bytes, plain

        data: bytes | str = ledger_bytes(plain(evidence), scheme, label=str(source))
    else:
        from .ledger.yaml_text import yaml_text

        data = yaml_text(evidence, scheme, printable(source.name))
    out.write(target, data, kind, force=force)
    click.echo(f"已生成 {printable(str(target))}（{len(evidence.records())} 条带编号的记录）")
    if evidence.attachments and source.resolve().parent != target.resolve().parent:
        click.echo(f"注意：附件路径相对于证据文件所在的文件夹，请把附件一并放到 {printable(str(target.parent))} 中（如 attachments/）。", err=True)


@main.command()
@click.argument("summary", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="起草的台账（默认：总结旁的 <名称>.台账.待确认.xlsx）；已存在的文件不会被覆盖")
@click.option("--year", type=click.IntRange(1990, 2100), metavar="年份", help="总结所写的年度（总结中没有写明年份时必填，如 2024）")
@scheme_option
@handles_input_errors
def draft(summary: Path, output: Path | None, year: int | None, scheme_ref: str) -> None:
    """从一年的工作总结（.docx、.txt 或 .md）起草台账：有日期的活动、点名的文件、组织机构、整改件数和下一年的计划，每行注明来源原句和可信度，待核对确认。"""
    from . import draft as drafting
    from . import rulesets
    from .output import LEDGER_FILE, Outputs

    target = output or summary.with_name(summary.stem + ".台账.待确认.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise InputError([Problem(printable(str(target)), 0, 0, "-o", "起草的台账是 Excel 工作簿：文件名应以 .xlsx 结尾")])
    if os.path.lexists(target):  # a draft goes to a new file only, even over an empty one
        raise InputError([Problem(printable(str(target)), 0, 0, "", "已存在，未覆盖：起草的台账只写到新文件，请用 -o 换一个文件名，或先移走该文件")])
    scheme = rulesets.load_scheme(scheme_ref)
    out = Outputs([summary, *scheme.files])
    out.check(target, LEDGER_FILE)
    text = drafting.read_summary(summary)
    result = drafting.draft(text, scheme, year, label=printable(str(summary)))
    out.write(target, drafting.workbook(result, scheme), LEDGER_FILE)
    counts = result.counts()
    said = "、".join(f"{name} {counts[key]} 行" for key, name in
                    (("activities", "活动"), ("documents", "文件"), ("organizations", "组织机构"), ("rectifications", "整改"))
                    if counts.get(key))
    if result.truncated:
        click.echo(f"注意：已拟出 {drafting.MAX_ROWS} 行，后面的文字没有再读：这不像一份工作总结，请只给出总结的正文", err=True)
    click.echo(f"已起草 {printable(str(target))}（{result.year} 年度；{said or '没有找到可拟的行'}）：对照「来源」列逐行核对、改正或删除，"
               f"再运行 safecomm validate {printable(str(target))}")


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="拟增行写到此文件（默认：证据文件旁的 <名称>.待确认.xlsx 或 .yaml）")
@scheme_option
@click.option("--force", is_flag=True, help="覆盖已有的拟增行文件")
@handles_input_errors
def scan(evidence: Path, output: Path | None, scheme_ref: str, force: bool) -> None:
    """核对 EVIDENCE 所在文件夹中的附件：未被记录引用的文件、缺失的文件，并为未引用的文件拟出待确认的行。"""
    from . import rulesets
    from .ledger import scan as archive
    from .bundle import bundle_files, load_evidence
    from .output import EVIDENCE, LEDGER_FILE, Outputs

    scheme = rulesets.load_scheme(scheme_ref)
    bundle = load_evidence(evidence, scheme)
    found = archive.scan(bundle, evidence, scheme)
    click.echo(f"{printable(str(evidence))}：附件 {len(bundle.attachments)} 个，缺失 {len(found.missing)} 个；文件夹中未被引用的文件 {len(found.unreferenced)} 个。")
    for ident, path in found.missing:
        click.echo(f"  缺失  {ident}  {path}")
    for path in found.unreferenced:
        click.echo(f"  未引用  {path}")
    if found.truncated:
        click.echo(f"文件夹中的文件超过 {archive.MAX_FILES} 个，其余的未核对。", err=True)
    if not found.proposals:
        return
    target = output or archive.proposals_path(evidence)
    kind = LEDGER_FILE if target.suffix.lower() == ".xlsx" else EVIDENCE
    out = Outputs([*bundle_files(evidence, bundle), *scheme.files])
    out.check(target, kind, force)
    if target.suffix.lower() == ".xlsx":
        from .ledger.write import PROPOSAL_NOTE, ledger_bytes

        data: bytes | str = ledger_bytes(found.proposals, scheme, mark=PROPOSAL_NOTE, filled_only=True)
    else:
        from .ledger.yaml_text import proposals_text

        data = proposals_text(found.proposals, scheme, evidence.name)
    out.write(target, data, kind, force=force)
    n = sum(len(rows) for rows in found.proposals.values())
    click.echo(f"已为未引用的文件拟出 {n} 行，写在 {printable(str(target))}：请核对、补全后复制到 {printable(evidence.name)}。")


@main.group()
def review() -> None:
    """审核：为一份申报制作审核表，填写改判与初步审查意见。"""


@review.command("start")
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="审核表路径：.yaml，或 .xlsx 写成工作簿（默认：证据文件旁的 <名称>.review.yaml；"
                   "<名称>.review.yaml 或 <名称>.review.xlsx 会被 batch 自动采用）")
@scheme_option
@click.option("--force", is_flag=True, help="覆盖已有的审核表（其中的审核内容将丢失）")
@handles_input_errors
def review_start(evidence: Path, output: Path | None, scheme_ref: str, force: bool) -> None:
    """为 EVIDENCE 生成审核表（YAML，或 -o 审核表.xlsx 生成 Excel 工作簿）：列出全部条目及其自动等级，待填写。"""
    from . import rulesets
    from .engine import assess as run
    from .bundle import bundle_files, load_evidence
    from .output import REVIEW, REVIEW_BOOK, Outputs
    from .review import is_book, new_sheet, sheet_path

    target = output or sheet_path(evidence)
    kind = REVIEW_BOOK if is_book(target) else REVIEW
    scheme = rulesets.load_scheme(scheme_ref)
    bundle = load_evidence(evidence, scheme)
    out = Outputs([*bundle_files(evidence, bundle), *scheme.files])
    out.check(target, kind, force)
    result = run(bundle, scheme)
    if kind is REVIEW_BOOK:
        from .review_book import new_book

        out.write(target, new_book(result), kind, force=force)
    else:
        out.write(target, new_sheet(result), kind, force=force)
    click.echo(f"已生成审核表 {printable(str(target))}：填写后运行 "
               f"safecomm assess {printable(str(evidence))} --review {printable(str(target))}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@scheme_option
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="把汇总表写成 CSV（Excel 可直接打开）")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), help="把汇总表写成 HTML（含图表，链接到各社区的报告）")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="把全部评估结果写成一个 JSON 数组")
@click.option("--pdf-dir", type=click.Path(file_okay=False, path_type=Path), help="为每份申报生成申报表 PDF，放在此文件夹")
@click.option("--jobs", type=click.IntRange(min=1), help="并行的进程数（默认：CPU 核数）")
@click.option("--allow-stale", is_flag=True, help="证据在审核表制作后改动过时仍采用审核表（只限同一社区）")
@with_font_options
@handles_input_errors
def batch(directory: Path, scheme_ref: str, csv_out: Path | None, html_out: Path | None, json_out: Path | None,
          pdf_dir: Path | None, jobs: int | None, allow_stale: bool,
          font_title: Path | None, font_serif: Path | None, font_sans: Path | None) -> None:
    """评估 DIRECTORY 下的全部申报（每个文件夹一个 evidence.yaml 或 台账.xlsx，或并排的 *.yaml、*.xlsx），输出汇总表。

    证据旁的 *.review.yaml 或 *.review.xlsx 审核表会一并采用。任何一份申报无法评估时退出码为 1。
    """
    from . import rulesets
    from . import batch as district
    from .output import HTML, JSON, PDF, Outputs

    scheme = rulesets.load_scheme(scheme_ref)
    fonts = _fonts(font_title, font_serif, font_sans)
    faces = fonts.faces() if html_out or pdf_dir else None
    apps = district.find(directory)
    if not apps:
        raise InputError([Problem(printable(str(directory)), 0, 0, "", "文件夹中没有找到申报（evidence.yaml、台账.xlsx，或 *.yaml、*.xlsx 证据文件）")])
    out = Outputs([*scheme.files, *fonts.given().values()])
    out.add_inputs(path for app in apps for path in (app.evidence, app.review, app.twin) if path)
    targets = []
    if csv_out:
        targets.append((csv_out, district.CSV))
    if json_out:
        targets.append((json_out, JSON))
    if html_out:
        from .report import batch_html

        reports = batch_html.folder(html_out)
        targets += [(html_out, HTML)] + [(reports / f"{app.name}.html", HTML) for app in apps]
    if pdf_dir:
        targets += [(pdf_dir / f"{app.name}.pdf", PDF) for app in apps]
    out.check_all(targets)  # before any work, then again once every bundle's attachments are known
    jobs = jobs or district.default_jobs()
    with click.progressbar(length=len(apps), label="评估", file=sys.stderr) as bar:
        rows = district.assess_all(apps, scheme, allow_stale, jobs, progress=lambda row: bar.update(1))
    planned = {os.path.realpath(path) for path, _ in targets}  # of the many files read, only those that are outputs too
    out.add_inputs(path for row in rows for path in row.files if path in planned)
    out.check_all(targets)
    rows = district.sort_rows(rows, scheme.verdict)
    click.echo(district.table_text(rows), nl=False)
    if csv_out:
        out.write(csv_out, district.csv_text(rows), district.CSV)
    if json_out:
        out.write(json_out, district.json_text(rows), JSON)
    if html_out:
        batch_html.write(rows, html_out, out, faces)
    failed = sum(1 for row in rows if row.error)
    if pdf_dir:
        assessed = [row for row in rows if row.summary]
        save = lambda row, data: out.write(pdf_dir / f"{row.application.name}.pdf", data, PDF)  # noqa: E731
        try:
            out.folder(pdf_dir)
            with click.progressbar(length=len(assessed), label="申报表 PDF", file=sys.stderr) as bar:
                pdfs = district.render_pdfs(assessed, save, jobs, faces, progress=lambda done: bar.update(1))
        finally:
            out.undo_folders()  # those left empty: a batch whose PDFs all failed leaves no empty folder behind
        for done in pdfs:
            if done.error:
                click.echo(f"{done.label}：生成 PDF 失败：{done.error}", err=True)
                failed += 1
    if failed:
        click.echo(f"共 {len(rows)} 份申报，{failed} 份未能完成（见上）。", err=True)
        sys.exit(1)


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
@handles_input_errors
def diff(old: Path, new: Path, scheme_ref: str, fmt: str) -> None:
    """比较两次评估：等级升降（附新旧理由）、阈值测量值的变化、结论的变化。

    OLD 与 NEW 可以是评估结果 JSON（assess --format json），也可以是证据 YAML 或台账 .xlsx（当场评估）。
    """
    from . import rulesets
    from . import diff as compare

    scheme = None
    if old.suffix.lower() != ".json" or new.suffix.lower() != ".json":
        scheme = rulesets.load_scheme(scheme_ref)
    d = compare.compare(compare.load_side(old, scheme), compare.load_side(new, scheme), printable(str(old)), printable(str(new)))
    if fmt == "json":
        _echo_json(compare.to_json(d))
    else:
        _echo_json(compare.markdown(d)) if fmt == "md" else click.echo(compare.text(d), nl=False)


@main.command()
@click.option("--demo", is_flag=True, help="载入三个示例社区（fixtures）作为演示辖区，并创建演示用的填报人、审核人账号")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（只在本机使用时保持 127.0.0.1）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=Path("safecomm-data"), show_default=True,
              help="数据文件夹：数据库（SQLite）、上传的文件和生成的材料")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(0, 32), help="生成材料的后台任务线程数（0：另用 safecomm worker）")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="处理网页请求的线程数")
def serve(demo: bool, host: str, port: int, data: Path, workers: int, threads: int) -> None:
    """启动网页工作台（默认 http://127.0.0.1:8000/）：社区填报人上传台账、查看评定结果和申报材料，审核人审核。

    设置环境变量 SAFECOMM_DATABASE_URL=postgresql://… 时改用 PostgreSQL。
    """
    from .web import server  # Django is imported only here: the other commands start as fast as before

    server.serve(host, port, data, demo, workers, threads)


@main.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), help="数据文件夹（与 safecomm serve 相同）")
@click.option("--jobs", "count", default=2, show_default=True, type=click.IntRange(1, 32), help="并行的任务线程数")
def worker(data: Path | None, count: int) -> None:
    """运行生成申报材料的后台任务（与 safecomm serve --workers 0 或多台服务器的部署配合使用）。"""
    from .web import server

    server.worker(data, count)
