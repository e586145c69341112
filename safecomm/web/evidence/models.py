"""Uploads, versions and assessments. None of them is ever changed after it is written, except a
version's submission mark; the files they name live in the content-addressed store."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kept(models.Model):
    """A row written once: saving it again is refused (a new upload is a new row)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name}写入后不能修改")
        super().save(*args, **kwargs)


class Upload(Kept):
    """One file as a user sent it (by its SHA-256 in the store), whether or not it could be read."""

    community = models.ForeignKey("units.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="uploads")
    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField("字节数")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                 related_name="+")
    at = models.DateTimeField("上传时间", auto_now_add=True)
    accepted = models.BooleanField("通过", default=False)
    problems = models.JSONField("问题", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传"
        ordering = ["-at", "-id"]


class Version(models.Model):
    """An accepted upload: the community's evidence at that moment, numbered 1, 2, 3…

    `files` maps each path of the bundle (the evidence file first, then attachments) to the
    SHA-256 of its bytes in the store, from which a job rebuilds the bundle folder."""

    community = models.ForeignKey("units.Unit", verbose_name="社区", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    upload = models.OneToOneField(Upload, verbose_name="上传", on_delete=models.PROTECT, related_name="version")
    evidence_path = models.CharField("证据文件", max_length=255)
    files = models.JSONField("文件", default=dict)
    evidence_digest = models.CharField("证据摘要", max_length=64)
    records = models.PositiveIntegerField("记录数", default=0)
    at = models.DateTimeField("时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "证据版本"
        ordering = ["community", "-number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.community} 第 {self.number} 版"


class Assessment(Kept):
    """The engine's result for one version under one rule-set version, stored as its JSON: pages
    are rendered from it and never grade again."""

    version = models.ForeignKey(Version, verbose_name="版本", on_delete=models.PROTECT, related_name="assessments")
    scheme_id = models.CharField("规则集", max_length=100)
    scheme_version = models.CharField("规则集版本", max_length=50)
    scheme_digest = models.CharField("规则集摘要", max_length=64)
    result = models.TextField("评定结果 JSON")
    verdict = models.CharField("结论", max_length=50)
    ready = models.BooleanField("可以申报")
    count_a = models.PositiveIntegerField("A", default=0)
    count_b = models.PositiveIntegerField("B", default=0)
    count_c = models.PositiveIntegerField("C", default=0)
    vetoes = models.PositiveIntegerField("否决", default=0)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评定结果"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["version", "scheme_digest"], name="assessment_per_rules")]

    def parsed(self):
        """The engine's Assessment model (validated from the stored JSON)."""
        from ...assessment import Assessment as Result

        return Result.model_validate_json(self.result)
