import datetime
import re
from urllib.parse import unquote

import pytest

from exits import services as exit_services
from exits.models import ExitApplication
from inspections.models import Problem, Visit
from tests.exits.helpers import compute_suspects, ready_for_exit
from tests.households.factories import household_with_head
from tests.inspections.helpers import ALL_ADEQUATE, record_visit
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


def test_visit_page_permission_matrix(cadre_yanhe, cadre_bijiang, api_client_user):
    household = household_with_head()

    response = check_permission_matrix(
        f"/households/{household.pk}/visit/",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
    )

    html = response.content.decode()
    assert "五个看" in html and "五个一致" in html and 'name="client_token"' in html


def test_posting_the_visit_page_twice_records_one_visit(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)
    token = "3f1c3d4e-0000-4000-8000-000000000001"
    form = {
        "date": "2020-06-01",
        "kind": "routine",
        "client_token": token,
        **{
            f"looks-{look}": "yes"
            for look in ("furnishings", "clothing", "cupboard", "bedding", "pot")
        },
        "check-family_size__wall": "1",
        "check-family_size__spoken": "1",
    }

    first = client.post(f"/households/{household.pk}/visit/", form)
    second = client.post(f"/households/{household.pk}/visit/", form)

    assert first.status_code == second.status_code == 302
    assert Visit.objects.count() == 1
    assert Visit.objects.get().five_looks.bedding is True


def test_a_half_filled_section_is_refused_with_a_reason(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/visit/",
        {
            "date": "2020-06-01",
            "kind": "routine",
            "client_token": "3f1c3d4e-0000-4000-8000-000000000002",
            "looks-pot": "no",
        },
    )

    assert response.status_code == 200
    assert "本部分请全部填写，或全部留空。" in response.content.decode()
    assert Visit.objects.exists() is False


def test_problem_and_misclassification_pages(cadre_yanhe, county_supervisor):
    household = household_with_head()
    record_visit(
        cadre_yanhe,
        household,
        datetime.date(2020, 6, 1),
        consistency={"family_size": {"wall": "1", "spoken": "3"}},
    )

    html = check_permission_matrix("/problems/", api=False, own=county_supervisor).content.decode()
    assert Problem.objects.get().description in html
    check_permission_matrix("/misclassification/?year=2019", api=False, own=county_supervisor)


def test_exit_pages_permission_matrix(cadre_yanhe, township_reviewer, county_supervisor_bijiang):
    household = ready_for_exit(cadre_yanhe)
    application = exit_services.exit_propose(
        actor=cadre_yanhe,
        household=household,
        year=2020,
        proposed_on=datetime.date(2020, 10, 1),
        attendees=9,
        agreeing=8,
        appraisal_result="同意",
    )

    check_permission_matrix(
        f"/exits/{application.pk}/",
        api=False,
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
    )
    queue = check_permission_matrix("/exits/?state=proposed", api=False, own=township_reviewer)
    assert f"/exits/{application.pk}/" in queue.content.decode()
    check_permission_matrix(
        f"/households/{household.pk}/exit/propose/",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=county_supervisor_bijiang,
    )


def test_the_review_screen_highlights_changed_criteria(client, cadre_yanhe, township_reviewer):
    household = ready_for_exit(cadre_yanhe)
    application = exit_services.exit_propose(
        actor=cadre_yanhe,
        household=household,
        year=2020,
        proposed_on=datetime.date(2020, 10, 1),
        attendees=9,
        agreeing=8,
        appraisal_result="同意",
    )
    size = str(household.members.count())
    record_visit(
        cadre_yanhe,
        household,
        datetime.date(2020, 10, 5),
        looks={**ALL_ADEQUATE, "pot": False, "bedding": False},
        consistency={"family_size": {"wall": size, "spoken": "5"}},
    )
    client.force_login(township_reviewer)

    html = client.get(f"/exits/{application.pk}/").content.decode()

    # food, clothing, the five sources and the problem their mismatch opened
    assert html.count('class="changed"') == 4
    assert ExitApplication.objects.get().snapshot[1]["passed"] is True


def test_the_misclassification_page_is_paginated_and_keeps_the_year(
    client, county_supervisor, monkeypatch
):
    from exits import views

    monkeypatch.setattr(views, "SUSPECTS_PER_PAGE", 2)
    # No visit in the last 12 months: each is to verify (缺少佐证), listed by household number.
    exited = [household_with_head(status="exited", exit_year=2019) for _ in range(3)]
    compute_suspects(2019)
    client.force_login(county_supervisor)

    first = client.get("/misclassification/?year=2019").content.decode()
    after = re.search(r'\?year=2019&amp;after=([^"]+)"', first).group(1)
    second = client.get(f"/misclassification/?year=2019&after={unquote(after)}").content.decode()

    def listed(html: str) -> list[str]:
        return re.findall(r'<a href="/households/\d+/">(\w+)</a>', html)

    assert "共 3 户疑似对象" in first
    assert listed(first) == [exited[0].household_no, exited[1].household_no]
    assert after == f"1.{exited[1].region_id}.{exited[1].household_no}"  # 缺少佐证 rank 1
    assert listed(second) == [exited[2].household_no]
    assert "下一页" in first and "下一页" not in second  # the last page


def test_the_misclassification_page_opens_on_the_latest_year_with_a_poverty_line(
    client, county_supervisor
):
    from decimal import Decimal

    from households.choices import LineKind
    from households.models import PovertyLine

    last_year = datetime.date.today().year - 1
    PovertyLine.objects.filter(kind=LineKind.NATIONAL, year__gt=2019).delete()
    PovertyLine.objects.update_or_create(
        year=2019, kind=LineKind.NATIONAL, defaults={"amount": Decimal("3747")}
    )
    client.force_login(county_supervisor)

    without_line = client.get("/misclassification/").content.decode()
    PovertyLine.objects.create(year=last_year, kind=LineKind.NATIONAL, amount=Decimal("4500"))
    with_line = client.get("/misclassification/").content.decode()

    assert 'name="year" value="2019"' in without_line
    assert f'name="year" value="{last_year}"' in with_line
