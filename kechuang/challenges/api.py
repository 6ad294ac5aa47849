"""REST API: /api/challenges/ (published 榜单, public; the issuer's own drafts), /api/challenge-applications/
(a team's own applications only; staff all), /api/challenge-reviews/ (the signed-in expert's own reviews only),
/api/challenge-milestones/ (the issuer and the selected team). Read-only: every change is a page step."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, serializers

from kechuang.challenges.models import Application, Challenge, Indicator, Milestone, Review
from kechuang.core.api import RestrictedReadOnlyViewSet


class ChallengeIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "name", "target"]


class ChallengeSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ip_ownership_label = serializers.CharField(source="get_ip_ownership_display", read_only=True)
    indicators = ChallengeIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Challenge
        fields = ["id", "title", "issuer_name", "source", "source_label", "problem", "scenario", "total_investment",
                  "fiscal_support", "period_months", "conditions", "acceptance", "ip_ownership",
                  "ip_ownership_label", "ip_terms", "confidential", "trl", "region_code", "deadline", "status",
                  "status_label", "indicators"]


class ChallengeViewSet(RestrictedReadOnlyViewSet):
    """榜单: published ones for everybody; drafts for the issuing organisation and staff."""

    permission_classes = [permissions.AllowAny]
    queryset = Challenge.objects.select_related("issuer").prefetch_related("indicators")
    serializer_class = ChallengeSerializer


class ChallengeApplicationSerializer(serializers.ModelSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "challenge", "team_name", "lead_name", "plan", "originality", "status", "status_label",
                  "created_at"]


class ApplicationViewSet(RestrictedReadOnlyViewSet):
    """A team's own applications (its technical plan included); staff see all. Nobody else's plan, ever."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Application.objects.select_related("lead")
    serializer_class = ChallengeApplicationSerializer

    def get_queryset(self) -> Any:
        user: Any = self.request.user
        qs = super().get_queryset()
        return qs if user.is_bureau else qs.filter(lead_id=user.organisation_id or -1)


class ChallengeReviewSerializer(serializers.ModelSerializer):
    challenge = serializers.IntegerField(source="application.challenge_id", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "challenge", "application", "scores", "comments", "summary", "updated_at"]


class ReviewViewSet(RestrictedReadOnlyViewSet):
    """The signed-in expert's own reviews only (staff all)."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Review.objects.select_related("application")
    serializer_class = ChallengeReviewSerializer


class ChallengeMilestoneSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "challenge", "title", "due_on", "share", "status", "status_label", "report"]


class MilestoneViewSet(RestrictedReadOnlyViewSet):
    """Milestones of the challenges the user's organisation issued or won (staff all)."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Milestone.objects.all()
    serializer_class = ChallengeMilestoneSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().distinct()


def register(router: Any) -> None:
    router.register("challenges", ChallengeViewSet, basename="challenge")
    router.register("challenge-applications", ApplicationViewSet, basename="challenge-application")
    router.register("challenge-reviews", ReviewViewSet, basename="challenge-review")
    router.register("challenge-milestones", MilestoneViewSet, basename="challenge-milestone")
