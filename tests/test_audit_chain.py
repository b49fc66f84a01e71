"""The audit log is a hash chain: any edit or removal is found at the first broken link."""

from credit import db as database
from credit.audit import service as audit
from credit.audit.tables import AuditEntry


async def write_entries(count: int) -> None:
    for n in range(count):
        async with database.transaction():
            await audit.record("tester", "thing.update", "thing", n, {"n": n})


async def test_an_untouched_chain_verifies(db):
    await write_entries(5)
    assert await audit.verify() == (5, None)


async def test_an_edited_entry_is_reported_as_the_first_broken_link(db):
    await write_entries(5)
    await AuditEntry.update({AuditEntry.actor: "someone else"}).where(AuditEntry.seq == 3).run()
    checked, broken = await audit.verify()
    assert checked == 2 and broken.seq == 3 and "edited" in broken.reason


async def test_a_deleted_entry_is_reported(db):
    await write_entries(4)
    await AuditEntry.delete().where(AuditEntry.seq == 2).run()
    _, broken = await audit.verify()
    assert broken.seq == 2 and "missing" in broken.reason
