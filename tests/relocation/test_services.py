"""Services of relocation used outside the API's tests: status changes and their refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent, Category
from relocation import services
from relocation.models import CultureActivity, Facility
from relocation.selectors import employment_by_region, zero_employment_households
from tests.relocation.factories import IDLE, SiteFactory, relocated_household
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_facility_moves_from_planned_to_in_use_with_an_event(township_reviewer):
    site = SiteFactory()
    facility = Facility.objects.create(site=site, kind="clinic", status="planned")

    services.facility_set_status(actor=township_reviewer, facility=facility, status="in_use")

    assert Facility.objects.get(pk=facility.pk).status == "in_use"
    event = AuditEvent.objects.get(action="relocation_facility.status_changed")
    assert (event.changes, event.subject_id) == ({"status": ["planned", "in_use"]}, str(site.pk))


@pytest.mark.parametrize(
    ("user", "status", "error"),
    [
        ("cadre_yanhe", "built", DomainError),
        ("county_supervisor_bijiang", "built", DomainError),
        ("township_reviewer", "demolished", ValidationError),
    ],
    ids=["wrong-role", "other-county", "unknown-status"],
)
def test_a_refused_status_change_changes_nothing(request, user, status, error):
    facility = Facility.objects.create(site=SiteFactory(), kind="clinic", status="planned")

    with pytest.raises(error):
        services.facility_set_status(
            actor=request.getfixturevalue(user), facility=facility, status=status
        )

    assert Facility.objects.get(pk=facility.pk).status == "planned"
    assert AuditEvent.objects.filter(category=Category.DATA).exists() is False


def test_a_culture_activity_in_the_future_is_refused(township_reviewer):
    site = SiteFactory()
    later = datetime.date.today() + datetime.timedelta(days=3)

    with pytest.raises(ValidationError) as raised:
        services.culture_activity_record(
            actor=township_reviewer, site=site, data={"kind": "lecture", "held_on": later}
        )

    assert raised.value.message_dict == {"held_on": ["活动日期不能晚于今天。"]}
    assert CultureActivity.objects.exists() is False


def test_a_record_of_a_site_must_carry_the_site_region():
    site = SiteFactory()
    activity = CultureActivity(
        site=site, region_id="520602001000", kind="lecture", held_on=datetime.date(2020, 1, 1)
    )

    with pytest.raises(ValidationError) as raised:
        activity.full_clean()

    assert raised.value.message_dict["region"] == ["行政区划必须与安置点所在区划一致。"]


@pytest.mark.parametrize("within", ["520627", "520627000000"], ids=["prefix", "code"])
def test_within_takes_a_prefix_or_a_region_code(within):
    site = SiteFactory()
    home = relocated_household(site, members=[IDLE])
    SiteFactory(region_id="520602001000", name="碧江点")

    assert list(zero_employment_households(within=within)) == [home]
    assert list(employment_by_region(level="county", within=within)) == ["520627000000"]
    assert zero_employment_households(within="520602000000").exists() is False
