"""Erasure asks each domain to forget the member through that domain's service
(`forget_member`), all inside erasure's one transaction: a failure at the last step leaves
every table as it was, whatever the domains before it had already done."""

import pytest
from tortoise import Tortoise, connections

from app.members import service as members
from app.privacy import erasure
from app.privacy.models import ErasureReason, ErasureRecord
from tests.privacy import seed


async def _every_row() -> dict[str, list[dict]]:
    """Every row of every table, read with raw SELECTs in primary key order."""
    conn = connections.get("default")
    rows = {}
    for model in Tortoise.apps["models"].values():
        table, pk = model._meta.db_table, model._meta.db_pk_column
        rows[table] = await conn.execute_query_dict(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
    return rows


async def test_a_failure_after_every_domain_forgot_the_member_changes_nothing(app, monkeypatch):
    _, a, _ = await seed.two_people()
    before = await _every_row()
    assert before["auth_session"] and before["inbox_message"] and before["community_post"]

    async def fails(**_):  # the last domain's step: everything else has run by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(members, "forget_member", fails)
    with pytest.raises(RuntimeError):
        await erasure.erase_member(member_id=a.member.id, reason=ErasureReason.OTHER)

    assert await _every_row() == before
    assert not await ErasureRecord.exists(member_id=a.member.id)
