"""The principal that operator commands (CLI import, seed, scheduled jobs) act as."""

from credit.accounts.roles import ADMIN, Principal


def system_principal(name: str = "system") -> Principal:
    return Principal(user_id=0, username=name, role=ADMIN)
