"""Pages: 数据冲突 (the data conflicts of offline records) and the form that settles one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fieldsync import fields, selectors, services
from fieldsync.forms import ConflictResolveForm
from fieldsync.models import ConflictState, FieldConflict
from households.models import Household, Member, annotate_page
from regions.masking import Personal, displayed
from regions.roles import CONFLICT_RESOLVE_ROLES, require_page_role
from tongren_fupin.forms import posted, status_of, submit
from tongren_fupin.pagination import BoundedPaginator

STATES = [("open", ConflictState.OPEN.label), ("resolved", ConflictState.RESOLVED.label)]


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    """The conflicts of the jurisdiction: open ones by default, searchable by 户编号 or name."""
    require_page_role(request.user, CONFLICT_RESOLVE_ROLES)
    state = request.GET.get("state", ConflictState.OPEN)
    state = state if state in {"", *ConflictState.values} else ConflictState.OPEN
    search = request.GET.get("q", "").strip()[:50]
    conflicts = selectors.conflict_list(
        user=request.user, filters=selectors.ConflictFilters(search=search, state=state)
    )
    page = BoundedPaginator(conflicts, 25).get_page(request.GET.get("page"))
    annotate_page([conflict.household for conflict in page.object_list])
    return render(
        request,
        "fieldsync/conflict_list.html",
        {
            "page": page,
            "rows": [shown(request.user, c) for c in page.object_list],
            "state": state,
            "states": STATES,
            "q": search,
            "query": urlencode({"state": state, "q": search}),
        },
    )


def shown(user: Any, conflict: FieldConflict) -> dict[str, Any]:
    """A conflict with its values as people read them (a phone as the role sees it)."""

    def value(raw: Any) -> str:
        text = fields.shown(conflict.target, conflict.field, raw)
        if conflict.field == "phone" and raw:
            return str(displayed(user, Personal.PHONE, text))
        return text

    return {
        "conflict": conflict,
        "title": services.conflict_title(conflict),
        "base": value(conflict.base_value),
        "server": value(conflict.server_value),
        "offline": value(conflict.offline_value),
        "resolved": value(conflict.resolved_value),
    }


@login_required
def conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """One conflict: the three values with who and when, the register's value now, and (while
    open) the form that settles it."""
    conflict = selectors.conflict_get(user=request.user, pk=pk)
    require_page_role(request.user, CONFLICT_RESOLVE_ROLES)
    annotate_page([conflict.household])
    row, now = shown(request.user, conflict), _now(request.user, conflict)
    form = ConflictResolveForm(posted(request), conflict=conflict, now=now, offline=row["offline"])
    if conflict.state == ConflictState.OPEN and form.is_bound and form.is_valid():
        done = submit(
            form,
            lambda: services.conflict_resolve(
                actor=request.user,
                conflict=conflict,
                resolution=form.cleaned_data["resolution"],
                value=form.cleaned_data.get("value"),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, _("The conflict was resolved."))
            return redirect("fieldsync:conflict", pk=conflict.pk)
    return render(
        request,
        "fieldsync/conflict_detail.html",
        {
            **row,
            "household": conflict.household,
            "now": now,
            "form": form,
        },
        status=status_of(form),
    )


def _now(user: Any, conflict: FieldConflict) -> str:
    """The register's value at this moment (it may have moved since the conflict opened)."""
    obj: Any = Household.objects.filter(pk=conflict.household_id).first()
    if conflict.member_id is not None:
        obj = Member.objects.filter(pk=conflict.member_id).first()
    if obj is None:
        return "—"
    raw = getattr(obj, conflict.field)
    text = fields.shown(conflict.target, conflict.field, raw)
    return str(displayed(user, Personal.PHONE, text)) if conflict.field == "phone" and raw else text
