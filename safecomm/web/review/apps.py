from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "safecomm.web.review"
    label = "reviews"
    verbose_name = "审核与规则集"
    default_auto_field = "django.db.models.BigAutoField"
