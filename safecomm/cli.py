"""The `safecomm` command: thin click commands over the library API."""

from __future__ import annotations

import functools
import io
import json
import os
import sys
from pathlib import Path

import click

from . import clicktext
from . import scheme as schemes
from .loading import InputError, Problem, os_reason, printable, read_input

EXIT_INPUT = 2
FONT_BYTES = 64 * 1024 * 1024  # a CJK font with every glyph is 20-60 MB
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")

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
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
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


def _scheme(ref: str):
    """The rule set. A rule-set file is read as every input is (a regular file within the size
    limit, never a FIFO or a device) before the loader reads it."""
    if Path(ref).exists():
        read_input(ref, what="规则集文件")
    return schemes.load_scheme(ref)


def _scheme_files(ref: str) -> list[Path]:
    path = Path(ref)
    return [path] if path.exists() else []


def _echo_json(text: str) -> None:
    """JSON goes out as UTF-8 bytes, whatever the console's encoding: a Windows console would
    write GBK into a redirected file, which no JSON reader expects."""
    click.echo(text.encode("utf-8"), nl=False)


scheme_option = click.option(
    "--scheme", "scheme_ref", default=schemes.DEFAULT, show_default=True,
    help="规则集：内置规则集的编号，或规则集 YAML 文件的路径",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="safecomm", prog_name="safecomm")
def main() -> None:
    """安全社区创建自评：按评定指标评估证据，给出等级、理由和申报表。"""
    for stream in (sys.stdout, sys.stderr):  # a GBK console cannot show �: a ? then, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text", show_default=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="另将申报表写成 PDF 文件")
@click.option("--font-title", type=click.Path(dir_okay=False, path_type=Path), help="标题字体文件（如 方正小标宋），用于 PDF/HTML")
@click.option("--font-serif", type=click.Path(dir_okay=False, path_type=Path), help="正文字体文件（如 仿宋_GB2312），用于 PDF/HTML")
@click.option("--font-sans", type=click.Path(dir_okay=False, path_type=Path), help="表头与图表字体文件（如 黑体），用于 PDF/HTML")
@click.option("--strict", is_flag=True, help="结论不是“可以申报”时以退出码 1 结束")
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path), help="审核表（safecomm review start 生成并填写）")
@click.option("--allow-stale", is_flag=True, help="证据在审核表制作后改动过时仍采用审核表（只限同一社区；报告会注明）")
@handles_input_errors
def assess(
    evidence: Path, scheme_ref: str, fmt: str, strict: bool, review_path: Path | None, allow_stale: bool,
    pdf_path: Path | None, font_title: Path | None, font_serif: Path | None, font_sans: Path | None,
) -> None:
    """评估 EVIDENCE（证据 YAML），按指标列出每个条目的等级、理由和提升建议。"""
    from .engine import assess as run
    from .loading import bundle_files, load_evidence
    from .output import PDF, Outputs

    scheme = _scheme(scheme_ref)
    fonts = _fonts(font_title, font_serif, font_sans)
    bundle = load_evidence(evidence)
    sheet = None
    if review_path:
        from .review import load_review

        sheet = load_review(review_path)
    out = Outputs([*bundle_files(evidence, bundle), *_scheme_files(scheme_ref), *fonts.values(), *([review_path] if review_path else [])])
    if pdf_path:
        out.check(pdf_path, PDF)
    result = run(bundle, scheme)
    if sheet:
        from .review import apply_review

        result = apply_review(result, sheet, scheme, allow_stale)
    if fmt == "json":
        _echo_json(result.to_json())
    elif fmt == "md":
        from .report import markdown

        click.echo(markdown.render(result), nl=False)
    elif fmt == "html":
        from .report import html

        click.echo(html.render(result, _faces(fonts)), nl=False)
    else:
        from .report import text

        click.echo(text.render(result, color=sys.stdout.isatty()), nl=False)
    if pdf_path:
        from .report import pdf  # WeasyPrint is imported only when a PDF is asked for

        out.write(pdf_path, pdf.render(result, evidence.resolve().parent, _faces(fonts)), PDF)
        click.echo(f"已生成申报表 {printable(str(pdf_path))}", err=True)
    if strict and not result.verdict.ready:
        sys.exit(1)


