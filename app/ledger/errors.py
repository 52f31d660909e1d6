"""The GraphQL error types of separation of duties (in their own module: the earning and
rewards unions include NotAMemberAccount, and must not import each other's types)."""

import strawberry

from app import errors
from app.graphql.errors import UserError, error_type
from app.ledger.types import AdjustmentStatus


@error_type(
    errors.NotAMemberAccount,
    description="The account named is a staff account: staff accounts earn no points, "
    "redeem nothing and receive no corrections. Nothing was recorded.",
)
class NotAMemberAccountError(UserError):
    pass


@error_type(
    errors.SelfAdjustmentForbidden,
    description="Staff cannot correct, or approve a correction of, their own account.",
)
class SelfAdjustmentForbiddenError(UserError):
    pass


@error_type(
    errors.SelfApprovalForbidden,
    description="A correction waiting for approval needs an admin other than the one who "
    "asked for it.",
)
class SelfApprovalForbiddenError(UserError):
    pass


@error_type(errors.AdjustmentNotFound, description="No correction waits under this id.")
class AdjustmentNotFoundError(UserError):
    pass


@error_type(
    errors.AdjustmentAlreadyDecided,
    description="The correction was approved or rejected already (by another admin, or by "
    "an earlier request); nothing was changed.",
)
class AdjustmentAlreadyDecidedError(UserError):
    status: AdjustmentStatus = strawberry.field(description="What was decided.")
