"""Monitoring after exit: the risk checks (idempotent, set-based) and the case lifecycle."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households import services
from households.choices import Status
from monitoring import checks
from monitoring.models import MonitoringCase
from tests.households.factories import MemberFactory, household_with_head, income

pytestmark = pytest.mark.django_db

ON = datetime.date(2020, 10, 1)  # the 2020 monitoring line (seeded) is 6000 yuan


def exited(**kwargs):
    return household_with_head(status=Status.EXITED, exit_year=2019, **kwargs)


def test_an_income_drop_opens_one_case_however_often_the_check_runs():
    household = exited()
    income(household, 2019, Decimal("7000"), 1)
    income(household, 2020, Decimal("5200"), 1)

    runs = [checks.run_monitoring_checks(on=ON) for _ in range(3)]
    again = checks.check_household(household.pk)

    assert runs == [1, 0, 0]
    assert again == []
    case = MonitoringCase.objects.get()
    assert (case.household_id, case.category, case.status) == (
        household.pk,
        "unstable_exited",
        "identifying",
    )
    assert [r["key"] for r in case.risks] == ["income:2020"]
    assert "5200.00" in case.risks[0]["evidence"] and "6000" in case.risks[0]["evidence"]
    assert AuditEvent.objects.filter(action="monitoring.opened").count() == 1
    opened = AuditEvent.objects.for_object(case).get(action="monitoring.opened")
    assert opened.object_type == "monitoring.monitoringcase"


def test_income_above_the_line_or_an_older_low_year_opens_nothing():
    above = exited()
    income(above, 2020, Decimal("6000"), 2)  # not under the line
    recovered = exited()
    income(recovered, 2020, Decimal("3000"), 1)
    income(recovered, 2021, Decimal("6500"), 1)  # the latest year counts

    assert checks.run_monitoring_checks(on=datetime.date(2021, 12, 31)) == 0
    assert MonitoringCase.objects.exists() is False


def test_registered_poor_households_are_not_monitored_and_edge_ones_are():
    registered = household_with_head(status=Status.REGISTERED)
    income(registered, 2020, Decimal("3000"), 1)
    edge = household_with_head(status=Status.EDGE)
    income(edge, 2020, Decimal("4500"), 1)

    assert checks.run_monitoring_checks(on=ON) == 1

    case = MonitoringCase.objects.get()
    assert (case.household_id, case.category) == (edge.pk, "edge")


def test_a_closed_case_is_not_reopened_by_the_same_signal_but_a_new_year_opens_one():
    household = exited()
    income(household, 2020, Decimal("5000"), 1)
    checks.run_monitoring_checks(on=ON)
    MonitoringCase.objects.update(status="not_included", closed_on=ON)

    assert checks.run_monitoring_checks(on=ON) == 0
    income(household, 2021, Decimal("5500"), 1)
    assert checks.run_monitoring_checks(on=datetime.date(2021, 12, 31)) == 1
    assert MonitoringCase.objects.filter(status="identifying").get().risks[0]["key"] == (
        "income:2021"
    )


def test_a_new_serious_illness_opens_a_sudden_hardship_case_after_the_edit(cadre_yanhe):
    household = exited()
    income(household, 2020, Decimal("9000"), 2)
    member = MemberFactory(household=household, name="田小华")
    household.refresh_from_db()

    services.member_update(
        actor=cadre_yanhe,
        member=member,
        expected_version=household.version,
        data={"health": "serious"},
    )
    opened = checks.check_household(household.pk)

    assert [c.category for c in opened] == ["sudden_hardship"]
    assert [r["code"] for r in opened[0].risks] == ["illness"]
    assert "田小华" in opened[0].risks[0]["evidence"]
    assert checks.check_household(household.pk) == []


def test_an_illness_known_for_years_is_not_new():
    household = exited()
    MemberFactory(household=household, health="disabled")  # no recent record of the change

    assert checks.check_household(household.pk) == []


def test_a_dropout_adds_a_risk_to_the_open_case_instead_of_a_second_case():
    household = exited()
    income(household, 2020, Decimal("5000"), 2)
    checks.run_monitoring_checks(on=ON)
    MemberFactory(
        household=household,
        name="田小军",
        birth_date=datetime.date(2010, 3, 1),  # 10 on 1 September 2020
        education="primary",
        schooling="",
    )

    assert checks.run_monitoring_checks(on=ON) == 0

    case = MonitoringCase.objects.get()
    assert [r["key"].split(":")[0] for r in case.risks] == ["income", "dropout"]
    assert AuditEvent.objects.filter(action="monitoring.risk_added").count() == 1
    assert checks.run_monitoring_checks(on=ON) == 0
    assert len(MonitoringCase.objects.get().risks) == 2


def test_children_in_school_or_outside_compulsory_age_are_not_dropouts():
    household = exited()
    MemberFactory(
        household=household, birth_date=datetime.date(2012, 1, 1), schooling="primary", education=""
    )
    MemberFactory(household=household, birth_date=datetime.date(2004, 8, 31), education="junior")
    MemberFactory(
        household=household, birth_date=datetime.date(2014, 9, 2), education="preschool_age"
    )

    assert checks.run_monitoring_checks(on=ON) == 0


# On 1 September 2020 (the school year of ON): born 2005-03-01 is 15, born 2003-03-01 is 17.
@pytest.mark.parametrize(
    ("born", "schooling", "education"),
    [(datetime.date(2005, 3, 1), "senior_1", ""),
     (datetime.date(2005, 3, 1), "vocational_secondary_2", ""),
     (datetime.date(2006, 3, 1), "grade_9", ""),
     (datetime.date(2014, 3, 1), "preschool", ""),
     (datetime.date(2003, 3, 1), "not_in_school", "junior")],
    ids=["高中一年级 at 15", "中职二年级 at 15", "九年级 at 14", "学前教育 at 6",
         "非在校生 at 17"],
)  # fmt: skip
def test_a_grade_counts_as_in_school_and_past_compulsory_age_nothing_is_a_dropout(
    born, schooling, education
):
    household = exited()
    MemberFactory(household=household, name="田小芳", birth_date=born, schooling=schooling,
                  education=education)  # fmt: skip

    assert checks.run_monitoring_checks(on=ON) == 0
    assert MonitoringCase.objects.exists() is False


@pytest.mark.parametrize(
    "born", [datetime.date(2005, 3, 1), datetime.date(2010, 3, 1)], ids=["15", "10"]
)
def test_a_child_of_compulsory_age_marked_not_in_school_is_a_dropout(born):
    household = exited()
    MemberFactory(household=household, name="田小芳", birth_date=born,
                  schooling="not_in_school", education="primary")  # fmt: skip

    assert checks.run_monitoring_checks(on=ON) == 1

    case = MonitoringCase.objects.get()
    assert [r["code"] for r in case.risks] == ["dropout"]
    assert "田小芳" in case.risks[0]["evidence"]


def _households_with_every_signal(n):
    for _ in range(n):
        household = exited()
        income(household, 2020, Decimal("5000"), 2)
        MemberFactory(
            household=household, birth_date=datetime.date(2011, 1, 1), education="primary"
        )


def test_the_check_takes_the_same_number_of_queries_for_3_or_12_households():
    _households_with_every_signal(3)
    with CaptureQueriesContext(connection) as few:
        assert checks.run_monitoring_checks(on=ON) == 3
    MonitoringCase.objects.all().delete()
    _households_with_every_signal(9)
    with CaptureQueriesContext(connection) as many:
        assert checks.run_monitoring_checks(on=ON) == 12

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_relocated_labour_household_without_work_opens_a_case_once():
    from tests.relocation.factories import IDLE, WORKING, SiteFactory, relocated_household

    site = SiteFactory()
    idle = relocated_household(site, members=[IDLE], status=Status.EXITED, exit_year=2019)
    relocated_household(site, members=[WORKING], status=Status.EXITED, exit_year=2019)
    relocated_household(site, members=[IDLE], status=Status.REGISTERED)  # not monitored

    runs = [checks.run_monitoring_checks(on=ON) for _ in range(2)]

    case = MonitoringCase.objects.get()
    assert runs == [1, 0]
    assert (case.household_id, case.category) == (idle.pk, "unstable_exited")
    assert case.risks[0]["key"] == "no_employment:2020"


@pytest.mark.django_db(transaction=True)
def test_a_check_started_while_another_is_uncommitted_waits_and_opens_nothing(tongren_regions):
    import threading
    import time

    from django.db import connections, transaction

    from households.models import PovertyLine

    # Transactional tests start from empty tables, without the seeded lines.
    PovertyLine.objects.get_or_create(year=2020, kind="monitoring", defaults={"amount": 6000})
    household = exited()
    income(household, 2020, Decimal("5000"), 1)
    first_done = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():  # the first run's case is not committed for a second
                results["first"] = checks.run_monitoring_checks(on=ON)
                first_done.set()
                time.sleep(1)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_done.wait(10)
            results["second"] = checks.run_monitoring_checks(on=ON)
        except Exception as error:
            results["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {"first": 1, "second": 0}
    assert MonitoringCase.objects.count() == 1
