"""Who may see what, and who may do what: the one table of staff roles.

Every staff-only field names an `Access` here (through `permissions.Can` or
`policy.roles(...)`), and every `Node.resolve_nodes` decides visibility with
`visible_nodes`, so `node(id:)` and the typed lookups (`member(id:)`, `members`,
`Member.activity`, `Member.redemptions`, `consentHistory`, ...) can never disagree.

Objects that belong to a member (their profile, points movements, redemptions, consents,
inbox) are seen by that member and by the staff roles listed for them; to anyone else they
do not exist (`node` answers null, typed lookups FORBIDDEN). Integration clients see what
their scoped operations return, never anything through `node`; inside a member such an
operation returned (`upsertMember`), the parts a rule lists `clients` scopes for need one
of those scopes (`sees_part`): the profile and balance with members:read or members:sync,
the member's history (`activity`, `redemptions`) only with members:read.

Voucher codes are shown whole only to the member who owns them and to a till (scope
`vouchers:redeem`) in the answer of the till's own operations (`voucher`, `consumeVoucher`:
the code it was handed), never in a member's redemption list; staff who may see a
redemption, and clients reading one, see its codes masked (`XXXX-XXXX-7F3K`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.errors import Forbidden
from app.ids import parse_pks
from app.members.models import Member, Role

if TYPE_CHECKING:
    from strawberry.types import Info

ADMIN, MARKETER, SUPPORT = Role.ADMIN, Role.MARKETER, Role.SUPPORT
ALL_STAFF = frozenset({ADMIN, MARKETER, SUPPORT})


class Access(StrEnum):
    """Something only some accounts may see or do."""

    # ---- a member's own things: the member, and the staff roles below -----------------------
    MEMBER = "member"
    TRANSACTIONS = "transactions"
    REDEMPTIONS = "redemptions"
    CONSENTS = "consents"
    INBOX = "inbox"
    VOUCHER_CODES = "voucher_codes"
    CASHBACK_CREDITS = "cashback_credits"
    # ---- program objects ----------------------------------------------------------------
    CATALOG_DRAFTS = "catalog_drafts"
    # ---- staff operations ----------------------------------------------------------------
    ADJUST_POINTS = "adjust_points"
    APPROVE_ADJUSTMENTS = "approve_adjustments"
    OVERRIDE_TIER = "override_tier"
    ERASE_MEMBER = "erase_member"
    RESEND_INVITATION = "resend_invitation"
    MODERATE_COMMUNITY = "moderate_community"
    EDIT_EARNING_RULES = "edit_earning_rules"
    EDIT_CATALOG = "edit_catalog"
    EDIT_OFFERS = "edit_offers"
    EDIT_CONTENT = "edit_content"
    EDIT_TIERS = "edit_tiers"
    ORGANIZE_COMMUNITY = "organize_community"
    CAMPAIGNS = "campaigns"
    PREVIEW_CAMPAIGN = "preview_campaign"
    ANALYTICS = "analytics"
    INTEGRATIONS = "integrations"
    PROGRAM_TERMS = "program_terms"


@dataclass(frozen=True)
class Rule:
    staff: frozenset[Role]
    owner: bool
    description: str
    # Integration scopes, any one of which shows this part of an object the client already
    # holds (`sees_part`); none: no client sees it.
    clients: frozenset[str] = frozenset()


def _rule(
    staff: Iterable[Role], description: str, *, owner: bool = False, clients: Iterable[str] = ()
) -> Rule:
    return Rule(
        staff=frozenset(staff), owner=owner, description=description, clients=frozenset(clients)
    )


RULES: dict[Access, Rule] = {
    Access.MEMBER: _rule(
        {ADMIN, SUPPORT}, owner=True, clients={"members:read", "members:sync"},
        description="A member's profile and personal data: email, card number, birthday, "
        "balance, tier, preferences (`node`, `member`, `members`; clients: what "
        "upsertMember returns).",
    ),
    Access.TRANSACTIONS: _rule(
        {ADMIN, SUPPORT}, owner=True, clients={"members:read"},
        description="A member's points movements (`node`, `Member.activity`, who made a "
        "correction); clients with members:read only.",
    ),
    Access.REDEMPTIONS: _rule(
        {ADMIN, SUPPORT}, owner=True, clients={"members:read"},
        description="A member's redemptions (`node`, `Member.redemptions`; clients with "
        "members:read only); voucher codes in them masked for staff and clients.",
    ),
    Access.CONSENTS: _rule(
        {ADMIN, SUPPORT}, owner=True,
        description="A member's consents and their history (`Member.consents`, "
        "`consentHistory`).",
    ),
    Access.INBOX: _rule((), owner=True, description="A member's inbox: theirs alone."),
    Access.VOUCHER_CODES: _rule(
        (), owner=True,
        description="Whole voucher codes: the member's own, and tills (scope "
        "vouchers:redeem) in the answer of voucher/consumeVoucher, the code they were "
        "handed; nobody on staff, no client in a member's redemptions.",
    ),
    Access.CASHBACK_CREDITS: _rule(
        (), description="Cashback credits: integrations with scope cashback:pay only."
    ),
    Access.CATALOG_DRAFTS: _rule(
        ALL_STAFF, description="Archived, future and ended rewards, offers and content; every "
        "translation and the targeting they were saved with.",
    ),
    Access.ADJUST_POINTS: _rule(
        {ADMIN, SUPPORT},
        "Correct a member's balance (not one's own); withdraw (reject) one's own request "
        "waiting for approval.",
    ),
    Access.APPROVE_ADJUSTMENTS: _rule(
        {ADMIN},
        "Approve a large correction another staff member asked for (never one's own), or "
        "reject anyone's.",
    ),
    Access.OVERRIDE_TIER: _rule({ADMIN, SUPPORT}, "Put a member in a tier."),
    Access.ERASE_MEMBER: _rule({ADMIN, SUPPORT}, "Erase a member (staff: admins only)."),
    Access.RESEND_INVITATION: _rule(
        {ADMIN, SUPPORT},
        "Mail a member who never set a password (created by CRM sync or import) a new "
        "invitation to set one.",
    ),
    Access.MODERATE_COMMUNITY: _rule({ADMIN, SUPPORT}, "Hide posts, ban and mute members."),
    Access.EDIT_EARNING_RULES: _rule({ADMIN, MARKETER}, "Earning rules, rates, event types."),
    Access.EDIT_CATALOG: _rule({ADMIN, MARKETER}, "Rewards, stock and checkout rates."),
    Access.EDIT_OFFERS: _rule({ADMIN, MARKETER}, "Personal offers."),
    Access.EDIT_CONTENT: _rule({ADMIN, MARKETER}, "Exclusive content."),
    Access.EDIT_TIERS: _rule({ADMIN, MARKETER}, "The tier programme."),
    Access.ORGANIZE_COMMUNITY: _rule({ADMIN, MARKETER}, "Community groups and events."),
    Access.CAMPAIGNS: _rule({ADMIN, MARKETER}, "Campaigns: audiences (ids only), launches."),
    Access.PREVIEW_CAMPAIGN: _rule(
        {ADMIN, MARKETER},
        "A campaign rendered for one member: their first name, points and tier as the "
        "campaign's placeholders show them (nothing else of theirs).",
    ),
    Access.ANALYTICS: _rule({ADMIN, MARKETER}, "Programme figures (aggregates only)."),
    Access.INTEGRATIONS: _rule({ADMIN}, "Integration clients and webhooks."),
    Access.PROGRAM_TERMS: _rule({ADMIN}, "Terms and privacy policy versions."),
}  # fmt: skip


def roles(access: Access) -> tuple[Role, ...]:
    """The staff roles `access` allows, for `IsStaff(*roles(...))`/`require_staff(...)`."""
    allowed = RULES[access].staff
    return tuple(r for r in (ADMIN, MARKETER, SUPPORT) if r in allowed)


def is_staff(account: Member | None) -> bool:
    """Whether the account is staff (any role but member)."""
    return account is not None and account.role != Role.MEMBER


def allows(account: Member | None, access: Access, owner_id: int | None = None) -> bool:
    """Whether the signed-in `account` may see (or do) `access` on something of `owner_id`
    (None: something that belongs to no member)."""
    if account is None or not account.is_active:
        return False
    rule = RULES[access]
    if rule.owner and owner_id is not None and account.id == owner_id:
        return True
    return account.role in rule.staff


async def viewer_allows(info: Info, access: Access, owner_id: int | None = None) -> bool:
    """`allows` for the request's signed-in account (integration clients: False)."""
    return allows(await info.context.viewer(), access, owner_id)


