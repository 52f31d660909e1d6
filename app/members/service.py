"""Member accounts and profiles: creation, credentials, profile updates, staff look-up."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import available_timezones

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app import clock
from app.db import Transaction, connection, transaction
from app.errors import EmailAlreadyRegistered, FieldProblem, InvalidCredentials, InvalidInput
from app.events import member_topic, publish_after_commit
from app.i18n import LOCALES
from app.members import passwords
from app.members.models import Channel, ChannelPreference, Member, Role
from app.pagination import Page, paginate_by_id
from app.sql import MEMBER_ACCOUNT, Part, placeholders

EMAIL_RE = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
MAX_EMAIL = 254
MAX_DISPLAY_NAME = 80
MAX_INTERESTS = 20
MAX_INTEREST_LENGTH = 40
MAX_SEARCH = 100
_TIME_ZONES = frozenset(available_timezones()) | {"UTC"}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True)
class ChannelChoice:
    channel: Channel
    opted_in: bool


# Called inside the transaction that created a member or changed their profile, with
# (transaction, member id, "created" | "updated", the profile fields as written); e.g.
# webhooks queue `member.created` / `member.updated` here.
PROFILE_HOOKS: list[Callable[[Transaction, int, str, dict], Awaitable[None]]] = []
# Called in the transaction when a member switches a channel on or off in their profile
# (tx, member id, channel, opted in): the privacy domain records it as consent, with proof.
CHANNEL_HOOKS: list[Callable[[Transaction, int, Channel, bool], Awaitable[None]]] = []


def normalize_email(email: str) -> str:
    """The email address trimmed and lower-cased, as stored."""
    return email.strip().lower()


def _check_email(email: str, problems: list[FieldProblem]) -> None:
    if not email:
        problems.append(FieldProblem("email", "REQUIRED"))
    elif len(email) > MAX_EMAIL:
        problems.append(FieldProblem("email", "TOO_LONG", {"max": MAX_EMAIL}))
    elif not email.isascii() or not EMAIL_RE.match(email):  # ASCII only: mail headers need it
        problems.append(FieldProblem("email", "INVALID_EMAIL"))


def _check_password(field: str, password: str, problems: list[FieldProblem]) -> None:
    problem = passwords.password_problem(password)
    if problem:
        problems.append(FieldProblem(field, problem[0], problem[1]))


def _check_display_name(display_name: str | None, problems: list[FieldProblem]) -> str | None:
    if display_name is None:
        return None
    cleaned = " ".join(display_name.split())
    if len(cleaned) > MAX_DISPLAY_NAME:
        problems.append(FieldProblem("displayName", "TOO_LONG", {"max": MAX_DISPLAY_NAME}))
    return cleaned or None


def _check_locale(locale: str, problems: list[FieldProblem]) -> None:
    if locale not in LOCALES:
        problems.append(
            FieldProblem("locale", "UNSUPPORTED_LOCALE", {"allowed": ", ".join(LOCALES)})
        )


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def new_card_number() -> str:
    """A 16-digit loyalty card number with a Luhn check digit, so tills catch typos.
    (10^14 random bodies: a collision is as likely as a lottery win, and would fail the
    unique index rather than share a card.)"""
    body = f"7{secrets.randbelow(10**14):014d}"  # one random draw: bulk imports make many
    return body + _luhn_digit(body)


def valid_card_number(value: str) -> bool:
    """Whether `value` is a 16-digit card number with a valid Luhn check digit."""
    return len(value) == 16 and value.isdigit() and _luhn_digit(value[:-1]) == value[-1]


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud


def new_referral_code() -> str:
    """A random 8-letter referral code."""
    # 256 is a multiple of the alphabet's 32 letters, so `byte % 32` picks each one evenly.
    return "".join(_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in secrets.token_bytes(8))


def check_new_member(
    *, email: str, password: str, display_name: str | None, locale: str
) -> tuple[str, str | None]:
    """Validate a new account's fields without touching the database: InvalidInput with
    every problem, else the normalized email and display name."""
    email = normalize_email(email)
    problems: list[FieldProblem] = []
    _check_email(email, problems)
    _check_password("password", password, problems)
    display_name = _check_display_name(display_name, problems)
    _check_locale(locale, problems)
    if problems:
        raise InvalidInput(problems)
    return email, display_name


async def create_member(
    *,
    email: str,
    password: str,
    display_name: str | None = None,
    locale: str = "en",
    role: Role = Role.MEMBER,
    then: Callable[[Member], Awaitable[object]] | None = None,
) -> Member:
    """Create an account after validating every field; nothing is written on any problem.

    The password is hashed off the event loop before the transaction opens (no database
    connection is held meanwhile); `then(member)` runs inside the creating transaction, so
    what a caller adds (a welcome bonus) is written with the account or not at all.
    """
    email, display_name = check_new_member(
        email=email, password=password, display_name=display_name, locale=locale
    )
    password_hash = await passwords.hash_password_async(password)
    try:
        async with transaction() as tx:
            member = await Member.create(
                email=email,
                password_hash=password_hash,
                display_name=display_name,
                locale=locale,
                role=role,
                password_changed_at=clock.now(),
                card_number=new_card_number(),
                referral_code=new_referral_code(),
            )
            for hook in PROFILE_HOOKS if role == Role.MEMBER else ():
                await hook(tx, member.id, "created", profile_fields(member))
            if then is not None:
                await then(member)
    except IntegrityError:
        raise EmailAlreadyRegistered() from None
    return member


def profile_fields(member: Member) -> dict:
    """The profile as other systems see it (CRM sync, webhooks)."""
    return {
        "external_ref": member.external_ref, "email": member.email,
        "display_name": member.display_name, "locale": member.locale,
        "time_zone": member.time_zone, "birthday": member.birthday,
        "card_number": member.card_number, "interests": list(member.interests or []),
    }  # fmt: skip


async def verify_credentials(*, email: str, password: str) -> Member:
    """The active member with this email and password; InvalidCredentials otherwise.

    Unknown emails cost the same hashing time as known ones (no enumeration by timing).
    Hashing runs off the event loop; callers throttle (app.auth.service.password_check).
    """
    member = await Member.get_or_none(email=normalize_email(email)[:MAX_EMAIL], is_active=True)
    if member is None:
        await passwords.burn_verification_time_async(password)
        raise InvalidCredentials()
    if not await passwords.verify_password_async(member.password_hash, password):
        raise InvalidCredentials()
    if passwords.needs_rehash(member.password_hash):
        rehashed = await passwords.hash_password_async(password)
        await Member.filter(id=member.id).update(password_hash=rehashed)
    return member


async def change_password(
    *,
    member_id: int,
    current_password: str,
    new_password: str,
    then: Callable[[Member], Awaitable[object]] | None = None,
) -> Member:
    """Replace the password after checking the current one (InvalidCredentials) and the new
    one (InvalidInput). Verifying and hashing run off the event loop with no transaction
    open; `then(member)` runs inside the transaction that stores the new hash (e.g. ending
    the member's other sessions). Callers throttle (app.auth.service.password_check)."""
    member = await Member.get(id=member_id)
    if not await passwords.verify_password_async(member.password_hash, current_password):
        raise InvalidCredentials()
    problems: list[FieldProblem] = []
    _check_password("newPassword", new_password, problems)
    if not problems and new_password == current_password:
        problems.append(FieldProblem("newPassword", "SAME_PASSWORD"))
    if problems:
        raise InvalidInput(problems)
    member.password_hash = await passwords.hash_password_async(new_password)
    member.password_changed_at = clock.now()
    async with transaction():
        await member.save(update_fields=["password_hash", "password_changed_at", "updated_at"])
        if then is not None:
            await then(member)
    return member


def check_profile(
    problems: list[FieldProblem],
    *,
    email: str | _Unset = UNSET,
    display_name: str | _Unset | None = UNSET,
    locale: str | _Unset = UNSET,
    time_zone: str | _Unset = UNSET,
    birthday: dt.date | _Unset | None = UNSET,
    interests: list[str] | _Unset = UNSET,
    card_number: str | _Unset | None = UNSET,
) -> dict[str, object]:
    """Validate the given profile fields (omitted ones are skipped): the cleaned values by
    column name; each problem is appended to `problems` (the same rules for the member's own
    updates and for CRM sync)."""
    changes: dict[str, object] = {}
    if not isinstance(email, _Unset):
        changes["email"] = normalize_email(email)
        _check_email(changes["email"], problems)
    if not isinstance(display_name, _Unset):
        changes["display_name"] = _check_display_name(display_name, problems)
    if not isinstance(locale, _Unset):
        _check_locale(locale, problems)
        changes["locale"] = locale
    if not isinstance(time_zone, _Unset):
        if time_zone not in _TIME_ZONES:
            problems.append(FieldProblem("timeZone", "UNKNOWN_TIME_ZONE"))
        changes["time_zone"] = time_zone
    if not isinstance(birthday, _Unset):
        today = dt.date.today()
        if birthday is not None and not (today.replace(year=today.year - 130) <= birthday <= today):
            problems.append(FieldProblem("birthday", "INVALID_DATE"))
        changes["birthday"] = birthday
    if not isinstance(interests, _Unset):
        cleaned = list(dict.fromkeys(i.strip().lower() for i in interests if i.strip()))
        if len(cleaned) > MAX_INTERESTS:
            problems.append(FieldProblem("interests", "TOO_MANY", {"max": MAX_INTERESTS}))
        if any(len(i) > MAX_INTEREST_LENGTH for i in cleaned):
            problems.append(FieldProblem("interests", "TOO_LONG", {"max": MAX_INTEREST_LENGTH}))
        changes["interests"] = cleaned
    if not isinstance(card_number, _Unset):
        card = card_number.replace(" ", "").replace("-", "") if card_number else None
        if card is not None and not valid_card_number(card):
            problems.append(FieldProblem("cardNumber", "INVALID_CARD_NUMBER"))
        changes["card_number"] = card
    return changes


async def update_profile(
    *,
    member_id: int,
    display_name: str | _Unset | None = UNSET,
    locale: str | _Unset = UNSET,
    time_zone: str | _Unset = UNSET,
    birthday: dt.date | _Unset | None = UNSET,
    interests: list[str] | _Unset = UNSET,
    channels: Iterable[ChannelChoice] | _Unset = UNSET,
) -> Member:
    """Change the given profile fields; omitted ones stay. All-or-nothing on validation."""
    problems: list[FieldProblem] = []
    changes = check_profile(
        problems, display_name=display_name, locale=locale, time_zone=time_zone,
        birthday=birthday, interests=interests,
    )  # fmt: skip
    channel_list = [] if isinstance(channels, _Unset) else list(channels)
    if len({c.channel for c in channel_list}) != len(channel_list):
        problems.append(FieldProblem("channels", "INVALID_VALUE"))
    if problems:
        raise InvalidInput(problems)

    now = clock.now()
    async with transaction() as tx:
        member = await Member.select_for_update().get(id=member_id)
        if changes:
            await Member.filter(id=member_id).update(**changes, updated_at=now)
        for choice in channel_list:
            if await _set_channel(member_id=member_id, choice=choice, now=now):
                for hook in CHANNEL_HOOKS:
                    await hook(tx, member_id, choice.channel, choice.opted_in)
        if changes:
            for hook in PROFILE_HOOKS:
                await hook(tx, member_id, "updated", changes)
        publish_after_commit(tx, member_topic(member_id), {"type": "MEMBER_UPDATED"})
    return await Member.get(id=member_id) if (changes or channel_list) else member


async def _set_channel(*, member_id: int, choice: ChannelChoice, now: dt.datetime) -> bool:
    """Record the choice; whether it changed anything."""
    pref = await ChannelPreference.get_or_none(member_id=member_id, channel=choice.channel)
    if pref is None:
        await ChannelPreference.create(
            member_id=member_id,
            channel=choice.channel,
            opted_in=choice.opted_in,
            consented_at=now if choice.opted_in else None,
            withdrawn_at=None if choice.opted_in else now,
        )
        return True
    if pref.opted_in == choice.opted_in:
        return False
    pref.opted_in = choice.opted_in
    if choice.opted_in:
        pref.consented_at = now
    else:
        pref.withdrawn_at = now
    await pref.save()
    return True


async def get_member(*, member_id: int) -> Member | None:
    """The member with this id, or None."""
    return await Member.get_or_none(id=member_id)


async def get_member_by_email(*, email: str) -> Member | None:
    """The member with this email address (normalized), or None."""
    return await Member.get_or_none(email=normalize_email(email))


async def members_by_ids(ids: list[int]) -> list[Member | None]:
    """Members in the order of `ids` (None where missing): the DataLoader batch function."""
    found = {m.id: m for m in await Member.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def channel_preferences_by_member(
    member_ids: list[int], *, channels: Iterable[Channel] | None = None
) -> list[list[ChannelPreference]]:
    """Each member's channel preferences (only `channels`, when given), for the DataLoader
    (one query for a whole page)."""
    grouped: dict[int, list[ChannelPreference]] = {i: [] for i in member_ids}
    query = ChannelPreference.filter(member_id__in=member_ids)
    if channels is not None:
        query = query.filter(channel__in=list(channels))
    for pref in await query.order_by("channel"):
        grouped[pref.member_id].append(pref)
    return [grouped[i] for i in member_ids]


async def search_members(*, search: str | None, first: int | None, after: str | None) -> Page:
    """Staff look-up by email or display name fragment, oldest first."""
    query = Member.all()
    if search:
        term = search.strip()[:MAX_SEARCH]
        if term:
            query = query.filter(Q(email__icontains=term) | Q(display_name__icontains=term))
    return await paginate_by_id(query, first=first, after=after)


async def set_role(*, email: str, role: Role) -> Member:
    """Give an existing account a role (used by `loyalty create-staff` for existing emails)."""
    async with transaction():
        updated = await Member.filter(email=normalize_email(email)).update(role=role)
    if not updated:
        raise InvalidInput([FieldProblem("email", "NOT_FOUND")])
    return await Member.get(email=normalize_email(email))


def _member_ref(
    member_id: int | None, external_ref: str | None, card_number: str | None
) -> tuple[str, object] | None:
    """The column and value a member reference looks up, or None without a reference."""
    if member_id is not None:  # an id no bigint holds matches nothing (ids start at 1)
        return "id", member_id if 0 < member_id < 2**63 else 0
    if external_ref is not None:
        return "external_ref", external_ref
    if card_number is not None:
        return "card_number", card_number.replace(" ", "").replace("-", "")
    return None


def _member_by_ref(
    member_id: int | None, external_ref: str | None, card_number: str | None
) -> QuerySet[Member] | None:
    ref = _member_ref(member_id, external_ref, card_number)
    return None if ref is None else Member.filter(**{ref[0]: ref[1]}, is_active=True)


async def find_member(
    *, member_id: int | None = None, external_ref: str | None = None, card_number: str | None = None
) -> Member | None:
    """An active member by primary key, CRM reference or loyalty card number."""
    query = _member_by_ref(member_id, external_ref, card_number)
    return None if query is None else await query.first()


async def find_account(
    *, member_id: int | None = None, external_ref: str | None = None, card_number: str | None = None
) -> tuple[int, Role] | None:
    """(id, role) of `find_member`'s account, without loading the row (the role: tills
    refuse staff accounts). Hand-written: every till request runs it, and building it with
    the ORM costs more than the query itself."""
    ref = _member_ref(member_id, external_ref, card_number)
    if ref is None:
        return None
    column, value = ref
    conn = connection()
    (mark,) = placeholders(conn, 1)
    _, rows = await conn.execute_query(MEMBER_ACCOUNT.format(column, mark), [value])
    return (rows[0]["id"], Role(rows[0]["role"])) if rows else None


# ---- the member table for other domains (set-based: one query whatever the number) ----------


async def member_exists(*, member_id: int) -> bool:
    """Whether an account (member or staff, active or not) has this id."""
    return await Member.filter(id=member_id).exists()


async def members_by_id(*, member_ids: Iterable[int], conn=None) -> dict[int, Member]:
    """The accounts with these ids, by id (missing ones left out), in one query."""
    return {m.id: m for m in await Member.filter(id__in=member_ids).using_db(conn)}


class Account(NamedTuple):
    """An account as a plain read-only row: the columns delivery (mail, campaigns) reads."""

    id: int
    email: str | None
    email_verified_at: dt.datetime | None
    password_changed_at: dt.datetime | None
    is_active: bool
    locale: str
    time_zone: str
    display_name: str | None


_ACCOUNT_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in Account._fields) + ' FROM "member" '


def display_name_of(member_id_sql: str) -> str:
    """SQL for the display name of the member whose id is `member_id_sql` (a column of the
    caller's table, qualified): a scalar subquery another domain's read selects, so a
    page of posts comes with its authors' names in the same statement (NULL: none set,
    or erased)."""
    return f'(SELECT "display_name" FROM "member" WHERE "member"."id" = {member_id_sql})'


async def accounts_by_id(*, member_ids: Iterable[int], conn=None) -> dict[int, Account]:
    """The accounts with these ids, by id (missing ones left out), in one query, as plain
    rows (`Account`). Hand-written: campaign and mail batches read hundreds at a time, and
    the ORM's IN list and model objects cost more than the query; the values are converted
    as the model's fields convert them."""
    ids = list(member_ids)
    if not ids:
        return {}
    conn = conn or connection()
    marks = placeholders(conn, len(ids))
    _, rows = await conn.execute_query(_ACCOUNT_SELECT + f'WHERE "id" IN ({", ".join(marks)})', ids)
    fields_map = Member._meta.fields_map
    verified, changed, active = (fields_map[c].to_python_value for c in
                                 ("email_verified_at", "password_changed_at", "is_active"))  # fmt: skip
    return {r["id"]: Account(r["id"], r["email"], verified(r["email_verified_at"]),
                             changed(r["password_changed_at"]), active(r["is_active"]),
                             r["locale"], r["time_zone"], r["display_name"])
            for r in rows}  # fmt: skip


async def opted_in(*, member_ids: Iterable[int], channel: Channel, conn=None) -> set[int]:
    """Which of these members opted in to messages on `channel`, in one query.
    Hand-written: campaign and mail batches ask about hundreds at a time (the ORM's IN list
    costs more than the query)."""
    ids = list(member_ids)
    if not ids:
        return set()
    conn = conn or connection()
    marks = placeholders(conn, len(ids) + 1)
    _, rows = await conn.execute_query(
        'SELECT "member_id" FROM "member_channel_preference" WHERE "channel" = '
        f'{marks[0]} AND "opted_in" AND "member_id" IN ({", ".join(marks[1:])})',
        [Channel(channel).value, *ids],
    )  # fmt: skip
    return {r["member_id"] for r in rows}


def opted_in_part(*, member_ids: Iterable[int], channel: Channel) -> Part:
    """`opted_in` as a part of a larger read (app.sql.union_all); its rows are tagged
    "opted_in"."""
    ids = list(member_ids)
    marks = ", ".join(["{}"] * len(ids))
    return Part('SELECT "member_id", \'opted_in\', NULL, NULL, NULL FROM '
                '"member_channel_preference" '
                f'WHERE "channel" = {{}} AND "opted_in" AND "member_id" IN ({marks})',
                [Channel(channel).value, *ids])  # fmt: skip


async def opted_in_member_ids(*, channel: Channel) -> list[int]:
    """Ids of the active program members (not staff) opted in to `channel`, in id order."""
    from tortoise.expressions import Subquery

    consenting = Subquery(
        ChannelPreference.filter(channel=channel, opted_in=True).values("member_id")
    )
    return await Member.filter(id__in=consenting, is_active=True, role=Role.MEMBER).order_by(
        "id").values_list("id", flat=True)  # fmt: skip


async def locale_of(*, member_id: int, conn=None) -> str:
    """The member's language ("en" for an id nobody has), reading that one column."""
    found = await Member.filter(id=member_id).using_db(conn).values_list("locale", flat=True)
    return found[0] if found else "en"


async def external_refs(*, member_ids: Iterable[int], conn=None) -> dict[int, str | None]:
    """Each of these members' CRM reference, by id, in one query."""
    return dict(
        await Member.filter(id__in=member_ids).using_db(conn).values_list("id", "external_ref")
    )


async def member_rows(*, after: int, limit: int, columns: tuple[str, ...]) -> list[dict]:
    """`id` and `columns` of the next `limit` active program members after id `after`."""
    return await Member.filter(id__gt=after, role=Role.MEMBER, is_active=True).order_by(
        "id").limit(limit).values("id", *columns)  # fmt: skip


# ---- CRM sync's writes (app.integrations.sync): a batch in a few statements -----------------


async def member_by_external_ref(*, external_ref: str) -> Member:
    """The account with this CRM reference (active or not); DoesNotExist without one."""
    return await Member.get(external_ref=external_ref)


async def lock_by_external_refs(
    *, external_refs: list[str], columns: tuple[str, ...], conn
) -> dict[str, dict]:
    """Lock the accounts with these CRM references (in id order, like any batch) and read
    their `columns`, by reference."""
    await Member.filter(external_ref__in=external_refs).select_for_update().using_db(
        conn).order_by("id").only("id")  # fmt: skip
    rows = await Member.filter(external_ref__in=external_refs).using_db(conn).values(*columns)
    return {row["external_ref"]: row for row in rows}


async def holders_of(*, column: str, values: list, conn) -> list[tuple[object, str | None]]:
    """(value, CRM reference) of the accounts holding any of `values` in `column`."""
    return await Member.filter(**{f"{column}__in": values}).using_db(conn).values_list(
        column, "external_ref")  # fmt: skip


async def insert_members(*, rows: list[dict], conn) -> list[dict]:
    """Insert whole member rows in one statement; returns each one's id and external_ref."""
    from app.db import insert_rows

    return await insert_rows(conn, Member, rows, returning=("id", "external_ref"))


async def update_members(*, changes: list[tuple[int, dict]], at: dt.datetime, conn) -> None:
    """Write each (id, changed columns) with `updated_at` = `at`: one UPDATE ... CASE per
    set of columns changing together."""
    groups: dict[tuple[str, ...], list[Member]] = {}
    for member_id, changed in changes:
        member = Member(id=member_id, updated_at=at, **changed)
        groups.setdefault(tuple(sorted(changed)), []).append(member)
    for columns, group in groups.items():
        await Member.bulk_update(group, fields=[*columns, "updated_at"], batch_size=500,
                                 using_db=conn)  # fmt: skip


async def referrer_id_for_code(*, code: str) -> int | None:
    """The active member account (never staff) whose referral code `code` is, or None."""
    ids = await Member.filter(referral_code=code, is_active=True, role=Role.MEMBER).values_list(
        "id", flat=True
    )
    return ids[0] if ids else None


# ---- for other domains: locks, hand-written reads, consent, retention and erasure -----------

ERASED_PASSWORD = "!erased"  # not an argon2 hash: no password ever verifies against it


def member_from_row(row: dict) -> Member:
    """The account built from a whole `member` row another domain read by hand (no query)."""
    return Member._init_from_db(**row)


async def lock_member(*, member_id: int, active_only: bool = False) -> Member | None:
    """The account with its row locked until the caller's open transaction ends (None when
    there is none, or it is inactive and `active_only`)."""
    if active_only:
        return await Member.select_for_update().get_or_none(id=member_id, is_active=True)
    return await Member.select_for_update().get_or_none(id=member_id)


async def password_matches(*, member: Member, password: str) -> bool:
    """Whether `password` is the account's, verified off the event loop (callers throttle)."""
    return await passwords.verify_password_async(member.password_hash, password)


async def record_channel_consent(
    *, member_id: int, channel: Channel, opted_in: bool, at: dt.datetime
) -> None:
    """Set the channel preference a consent choice drives, with when it was given or withdrawn."""
    pref = await ChannelPreference.filter(member_id=member_id, channel=channel).first()
    if pref is None:
        await ChannelPreference.create(
            member_id=member_id, channel=channel, opted_in=opted_in,
            consented_at=at if opted_in else None, withdrawn_at=None if opted_in else at,
        )  # fmt: skip
        return
    changes = {"opted_in": opted_in, "updated_at": at}
    changes["consented_at" if opted_in else "withdrawn_at"] = at
    await ChannelPreference.filter(id=pref.id).update(**changes)


async def opt_out_of_all_channels(*, member_id: int, at: dt.datetime) -> int:
    """Switch off every channel the member is opted in to; returns how many were on."""
    return await ChannelPreference.filter(member_id=member_id, opted_in=True).update(
        opted_in=False, withdrawn_at=at)  # fmt: skip


async def inactive_members(*, before: dt.datetime, excluding: Iterable, limit: int) -> list[int]:
    """Program members created and last changed before `before`, in none of `excluding`
    (other domains' member-id subqueries), oldest first: one query."""
    from tortoise.expressions import Subquery

    query = Member.filter(role=Role.MEMBER, created_at__lt=before, updated_at__lt=before)
    for member_ids in excluding:
        query = query.exclude(id__in=Subquery(member_ids))
    return list(await query.order_by("id").limit(limit).values_list("id", flat=True))


async def forget_member(*, member_id: int, at: dt.datetime) -> None:
    """For an erasure: a pseudonymous, inactive member account without profile or password."""
    await Member.filter(id=member_id).update(
        email=f"erased-{secrets.token_hex(8)}@invalid", display_name=None, birthday=None,
        interests=[], card_number=None, external_ref=None, referral_code=None,
        password_hash=ERASED_PASSWORD, is_active=False, role=Role.MEMBER, time_zone="UTC",
        password_changed_at=at, updated_at=at,
    )  # fmt: skip


async def stored_profile(*, member_id: int, leave_out: Iterable[str]) -> dict | None:
    """The account's row as stored but for the `leave_out` columns (a data export), or None."""
    hidden = set(leave_out)
    columns = [c for c in Member._meta.fields_db_projection if c not in hidden]
    rows = await Member.filter(id=member_id).values(*columns)
    return rows[0] if rows else None


async def mark_email_verified(*, member_id: int, conn=None) -> bool:
    """Record that the member proved they read mail at their address (once: the first
    proof's time stays); whether this changed anything."""
    return bool(await Member.filter(id=member_id, email_verified_at__isnull=True).using_db(
        conn).update(email_verified_at=clock.now()))  # fmt: skip


async def unverify_emails(*, member_ids: Iterable[int], conn) -> int:
    """Forget that these members proved their address: it was just changed for them (CRM
    sync), and nobody has proved they read mail at the new one. How many were verified."""
    ids = list(member_ids)
    if not ids:
        return 0
    return await Member.filter(id__in=ids, email_verified_at__isnull=False).using_db(
        conn).update(email_verified_at=None)  # fmt: skip


def password_problem(password: str) -> tuple[str, dict] | None:
    """(code, params) of what the account rules refuse in `password`, or None."""
    return passwords.password_problem(password)


async def hash_new_password(password: str) -> str:
    """The stored hash of `password` (argon2id, off the event loop)."""
    return await passwords.hash_password_async(password)


def account_lookup(
    *, member_id: int | None = None, external_ref: str | None = None, card_number: str | None = None
) -> tuple[str, object] | None:
    """The column of the member table and the value `find_account` looks a reference up
    by (None without a reference), for a statement that finds the account and does more at
    once (the ledger's lock of the member a till names)."""
    return _member_ref(member_id, external_ref, card_number)
