"""The printable notice (列入告知书) a regulator serves on the subject of a proposed list entry."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from credit.accounts.auth import requires_login
from credit.listings.service import entry_detail
from credit.registry.districts import district_name


class NoticeController(Controller):
    include_in_schema = False
    guards = [requires_login]

    @get("/workspace/listings/{entry_id:int}/notice", operation_id="listingNotice")
    async def notice(self, entry_id: FromPath[int]) -> Template:
        """Facts, basis, the subject's rights and the objection deadline, ready to print."""
        entry = await entry_detail(entry_id)
        return Template("listings/notice.html", context={
            "entry": entry, "authority": f"{district_name(entry['district_code'])}民政局"})
