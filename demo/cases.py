"""Demo casework in the demo village: visits, problems, exit applications in every state.

Nine households of 太岭村 (the demo cadre's village) that exited in 2020 relapsed and go
through the exit procedure again for 2020, each stopped at a different step. Each meets the exit
standard when proposed (the gate of the procedure); one in three later shows a mismatch of its
five sources on a visit, which opens a problem and holds its next step until it is closed.
Everything is written through the services, by the demo logins, so the history is real.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from exits import services as exit_services
from exits.assessment import assess_exit, is_eligible, national_line
from exits.models import ExitState
from households import services
from households.models import Household
from inspections import services as inspections
from inspections.models import LookBackTask, Problem
from monitoring import checks
from monitoring import services as monitoring
from publicity import services as publicity
from supervision.look_back import create_look_back_tasks

VILLAGE = "520627100200"
YEAR = 2020
PROPOSED = datetime.date(2020, 9, 10)
LOOKS = dict.fromkeys(("furnishings", "clothing", "cupboard", "bedding", "pot"), True)
STOP_AT = [
    ExitState.PROPOSED,
    ExitState.VERIFIED,
    ExitState.HOUSEHOLD_AGREED,
    ExitState.PUBLICIZED,
    "objection",
    ExitState.TOWNSHIP_REVIEWED,
    ExitState.APPROVED,
    ExitState.REJECTED,
    ExitState.RETURNED,
]


@transaction.atomic
def generate_demo_cases() -> dict[str, int]:
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    cadre = users["demo_cadre"]
    # Households that exited in 2020 (exiting again in 2020 keeps their history intact) and,
    # with a visit before the proposal, meet the exit standard.
    households: list[Household] = []
    candidates = Household.objects.filter(region_id=VILLAGE, status="exited", exit_year=YEAR)
    for household in candidates.order_by("household_no"):
        if len(households) == len(STOP_AT):
            break
        if _income_passes(household):
            _visit(cadre, household, PROPOSED - datetime.timedelta(days=20))
            if is_eligible(assess_exit(household, YEAR, on=PROPOSED)):
                households.append(household)
    for index, (household, stop) in enumerate(zip(households, STOP_AT, strict=False)):
        household = services.household_change_status(
            actor=users["demo_county"],
            household=household,
            expected_version=household.version,
            status="relapsed",
            year=YEAR,
            reason="因病返贫（演示）",
        )
        _walk(users, household, stop)
        if index % 3 == 0:  # the gate at work: a mismatch after the proposal holds the next step
            _visit(cadre, household, PROPOSED + datetime.timedelta(days=40), mismatch=True)
    _problems_in_every_state(users, households)
    _problems_dated_in_2020()
    cases = _monitoring_and_look_back(users, exclude=[h.pk for h in households])
    return {"households": len(households), "problems": Problem.objects.count(), **cases}


def _income_passes(household: Household) -> bool:
    line = national_line(YEAR)
    income = household.incomes.filter(year=YEAR).values_list("per_capita_net_income", flat=True)
    return line is not None and bool(income) and income[0] > line


def _visit(actor: Any, household: Household, on: datetime.date, mismatch: bool = False) -> None:
    size = str(household.members.count())
    spoken = str(int(size) + 1) if mismatch else size
    inspections.visit_record(
        actor=actor,
        household=household,
        data={"date": on, "kind": "routine"},
        five_looks=LOOKS,
        consistency={
            "family_size": {"wall": size, "bag": size, "spoken": spoken, "observed": size}
        },
        survey={
            "policy": "satisfied",
            "environment": "satisfied",
            "ethos": "basically",
            "cadre_relations": "satisfied",
        },
        motivation=dict.fromkeys(
            ("self_reliance", "initiative", "independence", "ownership", "diligence", "leverage"),
            True,
        ),
    )


def _walk(users: dict[str, Any], household: Household, stop: str) -> None:
    cadre, team = users["demo_cadre"], users["demo_team"]
    day = PROPOSED
    application = exit_services.exit_propose(
        actor=cadre,
        household=household,
        year=YEAR,
        proposed_on=day,
        attendees=15,
        agreeing=14,
        appraisal_result="村民代表会议评议同意退出",
    )
    if stop == ExitState.RETURNED:
        exit_services.exit_send_back(
            actor=users["demo_township"],
            application=application,
            reason="家庭成员务工信息待核实，核实后重新评议",
            on=day + datetime.timedelta(days=4),
        )
        return
    if stop == ExitState.REJECTED:
        exit_services.exit_reject(
            actor=users["demo_township"],
            application=application,
            reason="收入来源不稳定，暂缓退出",
            on=day + datetime.timedelta(days=3),
        )
        return

    def verify(day: datetime.date) -> None:
        _visit(team, household, day - datetime.timedelta(days=1))
        exit_services.exit_verify(actor=team, application=application, on=day)

    steps = [
        (ExitState.VERIFIED, verify),
        (
            ExitState.HOUSEHOLD_AGREED,
            lambda d: exit_services.exit_household_agree(
                actor=cadre, application=application, on=d
            ),
        ),
        (
            ExitState.PUBLICIZED,
            lambda d: exit_services.exit_publicize(actor=cadre, application=application, start=d),
        ),
        (
            "objection",
            lambda d: publicity.objection_record(
                actor=cadre,
                owner=application,
                received_on=d,
                content="邻居反映该户子女务工收入不稳定",
                rules=exit_services.EXIT_PUBLICITY,
            ),
        ),
        (
            ExitState.TOWNSHIP_REVIEWED,
            lambda d: exit_services.exit_township_review(
                actor=users["demo_township"],
                application=application,
                on=d + datetime.timedelta(days=8),
            ),
        ),
        (
            ExitState.APPROVED,
            lambda d: exit_services.exit_approve(
                actor=users["demo_county"],
                application=application,
                on=d + datetime.timedelta(days=12),
            ),
        ),
    ]
    for state, move in steps:
        if stop == ExitState.PROPOSED:
            return
        day += datetime.timedelta(days=3)
        if state == "objection" and stop != "objection":
            continue
        move(day)
        if state == stop or (stop == "objection" and state == "objection"):
            return


def _problems_in_every_state(users: dict[str, Any], households: list[Household]) -> None:
    cadre, township = users["demo_cadre"], users["demo_township"]
    deadlines = [
        datetime.date(2020, 10, 15),
        datetime.date(2020, 12, 31),
        datetime.date(2020, 11, 30),
        datetime.date(2020, 11, 20),
    ]
    texts = ["危房改造未验收", "子女教育资助未落实", "家庭医生签约未更新", "公益岗位工资未发放"]
    for household, deadline, text, target in zip(
        households[1:5],
        deadlines,
        texts,
        ["open", "rectifying", "rectified", "verified"],
        strict=False,
    ):
        problem = inspections.problem_open(
            actor=cadre,
            household=household,
            data={
                "source": "visit",
                "category": "diligence",
                "description": text,
                "deadline": deadline,
                "responsible": cadre,
            },
        )
        if target in {"rectifying", "rectified", "verified"}:
            inspections.problem_start(actor=cadre, problem=problem)
        if target in {"rectified", "verified"}:
            inspections.problem_rectify(actor=cadre, problem=problem, evidence="已整改到位")
        if target == "verified":
            inspections.problem_verify(actor=township, problem=problem)


def _problems_dated_in_2020() -> None:
    """The casework is of the demo's year, but the services stamp today: a problem is dated
    from its visit (the others six weeks before their deadline), and rectified and closed a
    few days before its deadline, so that the bulletin and the analysis of 2020 count the
    problems open at their end as the dashboard counts them today."""
    tz = timezone.get_current_timezone()
    for problem in Problem.objects.select_related("visit").filter(created__year__gt=YEAR):
        found = problem.visit.date if problem.visit else problem.deadline - datetime.timedelta(45)
        done = datetime.datetime.combine(
            max(found, problem.deadline - datetime.timedelta(days=5)), datetime.time(16), tz
        )
        problem.created = datetime.datetime.combine(found, datetime.time(10), tz)
        problem.rectified_at = problem.rectified_at and done
        problem.verified_at = problem.verified_at and done + datetime.timedelta(days=2)
        Problem.objects.filter(pk=problem.pk).update(
            created=problem.created,
            rectified_at=problem.rectified_at,
            verified_at=problem.verified_at,
        )


def _monitoring_and_look_back(users: dict[str, Any], exclude: list[int]) -> dict[str, int]:
    """Monitoring cases of 太岭村 in every status, and this month's look-back tasks there."""
    cadre, township, county = users["demo_cadre"], users["demo_township"], users["demo_county"]
    today = timezone.localdate()
    village = Household.objects.filter(region_id=VILLAGE, status="exited").exclude(pk__in=exclude)
    # Found by the monitoring check: 2020 income under the monitoring line of 6000 yuan.
    low = list(
        village.filter(incomes__year=YEAR, incomes__per_capita_net_income__lt=6000).order_by(
            "household_no"
        )[:3]
    )
    found = [case for h in low for case in checks.check_household(h.pk)]
    others = village.exclude(pk__in=[h.pk for h in low]).order_by("-household_no")[:4]
    if found:
        monitoring.monitoring_case_advance(
            actor=township, case=found[0], on=today, measures="安排公益性岗位一个，落实产业奖补"
        )
    reported = list(
        zip(
            others,
            ["sudden_hardship", "unstable_exited", "unstable_exited", "unstable_exited"],
            [40, 30, 25, 20],
            [
                "户主突发车祸，医疗支出大",
                "家中主要劳动力返乡，务工收入中断",
                "房屋受山洪损毁",
                "种植的蔬菜滞销，经营收入下降",
            ],
            strict=False,
        )
    )
    cases = [
        monitoring.monitoring_case_open(
            actor=cadre,
            household=household,
            category=category,
            opened=today - datetime.timedelta(days=days_ago),
            evidence=evidence,
        )
        for household, category, days_ago, evidence in reported
    ]
    for case, (_h, _c, days_ago, _e) in zip(cases[:2], reported, strict=False):
        start = today - datetime.timedelta(days=days_ago)
        monitoring.monitoring_case_advance(
            actor=township,
            case=case,
            on=start + datetime.timedelta(days=5),
            measures="落实医疗救助和临时救助，安排就业帮扶",
        )
        monitoring.monitoring_case_publicize(
            actor=cadre, case=case, start=start + datetime.timedelta(days=12)
        )
    if cases:  # publicized 28 days ago for 7 days: the county clears the risk
        monitoring.monitoring_case_clear(actor=county, case=cases[0], on=today)
    if len(cases) > 2:
        monitoring.monitoring_case_dismiss(
            actor=township, case=cases[2], on=today, reason="核实后房屋已由保险理赔修复，无返贫风险"
        )
    # cases[3] stays in identification past its 15 days: listed as overdue.
    created = create_look_back_tasks(period=today.strftime("%Y-%m"), region=VILLAGE)
    task = LookBackTask.objects.filter(household__region_id=VILLAGE, status="open").first()
    if task is not None:
        _visit(cadre, task.household, today)
    return {"monitoring_cases": len(found) + len(cases), "look_back_tasks": created}
