"""The misclassification suspects, stored (decision 0027): computed set-based from the one rule
(``criteria.outcomes_sql``) for a date and a part of the register, read a page at a time.

- ``suspects_store`` replaces the suspects as of ``on`` of the households whose region code
  starts with ``prefix``: one ``INSERT … SELECT`` of the judged statement (错退, 缺少佐证, 漏评),
  one query of the 错评 candidates, one ``GROUP BY`` of the exited people per village;
- ``by_region`` sums the stored rows per region (the dispatch's 错退率, 缺少佐证率 and 漏评率
  numerators and denominator, so the dispatch does not judge the register a second time);
- ``suspects_page`` is one keyset page, ``with_evidence`` builds the evidence text of that page
  only (the live assessment of ``misclassification``, on at most a page of households).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr

from exits import criteria
from exits.misclassification import Suspect as ShownSuspect
from exits.misclassification import assessed_suspects, wrongly_registered
from exits.models import SUSPECT_RANK, ExitedPeople, Suspect, SuspectKind
from households.choices import LineKind, Status
from households.models import AnnualIncome, Household, Member, PovertyLine, annotate_page
from inspections.models import FiveLooks
from regions.scoping import prefix_upper_bound, within_prefix

EXITED = (Status.EXITED, Status.EXITED_NO_POLICY)
PAGE_SIZE = 50


def exit_cutoff(on: datetime.date) -> int:
    """Households with an exit year up to this one count as exited on ``on``: the year's exits
    are counted on 31 December (the indicators' rule)."""
    return on.year if (on.month, on.day) == (12, 31) else on.year - 1


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


# -- computing ------------------------------------------------------------------------------


def _region_sql(column: str, prefix: str) -> tuple[str, list[str]]:
    if not prefix:
        return "1 = 1", []
    return f"{column} >= %s AND {column} < %s", [prefix, prefix_upper_bound(prefix)]


def _insert_judged(on: datetime.date, prefix: str) -> None:
    """错退, 缺少佐证 (exited by the cutoff) and 漏评 (edge) suspects: one statement."""
    region, region_params = _region_sql("h.region_id", prefix)
    target = f"(h.status IN (%s, %s) AND h.exit_year <= %s OR h.status = %s) AND {region}"
    judged, params = criteria.outcomes_sql(
        target,
        [*(s.value for s in EXITED), exit_cutoff(on), Status.EDGE.value, *region_params],
        year=on.year,
        on=on,
    )
    edge = Status.EDGE.value
    order = ("missed", "wrong_exit", "missing_evidence")
    sql = f"""
        INSERT INTO {Suspect._meta.db_table}
            (as_of, household_id, region_id, household_no, kind, rank, people)
        SELECT %s, h.id, h.region_id, h.household_no,
            CASE WHEN h.status = %s THEN %s WHEN j.standard = 'failed' THEN %s ELSE %s END,
            CASE WHEN h.status = %s THEN %s WHEN j.standard = 'failed' THEN %s ELSE %s END,
            j.people
        FROM ({judged}) j JOIN {Household._meta.db_table} h ON h.id = j.id
        WHERE j.standard = 'failed' OR (j.standard = 'missing' AND h.status <> %s)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [on, edge, *order, edge, *(SUSPECT_RANK[k] for k in order), *params, edge],
        )


def _insert_wrongly_registered(on: datetime.date, prefix: str) -> None:
    """错评: registered (or relapsed) households with an income at identification above twice
    that year's line, or a visit that found every one of the five looks adequate."""
    candidates = within_prefix(
        Household.objects.filter(status__in=[Status.REGISTERED, Status.RELAPSED]), prefix
    )
    rows = (
        candidates.annotate(
            rich=Exists(_rich_at_identification()),
            well_off=Exists(_all_adequate()),
            n=Coalesce(
                Subquery(
                    Member.objects.filter(household=OuterRef("pk"))
                    .order_by()
                    .values("household")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .filter(Q(rich=True) | Q(well_off=True))
        .order_by()
        .values_list("pk", "region_id", "household_no", "n")
    )
    kind = SuspectKind.WRONGLY_REGISTERED.value
    Suspect.objects.bulk_create(
        (
            Suspect(
                as_of=on,
                household_id=pk,
                region_id=region,
                household_no=number,
                kind=kind,
                rank=SUSPECT_RANK[kind],
                people=people,
            )
            for pk, region, number, people in rows.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


def _rich_at_identification() -> QuerySet[AnnualIncome]:
    """The household's income of its identification year, above twice that year's line."""
    line = PovertyLine.objects.filter(kind=LineKind.NATIONAL, year=OuterRef("year"))
    return AnnualIncome.objects.filter(
        household=OuterRef("pk"), year=OuterRef("identification_year")
    ).filter(per_capita_net_income__gt=Subquery(line.values("amount")[:1]) * 2)


def _all_adequate() -> QuerySet[FiveLooks]:
    return FiveLooks.objects.filter(
        visit__household=OuterRef("pk"),
        furnishings=True,
        clothing=True,
        cupboard=True,
        bedding=True,
        pot=True,
    )


def _insert_exited_people(on: datetime.date, prefix: str) -> None:
    people = within_prefix(
        Member.objects.filter(
            household__status__in=EXITED, household__exit_year__lte=exit_cutoff(on)
        ),
        prefix,
        field="household__region",
    )
    rows = people.order_by().values_list("household__region").annotate(n=Count("pk"))
    ExitedPeople.objects.bulk_create(
        (ExitedPeople(as_of=on, region_id=region, people=n) for region, n in rows), batch_size=2000
    )


STEPS: tuple[tuple[int, Callable[[datetime.date, str], None]], ...] = (
    (10, _insert_judged),
    (80, _insert_wrongly_registered),
    (95, _insert_exited_people),
)


def suspects_store(
    *, on: datetime.date, prefix: str, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Replace the stored suspects (and exited people) as of ``on`` under ``prefix``; call it
    in a transaction. Returns the number of households of each kind."""
    within_prefix(Suspect.objects.filter(as_of=on), prefix).delete()
    within_prefix(ExitedPeople.objects.filter(as_of=on), prefix).delete()
    for percent, step in STEPS:
        if progress is not None:
            progress(percent)
        step(on, prefix)
    rows = within_prefix(Suspect.objects.filter(as_of=on), prefix)
    counted = dict(rows.order_by().values_list("kind").annotate(n=Count("pk")))
    return {kind.value: counted.get(kind.value, 0) for kind in SuspectKind}


# -- reading --------------------------------------------------------------------------------


def by_region(*, on: datetime.date, length: int, within: str = "") -> dict[str, dict[str, int]]:
    """Per region-code prefix of ``length``: exited people and the people of each kind of
    suspect stored as of ``on`` (two grouped queries on the stored rows)."""
    result: dict[str, dict[str, int]] = {}

    def grouped(rows: QuerySet[Any], *fields: str) -> QuerySet[Any]:
        return rows.annotate(key=Substr("region_id", 1, length)).order_by().values("key", *fields)

    for row in grouped(within_prefix(ExitedPeople.objects.filter(as_of=on), within)).annotate(
        n=Sum("people")
    ):
        result.setdefault(row["key"], {})["exited"] = int(row["n"])
    for row in grouped(within_prefix(Suspect.objects.filter(as_of=on), within), "kind").annotate(
        n=Sum("people")
    ):
        result.setdefault(row["key"], {})[row["kind"]] = int(row["n"])
    return result


def counts(rows: QuerySet[Suspect]) -> dict[str, tuple[int, int]]:
    """``{kind: (households, people)}`` of the stored rows (one query)."""
    grouped = rows.order_by().values_list("kind").annotate(h=Count("pk"), p=Sum("people"))
    return {kind: (int(h), int(p or 0)) for kind, h, p in grouped}


def exited_people(rows: QuerySet[ExitedPeople]) -> int:
    return int(rows.aggregate(n=Sum("people"))["n"] or 0)


KEYSET = ("rank", "region_id", "household_no")


def cursor_of(suspect: Suspect) -> str:
    """The position after ``suspect`` in the list's order (rank, village, household number)."""
    return f"{suspect.rank}.{suspect.region_id}.{suspect.household_no}"


def parse_cursor(value: str) -> tuple[int, str, str] | None:
    parts = value.split(".", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), parts[1], parts[2]


def after(rows: QuerySet[Suspect], cursor: tuple[int, str, str] | None) -> QuerySet[Suspect]:
    """The rows after ``cursor`` in the list's order: a keyset condition the index
    ``suspect_keyset_order`` serves, so page 1,000 costs what page 1 does."""
    if cursor is not None:
        rank, region, number = cursor
        rows = rows.filter(
            Q(rank__gt=rank)
            | Q(rank=rank, region_id__gt=region)
            | Q(rank=rank, region_id=region, household_no__gt=number)
        )
    return rows.order_by(*KEYSET)


def suspects_page(
    rows: QuerySet[Suspect], cursor: tuple[int, str, str] | None, size: int = PAGE_SIZE
) -> tuple[list[Suspect], str | None]:
    """One page of the stored rows after ``cursor`` and the cursor of the next (``None`` on the
    last page): one query, ``size + 1`` rows."""
    page = list(after(rows, cursor)[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (cursor_of(page[-1]) if more and page else None)


def with_evidence(page: Sequence[Suspect], *, on: datetime.date) -> list[ShownSuspect]:
    """The shown suspects with their evidence text: the assessment of these households only
    (a fixed number of queries). A household that no longer fits its kind keeps its row with
    the evidence of today's assessment (empty when nothing is wrong any more)."""
    ids = [s.household_id for s in page]
    households = Household.objects.filter(pk__in=ids).select_related("region")
    evidence: dict[int, list[str]] = {}
    assessed = [s.household_id for s in page if s.kind != SuspectKind.WRONGLY_REGISTERED]
    if assessed:
        shown_page = households.filter(pk__in=assessed)
        for shown in assessed_suspects(shown_page, year=on.year, on=on, streamed=False):
            evidence[shown.household.pk] = shown.evidence
    registered = [s.household_id for s in page if s.kind == SuspectKind.WRONGLY_REGISTERED]
    if registered:
        for shown in wrongly_registered(households.filter(pk__in=registered)):
            evidence[shown.household.pk] = shown.evidence
    loaded = {h.pk: h for h in annotate_page(list(households))}
    return [
        ShownSuspect(s.kind, loaded[s.household_id], evidence.get(s.household_id, []))
        for s in page
        if s.household_id in loaded
    ]
