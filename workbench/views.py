"""Pages: 我的任务 (the home page) and a household's timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from households.selectors import household_get
from regions.roles import PAGE_ROLES, require_page_role
from regions.views import home_context
from workbench import selectors, timeline


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's tasks by role, then their jurisdiction's region browser."""
    context = home_context(request)
    context["task_lists"] = selectors.my_tasks(user=request.user, today=timezone.localdate())
    return render(request, "home.html", context)


@login_required
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(user=request.user, pk=pk)
    require_page_role(request.user, PAGE_ROLES)
    page = timeline.timeline_page(
        user=request.user,
        household=household,
        page=request.GET.get("page"),
        today=timezone.localdate(),
    )
    return render(request, "workbench/timeline.html", {"household": household, "timeline": page})
