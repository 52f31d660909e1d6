import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Annotated

import strawberry
from graphql import FieldNode
from strawberry import relay
from strawberry.types import Info

from app.errors import Forbidden
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError
from app.graphql.relay import PageSize, to_connection
from app.ledger.types import (
    Balance,
    PointsTransaction,
    PointsTransactionConnection,
    PointsTransactionKind,
)
from app.members import models
from app.messaging.types import CategoryPush, InboxConnection, InboxMessage
from app.pagination import (
    Page,
    backward_bounds,
    decode_cursor,
    encode_cursor,
    is_backward,
    page_size,
)
from app.program.types import TermsAcceptance
from app.rewards.service import RedemptionStatus as RedemptionStatusModel
from app.rewards.types import Redemption, RedemptionConnection, RedemptionStatus
from app.tiers.types import TierStatus

Role = described_enum(
    models.Role,
    name="Role",
    description="An account's role.",
    values={
        "MEMBER": "A program member using the app.",
        "ADMIN": "Staff: runs the program, may do everything staff may.",
        "MARKETER": "Staff: offers, content, campaigns and segments.",
        "SUPPORT": "Staff: looks up members and corrects points within limits.",
    },
)


@strawberry.enum(description="A channel the program can reach a member on.")
class Channel(Enum):
    PUSH = strawberry.enum_value("push", description="Push notifications to the member's devices.")
    EMAIL = strawberry.enum_value("email", description="Email to the account's address.")
    SMS = strawberry.enum_value("sms", description="Text messages to the member's phone.")
    IN_APP = strawberry.enum_value("in_app", description="Messages in the app's inbox.")


@strawberry.type(
    description="A member's choice for one channel, with when they gave or withdrew consent."
)
class ChannelPreference:
    channel: Channel = strawberry.field(description="The channel this choice is for.")
    opted_in: bool = strawberry.field(description="True when the member agreed to this channel.")
    consented_at: dt.datetime | None = strawberry.field(
        description="When the member last opted in; null if they never did."
    )
    withdrawn_at: dt.datetime | None = strawberry.field(
        description="When the member last opted out; null if they never did."
    )


def _ranks_offers(info: Info[Context, None]) -> bool:
    """Whether the operation asks for `offers` at its root (the home screen does)."""
    return any(isinstance(node, FieldNode) and node.name.value == "offers"
               for node in info.operation.selection_set.selections)  # fmt: skip


async def _own_facts(info: Info[Context, None], member_id: int):
    """The signed-in member's own facts (balance, expiring points, tier, segment facts), read
    in one statement when the same operation ranks offers for them (their home screen); None
    otherwise, and for anyone else's account (staff reading a member): the separate loaders,
    which spare a plain `me { balance }` the purchases the segment facts read."""
    if not _ranks_offers(info):
        return None
    viewer = await info.context.viewer()
    if viewer is None or viewer.id != member_id:
        return None
    return await info.context.loaders.segments.facts.load(member_id)


