"""A member promoted from an event's waitlist is told: one inbox message, with its push, in
their language (wired by app.wiring to community's RSVP hook). Taking a place or a waitlist
spot at RSVP time sends nothing: the member has the answer."""

import datetime as dt

from strawberry.relay import to_base64

from app import jobs
from app.community import service
from app.messaging.models import InboxMessage, MessageCategory
from app.messaging.service import PUSH_JOB
from tests import factories
from tests.community.test_community import CANCEL_RSVP, RSVP
from tests.helpers import gql, member_token

SOON = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)


async def _inbox(member_id: int) -> list[tuple[str, str, str, str | None]]:
    return [(m.category, m.title, m.body, m.deep_link)
            for m in await InboxMessage.filter(member_id=member_id).order_by("id")]  # fmt: skip


async def test_a_member_promoted_from_the_waitlist_is_told_once_in_their_language(client):
    event = await service.create_event(
        texts={"en": {"title": "Wine tasting"}, "es": {"title": "Cata de vinos"}},
        starts_at=SOON, ends_at=SOON + dt.timedelta(hours=2), capacity=1, location="Cellar",
        min_tier_code=None)  # fmt: skip
    first, second, third = (await factories.member(locale="en"),
                            await factories.member(locale="es"),
                            await factories.member(locale="nl"))  # fmt: skip
    tokens = {m.id: await member_token(m) for m in (first, second, third)}
    e = to_base64("Event", event.id)
    statuses = [(await gql(client, RSVP, {"e": e}, token=tokens[m.id]))["data"]["rsvp"]["status"]
                for m in (first, second, third)]  # fmt: skip
    assert statuses == ["CONFIRMED", "WAITLISTED", "WAITLISTED"]
    for m in (first, second, third):  # the answer says it all: no message yet
        assert await _inbox(m.id) == []

    cancelled = await gql(client, CANCEL_RSVP, {"e": e}, token=tokens[first.id])
    assert cancelled["data"]["cancelRsvp"]["status"] == "CANCELLED"
    (message,) = await InboxMessage.filter(member_id=second.id)
    assert await _inbox(second.id) == [(
        MessageCategory.EVENTS, "Tienes una plaza en Cata de vinos",
        "Se ha liberado una plaza y es para ti. Consulta los detalles en la app.",
        "loyalty://events")]  # fmt: skip
    pushes = await jobs.Job.filter(kind=PUSH_JOB)
    assert [p.payload for p in pushes] == [{"message": message.id}]
    assert await _inbox(first.id) == [] and await _inbox(third.id) == []

    # The next one in line, in Dutch (no Dutch title: the English one).
    await gql(client, CANCEL_RSVP, {"e": e}, token=tokens[second.id])
    assert [t for _, t, _, _ in await _inbox(third.id)] == ["Je hebt een plek bij Wine tasting"]
    assert len(await _inbox(second.id)) == 1  # giving the place up sends nothing
    assert await jobs.Job.filter(kind=PUSH_JOB).count() == 2  # one push per promotion
