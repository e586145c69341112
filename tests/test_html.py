"""The 申报表 as HTML: escaping, the fields of 附件4, all items, review layer, charts, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from safecomm import assess, load_evidence, load_scheme
from safecomm.assessment import Override, ReviewInfo
from safecomm.cli import main
from safecomm.report import html
from safecomm.report.compose import cn_date, gaps, narrative

ROOT = Path(__file__).resolve().parent.parent
READY = ROOT / "fixtures" / "ready" / "evidence.yaml"
VETO = ROOT / "fixtures" / "veto" / "evidence.yaml"

FORM_FIELDS = [
    "创建安全社区申报表", "县(区)", "单位名称", "拟申报安全社区名称",
    "对照创建条件，简述本社区创建安全社区工作内容及成效", "县(区)安委会办公室", "初步审查意见",
    "市安委会办公室", "审核意见", "（盖章）", "备注",
    "安全社区评定指标自评表", "差距与整改建议", "证据索引",
]


def write_bundle(folder: Path, **community) -> Path:
    """A small evidence bundle of our own, with one attachment, in `folder`."""
    (folder / "attachments").mkdir(parents=True, exist_ok=True)
    (folder / "attachments" / "d-1.txt").write_text("安全检查制度", encoding="utf-8")
    data = {
        "format": "safecomm/evidence@1",
        "community": {"name": "测试街道办事处", "county": "测试区", "period": {"start": "2024-01-01", "end": "2024-12-31"}, **community},
        "documents": [{"id": "D-1", "kind": "制度", "title": "安全检查制度", "issued": "2024-02-01", "topics": ["安全检查"], "file": "attachments/d-1.txt"}],
        "projects": [{"id": "P-1", "name": "老年人防跌倒", "key": True, "start": "2024-01-01", "end": "2024-12-31", "target_population": 100, "participants": 20}],
        "injuries": {"years": [{"year": 2023, "total": 30}, {"year": 2024, "total": 25}]},
    }
    path = folder / "evidence.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def ready():
    return assess(load_evidence(READY), load_scheme())


def test_markup_in_names_prints_literally(tmp_path):
    path = write_bundle(tmp_path, name="<b>x</b>", title="<script>alert(1)</script>社区", summary="<i>简述</i>")
    page = html.render(assess(load_evidence(path), load_scheme()))
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;社区" in page
    assert "&lt;i&gt;简述&lt;/i&gt;" in page
    assert "<b>x</b>" not in page and "<script>" not in page and "<i>简述" not in page


def test_form_fields_and_every_item(ready):
    page = html.render(ready)
    text = flat(re.sub(r"<[^>]+>", "", page))
    for field in FORM_FIELDS:
        assert flat(field) in text, field
    for item in ready.items:
        assert f'<td class="id">{item.id}</td>' in page, item.id
    assert '<html lang="zh-CN">' in page
    assert '"Noto Serif CJK SC"' in page and '"Noto Sans CJK SC"' in page
    assert "<link" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_one_tick_per_item_under_its_grade(ready):
    page = html.render(ready)
    rows = re.findall(r'<tr class="item">\s*<td class="id">([\d.]+)</td>.*?</tr>', page, re.S)
    assert rows == [i.id for i in ready.items]
    for item in ready.items:
        row = re.search(rf'<td class="id">{re.escape(item.id)}</td>(.*?)</tr>', page, re.S).group(1)
        ticks = re.findall(r'<td class="tick">(✓?)</td>', row)
        assert ticks == ["✓" if g == item.grade else "" for g in "ABC"], item.id


def test_narrative_is_the_summary_or_composed(tmp_path):
    written = assess(load_evidence(write_bundle(tmp_path / "a", summary="我们做了很多工作。")), load_scheme())
    page = html.render(written)
    assert "我们做了很多工作。" in page and "以上据自评结果生成" not in page
    composed = assess(load_evidence(write_bundle(tmp_path / "b")), load_scheme())
    lines = narrative(composed)
    page = html.render(composed)
    assert "以上据自评结果生成" in page
    assert any("老年人防跌倒（P-1，相关人群参与度20%）" in line for line in lines)
    assert any("2023年30人次、2024年25人次" in line for line in lines)
    assert lines[-1] == f"自评结论：{composed.verdict.verdict}。"
    for line in lines:
        assert line in page


def test_gaps_list_vetoes_first_then_indicator_order():
    result = assess(load_evidence(VETO), load_scheme())
    listed = gaps(result)
    assert {g.id for g in listed} == {i.id for i in result.items if i.final_grade != "A"}
    vetoed = [g.vetoed for g in listed]
    assert any(vetoed) and vetoed == sorted(vetoed, reverse=True)
    order = [i.id for i in result.items]
    rest = [g.id for g in listed if not g.vetoed]
    assert rest == sorted(rest, key=order.index)


def test_review_opinion_override_and_stale_notice(ready):
    reviewed = ready.model_copy(deep=True)
    reviewed.review = ReviewInfo(reviewer="王审核", unit="大武口区安委会办公室", date="2025-01-15", opinion="同意上报。", stale=True)
    item = reviewed.items[0]
    item.override = Override(grade="B", reason="现场核实职责文件未印发", reviewer="王审核", date="2025-01-14")
    item.final_grade = "B"
    page = html.render(reviewed)
    assert "<th rowspan=\"2\">审核</th>" in page
    assert re.search(rf'<td class="id">{re.escape(item.id)}</td>.*?<td class="tick review">B</td>', page, re.S)
    assert "同意上报。" in page and "2025年1月15日" in page and "大武口区安委会办公室，王审核" in page
    assert "需重新审核" in page
    assert f"审核改判为 B（自评 {item.grade}）：现场核实职责文件未印发（王审核，2025年1月14日）" in page
    plain = html.render(ready)
    assert "审核</th>" not in plain and "需重新审核" not in plain


def test_a_remark_on_an_unchanged_grade_is_not_called_an_override(ready):
    reviewed = ready.model_copy(deep=True)
    item = reviewed.items[0]
    item.override = Override(grade=item.grade, reason="现场核实，领导小组名单属实", reviewer="王审核")
    page = html.render(reviewed)
    assert f"审核意见（等级维持 {item.grade}）：现场核实，领导小组名单属实（王审核）" in page
    assert "审核改判" not in page


def test_charts_are_inline_svg_with_the_rule_set_lines(ready):
    page = html.render(ready)
    assert page.count("<svg ") == 4
    assert ready.facts.participation_target == 0.5 and ready.facts.participation_veto == 0.3
    assert "要求 50%" in page and "否决线 30%" in page and "每季度一次" in page
    for year, total in ready.facts.injuries:
        assert f">{year}年</text>" in page and f">{total}</text>" in page


def test_evidence_index_lists_every_attachment_hash(ready):
    page = html.render(ready)
    for entry in ready.evidence_index:
        assert f'<td class="id" rowspan="{len(entry.files) + 1}">{entry.id}</td>' in page
        for sha in entry.sha256:
            assert sha and sha in page
    assert ready.evidence_digest in page


def test_dates_are_written_the_chinese_way():
    assert cn_date("2024-07-01") == "2024年7月1日"
    assert cn_date(None) is None


def test_cli_html_format(ready):
    out = CliRunner().invoke(main, ["assess", str(READY), "--format", "html"])
    assert out.exit_code == 0, out.output
    assert out.output == html.render(ready)


def test_cli_refuses_a_missing_font_file(tmp_path):
    out = CliRunner().invoke(main, ["assess", str(READY), "--format", "html", "--font-serif", str(tmp_path / "无.ttf")])
    assert out.exit_code == 2
    assert "--font-serif" in out.output and "字体文件不存在" in out.output


def test_text_and_json_runs_do_not_import_weasyprint():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom safecomm.cli import main\n"
        f"for fmt in ('text', 'json', 'html'):\n    assert CliRunner().invoke(main, ['assess', {str(READY)!r}, '--format', fmt]).exit_code == 0\n"
        "print('weasyprint' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_charts_without_data_say_what_is_missing(tmp_path):
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({
        "format": "safecomm/evidence@1",
        "community": {"name": "空白街道办事处", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
    }, allow_unicode=True), encoding="utf-8")
    page = html.render(assess(load_evidence(path), load_scheme()))
    assert page.count("<svg ") == 2  # grades per indicator, and education per quarter (all zero)
    assert "无数据：未登记逐年的事故与伤害人次" in page
    assert "无数据：没有确定重点事故与伤害预防项目" in page
    assert "没有登记文件，也没有带附件的活动。" in page
