"""``{% workflow_actions obj workflow url %}`` and ``{% workflow_history obj workflow %}``: the same buttons, forms,
deadlines and log on every detail page, drawn from the transition table."""

from __future__ import annotations

from typing import Any

from django import template

from kechuang.workflow import deadlines
from kechuang.workflow.engine import Workflow, history_rows

register = template.Library()


@register.inclusion_tag("workflow/_actions.html", takes_context=True)
def workflow_actions(context: template.Context, obj: Any, workflow: Workflow, url: str, id_prefix: str = "",
                     title: str = "办理", show_deadlines: bool = True, compact: bool = False) -> dict[str, Any]:
    """Several records on one page (objections under their application) pass ``id_prefix`` (e.g. "objection"):
    the record's pk is added so every form field has its own id. ``compact`` (a row of a list) draws the buttons
    in a line with only the fields a step requires."""
    if id_prefix:
        id_prefix = f"{id_prefix}{obj.pk}-"
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # A URL with the trigger in its path (market) is given with "__trigger__" in its place.
    steps = [(t, form, url.replace("__trigger__", t.trigger))
             for t, form in (workflow.offered(obj, user, id_prefix=id_prefix) if signed_in else [])]
    blocked = workflow.blocked(obj, user) if signed_in else []
    return {"steps": steps, "blocked": blocked, "url": url, "title": title, "csrf_token": context.get("csrf_token"),
            "deadlines": deadlines.remaining(obj) if show_deadlines else [], "id_prefix": id_prefix,
            "compact": compact}


@register.inclusion_tag("workflow/_history.html")
def workflow_history(obj: Any, workflow: Workflow, empty: str = "尚无办理记录。") -> dict[str, Any]:
    return {"rows": history_rows(obj, workflow), "empty": empty}
