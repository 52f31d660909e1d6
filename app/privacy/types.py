import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from app import errors
from app.community.types import SlowDownError
from app.graphql import policy
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

ConsentPurpose = strawberry.enum(
    models.Purpose, name="ConsentPurpose", description="What a member may consent to."
)
ConsentSource = strawberry.enum(
    models.ConsentSource, name="ConsentSource", description="How a consent choice reached us."
)
DataExportStatus = strawberry.enum(models.ExportStatus, name="DataExportStatus")
ErasureReason = strawberry.enum(
    models.ErasureReason, name="ErasureReason", description="Why an account was erased."
)


@error_type(errors.AccountAlreadyErased)
class AccountAlreadyErasedError(UserError):
    pass


@strawberry.type(description="Your current choice for one purpose.")
class Consent:
    purpose: ConsentPurpose
    granted: bool
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
    purpose: ConsentPurpose
    granted: bool
    policy_version: str | None
    source: ConsentSource
    client: str | None = strawberry.field(description="The app, till or CRM it came from.")
    recorded_at: dt.datetime
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
    id: strawberry.ID
    status: DataExportStatus
    requested_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime | None = strawberry.field(description="When the link stops working.")
    size_bytes: int | None
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
    member_id: relay.GlobalID
    erased_at: dt.datetime
    reason: ErasureReason
    points_forfeited: int = strawberry.field(
        description="Available and pending points forfeited per the program terms."
    )

    @classmethod
    def from_model(cls, row: models.ErasureRecord) -> "AccountErased":
        return cls(member_id=relay.GlobalID("Member", str(row.member_id)), erased_at=row.erased_at,
                   reason=models.ErasureReason(row.reason),
                   points_forfeited=row.points_forfeited)  # fmt: skip


SetConsentResult = Annotated[
    Consent | InvalidInputError | MemberNotFoundError, strawberry.union("SetConsentResult")
]
RequestDataExportResult = Annotated[
    DataExport | SlowDownError | MemberNotFoundError, strawberry.union("RequestDataExportResult")
]
DeleteAccountResult = Annotated[
    AccountErased
    | InvalidCredentialsError
    | TooManyAttemptsError
    | AccountAlreadyErasedError
    | MemberNotFoundError,
    strawberry.union("DeleteAccountResult"),
]
EraseMemberResult = Annotated[
    AccountErased | MemberNotFoundError | AccountAlreadyErasedError | InvalidInputError,
    strawberry.union("EraseMemberResult"),
]
