import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from app import errors
from app.campaigns import models
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, MemberNotFoundError, UserError, error_type
from app.offers.types import Engagement, SegmentInput
from app.segments import service as segments

__all__ = ["SegmentInput"]

CampaignStatus = described_enum(
    models.CampaignStatus,
    name="CampaignStatus",
    description="Where a campaign is in its life.",
    values={
        "DRAFT": "Being prepared; nobody chosen yet.",
        "SCHEDULED": "Launched: recipients chosen, delivery queued for `sendAt`.",
        "DONE": "Every recipient was handled.",
        "CANCELLED": "Stopped; nobody still waiting got it.",
    },
)


@strawberry.enum(name="CampaignChannel", description="Where a campaign goes.")
class CampaignChannel(Enum):
    INBOX = strawberry.enum_value(
        "inbox",
        description="The app's inbox: a message, for members who consented to marketing pushes.",
    )
    PUSH = strawberry.enum_value(
        "push",
        description="A push that rings the bell for the inbox message (so it needs INBOX), "
        "on members' devices, unless they switched marketing pushes off.",
    )
    EMAIL = strawberry.enum_value(
        "email",
        description="A mail with the same title (its subject) and text, for members who "
        "consented to marketing mail and verified their address; an https:// deep link "
        "becomes its button. Each mail has a one-click unsubscribe.",
    )


DEFAULT_CHANNELS = (CampaignChannel.INBOX, CampaignChannel.PUSH)


@error_type(errors.CampaignNotFound, description="No campaign has that id.")
class CampaignNotFoundError(UserError):
    pass


@error_type(
    errors.CampaignNotDraft,
    description="The campaign is no longer a draft (it was launched or cancelled): it cannot "
    "be changed; nothing was changed.",
)
class CampaignNotDraftError(UserError):
    status: CampaignStatus = strawberry.field(description="Where the campaign is now.")


@strawberry.input(description="The message in one locale.")
class CampaignVariantInput:
    locale: str = strawberry.field(
        description="en, nl or es; members get their own locale's variant."
    )
    title: str = strawberry.field(
        description="May use {first_name}, {points_available}, {tier}, {points_to_next_tier}."
    )
    body: str = strawberry.field(
        description="The push, inbox and mail text; the same fields as the title."
    )
    deep_link: str | None = strawberry.field(
        default=None,
        description="An app link opened on tap; null: none. In a mail it is the button only "
        "when it is an https:// URL.",
    )


@strawberry.input(description="A campaign draft (marketers).")
class CampaignInput:
    name: str = strawberry.field(description="Internal name, shown to staff only.")
    segment: SegmentInput | None = strawberry.field(
        default=None, description="Who to reach; null: every member who consented to marketing."
    )
    variants: list[CampaignVariantInput] = strawberry.field(
        description="One per locale; at least one."
    )
    quiet_start: int = strawberry.field(default=21, description="Members' local hour, 0-23.")
    quiet_end: int = strawberry.field(
        default=9, description="Members' local hour (0-23) from which sending resumes."
    )
    holdout_percent: int = strawberry.field(default=0, description="Control group, 0-50 %.")
    channels: list[CampaignChannel] | None = strawberry.field(
        default_factory=lambda: list(DEFAULT_CHANNELS),
        description="Where it goes, each once; PUSH needs INBOX. Null: INBOX and PUSH. Members "
        "get it on every chosen channel they consented to, once.",
    )


@strawberry.type(description="A recipient group's behaviour after the send.")
class CampaignOutcome:
    members: int = strawberry.field(description="Members in the group.")
    spend: int = strawberry.field(description="Minor units spent in the window.")
    points: int = strawberry.field(description="Points earned in the window.")


@strawberry.type(description="How many deliveries had one reason.")
class ReasonCount:
    reason: str = strawberry.field(
        description="Why, as a stable lowercase code (e.g. `cancelled`, or the push service's error)."
    )
    count: int = strawberry.field(description="How many deliveries.")


@strawberry.type(description="What a campaign's inbox messages did.")
class CampaignInboxStats:
    written: int = strawberry.field(description="Inbox messages written (one per recipient).")
    opened: int = strawberry.field(description="Of those, how many the member opened.")


