import threading
from decimal import Decimal

import pytest
from django.db import connection

from audit.models import AppendOnlyError, AuditEvent
from households import services
from households.models import Household
from tests.households.factories import MemberFactory, household_with_head, make_id
from tongren_fupin.errors import DomainError


@pytest.mark.django_db
def test_every_write_appears_in_the_history_with_actor_and_old_and_new_values(
    cadre_yanhe, county_supervisor
):
    household = household_with_head(housing_grade="C", status="registered")
    member = MemberFactory(household=household, name="田小明", relation="03")

    services.household_update(
        actor=cadre_yanhe, household=household, expected_version=1, data={"housing_grade": "A"}
    )
    member = services.member_update(
        actor=cadre_yanhe, member=member, expected_version=2, data={"health": "chronic"}
    )
    services.income_record(
        actor=cadre_yanhe,
        household=household,
        expected_version=3,
        year=2019,
        inputs={"wage": Decimal("9000")},
        member_count=2,
    )
    services.measure_add(
        actor=cadre_yanhe,
        household=household,
        data={"kind": "industry", "year": 2019, "description": "养牛"},
    )
    services.household_change_head(
        actor=cadre_yanhe,
        household=household,
        expected_version=4,
        new_head=member,
        old_head_relation="11",
    )
    services.household_change_status(
        actor=county_supervisor,
        household=household,
        expected_version=5,
        status="removed",
        reason="错评",
    )
    services.member_add(
        actor=cadre_yanhe,
        household=household,
        expected_version=6,
        data={
            "name": "田新",
            "id_number": make_id(sequence=44),
            "relation": "07",
            "education": "primary",
        },
    )

    events = list(AuditEvent.objects.filter(subject_id=str(household.pk)).order_by("id"))
    assert [e.action for e in events] == [
        "household.updated",
        "member.updated",
        "income.recorded",
        "measure.added",
        "household.head_changed",
        "household.status_changed",
        "member.added",
        "income.resized",  # the 2019 row counted 2 members; the household now has 3
    ]
    assert events[0].changes == {"housing_grade": ["C", "A"]}
    assert events[1].changes == {"health": ["healthy", "chronic"]}
    assert events[2].changes["per_capita_net_income"] == [None, "4500.00"]
    assert events[4].changes["head"] == [f"户主{household.pk}", "田小明"]
    assert events[5].changes["status"] == ["registered", "removed"]
    assert events[7].changes == {
        "member_count": [2, 3],
        "per_capita_net_income": ["4500.00", "3000.00"],
    }
    assert [e.actor for e in events] == [cadre_yanhe] * 5 + [county_supervisor] + [cadre_yanhe] * 2
    assert Household.objects.get(pk=household.pk).version == 7


@pytest.mark.django_db
def test_the_audit_trail_cannot_be_changed_or_deleted(cadre_yanhe):
    household = household_with_head(housing_grade="C")
    services.household_update(
        actor=cadre_yanhe, household=household, expected_version=1, data={"housing_grade": "B"}
    )
    event = AuditEvent.objects.get(action="household.updated")

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_the_database_refuses_to_change_the_audit_trail(cadre_yanhe):
    from django.db import DatabaseError, transaction

    household = household_with_head(housing_grade="C")
    services.household_update(
        actor=cadre_yanhe, household=household, expected_version=1, data={"housing_grade": "B"}
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.get().action == "household.updated"


@pytest.mark.django_db
def test_an_edit_on_a_stale_copy_is_refused(cadre_yanhe):
    household = household_with_head(housing_grade="C")
    services.household_update(
        actor=cadre_yanhe, household=household, expected_version=1, data={"housing_grade": "B"}
    )

    with pytest.raises(DomainError) as error:
        services.household_update(
            actor=cadre_yanhe, household=household, expected_version=1, data={"housing_grade": "D"}
        )

    assert error.value.code == "stale_version"
    assert error.value.message == "该户信息已被他人修改，请刷新后重试。"
    assert Household.objects.get(pk=household.pk).housing_grade == "B"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_never_lose_data(tongren_regions, cadre_yanhe, work_team_yanhe):
    household = household_with_head(housing_grade="C", phone="")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(actor, data, key):
        try:
            barrier.wait(timeout=10)
            services.household_update(
                actor=actor, household=household, expected_version=1, data=data
            )
            outcomes[key] = "saved"
        except DomainError as error:
            outcomes[key] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(cadre_yanhe, {"housing_grade": "A"}, "grade")),
        threading.Thread(target=edit, args=(work_team_yanhe, {"phone": "13800000000"}, "phone")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "stale_version"]
    saved = Household.objects.get(pk=household.pk)
    winner = next(key for key, value in outcomes.items() if value == "saved")
    assert (saved.housing_grade == "A") is (winner == "grade")
    assert (saved.phone == "13800000000") is (winner == "phone")
    assert saved.version == 2
    assert AuditEvent.objects.filter(action="household.updated").count() == 1


@pytest.mark.django_db
def test_a_wrong_role_cannot_write(city_supervisor):
    household = household_with_head()

    with pytest.raises(DomainError) as error:
        services.household_update(
            actor=city_supervisor, household=household, expected_version=1, data={"phone": "1"}
        )

    assert error.value.status == 403
    assert AuditEvent.objects.exists() is False


@pytest.mark.django_db
def test_status_moves_follow_the_transition_table(county_supervisor):
    from django.core.exceptions import ValidationError

    household = household_with_head(status="exited", exit_year=2018)

    with pytest.raises(ValidationError) as error:
        services.household_change_status(
            actor=county_supervisor,
            household=household,
            expected_version=1,
            status="edge",
            reason="x",
        )
    assert "status" in error.value.message_dict

    relapsed = services.household_change_status(
        actor=county_supervisor,
        household=household,
        expected_version=1,
        status="relapsed",
        year=2020,
        reason="因病返贫",
    )
    assert (relapsed.status, relapsed.relapse_year, relapsed.relapse_cause) == (
        "relapsed",
        2020,
        "因病返贫",
    )
