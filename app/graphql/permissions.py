"""Permission classes for staff-only fields.

Failures raise the domain errors that ErrorCodes turns into top-level errors with
`extensions.code` UNAUTHENTICATED or FORBIDDEN.
"""

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from app.graphql import policy
from app.graphql.policy import Access
from app.members.models import Role


class Can(BasePermission):
    """Staff whose role the policy allows for `access` (app/graphql/policy.py)."""

    def __init__(self, access: Access):
        self.access = access

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True when the policy grants the access (otherwise it raises)."""
        await policy.require(info.context, self.access)
        return True


class IsStaff(BasePermission):
    """Staff with one of `roles` (any staff role when none are given)."""

    def __init__(self, *roles: Role):
        self.roles = roles

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True for staff with one of the roles (otherwise it raises)."""
        await info.context.require_staff(*self.roles)
        return True


class HasScope(BasePermission):
    """An integration client (POS, CRM) whose token carries `scope`."""

    def __init__(self, scope: str):
        self.scope = scope

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True for an integration client with the scope (otherwise it raises)."""
        await info.context.require_client(self.scope)
        return True


def allow(*permissions: BasePermission) -> list[FieldExtension]:
    """`extensions=allow(Can(Access.EDIT_CATALOG))` on a field."""
    return [PermissionExtension(permissions=list(permissions), use_directives=False)]