def _fonts(title: Path | None, serif: Path | None, sans: Path | None) -> dict[str, Path]:
    """The user's font files for the 申报表, by option, checked before any work: each must be a
    font file (TrueType, OpenType, a collection or WOFF), not merely a path that exists."""
    given = {option: path for option, path in (("--font-title", title), ("--font-serif", serif), ("--font-sans", sans)) if path}
    problems = []
    for option, path in given.items():
        try:
            head = read_input(path, limit=FONT_BYTES, what="字体文件")[:4]
        except InputError as exc:
            problems += [Problem(p.file, 0, 0, option, f"{p.message}：请给出 .ttf/.otf/.ttc 字体文件的路径") for p in exc.problems]
            continue
        if head not in FONT_MAGIC:
            problems.append(Problem(printable(str(path)), 0, 0, option, "不是字体文件：请给出 .ttf/.otf/.ttc 字体文件的路径"))
    if problems:
        raise InputError(problems)
    return given


def _faces(fonts: dict[str, Path]):
    """The checked font files as the renderers take them (imported only when rendering)."""
    from .report.html import Fonts

    return Fonts(title=fonts.get("--font-title"), serif=fonts.get("--font-serif"), sans=fonts.get("--font-sans"))


@main.command()
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@handles_input_errors
def validate(evidence: Path) -> None:
    """只检查 EVIDENCE 的格式与引用，列出全部问题（文件:行:列 字段 说明）。"""
    from .engine import warnings
    from .loading import load_evidence

    ev = load_evidence(evidence)
    for warning in warnings(ev):
        click.echo(f"警告：{warning}", err=True)
    click.echo(f"{printable(str(evidence))}：格式正确（{len(ev.records())} 条带编号的记录）。")


@main.command()
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--primitives", is_flag=True, help="列出检查原语（规则集作者用）")
@handles_input_errors
def indicators(scheme_ref: str, fmt: str, primitives: bool) -> None:
    """列出规则集的指标和条目。"""
    from . import explain as words

    scheme = _scheme(scheme_ref)
    if primitives:
        click.echo(words.primitives_text() if fmt == "text" else json.dumps(words.primitives_data(), ensure_ascii=False, indent=2))
    elif fmt == "json":
        click.echo(json.dumps(words.indicators_data(scheme), ensure_ascii=False, indent=2))
    else:
        click.echo(words.indicators_text(scheme), nl=False)


@main.command()
@click.argument("item")
@scheme_option
@handles_input_errors
def explain(item: str, scheme_ref: str) -> None:
    """用文字说明条目 ITEM（如 2.4）：原文、检查、阈值和读取的证据字段。"""
    from . import explain as words

    scheme = _scheme(scheme_ref)
    try:
        text = words.item_text(scheme, item)
    except KeyError:
        raise InputError([Problem("ITEM", 0, 0, item, f"规则集 {scheme.id} 中没有条目 {item}；条目编号形如 2.4，见 `safecomm indicators`")]) from None
    click.echo(text, nl=False)


