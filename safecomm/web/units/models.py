from __future__ import annotations

from django.db import models


class Unit(models.Model):
    """One administrative unit. A community (街道/乡镇/园区) hangs under a district (县(区)), a
    district under a city, a city under a province; scope follows these links upwards."""

    PROVINCE, CITY, DISTRICT, COMMUNITY = "province", "city", "district", "community"
    LEVELS = [(PROVINCE, "省"), (CITY, "市"), (DISTRICT, "县(区)"), (COMMUNITY, "社区（街道、乡镇）")]
    PARENT = {CITY: PROVINCE, DISTRICT: CITY, COMMUNITY: DISTRICT}

    name = models.CharField("名称", max_length=200)
    level = models.CharField("层级", max_length=20, choices=LEVELS)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_in_parent")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        wanted = self.PARENT.get(self.level)
        if wanted and (self.parent is None or self.parent.level != wanted):
            raise ValidationError({"parent": f"{self.get_level_display()}的上级应是{dict(self.LEVELS)[wanted]}"})

    @property
    def district(self) -> Unit | None:
        return self.parent if self.level == self.COMMUNITY else None