@strawberry.type(description="What a campaign's pushes did.")
class CampaignPushStats:
    sent: int = strawberry.field(description="Pushes the push service accepted.")
    failed: int = strawberry.field(
        description="Pushes the push service refused (by error: `CampaignStats.failed`)."
    )
    unconfirmed: int = strawberry.field(
        description="Pushes in flight when a worker died: probably delivered, never resent."
    )


@strawberry.type(description="What a campaign's mails did.")
class CampaignEmailStats:
    sent: int = strawberry.field(description="Mails the mail server accepted.")
    failed: int = strawberry.field(
        description="Mails the mail server refused for good (or after too many retries)."
    )
    undeliverable: int = strawberry.field(
        description="Mails not sent: the address refused mail before (it is suppressed)."
    )
    unconfirmed: int = strawberry.field(
        description="Mails in flight when a worker died or the connection broke: maybe "
        "delivered, never resent."
    )
    skipped: int = strawberry.field(
        description="Mails not sent because, at sending time, the member had withdrawn "
        "consent, switched marketing mail off or had no verified address."
    )
    pending: int = strawberry.field(
        description="Mails still being sent or waiting to be retried (the server said try later)."
    )
    unsubscribed: int = strawberry.field(
        description="Recipients who unsubscribed from marketing mail through a mail's link "
        "since the launch."
    )


@strawberry.type(description="What a campaign did on each of its channels.")
class CampaignChannelStats:
    inbox: CampaignInboxStats | None = strawberry.field(
        description="Inbox messages; null: the campaign does not use the inbox."
    )
    push: CampaignPushStats | None = strawberry.field(
        description="Pushes; null: the campaign does not push."
    )
    email: CampaignEmailStats | None = strawberry.field(
        description="Mails; null: the campaign does not mail."
    )


@strawberry.type(description="What a campaign did.")
class CampaignStats:
    targeted: int = strawberry.field(description="Members chosen as recipients at launch.")
    control: int = strawberry.field(description="Members held back as the control group.")
    sent: int = strawberry.field(description="Deliveries sent.")
    pending: int = strawberry.field(
        description="Deliveries still waiting (quiet hours, send time)."
    )
    opened: int = strawberry.field(description="Recipients who opened the message.")
    skipped: list[ReasonCount] = strawberry.field(description="Deliveries not sent, by reason.")
    failed: list[ReasonCount] = strawberry.field(description="Pushes FCM refused, by error.")
    unconfirmed: int = strawberry.field(
        description="Pushes in flight when a worker died: probably delivered, never resent."
    )
    recipients: CampaignOutcome = strawberry.field(
        description="What recipients spent and earned in the window."
    )
    control_group: CampaignOutcome = strawberry.field(
        description="What the control group spent and earned in the window."
    )
    channels: CampaignChannelStats = strawberry.field(
        description="What happened on each channel the campaign uses."
    )


@strawberry.type(
    description="Who a campaign reaches, in the shape CampaignInput's `segment` takes "
    "(every condition set must hold; an empty list or null: that condition is not set)."
)
class CampaignSegment:
    tiers: list[str] = strawberry.field(
        description='Tier codes; "" for members below every tier; empty: any tier.'
    )
    min_points: int | None = strawberry.field(description="At least this many available points.")
    max_points: int | None = strawberry.field(description="At most this many available points.")
    purchased_within_days: int | None = strawberry.field(
        description="Made a purchase in the last this-many days."
    )
    categories: list[str] = strawberry.field(
        description="Bought any of these in the last 365 days."
    )
    interests: list[str] = strawberry.field(description="Chose any of these interest tags.")
    locales: list[str] = strawberry.field(description="Uses one of these languages.")
    engagement: list[Engagement] = strawberry.field(
        description="Is in any of these engagement states."
    )
    has_device: bool | None = strawberry.field(
        description="Has (true) or has not (false) an active device for pushes; null: either."
    )
    marketing_consent: bool | None = strawberry.field(
        description="Opted in to marketing (campaigns reach consenting members anyway)."
    )

    @classmethod
    def from_json(cls, data: dict | None) -> "CampaignSegment":
        s = segments.Segment.from_json(data)
        return cls(tiers=list(s.tiers), min_points=s.min_points, max_points=s.max_points,
                   purchased_within_days=s.purchased_within_days, categories=list(s.categories),
                   interests=list(s.interests), locales=list(s.locales),
                   engagement=[Engagement(e.value) for e in s.engagement],
                   has_device=s.has_device, marketing_consent=s.marketing_consent)  # fmt: skip


