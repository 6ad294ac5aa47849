from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kechuang.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        # Failed and successful logins go to the audit log (the receivers live beside the lockout answer).
        from kechuang.accounts import throttling  # noqa: F401
