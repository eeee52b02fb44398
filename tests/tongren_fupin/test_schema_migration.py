"""Migrating a database filled under the previous schema forward keeps every row.

The database is migrated back to PREVIOUS_SCHEMA, filled through the historical models of that
schema (never the current models: they may no longer match the old tables), counted table by
table, migrated forward to the latest migrations and counted again. The rows are then read
through the current models, wherever they live now.
"""

from __future__ import annotations

import datetime
import importlib
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

from supervision import schedules

Target = tuple[str, str | None]

# The schema before the wave that moves ExitApplication/ExitStep/Objection to `exits` and
# MonitoringCase/MonitoringStep/MonitoringObjection to `monitoring` (tables kept): the last
# migration of each project app at that time. Apps not named here (contrib, third-party) stay
# where they are. (app_label, None) means "no migration of this app applied", for an app that
# did not exist yet, e.g. ("exits", None); entries of apps that are not installed (or have no
# migrations) are skipped, so such a line can be added before the app is.
PREVIOUS_SCHEMA: list[Target] = [
    ("regions", "0001_initial"),
    ("audit", "0002_append_only_trigger"),
    ("households", "0007_monitoring_cases"),
    ("inspections", "0002_look_back_tasks"),
    ("imports", "0001_import_jobs"),
    ("assistance", "0002_scheme_activity_related_names"),
    ("relocation", "0001_initial"),
    ("supervision", "0002_seed_thresholds_and_schedules"),
    ("tongren_fupin", "0002_drain_outbox_schedule"),
    ("exits", None),
    ("monitoring", None),
    ("fieldsync", None),
]

# Tables the forward migration is expected to create, with the rows they then hold. Empty: the
# moved models keep their tables (households_exitapplication, ...), so no table appears or goes.
NEW_TABLES: dict[str, int] = {  # created after the previous schema
    "imports_exportjob": 0,
    "inspections_photo": 0,
    "assistance_fundflowvoucher": 0,
    "exits_exitedpeople": 0,
    "exits_suspect": 0,
    "exits_suspectrun": 0,
    "fieldsync_syncrecord": 0,
    "fieldsync_fieldconflict": 0,
    "supervision_reportpdf": 0,
}
# Rows the forward migrations add to existing tables: the schedules of the field reminders
# (workbench 0001) and of the running month's snapshots (supervision 0004).
LATER_SCHEDULES = ("现场提醒 field reminders", "本月快照 current month's snapshots")
ADDED_ROWS: dict[str, int] = {"django_celery_beat_periodictask": len(LATER_SCHEDULES)}
# The outbox's drain, every minute (an interval, not one of supervision's crontab schedules).
DRAIN_SCHEDULE = importlib.import_module("tongren_fupin.migrations.0002_drain_outbox_schedule")
# Crontabs are shared by schedules and left behind when one is removed, so their count depends on
# the database's history; the schedules themselves are checked by name.
CRONTABS = "django_celery_beat_crontabschedule"

# Where each model read back after the migration lives: its new app first, then the old one.
EXIT_APPLICATION = [("exits", "ExitApplication"), ("households", "ExitApplication")]
EXIT_STEP = [("exits", "ExitStep"), ("households", "ExitStep")]
OBJECTION = [("exits", "Objection"), ("households", "Objection")]
MONITORING_CASE = [("monitoring", "MonitoringCase"), ("households", "MonitoringCase")]
MONITORING_STEP = [("monitoring", "MonitoringStep"), ("households", "MonitoringStep")]
MONITORING_OBJECTION = [
    ("monitoring", "MonitoringObjection"),
    ("households", "MonitoringObjection"),
]

# Rows this test inserts into the tables the move touches (table names are kept by the move).
EXPECTED_INSERTED = {
    "households_exitapplication": 2,
    "households_exitstep": 3,
    "households_objection": 1,
    "households_monitoringcase": 2,
    "households_monitoringstep": 2,
    "households_monitoringobjection": 1,
    "households_household": 3,
    "households_member": 5,
    "inspections_visit": 2,
    "inspections_lookbacktask": 1,
}


def is_installed(app_label: str) -> bool:
    try:
        config = current_apps.get_app_config(app_label)
    except LookupError:
        return False
    return current_apps.is_installed(config.name)


