from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.errors import FieldProblem, Forbidden, InvalidInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.policy import Access
from app.graphql.relay import node_id
from app.members.service import Role
from app.privacy import erasure, exports, service
from app.privacy import models as M
from app.privacy import types as T

SUPPORT_ROLES = policy.roles(Access.ERASE_MEMBER)


def _base_url(info: Info[Context, None]) -> str:
    """PUBLIC_BASE_URL (required in production), never the request's forgeable Host header."""
    return info.context.settings.base_url


@strawberry.type
class PrivacyQuery:
    @strawberry.field(
        description="Every consent grant and withdrawal with its proof, newest first: your "
        "own, or (support staff) any member's."
    )
    async def consent_history(
        self,
        info: Info[Context, None],
        member_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Staff: whose history; null for your own."),
        ] = None,
    ) -> list[T.ConsentChange]:
        _, viewer = await info.context.require_member()
        target = node_id(member_id, "Member", "memberId") if member_id else viewer.id
        if not policy.allows(viewer, Access.CONSENTS, target):
            raise Forbidden()
        rows = await service.consent_history(member_id=target)
        return [T.ConsentChange.from_model(r) for r in rows]

    @strawberry.field(description="Your data export requests, newest first.")
    async def data_exports(self, info: Info[Context, None]) -> list[T.DataExport]:
        _, viewer = await info.context.require_member()
        rows = await exports.exports_of(member_id=viewer.id)
        return [T.DataExport.from_model(r, _base_url(info)) for r in rows]


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description="Give or withdraw consent for one purpose. Giving it needs the version of "
        "the privacy policy you were shown; withdrawing marketing consent stops campaign "
        "messages at once."
    )
    async def set_consent(
        self,
        info: Info[Context, None],
        purpose: Annotated[
            T.ConsentPurpose, strawberry.argument(description="What the consent is for.")
        ],
        granted: Annotated[
            bool, strawberry.argument(description="True to give consent, false to withdraw it.")
        ],
        policy_version: Annotated[
            str | None,
            strawberry.argument(
                description="The privacy policy version shown to the member, if any."
            ),
        ] = None,
    ) -> T.SetConsentResult:
        _, viewer = await info.context.require_member()
        state = await service.set_consent(
            member_id=viewer.id, purpose=M.Purpose(purpose.value), granted=granted,
            policy_version=policy_version, source=M.ConsentSource.APP,
            client=info.context.client.user_agent,
        )  # fmt: skip
        return T.Consent.from_service(state)

    @strawberry.mutation(
        description="Ask for a machine-readable copy (JSON) of everything we hold about you. "
        "It is built in the background: see `dataExports` for its status and link."
    )
    async def request_data_export(self, info: Info[Context, None]) -> T.RequestDataExportResult:
        _, viewer = await info.context.require_member()
        export = await exports.request_export(member_id=viewer.id)
        return T.DataExport.from_model(export, _base_url(info))

    @strawberry.mutation(
        description="Erase your account for good, confirming with your password: your personal "
        "data is removed, your points are forfeited and you cannot sign in again."
    )
    async def delete_account(
        self,
        info: Info[Context, None],
        password: Annotated[
            str, strawberry.argument(description="Your current password, to confirm.")
        ],
    ) -> T.DeleteAccountResult:
        info.context.claim_password_check()
        _, viewer = await info.context.require_member()
        record = await erasure.delete_account(
            member_id=viewer.id, password=password, client=info.context.client
        )
        return T.AccountErased.from_model(record)

    @strawberry.mutation(
        description="Staff (admin, support): erase a member's account (e.g. on their request "
        "by phone). Staff accounts can be erased by admins only.",
        extensions=allow(IsStaff(*SUPPORT_ROLES)),
    )
    async def erase_member(
        self,
        info: Info[Context, None],
        member_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The member's global id.")
        ],
        reason: Annotated[
            T.ErasureReason,
            strawberry.argument(
                description="Why the account is erased (kept in the erasure record)."
            ),
        ],
    ) -> T.EraseMemberResult:
        _, viewer = await info.context.require_member()
        target_id = node_id(member_id, "Member", "memberId")
        if target_id == viewer.id:
            raise InvalidInput([FieldProblem("memberId", "INVALID_VALUE")])
        target = await info.context.loaders.members.by_id.load(target_id)
        if target is not None and target.role != Role.MEMBER and viewer.role != Role.ADMIN:
            raise Forbidden()
        record = await erasure.erase_member(
            member_id=target_id, reason=M.ErasureReason(reason.value), actor_id=viewer.id
        )
        return T.AccountErased.from_model(record)
