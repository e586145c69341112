"""The 台账 through the commands: init --xlsx, convert both ways, scan, and every command that
reads evidence reading a ledger as it reads YAML."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm.cli import main
from safecomm.evidence import digest
from safecomm.bundle import load_evidence


def run(*args, code: int = 0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture
def ready(tmp_path) -> Path:
    folder = tmp_path / "ready"
    shutil.copytree(FIXTURES / "ready", folder)
    return folder


def test_init_xlsx_writes_a_ledger_that_validates_and_never_clobbers(tmp_path):
    target = tmp_path / "我的街道"
    assert "台账.xlsx" in run("init", target, "--xlsx").stdout
    assert (target / "attachments").is_dir()
    assert "格式正确" in run("validate", target / "台账.xlsx").stdout
    made = (target / "台账.xlsx").read_bytes()
    filled = (FIXTURES / "ready" / "台账.xlsx").read_bytes()  # a ledger with a clerk's work in it
    (target / "台账.xlsx").write_bytes(filled)
    assert "--force" in run("init", target, "--xlsx", code=2).stderr
    assert (target / "台账.xlsx").read_bytes() == filled
    run("init", target, "--xlsx", "--force")
    assert (target / "台账.xlsx").read_bytes() == made
    (target / "台账.xlsx").write_bytes(b"not a workbook")  # --force replaces only a file of the same kind
    assert "不是台账工作簿" in run("init", target, "--xlsx", "--force", code=2).stderr
    assert (target / "台账.xlsx").read_bytes() == b"not a workbook"


def test_convert_both_ways_keeps_the_digest_and_writes_commented_yaml(ready):
    run("convert", ready / "evidence.yaml", ready / "x.xlsx")
    run("convert", ready / "x.xlsx", ready / "back.yaml")
    digests = {digest(load_evidence(ready / name)) for name in ("evidence.yaml", "x.xlsx", "back.yaml")}
    assert len(digests) == 1
    text = (ready / "back.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 安全社区创建自评") and "# ---- 活动（activities）：条目" in text
    assert "    kind: 会议  # 活动类别" in text  # the first record of a list carries the field titles
    run("convert", ready / "back.yaml", ready / "again.xlsx")
    assert (ready / "again.xlsx").read_bytes() == (ready / "x.xlsx").read_bytes()  # same content, same bytes


def test_convert_never_writes_over_its_input_or_an_existing_file(ready):
    before = (ready / "evidence.yaml").read_bytes()
    (ready / "link.xlsx").symlink_to(ready / "evidence.yaml")
    refused = run("convert", ready / "evidence.yaml", ready / "link.xlsx", "--force", code=2)
    assert "输入文件" in refused.stderr
    kept = (FIXTURES / "rectify" / "台账.xlsx").read_bytes()
    (ready / "old.xlsx").write_bytes(kept)
    assert "--force" in run("convert", ready / "evidence.yaml", ready / "old.xlsx", code=2).stderr
    assert (ready / "old.xlsx").read_bytes() == kept
    (ready / "notes.xlsx").write_bytes(b"keep")
    assert "不是台账工作簿" in run("convert", ready / "evidence.yaml", ready / "notes.xlsx", "--force", code=2).stderr
    assert (ready / "notes.xlsx").read_bytes() == b"keep"
    assert "扩展名应为 .xlsx" in run("convert", ready / "evidence.yaml", ready / "x.yaml", code=2).stderr
    assert (ready / "evidence.yaml").read_bytes() == before


def test_convert_refuses_a_value_a_cell_would_split(tmp_path, ready):
    text = (ready / "evidence.yaml").read_text(encoding="utf-8").replace("topics: [安全社区, 创建]", "topics: [安全社区、创建]", 1)
    (ready / "evidence.yaml").write_text(text, encoding="utf-8")
    refused = run("convert", ready / "evidence.yaml", ready / "x.xlsx", code=2)
    assert "documents[0].topics  「安全社区、创建」含有分隔符" in refused.stderr
    assert not (ready / "x.xlsx").exists()


def test_every_command_reads_a_ledger(ready, tmp_path):
    from_yaml = run("assess", ready / "evidence.yaml", "--format", "json").stdout
    assert run("assess", ready / "台账.xlsx", "--format", "json").stdout == from_yaml
    run("review", "start", ready / "台账.xlsx")
    assert (ready / "台账.review.yaml").is_file()
    assert "台账.review.yaml" not in os.listdir(FIXTURES / "ready")
    (tmp_path / "old.json").write_text(from_yaml, encoding="utf-8")
    assert "无变化" in run("diff", tmp_path / "old.json", ready / "台账.xlsx").stdout


def test_batch_over_a_folder_mixing_yaml_and_ledgers(tmp_path, scheme):
    root = tmp_path / "district"
    for name in ("ready", "rectify"):
        shutil.copytree(FIXTURES / name, root / name)
        (root / name / "evidence.yaml").unlink()  # these two communities keep a ledger only
    shutil.copytree(FIXTURES / "veto", root / "veto")
    (root / "veto" / "台账.xlsx").unlink()  # this one YAML only
    (root / "ready" / "~$台账.xlsx").write_bytes(b"an editor's lock file")
    (root / "ready" / "台账.待确认.xlsx").write_bytes(b"rows proposed by scan")
    result = run("batch", root, "--csv", tmp_path / "汇总.csv", "--jobs", "1")
    rows = list(csv.reader(io.StringIO((tmp_path / "汇总.csv").read_text(encoding="utf-8-sig"))))[1:]
    assert [(r[0], r[7]) for r in rows] == [
        ("ready/台账.xlsx", "具备申报条件"), ("rectify/台账.xlsx", "需整改后申报"), ("veto/evidence.yaml", "不具备申报条件"),
    ]
    assert "共" not in result.stderr


def test_scan_lists_unreferenced_and_missing_files_and_proposes_rows(ready):
    run("convert", ready / "evidence.yaml", ready / "台账.xlsx", "--force")
    ledger = (ready / "台账.xlsx").read_bytes()
    (ready / "attachments" / "a-001.jpg").unlink()
    boxed = ready / "8 监测与监督" / "8.2 检查制度"
    boxed.mkdir(parents=True)
    (boxed / "朝政发〔2023〕12号 关于印发安全检查制度的通知.pdf").write_bytes(b"%PDF")
    (ready / "attachments" / "20240315 消防演练.jpg").write_bytes(b"jpg")
    (ready / "attachments" / ".DS_Store").write_bytes(b"")
    out = run("scan", ready / "台账.xlsx").stdout
    assert "缺失 1 个" in out and "缺失  A-001  attachments/a-001.jpg" in out
    assert "未被引用的文件 2 个" in out and ".DS_Store" not in out and "evidence.yaml" not in out
    assert (ready / "台账.xlsx").read_bytes() == ledger  # nothing existing changed
    from safecomm.ledger.read import read_ledger

    proposed = read_ledger(ready / "台账.待确认.xlsx").data
    assert proposed["documents"] == [{
        "id": "D-043", "kind": "通知", "title": "关于印发安全检查制度的通知", "number": "朝政发〔2023〕12号", "items": ["8.2"],
        "file": "8 监测与监督/8.2 检查制度/朝政发〔2023〕12号 关于印发安全检查制度的通知.pdf",
    }]
    assert proposed["activities"] == [{
        "id": "A-033", "kind": "演练", "date": "2024-03-15", "title": "消防演练", "files": ["attachments/20240315 消防演练.jpg"],
    }]
    assert "--force" in run("scan", ready / "台账.xlsx", code=2).stderr  # the proposals are not overwritten
    run("scan", ready / "evidence.yaml")
    assert "id: D-043" in (ready / "evidence.待确认.yaml").read_text(encoding="utf-8")


def test_a_real_run_reports_a_bad_ledger_in_chinese_with_its_cell(ready):
    import openpyxl

    run("convert", ready / "evidence.yaml", ready / "台账.xlsx", "--force")
    wb = openpyxl.load_workbook(ready / "台账.xlsx")
    wb["活动"]["B4"] = "讲座"
    wb["活动"]["H5"] = -3  # 参加人数
    wb.save(ready / "台账.xlsx")
    script = Path(sys.executable).parent / "safecomm"
    done = subprocess.run([str(script), "validate", str(ready / "台账.xlsx")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].endswith("台账.xlsx:活动!B4  活动类别  A-001：「讲座」不是可用的取值，应为以下之一：教育、培训、"
                             "演练、检查、交流、评审、会议、宣传、议事")
    assert "活动!H5  参加人数  A-002：应不小于 0" in lines[1] and lines[-1] == "共 2 处问题，未生成结果。"


def test_papers_print_a_short_summary_not_the_whole_report(ready, tmp_path):
    """--docx (or --pdf) writes the papers: the terminal gets the verdict, the counts and the file."""
    made = run("assess", ready / "台账.xlsx", "--docx", tmp_path / "申报表.docx")
    lines = made.stdout.splitlines()
    assert len(lines) == 3 and lines[1] == "结论：具备申报条件" and lines[2].startswith("等级：A ")
    assert "已生成申报表" in made.stderr and (tmp_path / "申报表.docx").exists()
    assert len(run("assess", ready / "台账.xlsx").stdout.splitlines()) > 40  # the full report without an output file