@strawberry.type(
    description="A campaign's message in one locale, as CampaignVariantInput takes it (the "
    "templates, not rendered)."
)
class CampaignVariant:
    locale: str = strawberry.field(description="en, nl or es.")
    title: str = strawberry.field(description="The title template.")
    body: str = strawberry.field(description="The text template.")
    deep_link: str | None = strawberry.field(description="The app link opened on tap; null: none.")


@strawberry.type(description="A marketing campaign: inbox messages, pushes and mails.")
class Campaign(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Internal name.")
    status: CampaignStatus = strawberry.field(description="Where it is in its life.")
    send_at: dt.datetime | None = strawberry.field(
        description="When it is (or was) sent (UTC); null: not launched."
    )
    launched_at: dt.datetime | None = strawberry.field(
        description="When it was launched (UTC); null: still a draft."
    )
    holdout_percent: int = strawberry.field(
        description="Share of the audience held back as a control group, 0-50."
    )
    locales: list[str] = strawberry.field(description="The locales it has a variant for, sorted.")
    channels: list[CampaignChannel] = strawberry.field(
        description="Where it goes (INBOX, PUSH, EMAIL: in that order)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was drafted (UTC).")
    segment: CampaignSegment = strawberry.field(
        description="Who it reaches (the segment it was drafted with; at launch, of those "
        "who consented on its channels)."
    )
    variants: list[CampaignVariant] = strawberry.field(
        description="Its message per locale, sorted by locale."
    )
    quiet_start: int = strawberry.field(
        description="Members' local hour (0-23) when quiet time begins: nothing is sent then."
    )
    quiet_end: int = strawberry.field(
        description="Members' local hour (0-23) from which sending resumes (the same as "
        "`quietStart`: no quiet time)."
    )

    @classmethod
    def from_model(cls, c: models.Campaign) -> "Campaign":
        channels = [CampaignChannel(v) for v in c.channels or ("inbox", "push")]
        variants = [CampaignVariant(locale=locale, title=v.get("title") or "",
                                    body=v.get("body") or "", deep_link=v.get("deep_link"))
                    for locale, v in sorted(c.variants.items())]  # fmt: skip
        return cls(id=c.id, name=c.name,
                   status=CampaignStatus(c.status), send_at=c.send_at, launched_at=c.launched_at,
                   holdout_percent=c.holdout_percent, locales=sorted(c.variants),
                   channels=channels, created_at=c.created_at,
                   segment=CampaignSegment.from_json(c.segment), variants=variants,
                   quiet_start=c.quiet_start, quiet_end=c.quiet_end)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["Campaign | None"]:
        """For `node(id:)`: campaigns, for the staff roles Access.CAMPAIGNS names."""
        from app.campaigns.service import campaigns_by_ids
        from app.graphql import policy

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.CAMPAIGNS,
            load=lambda viewer, ids: campaigns_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A page of campaigns, newest first.")
class CampaignConnection(relay.Connection[Campaign]):
    pass


@strawberry.type(description="Who a segment reaches now (consenting members).")
class Audience:
    count: int = strawberry.field(description="Consenting members the segment reaches now.")
    sample: list[relay.GlobalID] = strawberry.field(description="Up to 10 member ids.")


@strawberry.type(description="What one member would receive.")
class CampaignPreview:
    locale: str = strawberry.field(description="The variant's locale.")
    title: str = strawberry.field(description="The title the member would see.")
    body: str = strawberry.field(description="The text the member would see.")
    deep_link: str | None = strawberry.field(description="The app link; null: none.")


CampaignResult = Annotated[
    Campaign | InvalidInputError | CampaignNotFoundError,
    strawberry.union(
        "CampaignResult", description="The campaign, or CampaignNotFound, InvalidInput."
    ),
]
UpdateCampaignResult = Annotated[
    Campaign | InvalidInputError | CampaignNotFoundError | CampaignNotDraftError,
    strawberry.union(
        "UpdateCampaignResult",
        description="The changed draft, or CampaignNotFound, CampaignNotDraft, InvalidInput.",
    ),
]
PreviewResult = Annotated[
    CampaignPreview | InvalidInputError | CampaignNotFoundError | MemberNotFoundError,
    strawberry.union(
        "CampaignPreviewResult", description="The preview, or CampaignNotFound, MemberNotFound."
    ),
]
