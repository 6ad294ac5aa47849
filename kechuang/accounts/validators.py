"""Django's password validators with their messages in Chinese.

Django 5.2 changed MinimumLengthValidator's message id (``%d`` instead of ``%(min_length)d``) while its
zh_Hans catalog still carries the old id, so with LANGUAGE_CODE = "zh-hans" the too-short message stayed
English on the registration page. The rules are Django's; only the words are ours, so no catalog drift can
bring English back.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_validators


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与%(verbose_name)s过于相似。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名、电子邮箱等个人信息过于相似。"


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self) -> str:
        return "密码不能是常见密码。"


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全部是数字。"

    def get_help_text(self) -> str:
        return "密码不能全部是数字。"
