import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from app import errors
from app.community.types import SlowDownError
from app.graphql import policy
from app.graphql.enums import described_enum
from app.graphql.errors import (
    InvalidCredentialsError,
    InvalidInputError,
    MemberNotFoundError,
    TooManyAttemptsError,
    UserError,
    error_type,
)
from app.privacy import models
from app.privacy.service import ConsentState

ConsentPurpose = described_enum(
    models.Purpose,
    name="ConsentPurpose",
    description="What a member may consent to.",
    values={
        "MARKETING_PUSH": "Marketing messages by push notification.",
        "MARKETING_EMAIL": "Marketing messages by email.",
        "PERSONALIZATION": "Offers and content chosen from the member's activity.",
        "ANALYTICS": "Use of the member's activity in program analytics.",
    },
)
ConsentSource = described_enum(
    models.ConsentSource,
    name="ConsentSource",
    description="How a consent choice reached us.",
    values={
        "APP": "The member, in the mobile app.",
        "WEB": "The member, on the website.",
        "POS": "At a till (point of sale).",
        "CRM": "Synced from the CRM system.",
        "STAFF": "Recorded by staff on the member's behalf.",
        "SYSTEM": "By the system itself (for example withdrawn on erasure).",
        "EMAIL": "The member, through a marketing mail's one-click unsubscribe link.",
    },
)
DataExportStatus = described_enum(
    models.ExportStatus,
    name="DataExportStatus",
    description="Where a personal-data export stands.",
    values={
        "PENDING": "Being built; check again later.",
        "READY": "Built: downloadable once through `downloadUrl` until `expiresAt`.",
        "DOWNLOADED": "Downloaded; request a new export for another copy.",
        "EXPIRED": "Not downloaded in time; the file is gone.",
        "FAILED": "Could not be built; request it again.",
    },
)
ErasureReason = described_enum(
    models.ErasureReason,
    name="ErasureReason",
    description="Why an account was erased.",
    values={
        "MEMBER_REQUEST": "The member deleted their own account.",
        "SUPPORT_REQUEST": "The member asked support to erase it.",
        "RETENTION": "Inactive past the retention period.",
        "LEGAL": "A legal obligation.",
        "FRAUD": "Closed for fraud.",
        "OTHER": "Another reason (staff give it in the erasure record).",
    },
)


@error_type(
    errors.AccountAlreadyErased,
    description="This account was erased already; nothing was changed.",
)
class AccountAlreadyErasedError(UserError):
    pass


@strawberry.type(description="Your current choice for one purpose.")
class Consent:
    purpose: ConsentPurpose = strawberry.field(description="What the consent is for.")
    granted: bool = strawberry.field(
        description="True when given; false when withdrawn or never given."
    )
    changed_at: dt.datetime | None = strawberry.field(description="Null: never chosen.")
    policy_version: str | None = strawberry.field(
        description="The privacy policy version the choice was made under."
    )

    @classmethod
    def from_service(cls, state: ConsentState) -> "Consent":
        return cls(purpose=state.purpose, granted=state.granted, changed_at=state.changed_at,
                   policy_version=state.policy_version)  # fmt: skip

    @classmethod
    async def of_member(cls, info, member_id: int) -> list["Consent"]:
        """`Member.consents`: the member themself, and support staff, may see them."""
        if not await policy.viewer_allows(info, policy.Access.CONSENTS, member_id):
            raise errors.Forbidden()
        states = await info.context.loaders.privacy.consents.load(member_id)
        return [cls.from_service(s) for s in states]


@strawberry.type(description="One recorded grant or withdrawal: the proof of a choice.")
class ConsentChange:
    purpose: ConsentPurpose = strawberry.field(description="What the consent is for.")
    granted: bool = strawberry.field(description="True: given; false: withdrawn.")
    policy_version: str | None = strawberry.field(
        description="The privacy policy version shown when choosing; null if not given."
    )
    source: ConsentSource = strawberry.field(description="How the choice reached us.")
    client: str | None = strawberry.field(description="The app, till or CRM it came from.")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    recorded_by: relay.GlobalID | None = strawberry.field(
        description="The staff account that recorded it, if any."
    )

    @classmethod
    def from_model(cls, row: models.ConsentRecord) -> "ConsentChange":
        return cls(
            purpose=models.Purpose(row.purpose), granted=row.granted,
            policy_version=row.policy_version, source=models.ConsentSource(row.source),
            client=row.client, recorded_at=row.created_at,
            recorded_by=relay.GlobalID("Member", str(row.actor_id)) if row.actor_id else None,
        )  # fmt: skip


@strawberry.type(description="A copy of your data: built by us, then downloadable once.")
class DataExport:
    id: strawberry.ID = strawberry.field(description="The export's id.")
    status: DataExportStatus = strawberry.field(description="Where the export stands.")
    requested_at: dt.datetime = strawberry.field(description="When it was requested (UTC).")
    ready_at: dt.datetime | None = strawberry.field(
        description="When it became downloadable; null until then."
    )
    expires_at: dt.datetime | None = strawberry.field(description="When the link stops working.")
    size_bytes: int | None = strawberry.field(
        description="Size of the file in bytes; null until built."
    )
    download_url: str | None = strawberry.field(
        description="While READY: the link (works once, until expiresAt). No sign-in needed: "
        "keep it private."
    )

    @classmethod
    def from_model(cls, row: models.DataExport, base_url: str) -> "DataExport":
        ready = row.status == models.ExportStatus.READY
        return cls(
            id=strawberry.ID(str(row.id)), status=models.ExportStatus(row.status),
            requested_at=row.requested_at, ready_at=row.ready_at, expires_at=row.expires_at,
            size_bytes=row.size,
            download_url=f"{base_url.rstrip('/')}/exports/{row.token}" if ready else None,
        )  # fmt: skip


@strawberry.type(description="An account was erased: no personal data is left.")
class AccountErased:
    member_id: relay.GlobalID = strawberry.field(
        description="The erased member's global id (it resolves to nothing any more)."
    )
    erased_at: dt.datetime = strawberry.field(description="When it was erased (UTC).")
    reason: ErasureReason = strawberry.field(description="Why it was erased.")
    points_forfeited: int = strawberry.field(
        description="Available and pending points forfeited per the program terms."
    )

    @classmethod
    def from_model(cls, row: models.ErasureRecord) -> "AccountErased":
        return cls(member_id=relay.GlobalID("Member", str(row.member_id)), erased_at=row.erased_at,
                   reason=models.ErasureReason(row.reason),
                   points_forfeited=row.points_forfeited)  # fmt: skip


SetConsentResult = Annotated[
    Consent | InvalidInputError | MemberNotFoundError,
    strawberry.union(
        "SetConsentResult", description="The consent as recorded, or why it was refused."
    ),
]
RequestDataExportResult = Annotated[
    DataExport | SlowDownError | MemberNotFoundError,
    strawberry.union(
        "RequestDataExportResult",
        description="The export requested (built in the background), or why not.",
    ),
]
DeleteAccountResult = Annotated[
    AccountErased
    | InvalidCredentialsError
    | TooManyAttemptsError
    | AccountAlreadyErasedError
    | MemberNotFoundError,
    strawberry.union(
        "DeleteAccountResult",
        description="Confirmation that the account was erased, or why not (wrong password, ...).",
    ),
]
EraseMemberResult = Annotated[
    AccountErased | MemberNotFoundError | AccountAlreadyErasedError | InvalidInputError,
    strawberry.union(
        "EraseMemberResult", description="The erasure record, or why the member cannot be erased."
    ),
]