def previous_schema_targets(loader: MigrationLoader) -> list[Target]:
    """PREVIOUS_SCHEMA without the apps that are not installed or have no migrations."""
    apps_in_graph = {app_label for app_label, _ in loader.graph.nodes}
    targets = []
    for app_label, name in PREVIOUS_SCHEMA:
        if not is_installed(app_label) or app_label not in apps_in_graph:
            continue
        assert name is None or (app_label, name) in loader.graph.nodes, (
            f"PREVIOUS_SCHEMA names {app_label}.{name}, which is not a migration"
        )
        targets.append((app_label, name))
    return targets


def assert_at(loader: MigrationLoader, targets: list[Target]) -> None:
    """The applied migrations of each target app end exactly at its target."""
    applied = set(loader.applied_migrations or {})
    for app_label, name in targets:
        in_app = {node for node in applied if node[0] == app_label}
        if name is None:
            assert not in_app, f"{app_label} still has migrations applied: {sorted(in_app)}"
        else:
            expected = {
                node
                for node in loader.graph.forwards_plan((app_label, name))
                if node[0] == app_label
            }
            assert in_app == expected, f"{app_label} is not at {name}: {sorted(in_app)}"


def historical_apps(loader: MigrationLoader) -> Apps:
    """The models as the applied migrations (and only those) define them."""
    applied = sorted(loader.applied_migrations or {})
    return loader.project_state(applied).apps


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def current_model(candidates: list[tuple[str, str]]) -> type[Model]:
    """The first of (app_label, model name) that is a model now: the moved models' new home
    (exits.ExitApplication, monitoring.MonitoringCase, ...) once they have moved, else the old."""
    for app_label, model_name in candidates:
        try:
            return current_apps.get_model(app_label, model_name)
        except LookupError:
            continue
    raise LookupError(f"none of {candidates} is a model")


class Filler:
    """Creates rows through the historical models and counts them per table."""

    def __init__(self, apps: Apps) -> None:
        self.apps = apps
        self.inserted: Counter[str] = Counter()

    def create(self, model_label: str, **fields: Any) -> Any:
        model = self.apps.get_model(model_label)
        row = model.objects.create(**fields)
        self.inserted[model._meta.db_table] += 1
        return row

    def get_or_create(self, model_label: str, **fields: Any) -> Any:
        model = self.apps.get_model(model_label)
        row, created = model.objects.get_or_create(**fields)
        if created:
            self.inserted[model._meta.db_table] += 1
        return row


def restore_previous_schedules(apps: Apps) -> None:
    """The beat schedules a database at the previous schema holds (supervision 0002 installed
    them): a transactional test run earlier may have emptied the tables, which migrating back does
    not refill."""
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for schedule in schedules.SCHEDULES:
        if schedule.name in LATER_SCHEDULES or task_model.objects.filter(name=schedule.name):
            continue
        crontab, _ = crontab_model.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_month=schedule.day_of_month,
            month_of_year=schedule.month_of_year,
            day_of_week="*",
            timezone=schedules.TIME_ZONE,
        )
        task_model.objects.create(name=schedule.name, task=schedule.task, crontab=crontab)
    DRAIN_SCHEDULE.create(apps, None)  # tongren_fupin 0002's every-minute drain of the outbox


