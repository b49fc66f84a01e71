"""The workspace home: counts and the items needing action."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from credit.accounts.roles import REGULATORS, Principal
from credit.clock import Clock
from credit.feedback.queries import inspections_requested, overdue_feedback
from credit.listings.queries import OBJECTION_WARNING_DAYS, calendar_holds, count_listed, objection_windows_closing
from credit.records.queries import count_open_hazards, due_for_inspection, gradings_lapsing, overdue_major_hazards
from credit.registry.queries import institution_counts_by_district, search_institutions
from credit.supervision.service import overdue as supervision_overdue
from portal.workspace.base import WorkspaceController, district_scope, page
from scoring import policy_for

LEVELS = ("A", "B", "C", "D")
GRADING_WARNING_DAYS = 90


class DashboardController(WorkspaceController):
    @get("/", operation_id="workspaceDashboard", name="workspace")
    async def dashboard(self, clock: NamedDependency[Clock], principal: NamedDependency[Principal]) -> Template:
        """Counts for the principal's city or district, and what needs doing soon."""
        district = district_scope(principal)
        civil_affairs = principal.role in REGULATORS
        total = (await search_institutions(district=district, page_size=1)).total
        by_level = [
            (level, (await search_institutions(district=district, level=level, page_size=1)).total) for level in LEVELS
        ]
        by_district = [
            (c.code, c.count) for c in await institution_counts_by_district() if not district or c.code == district
        ]
        months = policy_for(clock.today()).fire.recent_inspection_months
        due_count, due = await due_for_inspection(months, district)
        return page(
            "dashboard.html",
            principal,
            district=district,
            total=total,
            by_level=by_level,
            unrated=total - sum(n for _, n in by_level),
            by_district=by_district,
            open_hazards=await count_open_hazards(district),
            listed=await count_listed(district),
            objections=await objection_windows_closing(district),
            objection_days=OBJECTION_WARNING_DAYS,
            calendar_holds=await calendar_holds(district),
            lapsing=await gradings_lapsing(district, GRADING_WARNING_DAYS),
            grading_days=GRADING_WARNING_DAYS,
            overdue=await overdue_major_hazards(district),
            due=due,
            due_count=due_count,
            due_months=months,
            supervision=await supervision_overdue(principal),
            # citizen feedback is civil affairs' to handle: agency officers do not see its references
            feedback_overdue=await overdue_feedback(district) if civil_affairs else [],
            feedback_inspections=await inspections_requested(district) if civil_affairs else [],
        )
