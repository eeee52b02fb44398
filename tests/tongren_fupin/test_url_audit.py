import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.url_audit import unprotected_urls
from tongren_fupin.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


def test_every_url_refuses_anonymous_visitors_unless_it_is_public():
    assert unprotected_urls() == []


def _forgotten_report(request: HttpRequest) -> HttpResponse:
    return HttpResponse("贫困户名单")


urlpatterns = [*project_urlpatterns, path("reports/forgotten/", _forgotten_report)]


@pytest.mark.urls(__name__)
def test_the_audit_reports_a_view_left_open():
    assert unprotected_urls() == [
        "GET /reports/forgotten/ answers 200 to anonymous ('reports/forgotten/')"
    ]
