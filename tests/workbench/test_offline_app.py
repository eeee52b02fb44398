"""The web app's pieces served by Django: the service worker, the manifest, the offline pages."""

from __future__ import annotations

import json
import re

import pytest
from django.templatetags.static import static

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _worker_config(body: str) -> dict:
    found = re.search(r"self\.TONGREN_OFFLINE = (\{.*\});", body)
    assert found, body[:200]
    return json.loads(found.group(1))


def test_the_service_worker_answers_from_the_root_with_the_shell_to_keep(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    config = _worker_config(body)
    kept = {entry["url"]: entry["revision"] for entry in config["precache"]}
    for path in ("css/app.css", "vendor/pico/pico.min.css", "vendor/dexie/dexie.min.js"):
        assert static(path) in kept
    assert "/offline/fallback/" in kept
    # Every revision is taken from the file: a missing file would say so.
    assert "missing" not in kept.values()
    assert config["workboxModules"] == static("vendor/workbox/")
    assert f'importScripts("{static("js/service-worker.js")}")' in body
    assert set(config["pages"]) == {"/", "/offline/", "/offline/app/", "/offline/queue/"}


def test_the_worker_changes_when_a_kept_file_changes(client, settings, tmp_path):
    before = _worker_config(client.get("/sw.js").content.decode())["precache"]
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    settings.DEBUG = True  # revisions are read again, as under runserver

    after = _worker_config(client.get("/sw.js").content.decode())["precache"]

    changed = [a["url"] for a, b in zip(after, before, strict=True) if a != b]
    assert changed == [static("css/app.css")]


def test_the_manifest_makes_the_site_installable_in_chinese(client):
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "铜仁扶贫"
    assert data["lang"] == "zh-Hans"
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert icon["src"].endswith(".png")


def test_the_fallback_page_is_public_and_the_same_for_everyone(client, cadre_yanhe):
    anonymous = client.get("/offline/fallback/").content
    client.force_login(cadre_yanhe)

    assert client.get("/offline/fallback/").content == anonymous
    assert "没有网络".encode() in anonymous


@pytest.mark.parametrize("url", ["/offline/", "/offline/app/", "/offline/queue/"])
def test_the_offline_pages_are_for_those_who_record_visits(
    client, url, cadre_yanhe, city_supervisor
):
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(city_supervisor)
    assert client.get(url).status_code == 403
    client.force_login(cadre_yanhe)

    response = client.get(url)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_the_offline_visit_form_has_the_fields_of_the_visit_form(client, cadre_yanhe):
    client.force_login(cadre_yanhe)

    html = client.get("/offline/app/").content.decode()

    for name in (
        'name="kind"',
        'name="looks-cupboard"',
        'name="looks-cupboard_photos"',
        'name="check-family_size__wall__state"',
        'name="survey-policy"',
        'name="motivation-diligence"',
        'name="update-phone"',
        'name="update-work_status"',
        'name="problem-category"',
    ):
        assert name in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert "五个看" in html and "五个一致" in html
    # The pack's 帮扶措施 is a number of measures: the page gives it its unit and says so.
    assert 'data-system-for="measures" data-unit="项"' in html
    assert "帮扶措施按项数核对" in html


def test_the_header_counts_the_queue_for_visitors_only(client, cadre_yanhe, city_supervisor):
    client.force_login(cadre_yanhe)
    html = client.get("/").content.decode()
    assert "data-queue-count" in html
    assert 'rel="manifest"' in html
    assert 'data-offline-app="1"' in html

    client.force_login(city_supervisor)
    html = client.get("/").content.decode()
    assert "data-queue-count" not in html
    assert 'data-offline-app=""' in html  # it still clears the phone at logout
