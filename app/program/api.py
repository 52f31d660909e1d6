from typing import Annotated

import strawberry
from strawberry.types import Info

from app import flows
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.program import models, overview, terms
from app.program import types as T

TERMS_EDITORS = policy.roles(policy.Access.PROGRAM_TERMS)


@strawberry.type
class ProgramQuery:
    @strawberry.field(
        description="The program's terms: earning rates, tiers, expiry, redemption and "
        "referral rules, benefits, and the terms and privacy policy in force. Open to all."
    )
    async def program(self, info: Info[Context, None]) -> T.Program:
        rendered = await overview.program_terms(locale=await info.context.locale())
        return T.Program.from_service(rendered, await terms.current_documents())

    @strawberry.field(
        description="Staff (admin): every published version of the terms or privacy policy.",
        extensions=allow(IsStaff(*TERMS_EDITORS)),
    )
    async def terms_documents(
        self,
        info: Info[Context, None],
        kind: Annotated[
            T.TermsDocumentKind, strawberry.argument(description="Terms or privacy policy.")
        ],
    ) -> list[T.TermsDocument]:
        rows = await terms.documents(models.DocumentKind(kind.value))
        return [T.TermsDocument.from_document(row) for row in rows]


@strawberry.type
class ProgramMutation:
    @strawberry.mutation(
        description="Staff (admin): publish a new version of the terms or privacy policy. "
        "Members must accept a new terms version before they earn or redeem again.",
        extensions=allow(IsStaff(*TERMS_EDITORS)),
    )
    async def publish_terms_document(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.PublishTermsInput, strawberry.argument(description="The new version and its texts.")
        ],
    ) -> T.PublishTermsResult:
        staff = await info.context.require_staff(*TERMS_EDITORS)
        row = await terms.publish(
            kind=models.DocumentKind(input.kind.value), version=input.version,
            texts={t.locale: {"title": t.title, "body": t.body} for t in input.texts},
            effective_at=input.effective_at, actor_id=staff.id,
        )  # fmt: skip
        return T.TermsDocument.from_document(row)

    @strawberry.mutation(
        description="Accept the program terms in force (give its version). Purchases recorded "
        "while you had not accepted are credited now, once."
    )
    async def accept_terms(
        self,
        info: Info[Context, None],
        version: Annotated[
            str,
            strawberry.argument(
                description="The version you accept: the one in force (`program.terms.version`)."
            ),
        ],
    ) -> T.AcceptTermsResult:
        principal, member = await info.context.require_member()
        client = info.context.client
        accepted = await flows.accept_terms(
            member_id=member.id, version=version, client=f"session:{principal.session_id}",
            user_agent=client.user_agent, address=client.address,
        )  # fmt: skip
        return T.TermsAccepted(
            version=accepted.acceptance.version, accepted_at=accepted.acceptance.accepted_at,
            points_credited=accepted.points_credited,
        )  # fmt: skip
