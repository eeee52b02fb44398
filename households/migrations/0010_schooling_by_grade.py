"""在校生状况 by grade: the rows of the collapsed values (高中, 中职, 高职) get a grade.

The register kept no grade, so the grade is the year of study a member of that age is in on
1 September of the year the household's register describes (its latest income year, or this
school year when it has none): 高中 and 中职 from 15 years old (15 → first year, 16 → second,
17 and older → third), 高职 from 18. An import of the national file corrects it where the age
is not the grade. Going back gives the collapsed values again, and turns what the earlier
lists did not have into their nearest earlier value (非在校生 → empty, the health combinations
→ the illness, the later relations → 其他, 其他 work → none).
"""

import datetime

from django.db import migrations
from django.db.models import Max

BATCH = 2000
# collapsed value → (its grades, the age of the first year)
GRADES = {
    "senior": (("senior_1", "senior_2", "senior_3"), 15),
    "vocational_secondary": (
        ("vocational_secondary_1", "vocational_secondary_2", "vocational_secondary_3"),
        15,
    ),
    "vocational_higher": (
        ("vocational_higher_1", "vocational_higher_2", "vocational_higher_3"),
        18,
    ),
}
COLLAPSED = {grade: collapsed for collapsed, (grades, _) in GRADES.items() for grade in grades}
EARLIER = {
    "schooling": {"not_in_school": ""},
    "health": {"chronic_disabled": "disabled", "serious_disabled": "serious"},
    "relation": {code: "99" for code in ("21", "22", "23", "24", "25", "26", "27")},
    "work_status": {"other": ""},
}


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def grade_of(collapsed: str, born: datetime.date, september: datetime.date) -> str:
    grades, first_age = GRADES[collapsed]
    year = min(max(_age(born, september) - first_age, 0), len(grades) - 1)
    return grades[year]


def this_school_year() -> int:
    today = datetime.date.today()
    return today.year if (today.month, today.day) >= (9, 1) else today.year - 1


def to_grades(apps, schema_editor):
    Member = apps.get_model("households", "Member")
    AnnualIncome = apps.get_model("households", "AnnualIncome")
    members = list(
        Member.objects.filter(schooling__in=list(GRADES)).only(
            "pk", "household_id", "birth_date", "schooling"
        )
    )
    if not members:
        return
    latest = dict(
        AnnualIncome.objects.filter(household_id__in={m.household_id for m in members})
        .values("household_id")
        .annotate(year=Max("year"))
        .values_list("household_id", "year")
    )
    current = this_school_year()
    for member in members:
        september = datetime.date(latest.get(member.household_id, current), 9, 1)
        member.schooling = grade_of(member.schooling, member.birth_date, september)
    Member.objects.bulk_update(members, ["schooling"], batch_size=BATCH)


def to_collapsed(apps, schema_editor):
    Member = apps.get_model("households", "Member")
    for grade, collapsed in COLLAPSED.items():
        Member.objects.filter(schooling=grade).update(schooling=collapsed)
    for field, earlier in EARLIER.items():
        for new, old in earlier.items():
            changes = {field: old, "work_months": 0} if field == "work_status" else {field: old}
            Member.objects.filter(**{field: new}).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("households", "0009_national_code_lists")]

    operations = [migrations.RunPython(to_grades, to_collapsed)]
