"""The booking workflow as data.

待审批 → 已批准 (the instrument's organisation approves; 即时预约 instruments approve at once, internally) → 已使用
(the operator records the actual start and end; the charge is computed) → 已结算 (the provider settles; the
先用后补 claim is computed). 待审批 → 已拒绝 (with a reason); 待审批/已批准 → 已取消 by the customer (a fee by how
late, from the instrument's settings); 已批准 → 爽约 when no use is recorded by the end + N hours: a ``Deadline``
whose due time ``services`` sets to the booking's end + ``no_show_grace_hours`` (swept by the SYSTEM actor).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from kechuang.directory.models import Person
from kechuang.instruments.choices import BookingStatus as B
from kechuang.workflow import clock
from kechuang.workflow.engine import Deadline, Transition, Workflow, anyone
from kechuang.workflow.forms import StepForm


def provider_member(actor: Any, booking: Any) -> bool:
    org = getattr(actor, "organisation_id", None) if getattr(actor, "is_authenticated", False) else None
    return bool(org and org == booking.instrument.organisation_id) or bool(getattr(actor, "is_bureau", False))


def customer_member(actor: Any, booking: Any) -> bool:
    org = getattr(actor, "organisation_id", None) if getattr(actor, "is_authenticated", False) else None
    return bool(org and org == booking.organisation_id)


class RecordUseForm(StepForm):
    """使用登记: the operator states when the instrument was actually used (and the samples measured)."""

    actual_start = forms.DateTimeField(label="实际开始时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       error_messages={"required": "请填写实际开始时间",
                                                       "invalid": "实际开始时间格式应为 2026-03-02 09:00"})
    actual_end = forms.DateTimeField(label="实际结束时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     error_messages={"required": "请填写实际结束时间",
                                                     "invalid": "实际结束时间格式应为 2026-03-02 11:00"})
    samples = forms.IntegerField(label="样品数", min_value=0, required=False,
                                 error_messages={"min_value": "样品数不能为负数", "invalid": "样品数应为整数"})
    operator = forms.ModelChoiceField(label="操作人员", required=False, queryset=Person.objects.none(),
                                      empty_label="（自助使用）")
    field_order = ["actual_start", "actual_end", "samples", "operator", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = getattr(self.obj.instrument, "service", None) if self.obj is not None else None
        if service is not None:
            cast(forms.ModelChoiceField, self.fields["operator"]).queryset = service.operators.all()
        if self.obj is not None and not self.is_bound:
            self.fields["actual_start"].initial = timezone.localtime(self.obj.start).strftime("%Y-%m-%dT%H:%M")
            self.fields["actual_end"].initial = timezone.localtime(self.obj.end).strftime("%Y-%m-%dT%H:%M")
            self.fields["samples"].initial = self.obj.samples

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        s, e = data.get("actual_start"), data.get("actual_end")
        if s and e and e <= s:
            raise forms.ValidationError("实际结束时间应晚于实际开始时间")
        if s and s > clock.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError("实际开始时间不能晚于当前时间")
        if data.get("samples") is None and self.obj is not None:
            data["samples"] = self.obj.samples
        return data


class RatingForm(StepForm):
    rating = forms.TypedChoiceField(label="服务评价", coerce=int, required=False, empty_value=None,
                                    choices=[("", "不评价"), (5, "5 分 非常满意"), (4, "4 分 满意"), (3, "3 分 一般"),
                                             (2, "2 分 不满意"), (1, "1 分 很不满意")])


def _record_use(booking: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.instruments import charges

    booking.use_recorded_by = actor
    minutes, amount = charges.usage_charge(booking)
    booking.charged_minutes, booking.amount = minutes, amount


def _cancel(booking: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.instruments import charges

    booking.cancel_fee = charges.cancellation_fee(booking, clock.now())


def _settle(booking: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.instruments import subsidy

    subsidy.claim_for(booking)


def _ended(booking: Any) -> str | None:
    return None if clock.now() >= booking.end else "预约时段尚未结束，不能登记爽约"


def _on_used(booking: Any, actor: Any) -> dict[str, Any]:
    return {"use_recorded_by": booking.use_recorded_by, "charged_minutes": booking.charged_minutes,
            "amount": booking.amount}


def _on_cancelled(booking: Any, actor: Any) -> dict[str, Any]:
    return {"cancel_fee": booking.cancel_fee}


def _on_no_show(booking: Any, actor: Any) -> dict[str, Any]:
    from kechuang.instruments import charges

    # A no-show pays as a cancellation at the last minute: the slot was held and lost to others.
    return {"cancel_fee": charges.cancellation_fee(booking, booking.start)}


def _notify(booking: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    url = f"/instruments/bookings/{booking.pk}/"
    text = f"仪器预约“{booking.instrument} {booking.slot_text()}”：{step.label}"
    if step.trigger in ("cancel",):
        members = booking.instrument.organisation.members.all()
    else:
        members = booking.organisation.members.all()
    return [(m, text, url) for m in members]


def no_show_due(booking: Any) -> dt.datetime:
    grace = booking.instrument.service.no_show_grace_hours if hasattr(booking.instrument, "service") else 24
    return booking.end + dt.timedelta(hours=grace)


class ReasonForm(StepForm):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写理由"})
    field_order = ["reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget = forms.HiddenInput()


class CancelForm(StepForm):
    reason = forms.CharField(label="取消原因（可不填）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget = forms.HiddenInput()
        if self.obj is not None and not self.is_bound:
            from kechuang.instruments import charges

            fee = charges.cancellation_fee(self.obj, clock.now())
            self.fields["reason"].help_text = f"现在取消需支付取消费 {fee:,} 元" if fee else "现在取消不收取费用"


BOOKING_WORKFLOW = Workflow(
    name="instrument_booking",
    transitions=[
        Transition("approve", B.PENDING, B.APPROVED, "批准预约", allowed=provider_member),
        Transition("auto_approve", B.PENDING, B.APPROVED, "即时预约生效", allowed=anyone, internal=True,
                   internal_via="即时预约的仪器提交后自动生效"),
        Transition("refuse", B.PENDING, B.REFUSED, "拒绝预约", allowed=provider_member, form=ReasonForm,
                   effects=("reason",), danger=True),
        Transition("record_use", B.APPROVED, B.USED, "登记使用", allowed=provider_member, form=RecordUseForm,
                   effects=("actual_start", "actual_end", "samples", "operator"), perform=_record_use),
        Transition("settle", B.USED, B.SETTLED, "结算", allowed=provider_member, perform=_settle),
        Transition("cancel", (B.PENDING, B.APPROVED), B.CANCELLED, "取消预约", allowed=customer_member,
                   form=CancelForm, effects=("reason",), perform=_cancel, danger=True),
        Transition("no_show", B.APPROVED, B.NO_SHOW, "登记爽约", allowed=provider_member, condition=_ended,
                   danger=True),
    ],
    notify=_notify,
    on_enter={B.USED: _on_used, B.CANCELLED: _on_cancelled, B.NO_SHOW: _on_no_show},
    deadlines=[
        # days=0: the row is written on approval and its due time then set to end + grace (services.approve).
        Deadline(B.APPROVED, 0, working=False, action="transition", trigger="no_show", label="使用登记期限"),
    ],
)
