from __future__ import annotations

from django.conf import settings
from django.db import models

DISTRICT = "district"  # a district's papers as one zip (the other kinds are papers of one version)


class Job(models.Model):
    """One rendering to do. Claimed by one worker at a time under a lease: a worker that dies
    leaves its lease to run out, and the job is taken again (up to `MAX_ATTEMPTS`)."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "排队中"), (RUNNING, "正在生成"), (DONE, "已完成"), (FAILED, "失败")]
    MAX_ATTEMPTS = 3

    kind = models.CharField("种类", max_length=30)
    key = models.CharField("缓存键", max_length=64, db_index=True)
    version = models.ForeignKey("evidence.Version", verbose_name="证据版本", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="jobs")
    assessment = models.ForeignKey("evidence.Assessment", verbose_name="评定结果", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="jobs")
    unit = models.ForeignKey("units.Unit", verbose_name="县(区)", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="全辖区申报材料的任务所属的县(区)")
    payload = models.JSONField("参数", default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="请求人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    stage = models.CharField("阶段", max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    worker = models.CharField("工作进程", max_length=100, blank=True)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True, db_index=True)
    error = models.TextField("错误", blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    finished = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "生成任务"
        ordering = ["id"]

    @property
    def active(self) -> bool:
        return self.status in (self.QUEUED, self.RUNNING)
