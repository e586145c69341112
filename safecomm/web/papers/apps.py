from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "safecomm.web.papers"
    label = "papers"
    verbose_name = "申报材料"
