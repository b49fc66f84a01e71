"""Accounts: regulator and agency users, and their API tokens."""

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from credit.sharing.tables import Agency


class User(Table, tablename="account_user"):
    """A person who signs in to the workspace; the role decides what they may do."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100, default="")
    password_hash = Varchar(length=200)
    role = Varchar(length=32)  # admin | city_regulator | district_regulator | agency_officer | institution
    district_code = Varchar(length=6, default="")
    agency = ForeignKey(references=Agency, null=True)
    institution_uscc = Varchar(length=18, default="", index=True)  # role institution: the home it answers for
    must_change_password = Boolean(default=False)  # an account civil affairs created for a home: set on first sign-in
    # Role institution, while active: 1..INSTITUTION_USERS_MAX, unique per home (the database holds the cap).
    home_slot = Integer(null=True, default=None)
    active = Boolean(default=True)
    deactivated_at = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ApiToken(Table):
    """A bearer token for a user's API use; only its hash is stored."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    user = ForeignKey(references=User, index=True)
    prefix = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)  # created_at + TOKEN_TTL_DAYS; none counts as expired
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
