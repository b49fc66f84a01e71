"""The one Piccolo app of the project: every table, migrations in the top-level `migrations/`."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from credit.accounts.tables import ApiToken, User
from credit.audit.tables import AuditEntry
from credit.disclosures.tables import CreditScore, Disclosure
from credit.evidence.tables import EvidenceFile
from credit.feedback.tables import Feedback, FeedbackReply
from credit.listings.tables import (
    ListingBasis,
    ListingEntry,
    ListingTransition,
    NoticeReceipt,
    PunishmentMeasure,
    RemovalApplication,
)
from credit.public.tables import PublicPage, PublicProfile
from credit.records.tables import (
    FireChecklistItem,
    FireInspection,
    Grading,
    HazardReport,
    MajorHazard,
    Penalty,
    RepairApplication,
)
from credit.registry.tables import ChangeRequest, Institution, Practitioner
from credit.scheduling.tables import JobRun
from credit.search.tables import InstitutionSearch
from credit.sharing.tables import Agency, AgencyKey, ChangeEvent
from credit.supervision.tables import (
    InspectionDraw,
    Inspector,
    InspectorConflict,
    ResultCorrection,
    SupervisionTask,
)

# Ordered so that every table comes after the tables it references.
TABLES = [
    Agency,
    AgencyKey,
    Institution,
    Practitioner,
    Grading,
    FireInspection,
    FireChecklistItem,
    MajorHazard,
    Penalty,
    ListingEntry,
    ListingBasis,
    ListingTransition,
    RemovalApplication,
    PunishmentMeasure,
    User,
    ApiToken,
    CreditScore,
    Disclosure,
    ChangeEvent,
    AuditEntry,
    JobRun,
    InspectionDraw,
    Inspector,
    InspectorConflict,
    SupervisionTask,
    RepairApplication,
    PublicProfile,
    InstitutionSearch,
    Feedback,
    FeedbackReply,
    NoticeReceipt,
    EvidenceFile,
    ResultCorrection,
    ChangeRequest,
    HazardReport,
    PublicPage,
]

APP_CONFIG = AppConfig(
    app_name="eldercredit",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES,
)
