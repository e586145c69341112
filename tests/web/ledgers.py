"""Ledgers the workbench tests upload, made from fixtures/rectify's 台账 as a clerk would edit it."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
RECTIFY = ROOT / "fixtures" / "rectify" / "台账.xlsx"
C_ITEMS = ("11.2", "11.3", "12.1")  # rectify's blanks (fixtures/README.md)


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rectify() -> bytes:
    return RECTIFY.read_bytes()


def fixed() -> bytes:
    """rectify's ledger with what its three C items lack: a cause analysis, prevention measures, a review."""
    book = openpyxl.load_workbook(RECTIFY)
    book["文件"].append(["D-090", "报告", "2024年事故伤害原因分析报告", "柳政发〔2024〕90号",
                         datetime.datetime(2024, 11, 5), "原因分析", "11.2", None])
    book["文件"].append(["D-091", "方案", "事故伤害预防措施方案", "柳政发〔2024〕91号",
                         datetime.datetime(2024, 11, 20), "预防措施", "11.3", None])
    book["活动"].append(["A-090", "评审", datetime.datetime(2024, 12, 10), "安全社区创建工作年度评审", None, "干部",
                         None, 30, None, "LG", None, None, "12.1", None])
    return _saved(book)


def bad() -> tuple[bytes, list[str]]:
    """rectify's ledger with two mistakes, and the cells they are in: a kind no list offers, a date that is none."""
    book = openpyxl.load_workbook(RECTIFY)
    sheet = book["活动"]
    sheet["B5"] = "讲座"
    sheet["C6"] = "2024年13月45日"
    return _saved(book), ["活动!B5", "活动!C6"]


def edited(cell: str, value, sheet: str = "活动") -> bytes:
    """rectify's ledger with one cell changed."""
    book = openpyxl.load_workbook(RECTIFY)
    book[sheet][cell] = value
    return _saved(book)


def fixture_zip(name: str) -> bytes:
    """A fixture's ledger with its attachments in one .zip, as a clerk sends it."""
    folder = ROOT / "fixtures" / name
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(folder / "台账.xlsx", "台账.xlsx")
        for path in sorted((folder / "attachments").iterdir()):
            archive.write(path, f"attachments/{path.name}")
    return out.getvalue()
