"""Evidence files (证明材料) a home uploads with an objection or an application; the bytes live in the file store."""

from piccolo.columns import BigInt, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from credit.registry.tables import Institution

# What a file is evidence for: the objection to a list entry (owner: the entry), a penalty repair application
# (owner: the repair application), an early-removal application (owner: the removal application) or a home's report
# of a hazard's rectification (owner: the report). The column has no CHECK constraint: this tuple is the rule.
OWNER_KINDS = ("objection", "repair", "removal", "hazard_report")


class EvidenceFile(Table):
    """One uploaded evidence file: its sniffed type, size and sha256, and the random name it is stored under."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)  # the home it belongs to (who may read it)
    owner_kind = Varchar(length=16)  # one of OWNER_KINDS
    owner_id = Integer()
    storage_key = Varchar(length=64, unique=True)  # random; never derived from the name or the id
    file_name = Varchar(length=200)  # as the uploader named it, cleaned; shown, never used as a path
    content_type = Varchar(length=32)  # sniffed from the bytes: application/pdf | image/jpeg | image/png
    size_bytes = BigInt()
    sha256 = Varchar(length=64)
    uploaded_by = Varchar(length=100)
    uploaded_at = Timestamptz()
