"""Registry tables: eldercare institutions (养老机构) and their practitioners (从业人员)."""

from piccolo.columns import (
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Institution(Table):
    """A registered eldercare institution (养老机构), unique by its USCC (统一社会信用代码)."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    uscc = Varchar(length=18, unique=True, index=True)
    name = Varchar(length=200, index=True)
    district_code = Varchar(length=6, index=True)
    address = Varchar(length=300, default="")
    beds = Integer(default=0)
    owner_type = Varchar(length=32)  # public | private_nonprofit | enterprise | public_private
    legal_representative = Varchar(length=100, default="")
    phone = Varchar(length=40, default="")
    established_on = Date(null=True, default=None)
    status = Varchar(length=16, default="active")  # active | closed
    # What the home offers (credit.registry.offers); NULL: not reported, never "none" or 0.
    services = Varchar(length=200, null=True, default=None)  # codes joined by commas; "" reported empty
    care_levels = Varchar(length=100, null=True, default=None)  # 护理等级 accepted, as services
    fee_min = Integer(null=True, default=None)  # 收费标准: whole yuan a month
    fee_max = Integer(null=True, default=None)
    website = Varchar(length=300, null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Practitioner(Table):
    """A person working at an institution; the ID number is kept only as an HMAC and a masked form."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, null=True, index=True)
    name = Varchar(length=100)
    id_hmac = Varchar(length=64, unique=True, index=True)
    id_masked = Varchar(length=18)
    role = Varchar(length=32)  # legal_representative | manager | care_staff
    note = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()


class ChangeRequest(Table, tablename="registry_change_request"):
    """A change of one registry field requested by the home itself (机构端登记信息变更申请).

    status: open -> approved | rejected | withdrawn; at most one `open` request per home and field (a partial
    unique index). Nothing of it is public: only an approved request changes the registry, through the registry
    service and the write hook.
    """

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)
    field = Varchar(length=32)  # one of credit.registry.changes.FIELDS
    current_value = Varchar(length=300, default="")  # the registry's value when the home asked
    requested_value = Varchar(length=300, default="")
    note = Text(default="")  # the home's explanation
    status = Varchar(length=16, default="open")
    requested_by = Varchar(length=64)
    requested_at = Timestamptz()
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    reasons = Text(default="")  # the regulator's reasons (required for a rejection)
