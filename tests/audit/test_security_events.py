import pytest
from django.test import Client

from audit.models import AuditEvent
from tests.households.factories import household_with_head

pytestmark = pytest.mark.django_db


def test_logins_and_failed_logins_are_security_events(cadre_yanhe):
    client = Client()

    client.post("/login/", {"username": "cadre_yanhe", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(
        "/login/",
        {"username": "cadre_yanhe", "password": "correct horse battery staple"},
        REMOTE_ADDR="10.1.2.3",
    )

    events = list(
        AuditEvent.objects.filter(category="security")
        .order_by("id")
        .values_list("action", "summary", "ip_address")
    )
    assert events == [
        ("login_failed", "cadre_yanhe", "10.1.2.3"),
        ("login", "cadre_yanhe", "10.1.2.3"),
    ]


def test_a_lockout_is_a_security_event(cadre_yanhe, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "cadre_yanhe", "password": "wrong"})

    assert AuditEvent.objects.filter(action="lockout", summary="cadre_yanhe").count() == 1


def test_permission_denials_are_security_events_on_pages_and_api(client, api, city_supervisor):
    household = household_with_head()
    client.force_login(city_supervisor)
    api.force_authenticate(city_supervisor)

    page = client.get(f"/households/{household.pk}/edit/")
    call = api.patch(
        f"/api/v1/households/{household.pk}/", {"version": 1, "phone": "13800000000"}, format="json"
    )

    assert (page.status_code, call.status_code) == (403, 403)
    denials = list(
        AuditEvent.objects.filter(action="permission_denied")
        .order_by("id")
        .values_list("actor__username", "summary")
    )
    assert denials == [
        ("city_supervisor", f"403 GET /households/{household.pk}/edit/"),
        ("city_supervisor", f"403 PATCH /api/v1/households/{household.pk}/"),
    ]
