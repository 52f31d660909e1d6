"""Points for actions: custom events integrations report, welcome and birthday bonuses,
and referrals (the referee's first qualifying purchase rewards both)."""

from __future__ import annotations

import datetime as dt

from tortoise.exceptions import IntegrityError

from app.db import transaction
from app.earning import rules as R
from app.earning.models import ActionEarning, EventType, Purchase, Referral
from app.errors import (
    EventLimitReached,
    FieldProblem,
    InvalidInput,
    UnknownEventType,
)
from app.ledger import idempotency
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.members.models import Member, Role
from app.program import terms


async def _earn_once(
    book: ledger.MemberBook, *, action: str, external_id: str, points: int, kind: Kind,
    rule: str, params: dict, policy: R.Policy, at: dt.datetime,
) -> ActionEarning:  # fmt: skip
    txn = await book.earn(
        points=points, kind=kind, explanation=[{"rule": rule, "points": points, "params": params}],
        reference=f"{action}:{external_id}"[:120], expires_at=R.expiry_for(policy, at), at=at,
    )  # fmt: skip
    return await ActionEarning.create(
        member_id=book.member_id, action=action, external_id=external_id, points=points,
        transaction_id=txn.id, occurred_at=at, using_db=book.tx.connection,
    )  # fmt: skip


# ---- custom events ------------------------------------------------------------------------


async def record_event(
    *, scope: str, idempotency_key: str, member_id: int | None, event_type: str,
    external_id: str, occurred_at: dt.datetime,
) -> tuple[ActionEarning, bool]:  # fmt: skip
    """Earn an event type's points for a member, within the type's daily and total limits;
    one event (type, external id) earns once per member. Refused (TermsNotAccepted) until
    the member accepted the terms in force."""
    from app.earning.service import _check_key, _check_time, _text, current_rules

    problems: list[FieldProblem] = []
    _check_key(idempotency_key, problems)
    external_id = _text(external_id, "externalId", 100, problems)
    occurred_at = _check_time(occurred_at, "occurredAt", problems)
    if problems:
        raise InvalidInput(problems)
    kind = await EventType.get_or_none(code=event_type.strip().lower(), active=True)
    if kind is None:
        raise UnknownEventType()
    await ledger.require_member_account(member_id)  # staff accounts earn nothing
    policy = (await current_rules()).policy
    action = f"event:{kind.code}"

    async def work(tx) -> dict:
        async with ledger.member_book(member_id=member_id) as book:
            await terms.require_accepted(member_id, tx.connection)
            done = ActionEarning.filter(member_id=member_id, action=action).using_db(tx.connection)
            if kind.total_limit is not None and await done.count() >= kind.total_limit:
                raise EventLimitReached()
            day = occurred_at.replace(hour=0, minute=0, second=0, microsecond=0)
            if (
                kind.daily_limit is not None
                and await done.filter(
                    occurred_at__gte=day, occurred_at__lt=day + dt.timedelta(days=1)
                ).count()
                >= kind.daily_limit
            ):
                raise EventLimitReached()
            earning = await _earn_once(
                book, action=action, external_id=external_id, points=kind.points,
                kind=Kind.ACTION, rule="RULE_EVENT", params={"name": kind.name},
                policy=policy, at=occurred_at,
            )  # fmt: skip
        return {"earning": earning.id}

    try:
        result, replayed = await idempotency.run_once(
            scope=scope, key=idempotency_key, operation="recordEvent",
            payload={"member": member_id, "type": kind.code, "externalId": external_id,
                     "occurredAt": occurred_at.isoformat()}, work=work,
        )  # fmt: skip
    except IntegrityError:  # this event earned already, under another key
        raise EventLimitReached("EVENT_ALREADY_RECORDED") from None
    return await ActionEarning.get(id=result["earning"]), replayed


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
            await _earn_once(
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
                await _earn_once(
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

    conn = connection()
    if conn.capabilities.dialect == "postgres":
        expr, marks = "to_char(\"birthday\", 'MM-DD')", [f"${i + 1}" for i in range(len(days))]
    else:
        expr, marks = "strftime('%m-%d', \"birthday\")", ["?"] * len(days)
    rows = await conn.execute_query_dict(
        f'SELECT "id" FROM "member" WHERE "is_active" AND "role" = \'member\' '
        f'AND "birthday" IS NOT NULL '
        f'AND {expr} IN ({", ".join(marks)}) ORDER BY "id"',
        days,
    )
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
        owner = await Member.get_or_none(referral_code=code, is_active=True, role=Role.MEMBER)
    problem = None
    if owner is None:
        problem = "UNKNOWN_REFERRAL_CODE"
    elif owner.id == member_id:
        problem = "SELF_REFERRAL"
    elif await Referral.exists(referee_id=member_id):
        problem = "ALREADY_REFERRED"
    elif await Purchase.exists(member_id=member_id):
        problem = "NOT_A_NEW_MEMBER"
    elif await _refers_up_to(owner.id, member_id):
        problem = "REFERRAL_LOOP"
    if problem:
        raise InvalidInput([FieldProblem("referralCode", problem)])
    try:
        async with transaction():
            return await Referral.create(referrer_id=owner.id, referee_id=member_id)
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
        await _earn_once(
            book, action="referred", external_id=ref, points=policy.referee_points,
            kind=Kind.REFERRAL, rule="RULE_REFERRED", params={}, policy=policy, at=at,
        )  # fmt: skip
    if policy.referrer_points > 0 and rewarded < policy.referral_monthly_cap:
        async with ledger.member_book(member_id=referral.referrer_id) as referrer:
            if referrer.closed:  # the referrer's account was erased: the referee keeps theirs
                return
            await _earn_once(
                referrer, action="referral", external_id=ref, points=policy.referrer_points,
                kind=Kind.REFERRAL, rule="RULE_REFERRAL", params={}, policy=policy, at=at,
            )  # fmt: skip
