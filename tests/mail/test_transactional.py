"""Transactional mail on a real SMTP server (loopback): export ready, account deleted,
voucher issued, each in the member's language; the rewards category switched off for
email stops the voucher mail, never account or security mail."""

from urllib.parse import parse_qs, urlsplit

from app import jobs
from app.clock import now
from app.db import transaction
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.mail import service as mail
from app.mail.models import EmailDelivery, MailStatus
from app.privacy import erasure, exports
from app.privacy.models import DataExport, ErasureReason, ExportStatus
from app.rewards import catalog
from app.rewards import service as rewards
from app.rewards.models import RewardKind, Voucher
from tests import factories
from tests.helpers import gql, member_token

PREFERENCE = """mutation($c: MessageCategory!, $on: Boolean!, $ch: NotificationChannel) {
  setNotificationPreference(category: $c, push: $on, channel: $ch) { category push email } }"""
PUSH_ONLY = """mutation { setNotificationPreference(category: TIER, push: false) {
  category push email } }"""
PREFERENCES = "{ me { notificationPreferences { category push email } } }"


async def _mail_jobs() -> list[jobs.Job]:
    return await jobs.Job.filter(kind=mail.MAIL_JOB).order_by("id")


async def _reward(**overrides):
    values = {
        "kind": RewardKind.DISCOUNT_VOUCHER,
        "category": "coffee",
        "points_cost": 100,
        "percent_off": 10,
        "voucher_valid_days": 30,
        "texts": {"en": {"title": "10% off coffee"}, "nl": {"title": "10% korting op koffie"}},
        **overrides,
    }
    return await catalog.create_reward(fields=catalog.RewardFields(**values), actor_id=None)


async def _funded(points: int, **fields):
    member = await factories.member(**fields)
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=points, kind=Kind.BONUS)
    return member


async def test_export_ready_mail_links_to_a_page_whose_get_spends_nothing(client, smtp):
    member = await factories.member(locale="nl", display_name="Anna", email_verified_at=now())
    export = await exports.request_export(member_id=member.id)
    await jobs.drain()  # the export job builds it and queues the mail; the mail job sends
    [got] = smtp.to(member.email)
    assert got.message["Subject"] == "Je gegevensexport staat klaar"
    assert "Hallo Anna," in got.text()
    ready = await DataExport.get(id=export.id)
    assert ready.expires_at.date().isoformat() in got.text()
    assert "/exports/" not in got.text() and "/exports/" not in got.html()
    link = got.link("/account/export")
    assert urlsplit(link).path == "/account/export"
    assert parse_qs(urlsplit(link).query) == {"token": [ready.token]}
    # A link scanner (or the member) opening it: a page in the member's language, with a
    # Download button; nothing spent, however often.
    for _ in range(2):
        shown = await client.get(f"{urlsplit(link).path}?{urlsplit(link).query}")
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
        assert "Je gegevensexport staat klaar" in shown.text and "Downloaden" in shown.text
        assert ready.expires_at.strftime("%Y-%m-%d %H:%M") in shown.text
        assert '<form method="post"' in shown.text and ready.token in shown.text
    assert (await DataExport.get(id=export.id)).status == ExportStatus.READY
    # The button: the file, with the headers the apps' link answers with.
    download = await client.post("/account/export", data={"token": ready.token})
    assert download.status_code == 200 and download.json()["memberId"] == member.id
    assert download.headers["content-disposition"] == (
        f'attachment; filename="loyalty-data-{member.id}.json"')  # fmt: skip
    assert download.headers["cache-control"] == "no-store"
    assert (await DataExport.get(id=export.id)).status == ExportStatus.DOWNLOADED
    # Once: a second press, the page again, and the apps' link all say it is gone.
    again = await client.post("/account/export", data={"token": ready.token})
    assert again.status_code == 410 and "niet meer beschikbaar" in again.text
    assert again.headers["content-type"].startswith("text/html")
    shown = await client.get("/account/export", params={"token": ready.token})
    assert shown.status_code == 410 and "<form" not in shown.text
    assert (await client.get(f"/exports/{ready.token}")).status_code == 410
    unknown = await client.post("/account/export", data={"token": "nope"})
    assert unknown.status_code == 404 and "<form" not in unknown.text
    # The job's payload held the link: emptied once sent.
    [job] = await _mail_jobs()
    assert job.status == jobs.JobStatus.DONE and job.payload == {}
    row = await EmailDelivery.get(key=f"export:{export.id}")
    assert row.status == MailStatus.SENT and row.template == "EXPORT_READY"


async def test_the_apps_link_still_downloads_once_on_a_get(client):
    member = await factories.member()
    export = await exports.request_export(member_id=member.id)
    await jobs.drain()
    ready = await DataExport.get(id=export.id)
    download = await client.get(f"/exports/{ready.token}")
    assert download.status_code == 200 and download.json()["memberId"] == member.id
    assert download.headers["content-disposition"] == (
        f'attachment; filename="loyalty-data-{member.id}.json"')  # fmt: skip
    gone = await client.get(f"/exports/{ready.token}")
    assert (gone.status_code, gone.json()) == (410, {"error": "gone"})
    missing = await client.get("/exports/nope")
    assert (missing.status_code, missing.json()) == (404, {"error": "not_found"})
    # The page of a downloaded export offers nothing to take.
    page = await client.post("/account/export", data={"token": ready.token})
    assert page.status_code == 410 and "no longer available" in page.text


