"""Photo and location evidence, problems reported by hand, 五个一致 in taps."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from audit.models import AuditEvent
from households.models import AssistanceMeasure
from inspections import services
from inspections.models import ConsistencyItem, Photo, Problem, Visit
from tests.households.factories import household_with_head
from tests.permissions import check_permission_matrix
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db

BIJIANG_VILLAGE = "520602100200"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(name: str = "IMG_0001.jpg", size: tuple[int, int] = (2400, 1800)) -> Any:
    """A camera JPEG with the house's GPS position, a capture time, a maker and a comment."""
    image = Image.new("RGB", size, (180, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Owner Name"  # Artist
    exif.get_ifd(EXIF_IFD)[36867] = "2026:11:30 09:15:00"  # DateTimeOriginal
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (28.0, 33.0, 36.0)
    gps[3], gps[4] = "E", (108.0, 29.0, 24.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored_files(root: Any) -> list[Any]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.sqlite
def test_a_photo_comes_back_without_any_metadata_and_keeps_its_capture_time(
    client, cadre_yanhe, _media
):
    household = household_with_head()
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(GPS_IFD)  # the input has GPS
    upload.seek(0)

    visit = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": datetime.date(2026, 12, 1), "kind": "routine"},
        photos=[upload],
    )
    photo = Photo.objects.get(visit=visit)
    client.force_login(cadre_yanhe)
    response = client.get(f"/photos/{photo.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    body = b"".join(response.streaming_content)
    served = Image.open(io.BytesIO(body))
    assert served.format == "JPEG"
    assert served.size == (1600, 1200)  # bounded to 1600 px, proportions kept
    assert dict(served.getexif()) == {}
    assert b"Exif" not in body and b"PhoneMaker" not in body and b"Owner Name" not in body
    assert b"taken at home" not in body
    assert {"exif", "icc_profile", "comment", "xmp"} & set(served.info) == set()
    assert (photo.width, photo.height, photo.subject) == (1600, 1200, "visit")
    assert photo.taken_at.isoformat() == "2026-11-30T01:15:00+00:00"  # 09:15 in Tongren
    assert visit.latitude is None  # a position is never read from the file
    thumb = client.get(f"/photos/{photo.pk}/thumb/")
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (320, 240)


def test_a_photo_of_another_county_answers_404_and_the_matrix_holds(
    cadre_yanhe, cadre_bijiang, api_client_user
):
    household = household_with_head(region_id=BIJIANG_VILLAGE)
    visit = services.visit_record(
        actor=cadre_bijiang,
        household=household,
        data={"date": datetime.date(2026, 12, 1)},
        photos=[jpeg_with_gps()],
    )
    photo = Photo.objects.get(visit=visit)

    for url in (f"/photos/{photo.pk}/", f"/photos/{photo.pk}/thumb/"):
        check_permission_matrix(
            url,
            api=False,
            own=cadre_bijiang,
            other_jurisdiction=cadre_yanhe,
            wrong_role=api_client_user,
        )


def test_a_photo_is_never_served_from_the_media_url(client, cadre_yanhe):
    household = household_with_head()
    visit = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": datetime.date(2026, 12, 1)},
        photos=[jpeg_with_gps()],
    )
    photo = Photo.objects.get(visit=visit)
    client.force_login(cadre_yanhe)

    assert client.get(f"/media/{photo.image.name}").status_code == 404


def visit_post(household: Any, token: str, **extra: Any) -> dict[str, Any]:
    return {
        "date": "2026-12-01",
        "kind": "routine",
        "client_token": token,
        **{f"looks-{look}": "yes" for look in ("furnishings", "clothing", "cupboard", "bedding")},
        "looks-pot": "yes",
        **extra,
    }


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("upload", "status", "message"),
    [
        (
            SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (20 * 1024 * 1024), "image/jpeg"),
            413,
            "照片“big.jpg”太大（20.0 MB）：每张照片最多 12 MB。请用较低的分辨率重拍。",
        ),
        (
            SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg"),
            200,
            "“notes.jpg”不是照片：请用相机拍照，或选择 JPEG、PNG 或 WebP 图片。",
        ),
    ],
    ids=["20-mb-file", "not-an-image"],
)
def test_a_refused_photo_refuses_the_visit_with_a_chinese_message_and_saves_nothing(
    client, cadre_yanhe, _media, upload, status, message
):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household,
            "3f1c3d4e-0000-4000-8000-0000000000a1",
            photos=[jpeg_with_gps("good.jpg"), upload],
        ),
    )

    assert response.status_code == status
    assert message in response.content.decode()
    assert Visit.objects.exists() is False
    assert Photo.objects.exists() is False
    assert stored_files(_media) == []
    assert AuditEvent.objects.filter(action="visit.recorded").exists() is False


