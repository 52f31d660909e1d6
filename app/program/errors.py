"""The GraphQL error types of program terms (in their own module: the earning and rewards
unions include TermsNotAccepted, and must not import the program's other types)."""

import strawberry

from app import errors
from app.graphql.errors import UserError, error_type


@error_type(
    errors.TermsNotAccepted,
    description="Accept the terms in force first (acceptTerms with this version).",
)
class TermsNotAcceptedError(UserError):
    version: str = strawberry.field(description="The version to accept.")


@error_type(errors.TermsVersionNotCurrent, description="Only the version in force can be accepted.")
class TermsVersionNotCurrentError(UserError):
    current: str = strawberry.field(description="The version in force (empty: none yet).")


@error_type(errors.TermsVersionTaken)
class TermsVersionTakenError(UserError):
    version: str


@error_type(errors.MissingLocale, description="Every program language needs its text.")
class MissingLocaleError(UserError):
    locales: list[str] = strawberry.field(description="The languages missing.")
