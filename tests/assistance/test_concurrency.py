"""Two disbursements at the same moment cannot together pass the allocation."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from assistance import services
from assistance.models import FundFlow
from tests.assistance.conftest import add_flow, make_project
from tests.regions.factories import assigned_user
from tongren_fupin.errors import DomainError


@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_are_serialised(tongren_regions):
    supervisor = assigned_user("county_supervisor", "county_supervisor", "520627000000")
    project = make_project()
    add_flow(project, "allocated", "1000000.00")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def disburse() -> None:
        try:
            barrier.wait()
            services.fund_flow_record(
                actor=supervisor,
                project=project,
                kind="disbursed",
                amount=Decimal("600000.00"),
                date=datetime.date(2020, 6, 1),
            )
            outcomes.append("recorded")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=disburse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["over_disbursement", "recorded"]
    assert FundFlow.objects.filter(kind="disbursed").count() == 1
