"""The wiring: what a change in one domain sets off in the others, and who runs each durable
job. This is the only place where domains are connected; importing a module registers
nothing. `connect()` is called by the API's start-up (`app.main.create_app`), the worker
(`app.worker`) and every CLI command that runs domain code (`app.cli`); it is idempotent.

Each hook list is called in the order below, inside the transaction of the change, so what a
subscriber records (a notification job, a webhook event, a consent record) commits with the
change or not at all.

A purchase (any booking: earning, a reward's debit, expiry, a refund, a staff adjustment)
ends with the ledger closing the member's book (`ledger.BOOK_CLOSE_HOOKS`):
  1. tiers: re-evaluate the member's tier when what was booked counts towards it; this may
     be a tier change, which sets off what a tier change does (below), in the same transaction;
  2. messaging: queue a "points earned" notification (a purchase) or a "reward redeemed"
     one (a reward's debit) as a `notify.send` job;
  3. integrations: record one points.earned / points.redeemed / points.expired /
     points.adjusted webhook event per movement.
A tier change (`tiers.TIER_CHANGE_HOOKS`), by evaluation, the worker's pass or staff:
  1. messaging: inbox message and push "Welcome to <tier>" / "You are now <tier>";
  2. integrations: the tier.changed webhook event.
A redemption created or cancelled (`rewards.REDEMPTION_HOOKS`):
  1. integrations: the redemption.created / redemption.cancelled webhook event (its points,
     and its "reward redeemed" notification, come through the book close above);
  2. mail: a redemption created with vouchers mails "your voucher" (category rewards; a
     link to the app's vouchers, never the code).
A member created or their profile changed (`members.PROFILE_HOOKS`): integrations: the
  member.created / member.updated webhook event.
A marketing channel switched in the profile (`members.CHANNEL_HOOKS`): privacy records it as
  a consent with its proof, which is a consent change (next).
A consent granted or withdrawn (`privacy.CONSENT_HOOKS`): integrations: the consent.changed
  webhook event.
An erasure (`privacy.erasure.ERASURE_HOOKS`), after privacy scrubbed what every domain holds
  (its consents withdrawn first, each a consent change):
  1. integrations forget the member's webhook delivery log and record the member.erased event;
  2. mail forgets the member's link tokens, suppressions and mail log, and (an erasure the
     member asked for) mails "your account was deleted" to the address the account had.
A data export made downloadable (`privacy.exports.EXPORT_READY_HOOKS`): mail tells the
  member, with the download link (the job's payload is emptied once sent).
An RSVP (`community.RSVP_HOOKS`): messaging tells a member promoted from the event's waitlist
  (inbox and push, "You have a place at <event>"); a place or a waitlist spot taken at RSVP
  time needs no message, the member has the answer.
The signed-in member's facts (`segments.FACT_PART_HOOKS`, one statement behind their home
  screen): offers adds the offers they clipped.

Mail a domain sends about its own change is queued by that domain's service through the
mail service, in the change's transaction, not through a hook: auth (the sign-up's address
confirmation, a sign-up with a taken address, password resets and their notice, address
changes), integrations (the invitation of a member created by CRM sync or import),
campaigns (the email channel).

Durable jobs (`jobs.HANDLERS`, run by the worker): push delivery, the three notification
jobs, a campaign's sending, a webhook delivery, a data export, a mail's sending (see
`JOBS`).
"""

from __future__ import annotations

from collections.abc import Callable

from app import jobs
from app.campaigns import service as campaigns
from app.community import service as community
from app.integrations import hooks as webhook_events
from app.integrations import webhooks
from app.ledger import service as ledger
from app.mail import notifications as mail_notices
from app.mail import service as mail
from app.members import service as members
from app.messaging import notifications
from app.messaging import service as messaging
from app.offers import service as offers
from app.privacy import erasure, exports
from app.privacy import service as privacy
from app.rewards import service as rewards
from app.segments import service as segments
from app.tiers import service as tiers

# (the event's hook list, its subscriber), in the order each list calls them.
SUBSCRIPTIONS: tuple[tuple[list, Callable], ...] = (
    # A member's book closed (every booking: a purchase, a redemption's debit, expiry, ...).
    (ledger.BOOK_CLOSE_HOOKS, tiers.on_book_close),  # the tier, maybe a tier change
    (ledger.BOOK_CLOSE_HOOKS, notifications.on_book_close),  # points earned, reward redeemed
    (ledger.BOOK_CLOSE_HOOKS, webhook_events.on_book_close),  # points.* events
    # A member's tier changed.
    (tiers.TIER_CHANGE_HOOKS, notifications.on_tier_change),  # inbox and push
    (tiers.TIER_CHANGE_HOOKS, webhook_events.on_tier_change),  # tier.changed
    # A redemption created or cancelled.
    (rewards.REDEMPTION_HOOKS, webhook_events.on_redemption),  # redemption.*
    (rewards.REDEMPTION_HOOKS, mail_notices.on_redemption),  # "your voucher" mail
    # A member created, a profile changed, a channel switched in the profile.
    (members.PROFILE_HOOKS, webhook_events.on_profile),  # member.created / member.updated
    (members.CHANNEL_HOOKS, privacy.on_profile_channel),  # a consent, with its proof
    # A consent granted or withdrawn.
    (privacy.CONSENT_HOOKS, webhook_events.on_consent),  # consent.changed
    # A member erased.
    (erasure.ERASURE_HOOKS, webhook_events.on_member_erased),  # delivery log, member.erased
    (erasure.ERASURE_HOOKS, mail_notices.on_member_erased),  # mail log, "account deleted"
    # A data export ready to download.
    (exports.EXPORT_READY_HOOKS, mail_notices.on_export_ready),  # "export ready" mail
    # A place or a waitlist spot at an event.
    (community.RSVP_HOOKS, notifications.on_rsvp),  # promoted from the waitlist: told
    # What the signed-in member's facts read in their one statement (the home screen).
    (segments.FACT_PART_HOOKS, offers.clip_facts),  # the offers they clipped
)

# Job kind -> handler.
JOBS: tuple[tuple[str, jobs.Handler], ...] = (
    (messaging.PUSH_JOB, messaging.push_messages),
    ("notify.send", notifications.send_notification_job),
    ("notify.expiring", notifications.send_expiring_job),
    ("notify.voucher_expiring", notifications.send_voucher_expiring_job),
    (campaigns.SEND_JOB, campaigns.send_job),
    (webhooks.JOB_KIND, webhooks.deliver_job),
    (exports.EXPORT_JOB, exports.build_job),
    (mail.MAIL_JOB, mail.deliver_job),
)


def connect() -> None:
    """Subscribe every hook and register every job handler above (idempotent: a subscriber
    already in its list stays where it is, once)."""
    for hooks, subscriber in SUBSCRIPTIONS:
        if subscriber not in hooks:
            hooks.append(subscriber)
    for kind, handler in JOBS:
        jobs.register(kind, handler)
