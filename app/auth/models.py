from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuthSession(Model):
    """One signed-in device: a family of refresh tokens; revoking it ends them all."""

    id = fields.UUIDField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name="sessions")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)
    user_agent = fields.CharField(max_length=255, default="")
    client_address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "auth_session"


class RefreshToken(Model):
    """An opaque refresh token, stored only as its SHA-256; `used_at` marks it rotated."""

    id = fields.BigIntField(primary_key=True)
    session = fields.ForeignKeyField("models.AuthSession", related_name="refresh_tokens")
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_refresh_token"


class LoginThrottle(Model):
    """Throttle counters for password checks and sign-ups (app.auth.service explains them).

    Keys: `pair:<account>:<place>` (an account from one address), `account:<account>`,
    `address:<address>`, `signup:<address>`, and `known:<account>:<place>` (an address the
    account signed in from, `window_started_at` being the last time); <account> and <place>
    are SHA-256 digests of the normalized email and of the address.
    """

    key = fields.CharField(max_length=128, primary_key=True)
    # Checks (or sign-ups) counted in the current window; a wait set on the key ends at
    # `locked_until`.
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_login_throttle"


class IntegrationClient(Model):
    """A point-of-sale or CRM system with client credentials and scopes."""

    id = fields.BigIntField(primary_key=True)
    client_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100)
    secret_hash = fields.CharField(max_length=64)
    scopes = fields.JSONField(default=list)
    created_by = fields.ForeignKeyField(
        "models.Member", related_name="created_clients", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_integration_client"
