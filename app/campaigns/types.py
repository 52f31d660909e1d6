import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from app import errors
from app.campaigns import models
from app.graphql.errors import InvalidInputError, MemberNotFoundError, UserError, error_type
from app.offers.types import SegmentInput

__all__ = ["SegmentInput"]

CampaignStatus = strawberry.enum(models.CampaignStatus, name="CampaignStatus")


@error_type(errors.CampaignNotFound)
class CampaignNotFoundError(UserError):
    pass


@strawberry.input
class CampaignVariantInput:
    locale: str
    title: str = strawberry.field(
        description="May use {first_name}, {points_available}, {tier}, {points_to_next_tier}."
    )
    body: str
    deep_link: str | None = None


@strawberry.input
class CampaignInput:
    name: str
    segment: SegmentInput | None = None
    variants: list[CampaignVariantInput]
    quiet_start: int = strawberry.field(default=21, description="Members' local hour, 0-23.")
    quiet_end: int = 9
    holdout_percent: int = strawberry.field(default=0, description="Control group, 0-50 %.")


@strawberry.type(description="A recipient group's behaviour after the send.")
class CampaignOutcome:
    members: int
    spend: int = strawberry.field(description="Minor units spent in the window.")
    points: int = strawberry.field(description="Points earned in the window.")


@strawberry.type
class ReasonCount:
    reason: str
    count: int


@strawberry.type(description="What a campaign did.")
class CampaignStats:
    targeted: int
    control: int
    sent: int
    pending: int
    opened: int
    skipped: list[ReasonCount]
    failed: list[ReasonCount] = strawberry.field(description="Pushes FCM refused, by error.")
    unconfirmed: int = strawberry.field(
        description="Pushes in flight when a worker died: probably delivered, never resent."
    )
    recipients: CampaignOutcome
    control_group: CampaignOutcome


@strawberry.type(description="A push campaign.")
class Campaign:
    id: relay.GlobalID
    name: str
    status: CampaignStatus
    send_at: dt.datetime | None
    launched_at: dt.datetime | None
    holdout_percent: int
    locales: list[str]

    @classmethod
    def from_model(cls, c: models.Campaign) -> "Campaign":
        return cls(id=relay.GlobalID("Campaign", str(c.id)), name=c.name,
                   status=CampaignStatus(c.status), send_at=c.send_at, launched_at=c.launched_at,
                   holdout_percent=c.holdout_percent, locales=sorted(c.variants))  # fmt: skip


@strawberry.type(description="Who a segment reaches now (consenting members).")
class Audience:
    count: int
    sample: list[relay.GlobalID] = strawberry.field(description="Up to 10 member ids.")


@strawberry.type(description="What one member would receive.")
class CampaignPreview:
    locale: str
    title: str
    body: str
    deep_link: str | None


CampaignResult = Annotated[
    Campaign | InvalidInputError | CampaignNotFoundError, strawberry.union("CampaignResult")
]
PreviewResult = Annotated[
    CampaignPreview | InvalidInputError | CampaignNotFoundError | MemberNotFoundError,
    strawberry.union("CampaignPreviewResult"),
]
