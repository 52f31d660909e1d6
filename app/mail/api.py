from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import node_id
from app.mail import service
from app.mail import types as T
from app.members import service as members

READERS = policy.roles(policy.Access.MEMBER)


@strawberry.type
class MailQuery:
    @strawberry.field(
        description="Staff (admin, support): whether mail reaches a member's address (a "
        "refusal's reply code and the server's answer) and their latest 20 mails. Null for "
        "an unknown member.",
        extensions=allow(IsStaff(*READERS)),
    )
    async def email_deliverability(
        self,
        info: Info[Context, None],
        member_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The member's global id.")
        ],
    ) -> T.EmailDeliverability | None:
        member = await members.get_member(member_id=node_id(member_id, "Member", "memberId"))
        if member is None:
            return None
        found = await service.deliverability(member_id=member.id, address=member.email)
        return T.EmailDeliverability(
            email_verified=member.email_verified_at is not None,
            undeliverable=found.suppression is not None,
            smtp_code=found.suppression.smtp_code if found.suppression else None,
            reason=found.suppression.reason if found.suppression else None,
            since=found.suppression.created_at if found.suppression else None,
            recent=[T.MailRecord(template=r.template, category=r.category,
                                 status=T.MailStatus(r.status.value), smtp_code=r.smtp_code,
                                 error=r.error, attempts=r.attempts, created_at=r.created_at,
                                 updated_at=r.updated_at) for r in found.recent],
        )  # fmt: skip
