"""Published credit information (信用公示): stored scores and the signed daily disclosures."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from credit.registry.tables import Institution


class CreditScore(Table):
    """A credit assessment of one institution; a new row each time the score or level changes."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)
    score = Numeric(digits=(6, 2))
    level = Varchar(length=1)
    policy_version = Varchar(length=32)
    contributions = JSON()
    as_of = Date()
    computed_at = Timestamptz()


class Disclosure(Table):
    """The signed public snapshot of one day; one per day, never changed once published."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    day = Date(unique=True)
    published_at = Timestamptz()
    policy_version = Varchar(length=32)
    institutions_count = Integer()
    digest = Varchar(length=64)
    previous_digest = Varchar(length=64, default="")
    signature = Text()
    json_body = Text()
    csv_body = Text()
