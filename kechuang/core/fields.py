"""Text fields with a maximum length that the model, its forms and its API serializers all enforce.

Django's ``TextField(max_length=...)`` only sizes the form widget; the validator makes ``full_clean`` and DRF's
``ModelSerializer`` (which copies model validators) refuse longer text too, with Django's Chinese message.
Without a limit, ten PATCH requests of 1,000,000 characters grew the database by 70 MB (issue 12, item 5).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

# The limits used across the platform, so that forms and API documents say the same numbers.
COMMENT = 2000  # review comments, rejection reasons, 意见
SHORT_TEXT = 5000  # a bio, sharing terms, a request's reasons
LONG_TEXT = 20000  # an abstract, a demand's description, an organisation's introduction


def LimitedTextField(verbose_name: str, max_length: int, **kwargs: Any) -> Any:
    return models.TextField(verbose_name, max_length=max_length,
                            validators=[MaxLengthValidator(max_length), *kwargs.pop("validators", [])], **kwargs)
