"""The public projection (公开信息): one row per institution, rebuilt from the tables whenever they change."""

from piccolo.columns import Boolean, Bytea, Date, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.table import Table


class PublicProfile(Table, tablename="public_profile"):
    """What the public may see of one institution: the profile document (JSON, as the public API sends it)
    and the flat columns that search, filters and sorts use. `version` counts this row's own changes."""

    institution = Integer(primary_key=True)  # the institution's id
    uscc = Varchar(length=18, unique=True, index=True)
    name = Varchar(length=200, index=True)
    district_code = Varchar(length=6, index=True)
    beds = Integer(default=0, index=True)
    owner_type = Varchar(length=32, index=True)
    status = Varchar(length=16, default="active")
    level = Varchar(length=1, default="", index=True)
    score = Numeric(digits=(6, 2), null=True, default=None, index=True)
    grade = Integer(null=True, default=None, index=True)
    fire_status = Varchar(length=24, default="none", index=True)
    listed = Boolean(default=False, index=True)
    # What the home offers and how to reach it (credit.registry.offers): shown on every result card, filtered on.
    services = Varchar(length=200, null=True, default=None)  # ",code,code," (LIKE '%,code,%'); NULL not reported
    care_levels = Varchar(length=100, null=True, default=None)
    fee_min = Integer(null=True, default=None)
    fee_max = Integer(null=True, default=None)
    address = Varchar(length=300, default="")
    phone = Varchar(length=40, default="")
    website = Varchar(length=300, null=True, default=None)
    as_of = Date()  # the day the row was computed for (penalties and gradings end by date)
    document = Text()  # JSON bytes of the profile document
    version = Integer(default=1)
    updated_at = Timestamptz()


class PublicPage(Table, tablename="public_page"):
    """One home's public page in one language and display mode, rendered and gzipped ahead of visitors, under the
    ETag it was rendered for (credit.public.pages stores and reads them; portal.public.stored_pages renders them).
    A row whose ETag is not the page's current one is never served: the page is rendered per request instead."""

    key = Varchar(length=40, primary_key=True)  # "<uscc>:<lang>-<mode>"
    institution = Integer(index=True)
    uscc = Varchar(length=18, index=True)
    variant = Varchar(length=16)  # "<lang>-<mode>" (credit.settings.PAGE_VARIANTS)
    etag = Varchar(length=64)
    body = Bytea()  # gzip of the page's HTML
    rendered_at = Timestamptz()
