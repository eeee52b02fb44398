"""三位一体 and 9+2: partners, pairings, agreements, projects and funds, labour cooperation.

Itemised rows (one project, one fund flow, one training session, one placed member) sit beside
``ReportedTotal`` rows: the part of a published cumulative figure (e.g. "1121 projects since
2013") that is not recorded item by item. The summary adds both; nothing is a constant in code.

The models live by sub-domain in the modules of this package and are all named here, so that
``from assistance.models import X`` is the one way to reach them:

- ``partners``: the schemes, partners, institutions, agreements and pairings;
- ``projects``: projects, their outputs and fund flows;
- ``activities``: trainings, job placements, exchange visits, meetings, consumption assistance
  and seconded cadres;
- ``totals``: the reported totals.
"""

from assistance.models.activities import (
    ConsumptionAssistance,
    ExchangeVisit,
    JobPlacement,
    JointMeeting,
    MeetingKind,
    PlacementPlace,
    SchemeActivity,
    SecondedCadre,
    Training,
)
from assistance.models.partners import (
    Agreement,
    Institution,
    InstitutionKind,
    Pairing,
    PairingLevel,
    Partner,
    PartnerKind,
    Scheme,
)
from assistance.models.projects import (
    COMPLETED_STATES,
    FILED_STATES,
    PROJECT_STATE_ORDER,
    FundFlow,
    FundFlowKind,
    FundFlowVoucher,
    Project,
    ProjectCategory,
    ProjectOutput,
    ProjectState,
)
from assistance.models.totals import ReportedTotal

__all__ = [
    "COMPLETED_STATES",
    "FILED_STATES",
    "PROJECT_STATE_ORDER",
    "Agreement",
    "ConsumptionAssistance",
    "ExchangeVisit",
    "FundFlow",
    "FundFlowKind",
    "FundFlowVoucher",
    "Institution",
    "InstitutionKind",
    "JobPlacement",
    "JointMeeting",
    "MeetingKind",
    "Pairing",
    "PairingLevel",
    "Partner",
    "PartnerKind",
    "PlacementPlace",
    "Project",
    "ProjectCategory",
    "ProjectOutput",
    "ProjectState",
    "ReportedTotal",
    "Scheme",
    "SchemeActivity",
    "SecondedCadre",
    "Training",
]
