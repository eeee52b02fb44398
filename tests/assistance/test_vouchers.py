"""Photos of a fund flow's vouchers: stored without metadata, served only in the jurisdiction."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from assistance.models import FundFlow, FundFlowVoucher
from tests.inspections.test_evidence import jpeg_with_gps, stored_files
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def record_with_voucher(user: Any, project: Any, *vouchers: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(
        f"/assistance/projects/{project.pk}/fund-flows/new/",
        {"kind": "disbursed", "amount": "250000", "date": "2020-06-01", "vouchers": list(vouchers)},
    )


def test_a_voucher_photo_is_kept_without_metadata_and_shown_in_the_county_only(
    county_supervisor, county_supervisor_bijiang, city_supervisor, api_client_user, yanhe_project
):
    response = record_with_voucher(county_supervisor, yanhe_project, jpeg_with_gps("voucher.jpg"))

    assert response.status_code == 302
    voucher = FundFlowVoucher.objects.get()
    assert voucher.flow == FundFlow.objects.get(kind="disbursed")
    # The photo and its thumbnail alike: another county's supervisor gets a 404.
    served = {
        url: check_permission_matrix(
            url,
            api=False,
            own=city_supervisor,
            other_jurisdiction=county_supervisor_bijiang,
            wrong_role=api_client_user,
        )
        for url in (
            f"/assistance/vouchers/{voucher.pk}/",
            f"/assistance/vouchers/{voucher.pk}/thumb/",
        )
    }
    body = b"".join(served[f"/assistance/vouchers/{voucher.pk}/"].streaming_content)
    assert dict(Image.open(io.BytesIO(body)).getexif()) == {}
    assert b"Exif" not in body
    thumb = b"".join(served[f"/assistance/vouchers/{voucher.pk}/thumb/"].streaming_content)
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)
    assert b"Exif" not in thumb
    page = Client()
    page.force_login(county_supervisor)
    html = page.get(f"/assistance/projects/{yanhe_project.pk}/").content.decode()
    assert f'src="/assistance/vouchers/{voucher.pk}/thumb/"' in html


def test_a_voucher_that_is_not_an_image_refuses_the_flow_and_saves_nothing(
    county_supervisor, yanhe_project, _media
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = record_with_voucher(
        county_supervisor,
        yanhe_project,
        SimpleUploadedFile("receipt.jpg", b"just text", "image/jpeg"),
    )

    assert response.status_code == 200
    assert "“receipt.jpg”不是照片" in response.content.decode()
    assert FundFlow.objects.filter(kind="disbursed").exists() is False
    assert FundFlowVoucher.objects.exists() is False
    assert stored_files(_media) == []
