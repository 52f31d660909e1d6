"""Transactional mail: a data export ready to download, an account deleted, a voucher
issued. Each is queued (`mail.mail_later`) in the transaction of the change it reports, so
it exists exactly when the change commits; the `mail.send` job sends it at most once per
address, in the member's language. app.wiring subscribes the hooks below.

The export and account mails are security/account mail (no category: they cannot be
switched off); the voucher mail is in the "rewards" category, which the member may switch
off for email. A voucher's code is never mailed: the mail links to the app's vouchers.
"""

from __future__ import annotations

import datetime as dt

from app.i18n import localized
from app.mail import service as mail
from app.members import service as members
from app.rewards import service as rewards
from app.settings import get_settings

# Erasures the member asked for: the goodbye mail says "deleted, as asked".
_ASKED = frozenset({"member_request", "support_request"})
NO_EXPIRY = {"en": "further notice", "nl": "nader order", "es": "nuevo aviso"}


def _date(at: dt.datetime | None, locale: str) -> str:
    """A date as mail shows it (ISO: unambiguous in every language)."""
    return at.date().isoformat() if at is not None else NO_EXPIRY.get(locale, NO_EXPIRY["en"])


async def on_export_ready(
    tx, *, member_id: int, export_id: int, expires_at: dt.datetime,
    page_url: str | None = None, **_: object,
) -> None:  # fmt: skip
    """An export became downloadable (privacy.exports.EXPORT_READY_HOOKS): tell the member,
    linking to the export's page (`/account/export?token=...`), never to the download
    itself: mail scanners and previews follow links with GET, which on that page spends
    nothing; its Download button (a POST) takes the file. The job's payload, holding the
    link, is emptied once the mail is sent."""
    await mail.mail_later(
        tx.connection,
        mail.spec(template="EXPORT_READY", key=f"export:{export_id}", member_id=member_id,
                  fields={"until": _date(expires_at, "en")}, link=page_url),
    )  # fmt: skip


async def on_member_erased(
    *, member_id: int, tx=None, reason: object = None, email: str | None = None,
    locale: str | None = None, **_: object,
) -> None:  # fmt: skip
    """An erasure (privacy.erasure.ERASURE_HOOKS, in its transaction): the member's mail
    tokens, suppressions (the address's too) and mail log go; when the member asked for
    it, a last mail to the address the account had (read before the scrub), in their
    language. That job's payload is emptied once sent, and names no member; its delivery
    row keeps no digest of the address (`erased`)."""
    await mail.forget_member(member_id=member_id, address=email)
    asked = reason is None or str(getattr(reason, "value", reason)) in _ASKED
    if tx is None or not asked or not email or email.endswith("@invalid"):
        return
    await mail.mail_later(
        tx.connection,
        mail.spec(template="ACCOUNT_DELETED", key=f"erased:{member_id}", member_id=None,
                  to=email, locale=locale, erased=True),
    )  # fmt: skip


async def on_redemption(tx, redemption, event: str) -> None:
    """A redemption created (rewards.REDEMPTION_HOOKS) with vouchers: "your voucher" mail
    (category rewards), titled in the member's language, linking to the app's vouchers."""
    if event != "created":
        return
    # Read in the redemption's transaction (open in this task): its vouchers are not
    # committed yet.
    (vouchers,) = await rewards.vouchers_by_redemption([redemption.id])
    if not vouchers:
        return
    (reward,) = await rewards.rewards_by_ids([redemption.reward_id])
    locale = await members.locale_of(member_id=redemption.member_id, conn=tx.connection)
    title = localized(reward.texts, locale, "title") if reward is not None else ""
    expiries = [v.expires_at for v in vouchers if v.expires_at is not None]
    await mail.mail_later(
        tx.connection,
        mail.spec(template="VOUCHER_ISSUED", key=f"voucher:{redemption.id}",
                  member_id=redemption.member_id, category="rewards",
                  fields={"title": title, "until": _date(min(expiries, default=None), locale)},
                  link=f"{get_settings().link_base_url}/app/vouchers"),
    )  # fmt: skip