def test_a_file_that_is_not_an_image_is_refused_by_the_service_with_its_code(cadre_yanhe):
    household = household_with_head()
    text = SimpleUploadedFile("list.png", b"name,phone\n", "image/png")

    with pytest.raises(DomainError) as refused:
        services.problem_open(
            actor=cadre_yanhe,
            household=household,
            data={
                "source": "by_hand",
                "category": "fill_gaps",
                "description": "门前路灯坏了",
                "deadline": datetime.date(2026, 12, 31),
            },
            photos=[text],
        )

    assert (refused.value.code, refused.value.status) == ("not_an_image", 400)
    assert Problem.objects.exists() is False


def test_the_visit_page_keeps_photos_of_the_looks_and_the_position_only_when_allowed(
    client, cadre_yanhe
):
    household = household_with_head()
    client.force_login(cadre_yanhe)
    position = {
        "latitude": "28.560000",
        "longitude": "108.490000",
        "position_accuracy": "12",
        "position_taken_at": "2026-12-01T02:00:00.000Z",
    }

    client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household,
            "3f1c3d4e-0000-4000-8000-0000000000b1",
            **position,
            **{"looks-pot_photos": [jpeg_with_gps("pot.jpg")]},
        ),
    )
    response = client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household, "3f1c3d4e-0000-4000-8000-0000000000b2", share_position="on", **position
        ),
    )

    without, allowed = Visit.objects.order_by("id")
    assert (without.latitude, without.longitude, without.position_accuracy) == (None, None, None)
    assert (allowed.latitude, allowed.longitude, allowed.position_accuracy) == (
        Decimal("28.560000"),
        Decimal("108.490000"),
        12,
    )
    assert allowed.position_taken_at == datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)
    look_photo = Photo.objects.get()
    assert (look_photo.visit_id, look_photo.subject, look_photo.look) == (without.pk, "look", "pot")
    assert response["Location"] == f"/visits/{allowed.pk}/"


@pytest.mark.sqlite
def test_five_sources_in_taps_store_the_register_value_and_one_differing_source(
    client, cadre_yanhe
):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household,
            "3f1c3d4e-0000-4000-8000-0000000000c1",
            **{
                "check-family_size__all": "on",
                "check-poverty_attribute__wall__state": "same",
                "check-poverty_attribute__bag__state": "same",
                "check-poverty_attribute__spoken__state": "same",
                "check-poverty_attribute__observed__state": "differs",
                "check-poverty_attribute__observed": "低保贫困户",
            },
        ),
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    size = ConsistencyItem.objects.get(consistency__visit=visit, field="family_size")
    attribute = ConsistencyItem.objects.get(consistency__visit=visit, field="poverty_attribute")
    assert (size.wall, size.bag, size.spoken, size.observed, size.mismatch) == (
        "1",
        "1",
        "1",
        "1",
        False,
    )
    system = str(household.get_poverty_attribute_display())
    assert system != "低保贫困户"
    assert (attribute.wall, attribute.observed, attribute.mismatch) == (system, "低保贫困户", True)
    problem = Problem.objects.get(visit=visit)
    assert problem.source == "check"
    # The mismatch opened its problem through the one service, with its audit event.
    opened = AuditEvent.objects.filter(action="problem.opened", object_id=str(problem.pk))
    assert opened.count() == 1


def test_a_differing_source_asks_for_its_value(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household,
            "3f1c3d4e-0000-4000-8000-0000000000c2",
            **{"check-per_capita_income__bag__state": "differs"},
        ),
    )

    assert response.status_code == 200
    assert "请填写这个来源所说的值，或点“一致”。" in response.content.decode()
    assert Visit.objects.exists() is False


def _two_measures(household: Any) -> None:
    AssistanceMeasure.objects.create(
        household=household, kind="industry", year=2018, description="种猪"
    )
    AssistanceMeasure.objects.create(
        household=household, kind="education", year=2019, description="教育"
    )


def test_the_measures_item_says_it_counts_measures_and_names_them(client, cadre_yanhe):
    household = household_with_head()
    _two_measures(household)
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{household.pk}/visit/").content.decode()

    row = html.split("<legend>帮扶措施</legend>", 1)[1].split("data-check-row", 1)[0]
    assert "系统录的：<strong>2 项</strong>" in row
    assert "（教育（2019）；产业：种猪（2018））" in row  # newest first
    assert "帮扶措施按项数核对" in row
    assert "墙上挂的：实际值（项）" in row
    assert "系统录的：<strong>1 人</strong>" in html  # 家庭人口: the head alone


