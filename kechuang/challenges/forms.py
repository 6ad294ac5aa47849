"""Forms of 揭榜挂帅. Lists (indicators, scorecard, milestones, team members, partners) are typed one per line
with fields separated by “｜” or “|”; every bad line is refused with its line number and value."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from kechuang.challenges.models import Challenge
from kechuang.directory.models import Organisation

_SEP = re.compile(r"\s*[｜|]\s*")


def _lines(text: str) -> list[list[str]]:
    return [_SEP.split(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _decimal(value: str, what: str) -> Decimal:
    try:
        return Decimal(value.rstrip("%％"))
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(f"{what}应为数字，收到“{value}”") from None


class ChallengeForm(forms.ModelForm):
    indicators_text = forms.CharField(
        label="量化技术指标", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项：指标名称｜目标值，如“识别准确率｜≥ 98%”",
        error_messages={"required": "请至少填写一项量化技术指标"})
    criteria_text = forms.CharField(
        label="评分表", widget=forms.Textarea(attrs={"rows": 4}),
        initial="技术方案先进性｜0.4｜10｜6\n团队能力与基础｜0.3｜10｜6\n实施计划与经费合理性｜0.3｜10｜6",
        help_text="每行一项：评分项｜权重｜满分｜低于该分须写评语")
    milestones_text = forms.CharField(
        label="里程碑", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个：里程碑名称｜计划完成日期（年-月-日）｜拨付比例（%），各比例合计 100")

    class Meta:
        model = Challenge
        fields = ["title", "source", "problem", "scenario", "total_investment", "fiscal_support", "period_months",
                  "conditions", "acceptance", "ip_ownership", "ip_terms", "confidential", "trl", "industry_chain",
                  "region_code", "deadline", "blind_review"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "problem": forms.Textarea(attrs={"rows": 4}), "scenario": forms.Textarea(attrs={"rows": 2}),
                   "conditions": forms.Textarea(attrs={"rows": 2}), "acceptance": forms.Textarea(attrs={"rows": 2}),
                   "ip_terms": forms.Textarea(attrs={"rows": 2})}

    @staticmethod
    def lists_of(ch: Challenge) -> dict[str, str]:
        """The lists of a stored 榜单 written back the way they are typed, for the edit page."""
        return {
            "indicators_text": "\n".join(f"{i.name}｜{i.target}" for i in ch.indicators.all()),
            "criteria_text": "\n".join(f"{c.name}｜{c.weight:g}｜{c.max_points}｜{c.comment_below}"
                                       for c in ch.criteria.all()),
            "milestones_text": "\n".join(f"{m.title}｜{m.due_on:%Y-%m-%d}｜{m.share:g}" for m in ch.milestones.all()),
        }

    def clean_indicators_text(self) -> list[tuple[str, str]]:
        out = []
        for i, parts in enumerate(_lines(self.cleaned_data["indicators_text"]), 1):
            if len(parts) != 2 or not all(parts):
                raise forms.ValidationError(f"第 {i} 行“{'｜'.join(parts)}”应为“指标名称｜目标值”")
            out.append((parts[0][:100], parts[1][:100]))
        return out

    def clean_criteria_text(self) -> list[tuple[str, Decimal, int, int]]:
        out = []
        for i, parts in enumerate(_lines(self.cleaned_data["criteria_text"]), 1):
            if len(parts) != 4:
                raise forms.ValidationError(f"第 {i} 行“{'｜'.join(parts)}”应为“评分项｜权重｜满分｜低于该分须写评语”")
            weight = _decimal(parts[1], f"第 {i} 行权重")
            if not parts[2].isdigit() or not parts[3].isdigit() or int(parts[2]) < 1 or weight <= 0:
                raise forms.ValidationError(f"第 {i} 行：权重应大于 0，满分和评语分数线应为整数，收到“{'｜'.join(parts)}”")
            out.append((parts[0][:100], weight, int(parts[2]), int(parts[3])))
        return out

    def clean_milestones_text(self) -> list[tuple[str, dt.date, Decimal]]:
        out = []
        for i, parts in enumerate(_lines(self.cleaned_data["milestones_text"]), 1):
            if len(parts) != 3:
                raise forms.ValidationError(f"第 {i} 行“{'｜'.join(parts)}”应为“里程碑名称｜计划完成日期｜拨付比例”")
            try:
                due = dt.date.fromisoformat(parts[1])
            except ValueError:
                raise forms.ValidationError(f"第 {i} 行计划完成日期“{parts[1]}”应为 年-月-日") from None
            out.append((parts[0][:200], due, _decimal(parts[2], f"第 {i} 行拨付比例")))
        if sum(s for _, _, s in out) != 100:
            raise forms.ValidationError(f"各里程碑拨付比例合计应为 100%（当前 {sum(s for _, _, s in out):g}%）")
        return out


class ApplicationForm(forms.Form):
    team_name = forms.CharField(label="团队名称", max_length=100, error_messages={"required": "请填写团队名称"})
    plan = forms.CharField(label="技术方案概述", widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写技术方案概述"})
    members_text = forms.CharField(
        label="团队成员", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名｜团队角色｜所在单位全称（可不填）。揭榜挂帅不设年龄、学历、职称限制",
        error_messages={"required": "请至少填写一名团队成员"})
    partners_text = forms.CharField(label="联合单位", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="每行一个单位全称（须为平台已登记的机构）")
    originality = forms.BooleanField(label="本单位承诺技术方案为原创，不侵犯他人知识产权",
                                     error_messages={"required": "请确认原创性声明"})

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(challenge.indicators.all())
        for ind in self.indicators:
            self.fields[f"answer_{ind.pk}"] = forms.CharField(
                label=f"对指标“{ind.name}（目标 {ind.target}）”的响应", widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"请填写对指标“{ind.name}”的响应方案"})
        self.order_fields(["team_name", "plan", *[f"answer_{i.pk}" for i in self.indicators], "members_text",
                           "partners_text", "originality"])

    @staticmethod
    def _org(name: str, where: str) -> Organisation:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            raise forms.ValidationError(f"{where}：平台上没有名为“{name}”的机构，请填写全称")
        return org

    def clean_members_text(self) -> list[tuple[str, str, Organisation | None]]:
        out = []
        for i, parts in enumerate(_lines(self.cleaned_data["members_text"]), 1):
            if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
                raise forms.ValidationError(f"第 {i} 行“{'｜'.join(parts)}”应为“姓名｜团队角色｜所在单位”")
            org = self._org(parts[2], f"第 {i} 行") if len(parts) == 3 and parts[2] else None
            out.append((parts[0][:50], parts[1][:50], org))
        return out

    def clean_partners_text(self) -> list[Organisation]:
        return [self._org(line.strip(), f"第 {i} 行") for i, line in
                enumerate((self.cleaned_data.get("partners_text") or "").splitlines(), 1) if line.strip()]

    def answers(self) -> dict[int, str]:
        return {ind.pk: self.cleaned_data.get(f"answer_{ind.pk}", "") for ind in self.indicators}


class QuestionForm(forms.Form):
    question = forms.CharField(label="我要提问", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                               error_messages={"required": "请填写问题"})
