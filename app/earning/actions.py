"""Points for actions: welcome and birthday bonuses, referrals (the referee's first
qualifying purchase rewards both), and the custom event types integrations report (recorded
by app.earning.service.record_event). Other domains reach these through app.earning.service."""

from __future__ import annotations

import datetime as dt

from tortoise.exceptions import IntegrityError

from app.db import transaction
from app.earning import rules as R
from app.earning.models import ActionEarning, EventType, Purchase, Referral
from app.errors import FieldProblem, InvalidInput
from app.ledger import service as ledger
from app.ledger.service import Kind
from app.members import service as members


async def earn_once(
    book: ledger.MemberBook, *, action: str, external_id: str, points: int, kind: Kind,
    rule: str, params: dict, policy: R.Policy, at: dt.datetime,
) -> ActionEarning:  # fmt: skip
    """Credit an action's points once (ActionEarning is unique per member, action and id)."""
    txn = await book.earn(
        points=points, kind=kind, explanation=[{"rule": rule, "points": points, "params": params}],
        reference=f"{action}:{external_id}"[:120], expires_at=R.expiry_for(policy, at), at=at,
    )  # fmt: skip
    return await ActionEarning.create(
        member_id=book.member_id, action=action, external_id=external_id, points=points,
        transaction_id=txn.id, occurred_at=at, using_db=book.tx.connection,
    )  # fmt: skip


# ---- custom events (recorded by app.earning.service.record_event) ----------------------------


async def active_event_types() -> list[EventType]:
    """The actions integrations may report, and what they earn (for the program terms)."""
    return await EventType.filter(active=True).order_by("code")


# ---- welcome, birthdays -------------------------------------------------------------------


async def welcome(*, member_id: int, referral_code: str | None, policy: R.Policy) -> None:
    """On sign-up: the welcome bonus, and the referral when a friend's code was given
    (inside the sign-up's transaction: a bad code creates no account)."""
    if referral_code:
        await apply_referral_code(member_id=member_id, code=referral_code)
    if policy.signup_bonus > 0:
        async with ledger.member_book(member_id=member_id) as book:
            await earn_once(
                book, action="signup", external_id="signup", points=policy.signup_bonus,
                kind=Kind.BONUS, rule="RULE_SIGNUP_BONUS", params={}, policy=policy,
                at=ledger.now(),
            )  # fmt: skip


async def award_birthday_bonuses(*, today: dt.date, policy: R.Policy) -> int:
    """Give each member whose birthday is `today` the bonus, once per year (29 February
    birthdays are celebrated on the 28th in other years)."""
    if policy.birthday_bonus <= 0:
        return 0
    days = [f"{today.month:02d}-{today.day:02d}"]
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        days.append("02-29")
    given = 0
    at = ledger.now()
    for member_id in await _born_on(days):
        try:
            async with ledger.member_book(member_id=member_id) as book:
                await earn_once(
                    book, action="birthday", external_id=str(today.year),
                    points=policy.birthday_bonus, kind=Kind.BONUS, rule="RULE_BIRTHDAY_BONUS",
                    params={}, policy=policy, at=at,
                )  # fmt: skip
            given += 1
        except IntegrityError:  # already given this year (another run got there first)
            continue
    return given


async def _born_on(days: list[str]) -> list[int]:
    """Active members (staff accounts earn nothing) whose birthday (month-day, "MM-DD") is one of `days`. Date-part
    lookups differ per database (SQLite has no EXTRACT), so this is written per dialect."""
    from app.db import connection
    from app.sql import born_on

    conn = connection()
    rows = await conn.execute_query_dict(born_on(conn, len(days)), days)
    return [row["id"] for row in rows]


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# ---- referrals ----------------------------------------------------------------------------


async def apply_referral_code(*, member_id: int, code: str) -> Referral:
    """Record that the owner of `code` brought this member. Refused: an unknown code, one's
    own code, a member who was already referred or has purchased, and loops."""
    code = (code or "").strip().upper()
    owner = None
    if code:  # a staff account's code refers nobody: staff earn nothing
        owner = await members.referrer_id_for_code(code=code)
    problem = None
    if owner is None:
        problem = "UNKNOWN_REFERRAL_CODE"
    elif owner == member_id:
        problem = "SELF_REFERRAL"
    elif await Referral.exists(referee_id=member_id):
        problem = "ALREADY_REFERRED"
    elif await Purchase.exists(member_id=member_id):
        problem = "NOT_A_NEW_MEMBER"
    elif await _refers_up_to(owner, member_id):
        problem = "REFERRAL_LOOP"
    if problem:
        raise InvalidInput([FieldProblem("referralCode", problem)])
    try:
        async with transaction():
            return await Referral.create(referrer_id=owner, referee_id=member_id)
    except IntegrityError:
        raise InvalidInput([FieldProblem("referralCode", "ALREADY_REFERRED")]) from None


async def _refers_up_to(start: int, member_id: int) -> bool:
    """Whether `member_id` is among the people who (transitively) referred `start`."""
    seen, current = set(), start
    while current is not None and current not in seen:
        if current == member_id:
            return True
        seen.add(current)
        row = await Referral.filter(referee_id=current).values_list("referrer_id", flat=True)
        current = row[0] if row else None
    return False


async def reward_referral(book: ledger.MemberBook, purchase: Purchase, policy: R.Policy) -> None:
    """On a referee's first qualifying purchase: points for both (the referrer within their
    monthly cap). Runs inside the purchase's transaction, with the referee's book open."""
    if policy.referrer_points <= 0 and policy.referee_points <= 0:
        return
    if purchase.amount < policy.referral_minimum_spend:
        return
    conn = book.tx.connection
    referral = (
        await Referral.filter(referee_id=book.member_id, rewarded_at__isnull=True)
        .using_db(conn)
        .first()
    )
    if referral is None:
        return
    at = ledger.now()
    month = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rewarded = (
        await Referral.filter(referrer_id=referral.referrer_id, rewarded_at__gte=month)
        .using_db(conn)
        .count()
    )
    referral.rewarded_at = at
    await referral.save(update_fields=["rewarded_at"], using_db=conn)
    ref = str(referral.id)
    if policy.referee_points > 0:
        await earn_once(
            book, action="referred", external_id=ref, points=policy.referee_points,
            kind=Kind.REFERRAL, rule="RULE_REFERRED", params={}, policy=policy, at=at,
        )  # fmt: skip
    if policy.referrer_points > 0 and rewarded < policy.referral_monthly_cap:
        async with ledger.member_book(member_id=referral.referrer_id) as referrer:
            if referrer.closed:  # the referrer's account was erased: the referee keeps theirs
                return
            await earn_once(
                referrer, action="referral", external_id=ref, points=policy.referrer_points,
                kind=Kind.REFERRAL, rule="RULE_REFERRAL", params={}, policy=policy, at=at,
            )  # fmt: skip
