"""Import of a Tongren-scale register workbook against two references, measured in one run.

    .venv/bin/python bench/import_register.py [--households 200000] [--sample 20000]

Builds a workbook in the national format (贫困户 / 家庭成员 / 收入) with the demo generator
(fixed seed: 200,000 households, about 700,000 members, one income row per household) and
measures, each in its own process against a separate PostgreSQL database (BENCH_DATABASE_URL,
default tongren_fupin_bench_import):

  (a) this project's import: read, check every row (full_clean, cross-sheet rules), compare
      with the register and write in one transaction; also its dry run, and the export of the
      imported register with a dry run of that export (it must report zero changes);
  (b) a naive django-import-export ModelResource (default settings, natural key) importing a
      sample of member rows from XLSX (tablib/openpyxl), scaled to rows per second;
  (c) the bare limit: parsing the same workbook with python-calamine and a COPY of its rows
      into the same tables, without any checking.

Targets: (a) at least 20x (b) per row, within 3x of (c), peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongren_fupin_bench_import"
)
from _setup import create_database, setup_django

SEED = 5206
OPERATOR = "bench_operator"
TABLES = ("households_annualincome", "households_member", "households_household")


def peak_mb_of_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def build_workbook(path: Path, households: int, gen: Any = None) -> dict[str, int]:
    """Demo-generator rows for ``households`` households, written as the national workbook.
    Workbooks built by one generator ``gen`` in turn hold different households (numbers and ID
    numbers go on from the previous workbook's)."""
    from demo import register as demo
    from households import resources, spreadsheets
    from regions.models import Region

    gen = gen or demo.Generator(seed=SEED)
    villages = list(Region.objects.filter(level="village").values_list("code", flat=True))
    sizes = list(demo.FAMILY_SIZES)
    weights = list(demo.FAMILY_SIZES.values())
    rows: dict[str, list[tuple]] = {"h": [], "m": [], "i": []}
    income_fields = [column.field for column in resources.INCOME_SHEET.columns[1:]]
    for index in range(households):
        village = villages[index % len(villages)]
        exit_year = gen.rng.choice([2016, 2017, 2018, 2019, 2020])
        household = gen.household(village, exit_year)
        household.pk = index + 1
        size = gen.rng.choices(sizes, weights)[0]
        people = gen.members(household, size)
        head = people[0]
        rows["h"].append(
            (
                household.household_no,
                village,
                head.name,
                head.id_number,
                household.poverty_attribute,
                household.identification_standard,
                household.identification_year,
                household.main_cause,
                household.other_causes,
                household.status,
                household.exit_year,
                household.housing_grade,
                household.water_safe,
                household.phone,
                household.road_type,
                household.fuel,
            )
        )
        for person in people:
            rows["m"].append(
                (
                    household.household_no,
                    person.name,
                    person.id_number,
                    person.relation,
                    person.ethnicity,
                    person.political_status,
                    person.education,
                    person.schooling,
                    person.health,
                    person.labour_ability,
                    person.work_status,
                    person.work_months,
                    person.basic_medical_insurance,
                    person.serious_illness_insurance,
                    person.pension_insurance,
                )
            )
        income = gen.income_row(household, 2020, gen.rng.uniform(1.1, 2.2) * 4000, size)
        # Every column of the sheet: the totals and their sub-items (which must add up).
        rows["i"].append(
            (household.household_no, *(getattr(income, field) for field in income_fields))
        )
    with path.open("wb") as target:
        spreadsheets.write_xlsx(
            target,
            [
                (resources.HOUSEHOLD_SHEET, rows["h"]),
                (resources.MEMBER_SHEET, rows["m"]),
                (resources.INCOME_SHEET, rows["i"]),
            ],
        )
    return {"households": len(rows["h"]), "members": len(rows["m"]), "incomes": len(rows["i"])}


def empty_register() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def operator() -> object:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=OPERATOR, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


# -- stages, each run in a child process ---------------------------------------------------------


def stage_a(path: Path) -> dict[str, object]:
    """This project's import: a dry run, then the import, then export and a dry run of it."""
    from households.exports import register_export
    from households.importing.run import run_import

    empty_register()
    actor = operator()
    started = time.perf_counter()
    dry = run_import(path=path, original_name=path.name, actor=actor)
    dry_seconds = time.perf_counter() - started
    assert dry.errors == [], dry.errors[:5]
    started = time.perf_counter()
    result = run_import(path=path, original_name=path.name, actor=actor, commit=True)
    seconds = time.perf_counter() - started
    assert result.written, "nothing written"
    started = time.perf_counter()
    exported = path.with_name("exported.xlsx")
    with exported.open("wb") as target:
        counts = register_export(actor=actor, fmt="xlsx", target=target)
    export_seconds = time.perf_counter() - started
    again = run_import(path=exported, original_name=exported.name, actor=actor)
    changed = sum(c["new"] + c["updated"] + c["invalid"] for c in again.counts.values())
    return {
        "seconds": seconds,
        "dry_run_seconds": dry_seconds,
        "rows": sum(sum(c.values()) for c in result.counts.values()),
        "counts": result.counts,
        "export_seconds": export_seconds,
        "exported": counts,
        "reimport_changes": changed,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def stage_d(path: Path) -> dict[str, object]:
    """The commit run of one workbook into the register as it stands (no dry run, no export):
    one of the workbooks of ``--workbooks``."""
    from django.db import connection
    from django.utils import translation

    from households.importing.run import run_import
    from households.importing.writer import Writer

    # Where the time goes: the phases the run reports (checking rows, comparing with the
    # register, writing), each write step of the Writer, and the commit (deferred foreign-key
    # checks, WAL flush) after the job's own record.
    phases: dict[str, float] = {}
    marks: list[tuple[str, float]] = []

    def progress(_percent: int, stage: str) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    for step in ("_households", "_members", "_incomes", "_bump_and_record"):
        original = getattr(Writer, step)

        def timed(self: Any, _original: Any = original, _step: str = step) -> None:
            begun = time.perf_counter()
            _original(self)
            phases[f"write{_step}"] = time.perf_counter() - begun

        setattr(Writer, step, timed)
    written: list[float] = []
    wal = "SELECT pg_current_wal_lsn(), checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
    with connection.cursor() as cursor:
        cursor.execute(wal)
        lsn, checkpoints = cursor.fetchone()
    started = time.perf_counter()
    with translation.override("en"):
        result = run_import(
            path=path, original_name=path.name, actor=operator(), commit=True,
            progress=progress, on_written=lambda _result: written.append(time.perf_counter()),
        )  # fmt: skip
    ended = time.perf_counter()
    seconds = ended - started
    assert result.errors == [], result.errors[:5]
    edges = [("reading", started), *marks, ("commit", written[0]), ("end", ended)]
    for (stage, begun), (_next, until) in itertools.pairwise(edges):
        phases[str(stage)] = phases.get(str(stage), 0.0) + until - begun
    # The write-ahead log the import wrote, and the checkpoints during it: a page changed for
    # the first time after a checkpoint goes to the log whole.
    with connection.cursor() as cursor:
        cursor.execute(wal)
        lsn_after, checkpoints_after = cursor.fetchone()
        cursor.execute("SELECT pg_wal_lsn_diff(%s, %s)", [lsn_after, lsn])
        phases["wal_mb"] = float(cursor.fetchone()[0]) / 2**20
    phases["checkpoints"] = checkpoints_after - checkpoints
    return {
        "seconds": seconds,
        "rows": sum(sum(c.values()) for c in result.counts.values()),
        "new": sum(c["new"] for c in result.counts.values()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "phases": {name: round(value, 2) for name, value in phases.items()},
    }


def stage_b(path: Path, sample: int) -> dict[str, object]:
    """A naive django-import-export ModelResource on ``sample`` member rows read from XLSX."""
    import tablib
    from import_export import resources as ie_resources
    from openpyxl import Workbook

    from households.models import Household, Member

    class MemberResource(ie_resources.ModelResource):
        class Meta:
            model = Member
            import_id_fields = ("id_number",)  # the natural key; everything else default

    from python_calamine import CalamineWorkbook

    Member.objects.all().delete()

    people = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("家庭成员")
    numbers = Household.objects.in_bulk(field_name="household_no")
    from households.resources import MEMBER_SHEET, choice_lookup

    book = Workbook(write_only=True)
    sheet = book.create_sheet("members")
    fields = ["household", "name", "id_number", "sex", "birth_date", "relation", "ethnicity",
              "political_status", "education", "schooling", "health", "labour_ability",
              "work_status", "work_months", "basic_medical_insurance", "serious_illness_insurance",
              "pension_insurance"]  # fmt: skip
    sheet.append(fields)
    rows = people.iter_rows()
    next(rows)
    written = 0
    from households.id_numbers import parse_id_number

    for cells in rows:
        if written == sample:
            break
        household = numbers[str(cells[0])]
        facts = parse_id_number(str(cells[2]))
        codes = [
            choice_lookup(column.choices).get(str(cell), str(cell)) if column.choices else cell
            for column, cell in zip(MEMBER_SHEET.columns, cells, strict=False)
        ]
        sheet.append([household.pk, cells[1], facts.number, facts.sex, facts.birth_date,
                      *codes[3:11], int(cells[11] or 0), cells[12] == "是", cells[13] == "是",
                      cells[14] == "是"])  # fmt: skip
        written += 1
    sample_path = path.with_name("sample.xlsx")
    book.save(sample_path)
    started = time.perf_counter()
    dataset = tablib.Dataset().load(sample_path.read_bytes(), format="xlsx")
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    assert Member.objects.count() == written, (Member.objects.count(), written)
    return {"seconds": seconds, "rows": written}


def stage_c(path: Path) -> dict[str, object]:
    """Parse with python-calamine and COPY the rows into the tables: no checks at all."""
    import json as _json
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from households.resources import SHEETS, choice_lookup

    empty_register()
    now = timezone.now()
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    data = {sheet.name: book.get_sheet_by_name(sheet.name).to_python()[1:] for sheet in SHEETS}
    parsed = time.perf_counter() - started
    hmap, mmap = (
        {
            index: choice_lookup(column.choices)
            for index, column in enumerate(sheet.columns)
            if column.choices
        }
        for sheet in SHEETS[:2]
    )
    household_ids = {}
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY households_household (id, household_no, region_id, poverty_attribute, "
            "identification_standard, identification_year, status, exit_year, relapse_cause, "
            "main_cause, other_causes, housing_grade, water_safe, electricity, road_type, toilet, "
            "fuel, phone, cadre_name, cadre_unit, cadre_post, cadre_phone, is_relocated, version, "
            "created, updated) FROM STDIN"
        ) as copy:
            for pk, r in enumerate(data["贫困户"], start=1):
                household_ids[str(r[0])] = pk
                causes = [hmap[8].get(c, c) for c in str(r[8]).split("、") if c]
                copy.write_row((pk, str(r[0]), str(r[1]), hmap[4].get(r[4], r[4]),
                                hmap[5].get(r[5], r[5]), int(r[6]), hmap[9].get(r[9], r[9]),
                                int(r[10]) if r[10] != "" else None, "", hmap[7].get(r[7], r[7]),
                                _json.dumps(causes), hmap[11].get(r[11], r[11]), r[12] == "是",
                                True, "", False, "", str(r[13]), "", "", "", "", False, 1, now,
                                now))  # fmt: skip
        with raw.copy(
            "COPY households_member (household_id, name, id_number, sex, birth_date, relation, "
            "ethnicity, political_status, education, schooling, health, labour_ability, "
            "work_status, work_months, "
            "basic_medical_insurance, serious_illness_insurance, pension_insurance, dibao, "
            "is_active_military) FROM STDIN"
        ) as copy:
            for r in data["家庭成员"]:
                number = str(r[2])
                born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
                sex = "male" if int(number[16]) % 2 else "female"
                copy.write_row((household_ids[str(r[0])], r[1], number, sex, born,
                                *(mmap[i].get(r[i], r[i]) for i in range(3, 11)),
                                int(r[11] or 0), r[12] == "是", r[13] == "是", r[14] == "是",
                                False, False))  # fmt: skip
        with raw.copy(
            "COPY households_annualincome (household_id, year, wage, business, business_expense, "
            "property_dividend, property_land, property_other, transfer_family_planning, "
            "transfer_dibao, transfer_tekun, transfer_pension, transfer_ecological, "
            "transfer_other, member_count, property_total, transfer_total, net_income, "
            "per_capita_net_income) FROM STDIN"
        ) as copy:
            fields = [column.field for column in SHEETS[2].columns]
            at = {name: fields.index(name) for name in fields}
            inputs = ("wage", "business", "business_expense", "property_dividend",
                      "property_land", "property_other", "transfer_family_planning",
                      "transfer_dibao", "transfer_tekun", "transfer_pension",
                      "transfer_ecological", "transfer_other")  # fmt: skip
            for r in data["收入"]:
                amounts = {name: Decimal(repr(r[at[name]])) for name in inputs}
                prop, transfer = (
                    Decimal(repr(r[at["property_total"]])),
                    Decimal(repr(r[at["transfer_total"]])),
                )
                net = amounts["wage"] + amounts["business"] - amounts["business_expense"]
                net += prop + transfer
                copy.write_row((household_ids[str(r[0])], int(r[1]), *amounts.values(), 1, prop,
                                transfer, net, net))  # fmt: skip
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parse_seconds": parsed, "rows": sum(map(len, data.values()))}


# -- the run ---------------------------------------------------------------------------------


def child(stage: str, path: Path, sample: int) -> dict[str, object]:
    before = peak_mb_of_children()
    output = subprocess.run(
        [sys.executable, __file__, "--stage", stage, "--file", str(path), "--sample", str(sample)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["child_peak_mb"] = max(before, peak_mb_of_children())
    return result


def register_in_workbooks(households: int, workbooks: int) -> None:
    """``workbooks`` workbooks of ``households`` each imported in turn into one register: the
    first into the empty register is the reference, the rest into a register already holding
    the earlier ones. Reports each import's time and peak memory (its own process)."""
    from demo import register as demo

    operator()
    gen = demo.Generator(seed=SEED)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(1, workbooks + 1):
            path = Path(folder) / f"register-{number:02d}.xlsx"
            started = time.perf_counter()
            built = build_workbook(path, households, gen)
            building = time.perf_counter() - started
            run = child("d", path, 0)
            path.unlink()
            runs.append(run)
            print(f"workbook {number:2d}: {built['households']:,} households, "
                  f"{built['members']:,} members, built in {building:.0f} s; imported "
                  f"{run['rows']:,} rows ({run['new']:,} new) in {run['seconds']:.1f} s, "
                  f"peak {run['peak_mb']:.0f} MB;\n  phases (s) {run['phases']}",
                  flush=True)  # fmt: skip
    first, total = runs[0]["seconds"], sum(run["seconds"] for run in runs)
    peak = max(run["peak_mb"] for run in runs)
    print(
        f"register of {households * workbooks:,} households in {workbooks} workbooks: "
        f"{total:.0f} s = {total / first:.2f}x the first workbook's {first:.1f} s "
        f"(target <= 12 for ten); last / first {runs[-1]['seconds'] / first:.2f}x; "
        f"peak memory {peak:.0f} MB (target < 4096): {'PASS' if peak < 4096 else 'FAIL'}"
    )
    print(json.dumps({"households": households, "workbooks": workbooks, "runs": runs}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument(
        "--workbooks",
        type=int,
        default=1,
        help="import this many workbooks of --households each, one after the other, into one "
        "register (a sheet holds at most 1,048,576 rows: ten times Tongren is ten workbooks)",
    )
    parser.add_argument("--stage", choices=["a", "b", "c", "d"])
    parser.add_argument("--file")
    args = parser.parse_args()
    setup_django()
    if args.stage:
        path = Path(args.file)
        stages = {"a": lambda: stage_a(path), "b": lambda: stage_b(path, args.sample),
                  "c": lambda: stage_c(path), "d": lambda: stage_d(path)}  # fmt: skip
        print(json.dumps(stages[args.stage](), default=str))
        return
    create_database()
    if args.workbooks > 1:
        return register_in_workbooks(args.households, args.workbooks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        started = time.perf_counter()
        built = build_workbook(path, args.households)
        print(f"workbook: {built}, {path.stat().st_size / 1e6:.0f} MB, "
              f"built in {time.perf_counter() - started:.0f} s")  # fmt: skip
        a = child("a", path, args.sample)
        c = child("c", path, args.sample)
        b = child("b", path, args.sample)
    rate_a = a["rows"] / a["seconds"]
    rate_b = b["rows"] / b["seconds"]
    rate_c = c["rows"] / c["seconds"]
    print(f"(a) this import:  {a['rows']:>9,} rows in {a['seconds']:7.1f} s = {rate_a:9,.0f} rows/s"
          f"  (dry run {a['dry_run_seconds']:.1f} s; peak {a['peak_mb']:.0f} MB)")  # fmt: skip
    print(f"(b) naive import-export: {b['rows']:>6,} rows in {b['seconds']:7.1f} s = "
          f"{rate_b:9,.0f} rows/s")  # fmt: skip
    print(f"(c) calamine + COPY: {c['rows']:>9,} rows in {c['seconds']:7.1f} s = "
          f"{rate_c:9,.0f} rows/s  (parsing {c['parse_seconds']:.1f} s)")  # fmt: skip
    print(f"export of the imported register: {a['exported']} in {a['export_seconds']:.1f} s; "
          f"its dry run reports {a['reimport_changes']} changes")  # fmt: skip
    speedup, slowdown = rate_a / rate_b, a["seconds"] / c["seconds"]
    print(f"(a)/(b) per row: {speedup:.1f}x (target >= 20): {'PASS' if speedup >= 20 else 'FAIL'}")
    print(f"(a)/(c) time:    {slowdown:.2f}x (target <= 3): {'PASS' if slowdown <= 3 else 'FAIL'}")
    peak = a["peak_mb"]
    print(f"peak memory of (a): {peak:.0f} MB (target < 2048): {'PASS' if peak < 2048 else 'FAIL'}")


if __name__ == "__main__":
    main()