async def test_account_deleted_mail_reaches_the_old_address_and_the_payload_is_forgotten(app, smtp):
    member = await factories.member(locale="nl", display_name="Bram")
    address = member.email
    async with transaction() as tx:  # a mail logged for the member before the erasure
        await mail.mail_later(tx.connection, mail.spec(
            template="PASSWORD_CHANGED", key="before", member_id=member.id))  # fmt: skip
    await jobs.drain()
    assert await EmailDelivery.filter(member_id=member.id).count() == 1
    smtp.clear()

    await erasure.erase_member(member_id=member.id, reason=ErasureReason.MEMBER_REQUEST)
    # Queued in the erasure's transaction, to the address the account had.
    job = (await _mail_jobs())[-1]
    assert job.status == jobs.JobStatus.PENDING and address in str(job.payload)
    assert await EmailDelivery.filter(member_id=member.id).count() == 0  # mail log forgotten
    await jobs.drain()
    [got] = smtp.to(address)
    assert got.message["Subject"] == "Je account is verwijderd"
    assert "Hallo," in got.text() and "Bram" not in got.text()
    await job.refresh_from_db()
    assert job.status == jobs.JobStatus.DONE and job.payload == {}
    row = await EmailDelivery.get(key=f"erased:{member.id}")
    assert row.member_id is None and row.status == MailStatus.SENT


async def test_retention_erasure_sends_no_goodbye_mail(app, smtp):
    member = await factories.member()
    await erasure.erase_member(member_id=member.id, reason=ErasureReason.RETENTION)
    await jobs.drain()
    assert smtp.to(member.email) == [] and await _mail_jobs() == []


async def test_voucher_issued_mail_in_the_members_language_without_the_code(app, smtp):
    member = await _funded(500, locale="nl", display_name="Cas", email_verified_at=now())
    reward = await _reward()
    redemption, _ = await rewards.redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                                         idempotency_key="voucher-mail-0001")  # fmt: skip
    await jobs.drain()
    [got] = smtp.to(member.email)
    voucher = await Voucher.get(redemption_id=redemption.id)
    assert got.message["Subject"] == "Je voucher: 10% korting op koffie"
    text = got.text()
    assert "Hallo Cas," in text and voucher.expires_at.date().isoformat() in text
    assert got.link("/app/vouchers").endswith("/app/vouchers")
    assert voucher.code not in text and voucher.code not in got.html()
    row = await EmailDelivery.get(key=f"voucher:{redemption.id}")
    assert row.category == "rewards" and row.status == MailStatus.SENT


async def test_a_reward_without_vouchers_mails_nothing(app, smtp):
    member = await _funded(500)
    reward = await _reward(kind=RewardKind.CASHBACK, percent_off=None, cashback_amount=5,
                           currency="EUR")  # fmt: skip
    await rewards.redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                         idempotency_key="cashback-mail-0001")  # fmt: skip
    await jobs.drain()
    assert smtp.to(member.email) == []


async def test_rewards_email_off_stops_the_voucher_mail_but_not_account_mail(client, smtp):
    member = await _funded(500, locale="en")
    token = await member_token(member)
    body = await gql(client, PREFERENCE, {"c": "REWARDS", "on": False, "ch": "EMAIL"},
                     token=token)  # fmt: skip
    prefs = body["data"]["setNotificationPreference"]
    assert {"category": "REWARDS", "push": True, "email": False} in prefs
    assert {"category": "POINTS", "push": True, "email": True} in prefs
    # An existing client's call (no channel) switches pushes, as before.
    body = await gql(client, PUSH_ONLY, token=token)
    assert {"category": "TIER", "push": False, "email": True} in (
        body["data"]["setNotificationPreference"])  # fmt: skip
    listed = (await gql(client, PREFERENCES, token=token))["data"]["me"]["notificationPreferences"]
    assert {"category": "REWARDS", "push": True, "email": False} in listed
    assert {"category": "TIER", "push": False, "email": True} in listed

    reward = await _reward()
    redemption, _ = await rewards.redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                                         idempotency_key="voucher-mail-0002")  # fmt: skip
    async with transaction() as tx:  # security mail has no category: it always goes
        await mail.mail_later(tx.connection, mail.spec(
            template="PASSWORD_CHANGED", key="pw:1", member_id=member.id))  # fmt: skip
    await jobs.drain()
    [got] = smtp.to(member.email)
    assert got.message["Subject"] == "Your password was changed"
    skipped = await EmailDelivery.get(key=f"voucher:{redemption.id}")
    assert skipped.status == MailStatus.SKIPPED and skipped.error == "category_off"

    address = member.email
    await erasure.erase_member(member_id=member.id, reason=ErasureReason.SUPPORT_REQUEST)
    await jobs.drain()
    assert [m.message["Subject"] for m in smtp.to(address)] == [
        "Your password was changed", "Your account was deleted"]  # fmt: skip
