from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from kechuang.core.fields import SHORT_TEXT
from kechuang.directory.models import Instrument
from kechuang.instruments.models import SampleService, ServiceSettings, SubsidyScheme


class BookingForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"required": "请选择日期", "invalid": "日期格式应为 2026-03-02"})
    start = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
                            error_messages={"required": "请填写开始时间", "invalid": "开始时间格式应为 09:00"})
    end = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
                          error_messages={"required": "请填写结束时间", "invalid": "结束时间格式应为 10:00"})
    purpose = forms.CharField(label="用途", max_length=SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写用途"},
                              help_text="仅本单位、仪器管理方和科技局可见，其他单位只看到“已预约”")
    service = forms.ModelChoiceField(label="测试项目（按样品计费，可不选）", queryset=SampleService.objects.none(),
                                     required=False, empty_label="不需要")
    samples = forms.IntegerField(label="样品数", min_value=0, initial=0, required=False,
                                 error_messages={"min_value": "样品数不能为负数", "invalid": "样品数应为整数"})
    operator_needed = forms.BooleanField(label="需要操作人员", required=False)
    also = forms.ModelMultipleChoiceField(label="同一时段同时预约（全部成功或全部不预约）", required=False,
                                          queryset=Instrument.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        service_field = cast(forms.ModelChoiceField, self.fields["service"])
        service_field.queryset = SampleService.objects.filter(settings__instrument=instrument)
        also = cast(forms.ModelMultipleChoiceField, self.fields["also"])
        also.queryset = (Instrument.objects.filter(organisation_id=instrument.organisation_id,
                                                   service__bookable=True).exclude(pk=instrument.pk))
        if not also.queryset.exists():
            del self.fields["also"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, s, e = data.get("day"), data.get("start"), data.get("end")
        if day and s and e:
            data["start_at"] = timezone.make_aware(dt.datetime.combine(day, s))
            data["end_at"] = timezone.make_aware(dt.datetime.combine(day, e))
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ServiceSettings
        fields = ["bookable", "approval_required", "min_minutes", "max_minutes", "granularity_minutes", "lead_hours",
                  "rate_internal", "rate_academic", "rate_enterprise", "charge_basis", "free_cancel_hours",
                  "late_cancel_percent", "very_late_cancel_hours", "very_late_cancel_percent", "no_show_grace_hours",
                  "depreciation_years", "rated_hours_per_year"]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = SubsidyScheme
        fields = ["name", "year", "user_share_percent", "provider_share_percent", "cap_per_organisation",
                  "cap_per_controller", "min_instrument_value", "budget_amount"]


class DecisionForm(forms.Form):
    reason = forms.CharField(label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OpeningHoursForm(forms.Form):
    """One text field a weekday: ``08:30-12:00，14:00-18:00``; empty = closed that day."""

    action = forms.CharField(widget=forms.HiddenInput, initial="hours")

    def __init__(self, *args: Any, settings: ServiceSettings, **kwargs: Any) -> None:
        from kechuang.instruments.availability import day_label, day_text

        super().__init__(*args, **kwargs)
        for d in range(7):
            self.fields[f"day_{d}"] = forms.CharField(
                label=f"{day_label(d)}开放时段", required=False, max_length=200, initial=day_text(settings, d),
                help_text="如 08:30-12:00，14:00-18:00；多个时段用逗号分隔，留空表示当天不开放" if d == 0 else "",
                error_messages={"max_length": "内容过长，最多 200 个字符"})


class BlackoutForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="blackout")
    start_date = forms.DateField(label="停用开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 error_messages={"required": "请选择停用开始日期", "invalid": "日期格式应为 2026-03-02"})
    end_date = forms.DateField(label="停用结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text="含当天；只停用一天时与开始日期相同",
                               error_messages={"required": "请选择停用结束日期", "invalid": "日期格式应为 2026-03-02"})
    reason = forms.CharField(label="停用原因", max_length=100, help_text="预约日历上向用户显示，如“春节放假”“设备搬迁”",
                             error_messages={"required": "请填写停用原因", "max_length": "停用原因最多 100 个字符"})


class MaintenanceForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="maintenance")
    start = forms.DateTimeField(label="维护开始时间",
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                error_messages={"required": "请填写维护开始时间",
                                                "invalid": "时间格式应为 2026-03-02 09:00"})
    end = forms.DateTimeField(label="维护结束时间",
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                              error_messages={"required": "请填写维护结束时间", "invalid": "时间格式应为 2026-03-02 12:00"})
    reason = forms.CharField(label="维护内容", max_length=100, help_text="预约日历上向用户显示，如“年度计量校准”",
                             error_messages={"required": "请填写维护内容", "max_length": "维护内容最多 100 个字符"})
