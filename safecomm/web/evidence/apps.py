from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "safecomm.web.evidence"
    label = "evidence"
    verbose_name = "证据"
