"""Pages: the home page (the user's jurisdiction) and the region browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from regions.scoping import assignment_of
from regions.selectors import region_ancestors, region_children, region_get

CHILDREN_PER_PAGE = 30


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", home_context(request))


def home_context(request: HttpRequest) -> dict[str, object]:
    """The user's jurisdiction and its region browser (the home page shows it under the tasks)."""
    assignment = assignment_of(request.user)
    context: dict[str, object] = {"assignment": assignment}
    if assignment is not None:
        context.update(_region_context(request, assignment.region.code))
    elif request.user.is_superuser:
        context.update(_region_context(request, "520600000000", missing_ok=True))
    return context


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "regions/region_detail.html", _region_context(request, code))


def _region_context(request: HttpRequest, code: str, missing_ok: bool = False) -> dict[str, object]:
    try:
        region = region_get(user=request.user, code=code)
    except Http404:
        if missing_ok:
            return {}
        raise
    search = request.GET.get("q", "").strip()[:64]
    children = region_children(user=request.user, region=region)
    if search:
        children = children.filter(name__contains=search)
    page = Paginator(children, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "region": region,
        "ancestors": region_ancestors(region),
        "children_page": page,
        "search": search,
    }
