"""Who may reach each URL of the market app, in the vocabulary of kechuang/core/tests/test_access_matrix.py
(public / login / bureau / post-login / post-bureau, or the app test module that exercises an object URL with an
outsider). Kept next to the URLs so a new page cannot be added without a decision. Object URLs have executable
rows in ACCESS_CASES (kechuang/core/access.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "market:achievement_list": "public",
    "market:demand_list": "public",
    "market:search": "public",
    "market:achievement_detail": OBJECT,  # published: anyone; otherwise owner's members and bureau, else 404
    "market:demand_detail": OBJECT,
    "market:export": OBJECT,  # public lists only: what the list shows
    "market:my_demands": "login",  # own organisation's records; users without organisation: 403
    "market:my_achievements": "login",
    "market:demand_create": "login",  # users with an organisation; others 403
    "market:achievement_create": "login",
    "market:demand_edit": OBJECT,  # own drafts only, else 404
    "market:achievement_edit": OBJECT,
    "market:transition": OBJECT,  # the workflow table decides: owner submits/withdraws, bureau publishes/rejects
    "market:review_queue": "bureau",
    "market:feedback": OBJECT,  # POST, brokers and bureau only
    "achievement-list": "public",  # published; ?mine=1 adds the caller's own records
    "demand-list": "public",
    "achievement-detail": OBJECT,
    "demand-detail": OBJECT,
    "achievement-matches": OBJECT,
    "demand-matches": OBJECT,
    "achievement-transition": OBJECT,
    "demand-transition": OBJECT,
    # Brokers' and staff's verdicts on matches: brokers and bureau only (anonymous 401/403, others 403); a broker
    # lists its own verdicts, bureau staff all.
    "match-feedback-list": OBJECT,
    "match-feedback-detail": OBJECT,
}


def _demand(status: str) -> Any:
    def make(world: Any) -> Any:
        from kechuang.market.tests.factories import DemandFactory

        return DemandFactory(organisation=world.enterprise_org, status=status)

    return make


def _achievement(status: str) -> Any:
    def make(world: Any) -> Any:
        from kechuang.market.tests.factories import AchievementFactory

        return AchievementFactory(owner=world.university_org, status=status)

    return make


def _entity_args(entity: str) -> Any:
    return lambda obj: [entity]


def _feedback(world: Any) -> Any:
    from kechuang.market.models import MatchFeedback

    demand = _demand("published")(world)
    return MatchFeedback.objects.create(demand=demand, target_kind="achievement", target_id="1", verdict="useful",
                                        author=world.user("broker"))


EVERYONE = {"anonymous": 200, "outsider": 200, "broker": 200, "staff": 200}
HIDDEN = {"anonymous": 404, "outsider": 404, "broker": 404}

ACCESS_CASES = [
    Case("market:demand_detail", EVERYONE, obj=_demand("published"), note="published"),
    Case("market:demand_detail", {**HIDDEN, "enterprise": 200, "staff": 200}, obj=_demand("draft"), note="draft"),
    Case("market:achievement_detail", EVERYONE, obj=_achievement("published"), note="published"),
    Case("market:achievement_detail", {**HIDDEN, "institution": 200, "staff": 200}, obj=_achievement("draft"),
         note="draft"),
    Case("demand-detail", EVERYONE, obj=_demand("published"), note="published"),
    Case("demand-detail", {**HIDDEN, "enterprise": 200, "staff": 200}, obj=_demand("submitted"),
         note="submitted"),
    Case("achievement-detail", EVERYONE, obj=_achievement("published"), note="published"),
    Case("achievement-detail", {**HIDDEN, "institution": 200}, obj=_achievement("draft"), note="draft"),
    Case("market:demand_edit", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200},
         obj=_demand("draft")),
    Case("market:achievement_edit", {"anonymous": LOGIN, "outsider": 404, "enterprise": 404, "institution": 200},
         obj=_achievement("draft")),
    *(Case("market:export", {"anonymous": 200, "outsider": 200}, obj=lambda w: None,
           args=_entity_args(entity), query="format=csv", note=entity) for entity in ("demand", "achievement")),
    Case("market:transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 302},
         obj=_demand("draft"), args=lambda d: ["demand", d.pk, "submit"], method="post", note="owner submits"),
    Case("market:feedback", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403},
         method="post"),
    Case("demand-matches", {"anonymous": (401, 403, 404), "outsider": 404}, obj=_demand("draft"), note="draft"),
    Case("achievement-matches", {"anonymous": (401, 403, 404), "outsider": 404}, obj=_achievement("draft"),
         note="draft"),
    Case("demand-transition", {"anonymous": (401, 403, 404), "outsider": 404, "broker": 404},
         obj=_demand("draft"), method="post", data={"trigger": "submit"}),
    Case("achievement-transition", {"anonymous": (401, 403, 404), "outsider": 404, "enterprise": 404},
         obj=_achievement("draft"), method="post", data={"trigger": "submit"}),
    Case("match-feedback-list", {"anonymous": (401, 403), "outsider": 403, "enterprise": 403, "broker": 200}),
    Case("match-feedback-detail", {"anonymous": (401, 403), "outsider": 403, "enterprise": 403, "broker": 200},
         obj=_feedback),
]
