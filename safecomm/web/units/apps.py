from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "safecomm.web.units"
    label = "units"
    verbose_name = "单位"
