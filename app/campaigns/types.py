import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from app import errors
from app.campaigns import models
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, MemberNotFoundError, UserError, error_type
from app.offers.types import SegmentInput

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


@error_type(errors.CampaignNotFound, description="No campaign has that id.")
class CampaignNotFoundError(UserError):
    pass


@strawberry.input(description="The message in one locale.")
class CampaignVariantInput:
    locale: str = strawberry.field(
        description="en, nl or es; members get their own locale's variant."
    )
    title: str = strawberry.field(
        description="May use {first_name}, {points_available}, {tier}, {points_to_next_tier}."
    )
    body: str = strawberry.field(description="The push and inbox text.")
    deep_link: str | None = strawberry.field(
        default=None, description="An app link opened on tap; null: none."
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


@strawberry.type(description="A push campaign.")
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

    @classmethod
    def from_model(cls, c: models.Campaign) -> "Campaign":
        return cls(id=c.id, name=c.name,
                   status=CampaignStatus(c.status), send_at=c.send_at, launched_at=c.launched_at,
                   holdout_percent=c.holdout_percent, locales=sorted(c.variants))  # fmt: skip

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
PreviewResult = Annotated[
    CampaignPreview | InvalidInputError | CampaignNotFoundError | MemberNotFoundError,
    strawberry.union(
        "CampaignPreviewResult", description="The preview, or CampaignNotFound, MemberNotFound."
    ),
]
