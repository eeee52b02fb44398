"""The operator's read-only admin views: the trail and the outbox can be read, not changed."""

from __future__ import annotations

import pytest

from tongren_fupin.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_outbox_admin_offers_no_delete(client, operator):
    message = OutboxMessage.objects.create(task_name="households.check_risks", args=[1])
    client.force_login(operator)

    listing = client.get("/admin/tongren_fupin/outboxmessage/")
    delete = client.post(
        f"/admin/tongren_fupin/outboxmessage/{message.pk}/delete/", {"post": "yes"}
    )
    bulk = client.post(
        "/admin/tongren_fupin/outboxmessage/",
        {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"},
    )

    assert listing.status_code == 200
    assert "households.check_risks" in listing.content.decode()
    assert 'name="action"' not in listing.content.decode()
    assert delete.status_code == 403
    assert bulk.status_code in {200, 302}
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_the_login_protection_admin_speaks_chinese(client, operator):
    client.force_login(operator)

    index = client.get("/admin/").content.decode()
    log_list = client.get("/admin/axes/accesslog/").content.decode()

    assert "登录日志" in index and "Access logs" not in index
    assert "尝试时间" in log_list and "Attempt Time" not in log_list
