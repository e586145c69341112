"""What a variant rule set carries of its lineage into every result: the rule sets it extends and
what it changed in them. Defined here, beside the rule sets that make them, so that reading a rule
set (`validate`) does not build the assessment's result models; assessment.py re-exports them."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class BaseRef(BaseModel):
    """A rule set another one extends."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # as assessment.Result

    id: str
    version: str
    title: str
    digest: str


class SchemeChange(BaseModel):
    """One thing a variant changed in the rule set it extends, and where it wrote it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    scheme: str = Field(description="做出修改的规则集")
    action: Literal["changed", "added", "removed"]
    target: str = Field(description="修改的对象：条目（2.4）、检查（2.4/participation）、指标（指标 3）或顶层的键（verdict）")
    field: str | None = Field(None, description="修改的字段（target、advice、not_applicable……）")
    base: Any = Field(None, description="基础规则集中的值（成段的内容不列出）")
    value: Any = Field(None, description="修改后的值（删除时为理由；成段的内容不列出）")
    source: str = Field(description="写下修改的文件和行：file:line")
