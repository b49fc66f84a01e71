"""The home's own "what comes next" on /my (issue 18): the same outlook as the public profile plus what only the
home may see, such as an open hazard's rectify-by day; the public profile never shows that deadline.

Sources: DESIGN.md "Fire safety standardisation" (a major hazard has a rectify-by date; any open major hazard
makes fire safety non-compliant) and 民发〔2019〕103号 behaviour 4 (a major fire hazard left past its deadline).
"""

from __future__ import annotations

from datetime import timedelta

from credit.timeutil import today
from tests import factories
from tests.institution.test_home_self_service import homes, open_account, sign_in_home  # noqa: F401 (fixture)
from tests.workspace.workspace_helpers import TIANNING


async def test_my_page_shows_what_comes_next_with_the_hazard_deadline_the_public_does_not_see(client, homes):
    home = homes[TIANNING]
    await factories.inspection_with_hazard(home, category="fire")
    deadline = (today() + timedelta(days=20)).isoformat()
    password = await open_account(client, homes)
    await sign_in_home(client, password)
    mine = (await client.get("/my")).text
    assert 'data-testid="my-outlook"' in mine and "接下来" in mine and "What comes next" in mine
    assert f"整改期限{deadline}" in mine and f"due by {deadline}" in mine
    assert "重大火灾隐患" in mine
    public = (await client.get(f"/institutions/{home['uscc']}?lang=zh")).text
    assert "接下来" in public and "整改重大事故隐患（重大火灾隐患）" in public
    assert (
        f"整改期限{deadline}" not in public
        and deadline not in public.split('data-testid="outlook"')[1].split("</section>")[0]
    )
