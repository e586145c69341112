from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safecomm.web.accounts"
    label = "accounts"
    verbose_name = "账号"
