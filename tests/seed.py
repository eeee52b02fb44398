"""The seed article's published figures (``seed/000_0b27a3c673c1f5c5.txt``), as the summary
endpoints name them.

One list for every test that checks them: the fixtures alone (``tests/relocation``,
``tests/assistance``) and the database ``make run`` builds (``tests/demo``).
"""

from __future__ import annotations

from typing import Any

# "五个体系": (field of /api/v1/relocation/summary/, dotted; figure). "100多" and "60余" are
# recorded at their lower bounds.
RELOCATION = [
    ("sites", 144),
    ("households", 66_000),  # 6.6万户
    ("people", 293_600),  # 29.36万人
    ("cross_county_people", 125_500),  # 12.55万人
    ("facilities.school.in_use", 61),
    ("facilities.school.total", 61),
    ("facilities.clinic.in_use", 51),
    ("sites_served_by_existing_clinics", 82),
    ("facilities.service_centre.built", 48),
    ("hukou_transferred_people", 274_767),
    ("employment.labour_households", 63_510),
    ("labourers", 137_843),
    ("employed_labourers", 118_069),
    ("employment.employed_labour_households", 63_510),
    ("employment.zero_employment_households", 0),
    ("employment.rate", "100.0"),
    ("culture_activities.family_education.sessions", 100),
    ("culture_activities.performance.sessions", 60),
    ("culture_activities.gratitude_education.sessions", 358),
    ("culture_activities.lecture.sessions", 95),
    ("governance_units.management_unit.established", 129),
    ("governance_units.street.total", 8),
    ("governance_units.street.established", 6),
    ("governance_units.community.planned", 38),
    ("governance_units.residents_committee.established", 51),
    ("governance_units.police_room.total", 27),
    ("governance_units.police_room.officers", 96),
    ("governance_units.security_organisation.total", 68),
    ("party_organisations.working_committee.total", 6),
    ("party_organisations.general_branch.total", 8),
    ("party_organisations.branch.total", 112),
    ("party_organisations.group.total", 79),
    ("party_organisations.branch.members", 484),
]

# "对口帮扶": Suzhou since 2013 (scheme east_west).
SUZHOU = [
    ("exchange_visitors", 1706),
    ("joint_meetings", 10),
    ("working_meetings", 47),
    ("funds", "1705400000.00"),  # 17.054亿元
    ("projects", 1121),
    ("people_covered", 691890),  # 69.189万
    ("trainings", 331),
    ("trainees", 12497),
    ("placed", 37499),
]
# (pairing level, Suzhou's units, Tongren's units)
SUZHOU_PAIRINGS = [
    ("town_township", 102, 119),
    ("village_village", 394, 421),
    ("school_school", 450, 558),
    ("hospital_hospital", 118, 204),
]

# "定点帮扶": the central units since the 13th five-year plan (scheme designated).
DESIGNATED = [
    ("seconded_cadres", 86),
    ("exchange_visitors", 436),
    ("funds", "222115400.00"),  # 22211.54万元
    ("projects", 246),
    ("people_covered", 19924),
    ("trainings", 174),
    ("trainees", 24497),
    ("purchases", "30591500.00"),  # 3059.15万元
    ("sales_helped", "21933000.00"),  # 2193.30万元
]
DESIGNATED_PAIRING = ("unit_county", 6, 7)  # 6 central units, 7 counties

# "社会帮扶" (scheme social): (partner kind, field, figure).
SOCIAL = [
    ("social_organisation", "funds", "430000000.00"),  # 4.3亿元
    ("social_organisation", "people_covered", 100000),  # 10万余人
    ("private_enterprise", "funds", "1268000000.00"),  # 12.68亿元
    ("private_enterprise", "people_covered", 96400),  # 9.64万人
]
SOCIAL_PAIRING = ("private_enterprise", "enterprise_village", 365, 608)

# "9+2": for 沿河 (scheme nine_plus_two).
NINE_PLUS_TWO = [
    ("funds", "80000000.00"),  # 0.8亿元
    ("projects", 38),
]
NINE_PLUS_TWO_HELPERS = ("county_county", 11)  # 9 counties, 1 high-tech zone, 1 development zone


def pick(body: dict[str, Any], path: str) -> Any:
    """``pick(summary, "employment.rate")``: a field of a summary by its dotted path."""
    for key in path.split("."):
        body = body[key]
    return body


def pairing_level(summary: dict[str, Any], level: str) -> dict[str, Any]:
    """The one row of ``summary["pairings"]`` of ``level``."""
    (row,) = [row for row in summary["pairings"] if row["level"] == level]
    return row
