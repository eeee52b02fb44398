"""Importing the register from the national format: check every row, then write in one go.

``run_import`` reads the upload (``reading``), validates each row with the model's
own ``full_clean()`` (fields, ``clean()``, the ID-number parser), adds the checks across rows and
sheets, compares with the register and — when asked to commit — writes everything in one
transaction: all rows or nothing by default, or only the valid rows when that was chosen.
A dry run is the same run without the write.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from households.importing.cross_checks import Plan, classify, cross_check
from households.importing.reading import read_upload
from households.importing.register import Register
from households.importing.validation import (
    Context,
    check_households,
    check_incomes,
    check_members,
)
from households.importing.writer import Writer
from households.resources import (
    HOUSEHOLDS,
    INCOMES,
    MEMBERS,
    SHEETS,
    RowError,
    no_data_rows,
)
from regions.models import Region
from regions.scoping import jurisdiction_prefix

Progress = Callable[[int, str], None]


@dataclass
class Result:
    counts: dict[str, dict[str, int]]
    errors: list[RowError]
    written: bool = False
    # Households left out whole because a row of theirs is refused: household_no → reasons.
    skipped: dict[str, list[RowError]] = field(default_factory=dict)
    # Registered income rows (not in the file) whose size the import changes:
    # (household_no, year, old size, new size).
    resized: list[tuple[str, int, int, int]] = field(default_factory=list)
    # Columns the format does not know, not imported: [(sheet, [header, …])] in sheet order.
    ignored_columns: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return sum(sheet["invalid"] for sheet in self.counts.values())


# -- the run ------------------------------------------------------------------------------------


def _ticker(total: int, progress: Progress, start: int, span: int) -> Callable[[], None]:
    state = {"done": 0, "shown": -1}
    step = max(1, total // 50)

    def tick() -> None:
        state["done"] += 1
        if state["done"] % step == 0:
            percent = start + span * min(state["done"], total) // max(total, 1)
            if percent != state["shown"]:
                state["shown"] = percent
                progress(percent, _("Checking rows"))

    return tick


def run_import(
    *,
    path: Path,
    original_name: str,
    actor: Any,
    commit: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
    on_written: Callable[[Result], None] | None = None,
    use_copy: bool | None = None,
    source: str = "",
) -> Result:
    """Dry run (``commit=False``) or import. Raises resources.FileError for an unreadable file.

    With ``commit``, writes when no row is invalid — or, with ``valid_only``, the valid rows —
    in one transaction, at the end of which ``on_written`` runs (the job records its state
    there, so the data and the job's status are committed together).
    """
    # Millions of small objects that live to the end: the cyclic collector would walk them
    # again and again for nothing (nothing here makes cycles), so it pauses during the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_import(
            path=path,
            original_name=original_name,
            actor=actor,
            commit=commit,
            valid_only=valid_only,
            progress=progress or (lambda percent, stage: None),
            on_written=on_written,
            use_copy=use_copy,
            source=source,
        )
    finally:
        if collecting:
            gc.enable()


def _run_import(
    *,
    path: Path,
    original_name: str,
    actor: Any,
    commit: bool,
    valid_only: bool,
    progress: Progress,
    on_written: Callable[[Result], None] | None,
    use_copy: bool | None,
    source: str,
) -> Result:
    upload = read_upload(path, original_name)
    ctx = Context(
        prefix=jurisdiction_prefix(actor) or "",
        regions={r.code: r for r in Region.objects.only("code", "level", "parent_id")},
    )
    checks = [
        (name, check)
        for name, check in ((HOUSEHOLDS, check_households), (MEMBERS, check_members),
                            (INCOMES, check_incomes))
        if name in upload.sheets
    ]  # fmt: skip
    found: dict[str, Any] = {HOUSEHOLDS: {}, MEMBERS: [], INCOMES: []}
    for index, (name, check) in enumerate(checks):
        data = upload.sheets[name]
        data.open()
        span = 70 // len(checks)
        found[name] = check(data, ctx, _ticker(data.height, progress, index * span, span))
    households, members, incomes = found[HOUSEHOLDS], found[MEMBERS], found[INCOMES]
    if not (households or members or incomes):
        raise no_data_rows()
    opened = [upload.sheets[sheet.name] for sheet in SHEETS if sheet.name in upload.sheets]
    ignored = [(data.sheet.name, data.ignored) for data in opened if data.ignored]
    progress(75, _("Comparing with the register"))
    numbers = set(households) | {row.household_no for row in members + incomes}
    ids = {row.values[1] for row in members if row.values}
    if not commit:
        plan = Plan(households, members, incomes, Register.load(numbers, ids, False))
        return _compare(plan, ctx, ignored)
    progress(80, _("Writing"))
    with transaction.atomic():
        plan = Plan(households, members, incomes, Register.load(numbers, ids, lock=True))
        result = _compare(plan, ctx, ignored)
        if result.invalid_rows and not valid_only:
            return result
        Writer(plan=plan, actor=actor, use_copy=use_copy, source=source).write()
        result.written = True
        if on_written is not None:
            on_written(result)
    return result


def _compare(plan: Plan, ctx: Context, ignored: list[tuple[str, list[str]]]) -> Result:
    cross_check(plan, ctx)
    counts = classify(plan, ctx.dropped, ctx.absent)
    order = {sheet.name: index for index, sheet in enumerate(SHEETS)}
    errors = sorted(ctx.errors, key=lambda e: (order.get(e.sheet, -1), e.row))
    ctx.errors = errors
    return Result(
        counts=counts,
        errors=errors,
        skipped=plan.skipped,
        resized=sorted(plan.resized.values()),
        ignored_columns=ignored,
    )
