"""Scoped reads for import jobs and for the export of the register."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from households.choices import Relation
from households.id_numbers import mask_id_number
from households.importing.validation import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from households.models import AnnualIncome, Household, Member
from households.permissions import sees_full_id
from imports.models import ImportJob
from regions.scoping import scope_by_region

CHUNK = 5000


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """Jobs made in the user's jurisdiction (an operator's jobs: operators only)."""
    return scope_by_region(ImportJob.objects.filter(kind="register"), user).select_related(
        "created_by"
    )


def import_job_get(*, user: Any, pk: Any) -> ImportJob:
    try:
        return import_job_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ImportJob.DoesNotExist):
        raise Http404 from None


class RegisterExport:
    """The three sheets of the register in the user's jurisdiction, as rows of model values in
    the column order of ``households.resources``; ID numbers masked for roles that see them so."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.households = scope_by_region(Household.objects.all(), user)
        self.masked = not sees_full_id(user)
        self.counts = {"households": 0, "members": 0, "incomes": 0}

    def _id(self, number: str) -> str:
        return mask_id_number(number) if self.masked else number

    def household_rows(self) -> Iterator[tuple[Any, ...]]:
        heads = {
            household_id: (name, id_number)
            for household_id, name, id_number in Member.objects.filter(
                household__in=self.households, relation=Relation.HEAD
            ).values_list("household_id", "name", "id_number")
        }
        fields = [f if f != "region_id" else "region" for f in HOUSEHOLD_FIELDS]
        rows = self.households.order_by("household_no").values_list("pk", *fields)
        for pk, household_no, region, *rest in rows.iterator(chunk_size=CHUNK):
            self.counts["households"] += 1
            name, id_number = heads.get(pk, ("", ""))
            yield (household_no, region, name, self._id(id_number), *rest)

    def member_rows(self) -> Iterator[tuple[Any, ...]]:
        rows = (
            Member.objects.filter(household__in=self.households)
            .order_by("household__household_no", "relation", "birth_date", "pk")
            .values_list("household__household_no", *MEMBER_FIELDS)
        )
        for household_no, name, id_number, *rest in rows.iterator(chunk_size=CHUNK):
            self.counts["members"] += 1
            yield (household_no, name, self._id(id_number), *rest)

    def income_rows(self) -> Iterator[tuple[Any, ...]]:
        rows = (
            AnnualIncome.objects.filter(household__in=self.households)
            .order_by("household__household_no", "year")
            .values_list(
                "household__household_no",
                "year",
                "wage",
                "business",
                "business_expense",
                "property_total",
                "transfer_total",
            )
        )
        for row in rows.iterator(chunk_size=CHUNK):
            self.counts["incomes"] += 1
            yield row
