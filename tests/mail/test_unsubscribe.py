"""One-click unsubscribe (RFC 8058) on a real SMTP server: marketing mail carries
List-Unsubscribe and List-Unsubscribe-Post; POSTing its URL withdraws the marketing email
consent with its proof (and the next marketing mail is skipped); GET only shows a page in
the member's language; a forged token changes nothing."""

import dataclasses
from urllib.parse import urlsplit

import pytest

from app import jobs
from app.clock import now
from app.db import transaction
from app.mail import service as mail
from app.mail.models import EmailDelivery, MailStatus
from app.members import service as members
from app.privacy import service as privacy
from app.privacy.models import ConsentRecord, ConsentSource, MemberConsent, Purpose
from app.settings import configure, get_settings
from tests import factories

ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def public(client, smtp):
    """Links on an https PUBLIC_BASE_URL, as in production (the smtp fixture restores)."""
    configure(dataclasses.replace(get_settings(), public_base_url="https://loyalty.example"))


async def _subscriber(**fields):
    member = await factories.member(email_verified_at=now(), **fields)
    await privacy.set_consent(member_id=member.id, purpose=Purpose.MARKETING_EMAIL, granted=True,
                              policy_version="2026-11", source=ConsentSource.APP)  # fmt: skip
    return member


async def _campaign_mail(member, key: str, campaign_id: int = 7):
    async with transaction() as tx:
        await mail.mail_later(tx.connection, mail.spec(
            template="CAMPAIGN", key=key, member_id=member.id, category="marketing",
            campaign_id=campaign_id, fields={"subject": "Double points", "body": "This week."},
        ))  # fmt: skip
    await jobs.drain()


async def _email_consent(member_id: int) -> bool | None:
    row = await MemberConsent.get_or_none(member_id=member_id, purpose=Purpose.MARKETING_EMAIL)
    return None if row is None else row.granted


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_one_click_post_withdraws_consent_and_stops_marketing_mail(client, smtp, public):
    member = await _subscriber(locale="nl")
    await _campaign_mail(member, "campaign:7:1")
    [got] = smtp.to(member.email)
    header = got.message["List-Unsubscribe"]
    assert header.startswith("<https://loyalty.example/email/unsubscribe?token=")
    assert header.endswith(">")
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in got.text()

    hooked = []

    async def hook(**kwargs):
        hooked.append(kwargs)

    privacy.CONSENT_HOOKS.append(hook)
    try:
        answer = await client.post(_path(url), content="List-Unsubscribe=One-Click",
                                   headers=ONE_CLICK)  # fmt: skip
    finally:
        privacy.CONSENT_HOOKS.remove(hook)
    assert answer.status_code == 200
    assert "Je bent afgemeld" in answer.text and 'lang="nl"' in answer.text
    assert hooked == [{"member_id": member.id, "purpose": "marketing_email", "granted": False}]
    record = await ConsentRecord.get(member_id=member.id, source=ConsentSource.EMAIL)
    assert record.purpose == Purpose.MARKETING_EMAIL and not record.granted
    assert record.client == "list-unsubscribe campaign:7"
    assert await _email_consent(member.id) is False
    assert not await members.opted_in(member_ids={member.id}, channel=members.Channel.EMAIL)

    # Again: fine, and nothing more recorded.
    again = await client.post(_path(url), content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert again.status_code == 200 and "Je bent afgemeld" in again.text
    assert await ConsentRecord.filter(member_id=member.id, source=ConsentSource.EMAIL).count() == 1

    # The next marketing mail is skipped, not received.
    await _campaign_mail(member, "campaign:8:1", campaign_id=8)
    assert len(smtp.to(member.email)) == 1
    skipped = await EmailDelivery.get(key="campaign:8:1")
    assert skipped.status == MailStatus.SKIPPED and skipped.error == "no_consent"


async def test_get_shows_a_page_in_the_members_language_and_changes_nothing(client, smtp, public):
    member = await _subscriber(locale="nl")
    url = mail.unsubscribe_link(member_id=member.id, campaign_id=3)
    records = await ConsentRecord.filter(member_id=member.id).count()
    page = await client.get(_path(url), headers={"accept-language": "en-GB,en;q=0.9"})
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert "Afmelden voor aanbiedingen per mail?" in page.text
    assert '<form method="post" action="/email/unsubscribe?token=' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert await ConsentRecord.filter(member_id=member.id).count() == records
    assert await _email_consent(member.id) is True

    # The page's button: the token in the form body.
    token = mail.unsubscribe_token(member_id=member.id, campaign_id=3)
    done = await client.post("/email/unsubscribe", data={"token": token})
    assert done.status_code == 200 and "Je bent afgemeld" in done.text
    record = await ConsentRecord.get(member_id=member.id, source=ConsentSource.EMAIL)
    assert record.client == "list-unsubscribe page campaign:3"
    assert await _email_consent(member.id) is False
    # Once unsubscribed, the page says so (no button).
    page = await client.get(_path(url))
    assert "Je bent afgemeld" in page.text and "<form" not in page.text


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_forged_token_is_refused_and_changes_nothing(client, smtp, public, method):
    member = await _subscriber(locale="es")
    genuine = mail.unsubscribe_token(member_id=member.id, campaign_id=7)
    other = await _subscriber()
    forged = [
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),  # a wrong MAC
        f"{other.id}." + genuine.split(".", 1)[1],  # another member's id on this MAC
        "",
        "not-a-token",
        "\u00b2.0.k.m",  # "²".isdigit(), but int() refuses it
        f"{other.id}.\u0661.{genuine.split('.', 2)[2]}",  # an Arabic-Indic digit one
    ]
    for token in forged:
        answer = await client.request(method, "/email/unsubscribe", params={"token": token},
                                      content="List-Unsubscribe=One-Click", headers=ONE_CLICK)  # fmt: skip
        assert answer.status_code == 400, token
        assert "<form" not in answer.text
    assert await _email_consent(member.id) is True and await _email_consent(other.id) is True
    assert not await ConsentRecord.filter(source=ConsentSource.EMAIL).exists()


async def test_a_token_of_unicode_digits_is_a_400_not_a_500(client, smtp, public):
    answer = await client.post("/email/unsubscribe?token=\u00b2.0.k.m")
    assert answer.status_code == 400 and "<form" not in answer.text
    for token in (
        "\u00b2.0.k.m",
        "1.\u00b2.k.m",
        "\u0661.0.k.m",
        "+1.0.k.m",
        " 1.0.k.m",
        "1.-0.k.m",
    ):
        assert mail.read_unsubscribe_token(token) is None, token
