"""Institution self-service (机构端): a home's own users see its full record and answer its notices, under /my."""

from portal.my.applications import MyApplicationsController
from portal.my.changes import MyChangesController
from portal.my.display import MyDisplayController
from portal.my.evidence import MyEvidenceController
from portal.my.hazards import MyHazardsController
from portal.my.views import MyHomeController

CONTROLLERS = [
    MyHomeController,
    MyChangesController,
    MyHazardsController,
    MyDisplayController,
    MyApplicationsController,
    MyEvidenceController,
]