async def sees_part(info: Info, access: Access, owner_id: int) -> bool:
    """For a field inside an object the caller already holds (`Member.activity`): the
    policy for a signed-in account; an integration client got the object from one of its
    scoped operations (`upsertMember`) and sees the part when its token carries one of the
    scopes the rule lists (`Rule.clients`: history only with members:read)."""
    principal = await info.context.principal()
    if principal is not None and principal.kind == "client":
        return client_sees(principal.scopes, access)
    return await viewer_allows(info, access, owner_id)


def client_sees(scopes: Iterable[str], access: Access) -> bool:
    """Whether an integration client with `scopes` sees `access` inside what it holds."""
    return not RULES[access].clients.isdisjoint(scopes)


# The one type whose voucher a till sees whole: the answer of `voucher` and `consumeVoucher`,
# about the code the till itself was handed.
TILL_ANSWER = "VoucherCheck"


async def sees_voucher_codes(info: Info, owner_id: int) -> bool:
    """Whole codes for their member and, in a till operation's answer (`VoucherCheck`), for
    a till (scope vouchers:redeem); masked for everyone else who may see the voucher (staff
    and clients looking at a member's redemptions)."""
    principal = await info.context.principal()
    if principal is not None and principal.kind == "client":
        return "vouchers:redeem" in principal.scopes and _in_till_answer(info)
    return await viewer_allows(info, Access.VOUCHER_CODES, owner_id)


