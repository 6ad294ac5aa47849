"""The input of one workflow step: every step has a form, at least for its comment.

A step's form is built with the object it acts on (``obj``) so that its validation can compare with the record
(核定金额 not above the amount requested). Its ``cleaned_data`` supplies the step's ``effects`` (fields the step
sets on the record) and the comment written to the ``StateChange`` log.
"""

from __future__ import annotations

from typing import Any

from django import forms


class StepForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, obj: Any = None, step: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.step = step
        field = self.fields["comment"]
        if step is not None:
            field.required = step.comment_required
            field.label = step.comment_label or ("意见" if step.comment_required else "意见（可不填）")
            if step.comment_required:
                field.error_messages["required"] = f"请填写{field.label}"

    def first_error(self) -> tuple[str | None, str]:
        """(field name, Chinese message naming the field) of the first error, for an ApplicationError."""
        for name, errors in self.errors.items():
            if name == "__all__":
                return None, str(errors[0])
            label = str(self.fields[name].label or "") if name in self.fields else ""
            message = str(errors[0])
            short = label.split("（")[0]  # "核定金额（元）" is named by "核定金额" in its own messages
            return name, message if not label or short in message else f"{label}：{message}"
        return None, "输入有误"
