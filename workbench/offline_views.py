"""The web app for field work without a network: its manifest, its service worker, and the pages
that run in the browser from IndexedDB (the offline pack, the offline forms, 待上传).

The pages carry no household data: the browser fills them from the pack it downloaded
(``GET /api/v1/offline-pack/``) and sends what was recorded to ``POST /api/v1/sync/``. What the
service worker keeps is listed here, each file with a revision taken from its content, so a new
deployment replaces exactly the files that changed (docs/offline.md, decision 0029).
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from regions.roles import VISIT_ROLES, require_page_role
from workbench.offline_forms import offline_forms

# The app shell: what every offline page needs, kept by the service worker at install.
SHELL_FILES = (
    "vendor/pico/pico.min.css",
    "css/app.css",
    "img/favicon.svg",
    "img/icon-192.png",
    "vendor/dexie/dexie.min.js",
    "js/offline-store.js",
    "js/offline-header.js",
    "js/offline-pack.js",
    "js/offline-app.js",
    "js/offline-queue.js",
    "js/visit-draft.js",
    "js/visit-form.js",
)
# The pages a cadre opens in the field: network first, the last copy when there is no network.
FIELD_PAGES = ("home", "workbench:offline-pack", "workbench:offline-app", "workbench:offline-queue")


@functools.lru_cache(maxsize=64)
def _revision_of_file(path: str) -> str:
    found = finders.find(path)
    if not found and staticfiles_storage.exists(path):
        found = staticfiles_storage.path(path)
    if not found:
        return "missing"
    with open(found if isinstance(found, str) else found[0], "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _revision(path: str) -> str:
    if settings.DEBUG:
        _revision_of_file.cache_clear()  # files change under runserver
    return _revision_of_file(path)


def _fallback_page() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("workbench/offline/fallback.html")


def worker_config() -> dict[str, Any]:
    fallback = _fallback_page()
    precache = [{"url": static(path), "revision": _revision(path)} for path in SHELL_FILES]
    precache.append(
        {
            "url": reverse("workbench:offline-fallback"),
            "revision": hashlib.sha256(fallback.encode()).hexdigest()[:16],
        }
    )
    return {
        "precache": precache,
        "workbox": static("vendor/workbox/workbox-sw.js"),
        "workboxModules": static("vendor/workbox/"),
        "scripts": [static("vendor/dexie/dexie.min.js"), static("js/offline-store.js")],
        "fallback": reverse("workbench:offline-fallback"),
        "pages": [reverse(name) for name in FIELD_PAGES],
        "static": settings.STATIC_URL,
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: served from the root so that its scope is the whole site. The body is small
    (the list of files to keep, then the worker's code from static/js); it changes whenever a
    kept file does, which is what makes the browser install the new version."""
    config = worker_config()
    body = (
        "// The offline web app's service worker (static/js/service-worker.js).\n"
        f"self.TONGREN_OFFLINE = {json.dumps(config, ensure_ascii=False)};\n"
        f"importScripts({json.dumps(static('js/service-worker.js'))});\n"
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """``/manifest.webmanifest``: what makes the site installable on a phone's home screen."""
    data = {
        "name": "铜仁扶贫",
        "short_name": "铜仁扶贫",
        "description": "铜仁扶贫：走访、五个一致、离线记录与上传",
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-512-maskable.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {"name": "离线记录", "url": reverse("workbench:offline-app")},
            {"name": "待上传", "url": reverse("workbench:offline-queue")},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def offline_fallback(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it does not keep, with no network. Public and
    the same for everyone (it is kept at install, before anyone logs in)."""
    return HttpResponse(_fallback_page())


def _field_labels() -> str:
    """The names of a refusal's fields (``household: …``) in the interface's language."""
    labels = {
        "household": pgettext("a synced record's field", "household"),
        "changes": _("changes"),
        "visit": _("visit"),
        "problem": _("problem"),
        "seen": _("in the system"),
        "photos": _("photos"),
        "looks": _("Five looks"),
        "client_token": _("form token"),
        "member": _("member"),
    }
    return json.dumps(labels, ensure_ascii=False)


def _offline_context() -> dict[str, Any]:
    return {
        "field_labels": _field_labels(),
        "pack_url": "/api/v1/offline-pack/",
        "sync_url": "/api/v1/sync/",
        "stale_hours": getattr(settings, "OFFLINE_PACK_REFRESH_HOURS", 12),
    }


@never_cache
@login_required
def offline_pack(request: HttpRequest) -> HttpResponse:
    """离线包: download (or refresh) the households of the jurisdiction into the phone."""
    require_page_role(request.user, VISIT_ROLES)
    return render(request, "workbench/offline/pack.html", _offline_context())


@never_cache
@login_required
def offline_app(request: HttpRequest) -> HttpResponse:
    """离线记录: the pack's households and the forms recorded into the queue."""
    require_page_role(request.user, VISIT_ROLES)
    context = {**_offline_context(), **offline_forms()}
    return render(request, "workbench/offline/app.html", context)


@never_cache
@login_required
def offline_queue(request: HttpRequest) -> HttpResponse:
    """待上传: what is recorded on this phone and not yet accepted by the server."""
    require_page_role(request.user, VISIT_ROLES)
    context = {**_offline_context(), "title": _("Waiting to upload")}
    return render(request, "workbench/offline/queue.html", context)
