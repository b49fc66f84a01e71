"""The regulator workspace (HTML, under /workspace): one controller module per area."""

from portal.workspace.dashboard import DashboardController
from portal.workspace.evidence import EvidencePages
from portal.workspace.feedback import FeedbackQueue
from portal.workspace.history import HistoryController
from portal.workspace.home_accounts import HomeAccountPages
from portal.workspace.home_requests import HomeRequestPages
from portal.workspace.institutions import InstitutionPages
from portal.workspace.listings import ListingPages
from portal.workspace.records import RecordPages
from portal.workspace.repairs import RepairPages
from portal.workspace.review import ReviewPages
from portal.workspace.supervision import SupervisionPages

CONTROLLERS = [
    DashboardController,
    InstitutionPages,
    RecordPages,
    HistoryController,
    ListingPages,
    ReviewPages,
    RepairPages,
    SupervisionPages,
    FeedbackQueue,
    HomeAccountPages,
    EvidencePages,
    HomeRequestPages,
]
