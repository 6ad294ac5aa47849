"""The page chrome (base.html): unread count on 通知, the favicon (issue 10, item 12)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_top_bar_shows_the_unread_count(enterprise_client, enterprise_user, staff_user):
    from kechuang.workflow.models import Notification

    page = enterprise_client.get("/").content.decode()
    assert 'class="badge"' not in page  # nothing unread: no badge
    Notification.objects.bulk_create([Notification(recipient=enterprise_user, message=f"通知{i}") for i in range(3)]
                                      + [Notification(recipient=enterprise_user, message="已读", read=True),
                                         Notification(recipient=staff_user, message="别人的")])
    page = enterprise_client.get("/").content.decode()
    assert '<span class="badge" aria-label="3 条未读">3</span>' in page


def test_anonymous_pages_count_nothing(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/login/").content.decode()
    assert "badge" not in page


def test_the_favicon_is_an_svg_served_from_static(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/kechuang/favicon.svg">' in page
    response = client.get("/static/kechuang/favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
