"""Scoped reads of the assistance app: partners, pairings, projects, the 9+2 view, the summary
and the fund and progress rates (拨付率, 报账率, 备案率, 竣工率) computed in the database.

A county supervisor sees the projects, pairings and activities whose Tongren region lies in
their county; the city sees all. Partners are reference data every reader sees; what they did
is scoped.

The reads live by sub-domain in the modules of this package and are all named here
(``from assistance import selectors``; ``selectors.project_list``):

- ``partners``: partners, pairings, agreements and the 9+2 helpers;
- ``projects``: projects with their flow totals, and their fund flows;
- ``activities``: trainings, job placements and the register members a placement is for;
- ``rates``: the fund and progress rates;
- ``summary``: itemised rows plus reported totals.
"""

from assistance.selectors.activities import (
    MEMBER_SEARCH_LIMIT,
    MIN_MEMBER_NAME_SEARCH,
    job_placement_get,
    job_placement_list,
    member_for_placement,
    member_search,
    show_member_ids,
    training_get,
    training_list,
)
from assistance.selectors.partners import (
    Helper,
    agreement_list,
    institutions_recorded,
    nine_plus_two_helpers,
    pairing_get,
    pairing_list,
    partner_get,
    partner_list,
)
from assistance.selectors.projects import (
    MONEY_FIELD,
    ZERO,
    latest_project_year,
    project_flows,
    project_get,
    project_list,
    voucher_get,
)
from assistance.selectors.rates import (
    CENT,
    EMPTY_RATES,
    HUNDRED,
    ProjectRates,
    code_prefix,
    project_rates,
    project_rates_by_region,
)
from assistance.selectors.summary import (
    MONEY_NAMES,
    REPORTED_FIELDS,
    PublishedFigure,
    SummaryFilters,
    assistance_summary,
    published_figures,
    summary_region,
)

__all__ = [
    "CENT",
    "EMPTY_RATES",
    "HUNDRED",
    "MEMBER_SEARCH_LIMIT",
    "MIN_MEMBER_NAME_SEARCH",
    "MONEY_FIELD",
    "MONEY_NAMES",
    "REPORTED_FIELDS",
    "ZERO",
    "Helper",
    "ProjectRates",
    "PublishedFigure",
    "SummaryFilters",
    "agreement_list",
    "assistance_summary",
    "code_prefix",
    "institutions_recorded",
    "job_placement_get",
    "job_placement_list",
    "latest_project_year",
    "member_for_placement",
    "member_search",
    "nine_plus_two_helpers",
    "pairing_get",
    "pairing_list",
    "partner_get",
    "partner_list",
    "project_flows",
    "project_get",
    "project_list",
    "project_rates",
    "project_rates_by_region",
    "published_figures",
    "show_member_ids",
    "summary_region",
    "training_get",
    "training_list",
    "voucher_get",
]