def _in_till_answer(info: Info) -> bool:
    """Whether the field resolving (`Voucher.code`) belongs to the voucher of a VoucherCheck
    (graphql-core's path names the parent type of each step; a list item has none)."""
    voucher = info.path.prev
    return voucher is not None and voucher.typename == TILL_ANSWER


def mask_code(code: str, keep: int = 4) -> str:
    """`CAFE-AB12-7F3K` -> `XXXX-XXXX-7F3K`: letters and digits but the last `keep` become X,
    separators stay, so support can read the end of a code to a member, never use it."""
    total = sum(ch.isalnum() for ch in code)
    hidden = max(total - keep, 0) if total > keep else total
    out, seen = [], 0
    for ch in code:
        if ch.isalnum():
            seen += 1
            out.append("X" if seen <= hidden else ch)
        else:
            out.append(ch)
    return "".join(out)


async def visible_nodes(
    info: Info,
    node_ids: Iterable[str],
    *,
    access: Access | None,
    load: Callable[[Member, list[int]], Awaitable[Sequence[Any | None]]],
    owner: Callable[[Any], int | None] | None = None,
    convert: Callable[[Any], Any],
) -> list[Any | None]:
    """What `resolve_nodes` answers, in order: None for a malformed or out-of-range id, for
    a signed-out (or integration) caller, for what does not exist and for what `access`
    does not allow the viewer (`owner(obj)`: the member it belongs to). `access=None` leaves
    the choice to `load` (which gets the viewer and only the well-formed ids)."""
    pks = parse_pks(node_ids)
    viewer = await info.context.viewer()
    if viewer is None or not viewer.is_active:
        return [None for _ in pks]
    if access is not None and not RULES[access].owner and viewer.role not in RULES[access].staff:
        return [None for _ in pks]
    wanted = [pk for pk in pks if pk is not None]
    loaded = iter(await load(viewer, wanted) if wanted else [])
    result: list[Any | None] = []
    for pk in pks:
        found = next(loaded) if pk is not None else None
        owner_id = owner(found) if owner and found is not None else None
        if found is not None and access is not None and not allows(viewer, access, owner_id):
            found = None
        result.append(convert(found) if found is not None else None)
    return result


async def require(context: Any, access: Access) -> Member:
    """The signed-in staff account whose role `access` allows; UNAUTHENTICATED or FORBIDDEN
    otherwise (the typed-lookup side of `allows`)."""
    allowed = roles(access)
    if not allowed:  # require_staff() with no roles would mean "any staff"
        await context.require_member()
        raise Forbidden()
    return await context.require_staff(*allowed)
