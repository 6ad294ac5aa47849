"""The OpenAPI schema's default error responses (drf-spectacular), so the schema says what the server answers.

Every operation can answer 400 (input the server refuses: DRF's ``{field: [messages]}``, our ApplicationError),
401 (a missing or invalid token where login is required), 403 (logged in, not allowed), 404 (an object the user
may not see, or a page number past the end). Transitions can also answer 409 when the object is no longer in a
state that allows the step. schemathesis holds the server to this list in `make test`
(kechuang/core/tests/test_api_schema.py).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from kechuang.core.validators import validate_region_code

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "中文说明"}},
    "required": ["detail"],
}
# 400 bodies name the fields: {"title": ["该字段是必填项。"]}, {"detail": ["..."]} or {"non_field_errors": [...]}
_FIELD_ERRORS = {"type": "object", "additionalProperties": {}, "description": "字段名 → 错误说明列表"}

ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("输入有误（按字段列出原因）", _FIELD_ERRORS),
    "401": ("未登录或令牌无效", _DETAIL),
    "403": ("无权执行此操作", _DETAIL),
    "404": ("记录不存在或无权查看；列表页码超出范围", _DETAIL),
}
CONFLICT = ("当前状态不允许此操作", _DETAIL)


# What a validator function accepts, as far as JSON Schema can say it (the rest is said in the description).
VALIDATOR_SCHEMAS: dict[Any, dict[str, Any]] = {
    validate_region_code: {"pattern": "^[0-9]{6}$", "description": "现行 GB/T 2260 行政区划代码（6 位数字）"},
}


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict) or not isinstance(field, serializers.CharField):
            return schema
        for validator in getattr(field, "validators", []):
            if callable(validator) and getattr(validator, "__hash__", None) is not None:
                for key, value in VALIDATOR_SCHEMAS.get(validator, {}).items():
                    schema.setdefault(key, value)
        # DRF strips surrounding whitespace before checking a required text: "   " is as empty as "".
        if direction == "request" and field.trim_whitespace and not field.allow_blank and "pattern" not in schema:
            schema["pattern"] = r"\S"
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method == "POST" and self.path.rstrip("/").endswith("/transition"):
            errors["409"] = CONFLICT
        for code, (description, schema) in errors.items():
            responses.setdefault(code, {"description": description,
                                        "content": {"application/json": {"schema": schema}}})
        return responses
