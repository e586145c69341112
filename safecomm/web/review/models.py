"""A reviewer's work on one community's evidence, and a city's rule-set variants.

The reviewer's layer is stored as the engine's own review sheet (`safecomm/review@1`, as JSON),
beside the automatic assessment and never in its place; the same rules hold for it as for a sheet
file. A rule-set variant is kept as it was uploaded (its text and SHA-256); activating one for a
year changes what later uploads are graded with, never a stored assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewWork(models.Model):
    DRAFT, FINISHED, RETURNED, FORWARDED = "draft", "finished", "returned", "forwarded"
    STATUSES = [(DRAFT, "审核中"), (FINISHED, "审核完成"), (RETURNED, "已退回社区"), (FORWARDED, "已上报")]

    community = models.ForeignKey("units.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey("evidence.Version", verbose_name="开始审核时的版本", on_delete=models.PROTECT,
                                related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人账号", on_delete=models.PROTECT,
                                 related_name="+")
    sheet = models.JSONField("审核表（safecomm/review@1）")
    status = models.CharField("状态", max_length=20, choices=STATUSES, default=DRAFT)
    comment = models.TextField("退回或上报的说明", blank=True)
    started_at = models.DateTimeField("开始审核", auto_now_add=True)
    updated_at = models.DateTimeField("最近保存", auto_now=True)
    finished_at = models.DateTimeField("完成审核", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核"
        ordering = ["community", "-id"]

    def review(self):
        """The engine's Review model of the stored sheet."""
        from ...review import Review

        return Review.model_validate(self.sheet)


class RuleSet(models.Model):
    """A city's variant of a rule set (`extends:` a shipped one), as it was uploaded."""

    city = models.ForeignKey("units.Unit", verbose_name="市", on_delete=models.PROTECT, related_name="rule_sets")
    name = models.CharField("文件名", max_length=255)
    text = models.TextField("规则集 YAML")
    sha256 = models.CharField("SHA-256", max_length=64)
    scheme_id = models.CharField("规则集编号", max_length=100)
    scheme_version = models.CharField("版本", max_length=50)
    title = models.CharField("名称", max_length=300)
    base = models.CharField("所继承的规则集", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则集变体"
        ordering = ["city", "-id"]


class Activation(models.Model):
    """The rule set a city's communities are graded with for one year (the latest activation wins)."""

    city = models.ForeignKey("units.Unit", verbose_name="市", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    rule_set = models.ForeignKey(RuleSet, verbose_name="规则集", on_delete=models.PROTECT, related_name="activations")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="启用人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("启用时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则集启用"
        ordering = ["city", "-year", "-id"]