def fill_previous_schema(apps: Apps) -> tuple[Counter[str], dict[str, Any]]:
    """Every kind of row of the previous schema that the move touches, and its neighbours."""
    f = Filler(apps)
    today = datetime.date(2025, 6, 1)

    city = f.create("regions.Region", code="990100000000", name="迁移市", level="city")
    county = f.create(
        "regions.Region",
        code="990101000000",
        name="迁移县",
        level="county",
        parent=city,
        is_poor_county=True,
    )
    township = f.create(
        "regions.Region", code="990101100000", name="迁移镇", level="township", parent=county
    )
    village = f.create(
        "regions.Region",
        code="990101100200",
        name="迁移村",
        level="village",
        parent=township,
        is_poor_village=True,
    )

    cadre = f.create("auth.User", username="migration_cadre", password="!")
    reviewer = f.create("auth.User", username="migration_reviewer", password="!")
    f.create("regions.Assignment", user=cadre, role="village_cadre", region=village)
    f.create("regions.Assignment", user=reviewer, role="township_reviewer", region=township)

    # A permission granted on a moved model must still be granted after the move.
    content_type = f.get_or_create(
        "contenttypes.ContentType", app_label="households", model="exitapplication"
    )
    permission = f.get_or_create(
        "auth.Permission",
        content_type=content_type,
        codename="view_exitapplication",
        defaults={"name": "Can view exit application"},
    )
    cadre.user_permissions.add(permission)
    f.inserted["auth_user_user_permissions"] += 1

    # Three households of five members: (household number, [(ID number, relation)]).
    register = [
        ("MIG-0001", [("522227196503120017", "01"), ("522227196808150028", "02")]),
        ("MIG-0002", [("522227197011050013", "01"), ("522227200009010026", "04")]),
        ("MIG-0003", [("522227195801200035", "01")]),
    ]
    households = []
    for household_no, members in register:
        household = f.create(
            "households.Household",
            household_no=household_no,
            identification_year=2014,
            main_cause="illness",
            region=village,
            responsible_cadre=cadre,
        )
        for id_number, relation in members:
            adult = relation in {"01", "02"}
            f.create(
                "households.Member",
                household=household,
                name=f"{household_no}-{relation}",
                id_number=id_number,
                sex="male" if int(id_number[16]) % 2 else "female",
                birth_date=datetime.datetime.strptime(id_number[6:14], "%Y%m%d").date(),
                relation=relation,
                # exactly one of education and schooling is filled in
                education="primary" if adult else "",
                schooling="" if adult else "college",
            )
        f.create(
            "households.AnnualIncome",
            household=household,
            year=2019,
            wage=Decimal("9000.00"),
            member_count=len(members),
            net_income=Decimal("9000.00"),
            per_capita_net_income=Decimal("9000.00") / len(members),
        )
        f.create(
            "households.AssistanceMeasure",
            household=household,
            kind="industry",
            year=2019,
            description="茶叶种植",
            amount=Decimal("3000.00"),
        )
        households.append(household)
    exited, proposed, monitored = households

    visit = f.create(
        "inspections.Visit",
        household=proposed,
        visitor=cadre,
        date=today,
        kind="verification",
        note="入户核实",
    )
    f.create("inspections.Visit", household=monitored, visitor=cadre, date=today, kind="look_back")
    f.create(
        "inspections.Problem",
        household=proposed,
        visit=visit,
        source="visit",
        category="fill_gaps",
        description="医保未参保",
        deadline=today + datetime.timedelta(days=30),
        responsible=cadre,
    )
    f.create(
        "inspections.LookBackTask",
        household=monitored,
        period="2025-06",
        reason="sample",
        due=today + datetime.timedelta(days=14),
    )

    approved = f.create(
        "households.ExitApplication",
        household=exited,
        year=2019,
        state="approved",
        proposed_on=datetime.date(2019, 10, 8),
        attendees=31,
        appraisal_result="同意退出",
        snapshot=[{"rule": "income", "met": True}],
        publicity_start=datetime.date(2019, 10, 20),
        created_by=cadre,
    )
    for state, on in [
        ("proposed", datetime.date(2019, 10, 8)),
        ("approved", datetime.date(2019, 12, 1)),
    ]:
        f.create("households.ExitStep", application=approved, state=state, on=on, actor=cadre)
    f.create(
        "households.Objection",
        application=approved,
        received_on=datetime.date(2019, 10, 22),
        content="收入核算有误",
        upheld=False,
        resolution="复核无误",
        decided_by=reviewer,
    )
    open_application = f.create(
        "households.ExitApplication",
        household=proposed,
        year=2025,
        proposed_on=today,
        appraisal_result="拟退出",
        created_by=cadre,
        verification_visit=visit,
    )
    f.create(
        "households.ExitStep", application=open_application, state="proposed", on=today, actor=cadre
    )

    case = f.create(
        "households.MonitoringCase",
        household=monitored,
        category="edge",
        opened=today,
        risks=["illness"],
        opened_by=cadre,
    )
    f.create("households.MonitoringStep", case=case, status="identifying", on=today, actor=cadre)
    f.create(
        "households.MonitoringObjection",
        case=case,
        received_on=today,
        content="不应纳入",
    )
    cleared = f.create(
        "households.MonitoringCase",
        household=exited,
        category="unstable_exited",
        status="risk_cleared",
        opened=datetime.date(2024, 3, 1),
        closed_on=datetime.date(2024, 12, 1),
        close_reason="收入稳定",
    )
    f.create("households.MonitoringStep", case=cleared, status="risk_cleared", on=cleared.closed_on)

    f.create(
        "imports.ImportJob",
        created_by=cadre,
        file="imports/2025/06/register.xlsx",
        original_name="register.xlsx",
        region=village,
        status="committed",
    )
    f.create(
        "audit.AuditEvent",
        category="data",
        action="household.created",
        actor=cadre,
        object_type="household",
        object_id=str(exited.pk),
        region_code=village.code,
    )
    f.create("tongren_fupin.OutboxMessage", task_name="tongren_fupin.ping")

    rows = {
        "approved": approved.pk,
        "open_application": open_application.pk,
        "case": case.pk,
        "cadre": cadre.pk,
        "content_type": content_type.pk,
    }
    return f.inserted, rows


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    """Leaves the database at the latest migrations, whatever the test did; the transactional
    test's teardown then empties it (TRUNCATE, which the audit trigger does not refuse)."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_from_the_previous_schema_keeps_every_row(executor):
    targets = previous_schema_targets(executor.loader)
    executor.migrate(targets)
    executor.loader.build_graph()
    assert_at(executor.loader, targets)
    restore_previous_schedules(historical_apps(executor.loader))

    baseline = table_counts()
    inserted, rows = fill_previous_schema(historical_apps(executor.loader))
    before = table_counts()
    assert {table: before[table] - baseline[table] for table in inserted} == dict(inserted)

    forward = MigrationExecutor(connection)
    forward.migrate(forward.loader.graph.leaf_nodes())
    latest = MigrationExecutor(connection)
    assert not latest.migration_plan(latest.loader.graph.leaf_nodes())

    after = table_counts()
    added = {table: before[table] + n for table, n in ADDED_ROWS.items()}
    assert after[CRONTABS] >= before.pop(CRONTABS)
    assert {t: n for t, n in after.items() if t != CRONTABS} == {**before, **NEW_TABLES, **added}
    assert set(
        current_apps.get_model("django_celery_beat", "PeriodicTask").objects.values_list(
            "name", flat=True
        )
    ) == {schedule.name for schedule in schedules.SCHEDULES} | {DRAIN_SCHEDULE.NAME}
    for table, count in EXPECTED_INSERTED.items():
        assert after[table] - baseline[table] == count, table
        assert inserted[table] == count, table

    exit_application = current_model(EXIT_APPLICATION)
    approved = exit_application.objects.get(pk=rows["approved"])
    assert approved.appraisal_result == "同意退出"
    assert approved.household.household_no == "MIG-0001"
    assert approved.steps.count() == 2
    assert approved.objections.get().resolution == "复核无误"
    open_application = exit_application.objects.get(pk=rows["open_application"])
    assert open_application.verification_visit.note == "入户核实"
    assert current_model(EXIT_STEP).objects.filter(application=open_application).count() == 1
    assert current_model(OBJECTION).objects.get().content == "收入核算有误"

    case = current_model(MONITORING_CASE).objects.get(pk=rows["case"])
    assert case.risks == ["illness"]
    assert case.household.household_no == "MIG-0003"
    assert current_model(MONITORING_STEP).objects.filter(case=case).get().status == "identifying"
    assert current_model(MONITORING_OBJECTION).objects.get(case=case).content == "不应纳入"

    # The content type of a moved model is the one it had (moved, not recreated), so the
    # permission granted on it is still granted.
    content_type = current_apps.get_model("contenttypes", "ContentType").objects.get(
        app_label=exit_application._meta.app_label, model="exitapplication"
    )
    assert content_type.pk == rows["content_type"]
    user = current_apps.get_model("auth", "User").objects.get(pk=rows["cadre"])
    assert user.user_permissions.filter(
        content_type=content_type, codename="view_exitapplication"
    ).exists()
