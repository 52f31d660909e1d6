"""Cross-domain flows: orchestration that belongs to no single domain, calling several
domains' services in one transaction. Domains never import this module; their GraphQL
resolvers (and the CLI or tests) call it.

The terms gate. A member who has not accepted the terms in force redeems nothing and earns
nothing for actions (app.program.service.require_accepted, asked by app.rewards and
app.earning under the member's lock); their till purchases are recorded all the same, with
the points held (app.earning.service.record_purchase asks app.program.service
.version_to_accept). Accepting the terms, below, records the acceptance and credits what was
held, in the one transaction that holds the member's book.
"""

from __future__ import annotations

from app.earning import service as earning
from app.ledger import service as ledger
from app.program import service as program


async def accept_terms(
    *, member_id: int, version: str, client: str, user_agent: str = "", address: str = ""
) -> program.Accepted:
    """Record that the member accepts the terms `version`, which must be the one in force
    (TermsVersionNotCurrent otherwise); and, in the same transaction, credit the points of
    purchases recorded while they had not accepted, exactly once. Accepting again is a
    no-op that returns the first acceptance (and credits anything held meanwhile)."""
    async with ledger.member_book(member_id=member_id) as book:
        acceptance, already = await program.record_acceptance(
            book=book, version=version, client=client, user_agent=user_agent, address=address
        )
        credited = await earning.credit_awaiting_terms(book)
    return program.Accepted(acceptance, credited, already)