@strawberry.type(description="A program member (or a staff account).")
class Member(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(description="The sign-in email address.")
    email_verified: bool = strawberry.field(
        default=False,
        description="True once the owner proved they read mail at `email` (a confirmation, "
        "invitation or password reset link); until then no marketing mail goes there.",
    )
    display_name: str | None = strawberry.field(
        description="The name shown in the app and community; null until the member sets one."
    )
    locale: str = strawberry.field(
        description="Language for messages and errors: `en`, `nl` or `es`."
    )
    time_zone: str = strawberry.field(
        description="IANA time zone (for example `Europe/Amsterdam`) for dates shown."
    )
    birthday: dt.date | None = strawberry.field(
        description="For birthday rewards; null when not given."
    )
    interests: list[str] = strawberry.field(
        description="Interest tags the member chose, for offers and content; may be empty."
    )
    role: Role = strawberry.field(description="Member or one of the staff roles.")
    member_since: dt.datetime = strawberry.field(description="When the account was created (UTC).")
    card_number: str | None = strawberry.field(description="The loyalty card tills scan.")
    referral_code: str | None = strawberry.field(
        description="Give it to friends: you both earn points on their first purchase."
    )

    @classmethod
    def from_model(cls, member: models.Member) -> "Member":
        return cls(
            id=member.id,
            email=member.email,
            email_verified=member.email_verified_at is not None,
            display_name=member.display_name,
            locale=member.locale,
            time_zone=member.time_zone,
            birthday=member.birthday,
            interests=list(member.interests or []),
            role=Role(member.role),
            member_since=member.created_at,
            card_number=member.card_number,
            referral_code=member.referral_code,
        )

    @strawberry.field(description="Per-channel communication choices.")
    async def communication_preferences(self, info: Info[Context, None]) -> list[ChannelPreference]:
        prefs = await info.context.loaders.members.channel_preferences.load(self.id)
        return [
            ChannelPreference(
                channel=Channel(p.channel),
                opted_in=p.opted_in,
                consented_at=p.consented_at,
                withdrawn_at=p.withdrawn_at,
            )
            for p in prefs
        ]

    @strawberry.field(description="Points: available, pending, lifetime and what expires when.")
    async def balance(self, info: Info[Context, None]) -> Balance:
        facts = await _own_facts(info, self.id)
        if facts is not None:
            return Balance.from_service(facts.balance, facts.expiring)
        return Balance.from_service(await info.context.loaders.ledger.balance.load(self.id))

    @strawberry.field(description="Points movements, newest first, each with its explanation.")
    async def activity(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Cursor of the last item seen; null for the newest."),
        ] = None,
        kind: Annotated[
            PointsTransactionKind | None,
            strawberry.argument(description="Only movements of this kind; null for all."),
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Backward paging: the last 0..100 movements before `before` (the "
                "oldest when `before` is null); when given, `first` is ignored."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(
                description="The `startCursor` of a page: the movements newer than it (with "
                "`last`, default 20)."
            ),
        ] = None,
    ) -> PointsTransactionConnection:
        if not await policy.sees_part(info, policy.Access.TRANSACTIONS, self.id):
            raise Forbidden()
        loaders = info.context.loaders.ledger
        if is_backward(last, before):
            size, before_id, after_id = backward_bounds(last, before, after)
            items, previous, following = await loaders.activity_backward.load(
                (self.id, size, before_id, after_id, kind)
            )
            page = Page(items, [encode_cursor(t.id) for t in items], following, previous)
        else:
            size = page_size(first)
            below = decode_cursor(after) if after is not None else None
            items, more = await loaders.activity.load((self.id, size, below, kind))
            page = Page(items, [encode_cursor(t.id) for t in items], more, after is not None)
        connection = to_connection(PointsTransactionConnection, page, PointsTransaction.from_model)
        connection.member_id, connection.kind = self.id, kind
        return connection

    @strawberry.field(
        description="Which categories of messages may push to your devices and come by email "
        "(security and account mail has no category: it always comes)."
    )
    async def notification_preferences(self, info: Info[Context, None]) -> list[CategoryPush]:
        from app.messaging.service import category_channels

        viewer = await info.context.viewer()
        if viewer is None or viewer.id != self.id:
            raise Forbidden()
        return CategoryPush.listed(await category_channels(self.id))

    @strawberry.field(description="Your inbox, newest first, with the unread count.")
    async def inbox(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="Cursor of the last message seen; null for the newest."
            ),
        ] = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only messages not yet read.")
        ] = False,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Backward paging: the last 0..100 messages before `before` (the "
                "oldest when `before` is null); when given, `first` is ignored."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(
                description="The `startCursor` of a page: the messages newer than it (with `last`)."
            ),
        ] = None,
    ) -> InboxConnection:
        from app.messaging.service import inbox_first_page, inbox_page, unread_count

        viewer = await info.context.viewer()
        if viewer is None or viewer.id != self.id:  # private, even to staff
            raise Forbidden()
        unread = None
        if last is None and before is None:  # forward: the page and the count in one read
            page, unread = await inbox_first_page(
                member_id=self.id, first=first, after=after, unread_only=unread_only
            )
        else:
            page = await inbox_page(member_id=self.id, first=first, after=after,
                                    unread_only=unread_only, last=last, before=before)  # fmt: skip
        connection = to_connection(InboxConnection, page, InboxMessage.from_model)
        connection.unread_count = unread if unread is not None else await unread_count(self.id)
        connection.member_id, connection.unread_only = self.id, unread_only
        return connection

    @strawberry.field(description="Your tier, the next one and the way there.")
    async def tier(self, info: Info[Context, None]) -> TierStatus:
        facts = await _own_facts(info, self.id)
        if facts is not None:
            return TierStatus.from_service(facts.status)
        return TierStatus.from_service(await info.context.loaders.tiers.status.load(self.id))

    @strawberry.field(description="Whether you must accept the program terms in force.")
    async def terms_acceptance(self, info: Info[Context, None]) -> TermsAcceptance:
        status = await info.context.loaders.program.terms_acceptance.load(self.id)
        return TermsAcceptance.from_status(status)

    @strawberry.field(description="Your consent per purpose (you, and support staff, may see it).")
    async def consents(
        self, info: Info[Context, None]
    ) -> list[Annotated["Consent", strawberry.lazy("app.privacy.types")]]:  # noqa: F821
        from app.privacy.types import Consent

        return await Consent.of_member(info, self.id)

    @strawberry.field(description="Rewards redeemed, newest first.")
    async def redemptions(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Cursor of the last item seen; null for the newest."),
        ] = None,
        status: Annotated[
            RedemptionStatus | None,
            strawberry.argument(description="Only redemptions in this status; null for all."),
        ] = None,
    ) -> RedemptionConnection:
        if not await policy.sees_part(info, policy.Access.REDEMPTIONS, self.id):
            raise Forbidden()
        size = page_size(first)
        before = decode_cursor(after) if after is not None else None
        key = (self.id, size, before, RedemptionStatusModel(status.value) if status else None)
        items, more = await info.context.loaders.rewards.member_redemptions.load(key)
        page = Page(items, [encode_cursor(r.id) for r in items], more, after is not None)
        return to_connection(RedemptionConnection, page, Redemption.from_model)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Member | None"]:
        """A member is visible to themself and to the staff roles the policy names
        (Access.MEMBER); to anyone else it does not exist."""
        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.MEMBER,
            load=lambda _viewer, ids: info.context.loaders.members.by_id.load_many(ids),
            owner=lambda m: m.id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A page of members (staff search).")
class MemberConnection(relay.Connection[Member]):
    pass


@strawberry.input(description="A channel choice; opting in records consent now.")
class ChannelPreferenceInput:
    channel: Channel = strawberry.field(description="The channel to set.")
    opted_in: bool = strawberry.field(
        description="True to opt in (records consent), false to opt out."
    )


@strawberry.input(
    description="Only the fields given are changed; send null to clear a nullable one."
)
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name shown in the app; null clears it."
    )
    locale: str | None = strawberry.field(
        default=strawberry.UNSET, description="`en`, `nl` or `es`; null is rejected."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="An IANA time zone name; null is rejected."
    )
    birthday: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="Date of birth (not in the future); null clears it."
    )
    interests: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces all interest tags (lower-cased, deduplicated); [] clears them.",
    )
    communication_preferences: list[ChannelPreferenceInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Channel choices to change; channels not listed stay."
    )


UpdateProfileResult = Annotated[
    Member | InvalidInputError,
    strawberry.union(
        "UpdateProfileResult",
        description="Your updated profile, or the rejected fields (nothing changed).",
    ),
]
