"""The printable documents of a list entry: the notice (列入告知书) served on the subject of a proposed
entry, and the listing decision (列入决定书) once it is listed."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from credit.accounts.auth import requires_login
from credit.errors import NotFound
from credit.listings.behaviours import BEHAVIOURS
from credit.listings.service import entry_detail
from credit.registry.districts import district_name
from credit.sharing.measures import MEASURES


class NoticeController(Controller):
    include_in_schema = False
    guards = [requires_login]

    @get("/workspace/listings/{entry_id:int}/notice", operation_id="listingNotice")
    async def notice(self, entry_id: FromPath[int]) -> Template:
        """Facts, basis, the subject's rights and the objection deadline, ready to print."""
        entry = await entry_detail(entry_id)
        return Template(
            "listings/notice.html",
            context={"entry": entry, "authority": f"{district_name(entry['district_code'])}民政局"},
        )

    @get("/workspace/listings/{entry_id:int}/decision-document", operation_id="listingDecisionDocument")
    async def decision(self, entry_id: FromPath[int]) -> Template:
        """Subject, behaviour and facts, basis, the measures that follow, how long, how to apply for early
        removal, and the remedies; only for an entry that has been listed."""
        entry = await entry_detail(entry_id)
        if entry["listed_on"] is None:
            raise NotFound(f"a listing decision for entry {entry_id}: it has not been listed (now {entry['status']})")
        return Template(
            "listings/decision.html",
            context={
                "entry": entry,
                "behaviour": BEHAVIOURS[entry["behaviour"]],
                "measures": MEASURES,
                "authority": f"{district_name(entry['district_code'])}民政局",
            },
        )