@main.command()
@click.argument("what", type=click.Choice(["evidence", "scheme", "review", "assessment"]))
def schema(what: str) -> None:
    """输出 JSON Schema（供编辑器校验和提示）。"""
    from .assessment import Assessment
    from .evidence import Evidence
    from .review import Review
    from .scheme import Scheme

    model = {"evidence": Evidence, "scheme": Scheme, "review": Review, "assessment": Assessment}[what]
    click.echo(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已有的 evidence.yaml")
@handles_input_errors
def init(directory: Path, force: bool) -> None:
    """在 DIRECTORY 中生成带中文注释的证据模板 evidence.yaml。"""
    from importlib import resources

    from .output import EVIDENCE, Outputs

    target = directory / "evidence.yaml"
    template = (resources.files("safecomm") / "templates" / "evidence.yaml").read_bytes()
    out = Outputs()
    out.check(target, EVIDENCE, force)
    try:  # all or nothing: a failure leaves no half-made folder behind
        out.folder(directory / "attachments")
        out.write(target, template, EVIDENCE, force=force)
    except InputError:
        out.undo_folders()
        raise
    click.echo(f"已生成 {printable(str(target))}：按注释填写后运行 safecomm validate {printable(str(target))}")


@main.group()
def review() -> None:
    """审核：为一份申报制作审核表，填写改判与初步审查意见。"""


@review.command("start")
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="审核表路径（默认：证据文件旁的 <名称>.review.yaml，batch 会自动采用）")
@scheme_option
@click.option("--force", is_flag=True, help="覆盖已有的审核表（其中的审核内容将丢失）")
@handles_input_errors
def review_start(evidence: Path, output: Path | None, scheme_ref: str, force: bool) -> None:
    """为 EVIDENCE 生成带中文注释的审核表：列出全部条目及其自动等级，待填写。"""
    from .engine import assess as run
    from .loading import bundle_files, load_evidence
    from .output import REVIEW, Outputs
    from .review import new_sheet, sheet_path

    target = output or sheet_path(evidence)
    scheme = _scheme(scheme_ref)
    bundle = load_evidence(evidence)
    out = Outputs([*bundle_files(evidence, bundle), *_scheme_files(scheme_ref)])
    out.check(target, REVIEW, force)
    out.write(target, new_sheet(run(bundle, scheme)), REVIEW, force=force)
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
@click.option("--font-title", type=click.Path(dir_okay=False, path_type=Path), help="标题字体文件，用于 PDF/HTML（同 assess）")
@click.option("--font-serif", type=click.Path(dir_okay=False, path_type=Path), help="正文字体文件，用于 PDF/HTML（同 assess）")
@click.option("--font-sans", type=click.Path(dir_okay=False, path_type=Path), help="表头与图表字体文件，用于 PDF/HTML（同 assess）")
@handles_input_errors
def batch(directory: Path, scheme_ref: str, csv_out: Path | None, html_out: Path | None, json_out: Path | None,
          pdf_dir: Path | None, jobs: int | None, allow_stale: bool,
          font_title: Path | None, font_serif: Path | None, font_sans: Path | None) -> None:
    """评估 DIRECTORY 下的全部申报（每个文件夹一个 evidence.yaml，或并排的 *.yaml），输出汇总表。

    证据旁的 *.review.yaml 审核表会一并采用。任何一份申报无法评估时退出码为 1。
    """
    from . import batch as district
    from .output import HTML, JSON, PDF, Outputs

    scheme = _scheme(scheme_ref)
    fonts = _fonts(font_title, font_serif, font_sans)
    faces = _faces(fonts) if html_out or pdf_dir else None
    apps = district.find(directory)
    if not apps:
        raise InputError([Problem(printable(str(directory)), 0, 0, "", "文件夹中没有找到申报（evidence.yaml 或 *.yaml 证据文件）")])
    out = Outputs([*_scheme_files(scheme_ref), *fonts.values()])
    out.add_inputs(path for app in apps for path in (app.evidence, app.review) if path)
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
        out.folder(pdf_dir)
        assessed = [row for row in rows if row.summary]
        save = lambda row, data: out.write(pdf_dir / f"{row.application.name}.pdf", data, PDF)  # noqa: E731
        with click.progressbar(length=len(assessed), label="申报表 PDF", file=sys.stderr) as bar:
            pdfs = district.render_pdfs(assessed, save, jobs, faces, progress=lambda done: bar.update(1))
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

    OLD 与 NEW 可以是评估结果 JSON（assess --format json），也可以是证据 YAML（当场评估）。
    """
    from . import diff as compare

    scheme = None
    if old.suffix.lower() != ".json" or new.suffix.lower() != ".json":
        scheme = _scheme(scheme_ref)
    d = compare.compare(compare.load_side(old, scheme), compare.load_side(new, scheme), printable(str(old)), printable(str(new)))
    if fmt == "json":
        _echo_json(compare.to_json(d))
    else:
        click.echo((compare.markdown if fmt == "md" else compare.text)(d), nl=False)