@pytest.mark.sqlite
def test_the_measures_are_still_compared_as_a_count_and_the_visit_shows_it_with_its_unit(
    client, cadre_yanhe
):
    household = household_with_head()
    _two_measures(household)
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/visit/",
        visit_post(
            household,
            "3f1c3d4e-0000-4000-8000-0000000000c3",
            **{
                "check-measures__wall__state": "same",
                "check-measures__spoken__state": "differs",
                "check-measures__spoken": "3",
            },
        ),
    )

    assert response.status_code == 302
    item = ConsistencyItem.objects.get(field="measures")
    assert (item.system, item.wall, item.spoken, item.mismatch) == ("2", "2", "3", True)
    page = client.get(response["Location"]).content.decode()
    assert "<td>帮扶措施</td><td>2 项</td>" in page


def test_the_visit_page_shows_the_progress_line_and_camera_inputs(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{household.pk}/visit/").content.decode()

    assert "五个看 <strong>0/5</strong>" in html
    assert "五个一致 <strong>0/7</strong>" in html
    assert html.count('accept="image/*" capture="environment"') == 6  # the visit, five looks
    assert 'name="check-main_cause__observed"' in html and "<select" in html


def report_data(responsible: Any, **extra: Any) -> dict[str, Any]:
    return {
        "category": "fill_gaps",
        "description": "危房改造资料不全",
        "deadline": "2026-12-31",
        "responsible": responsible.pk,
        **extra,
    }


def test_problem_report_page_permission_matrix(
    cadre_yanhe, cadre_bijiang, city_supervisor, work_team_yanhe
):
    household = household_with_head()

    response = check_permission_matrix(
        f"/households/{household.pk}/problems/new/",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=city_supervisor,
        method="post",
        data=report_data(work_team_yanhe),
        own_status=302,
        state=lambda: list(Problem.objects.values_list("id", flat=True)),
    )

    problem = Problem.objects.get()
    assert response["Location"] == f"/problems/{problem.pk}/"
    assert (problem.source, problem.responsible, problem.visit) == (
        "by_hand",
        work_team_yanhe,
        None,
    )


@pytest.mark.sqlite
def test_a_problem_reported_from_a_visit_with_photos_is_linked_from_the_visit(
    client, cadre_yanhe, work_team_yanhe
):
    household = household_with_head()
    visit = services.visit_record(
        actor=cadre_yanhe, household=household, data={"date": datetime.date(2026, 12, 1)}
    )
    client.force_login(cadre_yanhe)

    client.post(
        f"/households/{household.pk}/problems/new/?visit={visit.pk}",
        report_data(work_team_yanhe, photos=[jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")]),
    )
    page = client.get(f"/visits/{visit.pk}/").content.decode()

    problem = Problem.objects.get()
    assert (problem.visit, problem.source) == (visit, "visit")
    assert list(problem.photos.values_list("subject", flat=True)) == ["problem", "problem"]
    assert "登记了 1 个问题" in page
    assert f'href="/problems/{problem.pk}/"' in page


@pytest.mark.parametrize("whose", ["another-household", "another-county", "not-a-number"], ids=str)
def test_a_visit_not_of_this_household_on_the_problem_page_answers_404_and_saves_nothing(
    whose, client, cadre_yanhe, cadre_bijiang, work_team_yanhe
):
    household = household_with_head()
    neighbour = household_with_head()
    elsewhere = household_with_head(region_id=BIJIANG_VILLAGE)
    visits = {
        "another-household": services.visit_record(
            actor=cadre_yanhe, household=neighbour, data={"date": datetime.date(2026, 12, 1)}
        ).pk,
        "another-county": services.visit_record(
            actor=cadre_bijiang, household=elsewhere, data={"date": datetime.date(2026, 12, 1)}
        ).pk,
        "not-a-number": "1x",
    }
    url = f"/households/{household.pk}/problems/new/?visit={visits[whose]}"
    client.force_login(cadre_yanhe)

    shown = client.get(url)
    posted = client.post(url, report_data(work_team_yanhe))

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert Problem.objects.exists() is False


def test_the_responsible_person_must_work_in_the_households_area(
    client, cadre_yanhe, cadre_bijiang
):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    response = client.post(f"/households/{household.pk}/problems/new/", report_data(cadre_bijiang))

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Problem.objects.exists() is False


def test_the_responsible_list_shows_names_not_logins(client, cadre_yanhe, work_team_yanhe):
    work_team_yanhe.first_name, work_team_yanhe.last_name = "明", "王"
    work_team_yanhe.save()
    household = household_with_head()
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{household.pk}/problems/new/").content.decode()

    assert "王明（驻村工作队）" in html or "明 王（驻村工作队）" in html


def test_visit_and_problem_pages_permission_matrix(cadre_yanhe, cadre_bijiang, api_client_user):
    household = household_with_head()
    visit = services.visit_record(
        actor=cadre_yanhe, household=household, data={"date": datetime.date(2026, 12, 1)}
    )
    problem = services.problem_open(
        actor=cadre_yanhe,
        household=household,
        data={
            "source": "by_hand",
            "category": "fill_gaps",
            "description": "缺少住房照片",
            "deadline": datetime.date(2026, 12, 31),
        },
    )

    for url in (f"/visits/{visit.pk}/", f"/problems/{problem.pk}/"):
        check_permission_matrix(
            url,
            api=False,
            own=cadre_yanhe,
            other_jurisdiction=cadre_bijiang,
            wrong_role=api_client_user,
        )


def test_rectification_photos_go_with_the_evidence(client, cadre_yanhe, cadre_bijiang):
    household = household_with_head()
    problem = services.problem_open(
        actor=cadre_yanhe,
        household=household,
        data={
            "source": "by_hand",
            "category": "fill_gaps",
            "description": "厨房漏雨",
            "deadline": datetime.date(2026, 12, 31),
        },
    )
    url = f"/problems/{problem.pk}/rectify/"
    client.force_login(cadre_bijiang)
    assert client.post(url, {"evidence": "x", "back": "detail"}).status_code == 404
    client.force_login(cadre_yanhe)

    response = client.post(
        url, {"evidence": "屋顶已修好", "back": "detail", "photos": [jpeg_with_gps("roof.jpg")]}
    )

    problem.refresh_from_db()
    assert response["Location"] == f"/problems/{problem.pk}/"
    assert (problem.state, problem.evidence) == ("rectified", "屋顶已修好")
    assert list(problem.photos.values_list("subject", flat=True)) == ["rectification"]
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    photo = problem.photos.get()
    assert f'src="/photos/{photo.pk}/thumb/"' in page


def test_api_adds_photos_to_a_visit_and_serves_them_in_the_jurisdiction_only(
    api, cadre_yanhe, cadre_bijiang, api_client_user, city_supervisor
):
    household = household_with_head()
    visit = services.visit_record(
        actor=cadre_yanhe, household=household, data={"date": datetime.date(2026, 12, 1)}
    )
    url = f"/api/v1/visits/{visit.pk}/photos/"
    api.force_authenticate(cadre_bijiang)
    assert api.post(url, {"photos": [jpeg_with_gps()]}, format="multipart").status_code == 404
    api.force_authenticate(city_supervisor)
    assert api.post(url, {"photos": [jpeg_with_gps()]}, format="multipart").status_code == 403
    assert Photo.objects.exists() is False
    api.force_authenticate(cadre_yanhe)

    response = api.post(url, {"photos": [jpeg_with_gps()], "look": "pot"}, format="multipart")

    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json() == [
        {
            "id": photo.pk,
            "subject": "look",
            "look": "pot",
            "taken_at": "2026-11-30T09:15:00+08:00",
            "width": 1600,
            "height": 1200,
            "created": response.json()[0]["created"],
        }
    ]
    assert api.get(f"/api/v1/visits/{visit.pk}/").json()["photos"][0]["id"] == photo.pk
    served = check_permission_matrix(
        f"/api/v1/photos/{photo.pk}/",
        own=api_client_user,
        other_jurisdiction=cadre_bijiang,
    )
    body = b"".join(served.streaming_content)
    assert dict(Image.open(io.BytesIO(body)).getexif()) == {}


def test_api_refuses_a_20_mb_photo_with_413_and_adds_nothing(api, cadre_yanhe):
    household = household_with_head()
    visit = services.visit_record(
        actor=cadre_yanhe, household=household, data={"date": datetime.date(2026, 12, 1)}
    )
    api.force_authenticate(cadre_yanhe)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (20 * 1024 * 1024), "image/jpeg")

    response = api.post(
        f"/api/v1/visits/{visit.pk}/photos/",
        {"photos": [jpeg_with_gps(), big]},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert Photo.objects.exists() is False


def test_the_household_page_offers_to_report_a_problem(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{household.pk}/").content.decode()

    assert f'href="/households/{household.pk}/problems/new/"' in html
