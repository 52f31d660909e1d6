"""GraphQL types of mail: what support sees of a member's mail."""

from __future__ import annotations

import datetime as dt

import strawberry

from app.graphql.enums import described_enum
from app.mail import models

MailStatus = described_enum(
    models.MailStatus,
    name="MailStatus",
    description="What became of one mail to one address.",
    values={
        "SENDING": "Handed to the mail server; no answer recorded (a worker stopped "
        "mid-send: most likely delivered, never sent again).",
        "SENT": "The mail server accepted it.",
        "RETRY": "The server answered 4xx (try later); it is retried with backoff.",
        "FAILED": "Refused for good (5xx), or still refused after every retry.",
        "SKIPPED": "Not sent: the category switched off, no marketing consent, an unconfirmed "
        "address, or an address that refuses mail.",
    },
)


@strawberry.type(description="One mail to the member, as the delivery log has it.")
class MailRecord:
    template: str = strawberry.field(description="Which mail (PASSWORD_RESET, CAMPAIGN, ...).")
    category: str = strawberry.field(
        description="Its category (account for security and account mail)."
    )
    status: MailStatus = strawberry.field(description="What became of it.")
    smtp_code: int | None = strawberry.field(description="The server's reply code, if any.")
    error: str | None = strawberry.field(
        description="The server's answer or why it was not sent (null once sent)."
    )
    attempts: int = strawberry.field(description="How many times it was handed to the server.")
    created_at: dt.datetime = strawberry.field(description="When it was first tried.")
    updated_at: dt.datetime = strawberry.field(description="When its status last changed.")


@strawberry.type(
    description="Whether mail reaches a member's address, and their latest mails (support)."
)
class EmailDeliverability:
    email_verified: bool = strawberry.field(
        description="Whether the member confirmed the address (marketing mail needs it)."
    )
    undeliverable: bool = strawberry.field(
        description="Whether the mail server refused the address for good: no marketing "
        "mail goes there (security and account mail still tries)."
    )
    smtp_code: int | None = strawberry.field(description="The refusal's reply code.")
    reason: str | None = strawberry.field(description="The server's answer when it refused.")
    since: dt.datetime | None = strawberry.field(description="When it refused.")
    recent: list[MailRecord] = strawberry.field(description="The latest mails, newest first.")
