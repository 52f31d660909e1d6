"""The points ledger: transactions of postings that sum to zero, lots, cached balances."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Account(StrEnum):
    """Where points sit. Member accounts are per member; the others belong to the program."""

    WALLET = "wallet"  # a member's available points (may be negative after a claw-back)
    PENDING = "pending"  # a member's points on hold until their lot becomes available
    ISSUANCE = "issuance"  # the program's source of earned points
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    REVERSED = "reversed"  # points clawed back by refunds
    ADJUSTMENT = "adjustment"  # staff corrections, both ways


MEMBER_ACCOUNTS = (Account.WALLET, Account.PENDING)


class Kind(StrEnum):
    """What a transaction is, as the member's activity shows it."""

    PURCHASE = "purchase"
    ACTION = "action"
    BONUS = "bonus"
    REFERRAL = "referral"
    RELEASE = "release"
    REFUND = "refund"
    REDEMPTION = "redemption"
    CANCELLATION = "cancellation"  # a cancelled redemption gives its points back
    EXPIRY = "expiry"
    ADJUSTMENT = "adjustment"


class PointsTransaction(Model):
    """One movement of points: append-only, its postings sum to zero."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField(
        "models.Member", related_name="points_transactions", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(Kind, max_length=16)
    # The change to the member's own points: available + pending.
    points = fields.IntField()
    available_delta = fields.IntField()
    pending_delta = fields.IntField()
    # Why: the earning rules that applied with their effect, or the reason of an adjustment.
    explanation = fields.JSONField(default=list)
    reference = fields.CharField(max_length=120, null=True)
    reason = fields.CharField(max_length=500, null=True)
    actor = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_transaction"
        # The second serves program analytics over a date range from the index alone
        # (flows by kind, active members, liability at a past moment).
        indexes = (("member_id", "id"), ("created_at", "kind", "member_id", "points"))


class Posting(Model):
    """One leg of a transaction on one account; legs of a transaction sum to zero."""

    id = fields.BigIntField(primary_key=True)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name="postings", on_delete=fields.RESTRICT
    )
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    account = fields.CharEnumField(Account, max_length=16)
    amount = fields.IntField()

    class Meta:
        table = "points_posting"
        indexes = (("member_id", "account"),)


class PointsLot(Model):
    """Points earned together: they become available, are consumed and expire together."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    points = fields.IntField()
    remaining = fields.IntField()
    pending = fields.BooleanField(default=False)
    available_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_lot"
        indexes = (("member_id", "pending", "expires_at"), ("pending", "available_at"))


class LotConsumption(Model):
    """How many points of a lot a transaction used (append-only audit of `remaining`)."""

    id = fields.BigIntField(primary_key=True)
    lot = fields.ForeignKeyField("models.PointsLot", related_name=False, on_delete=fields.RESTRICT)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    points = fields.IntField()

    class Meta:
        table = "points_lot_consumption"


class MemberBalance(Model):
    """The cached sums of a member's postings, updated in the same transaction."""

    member = fields.OneToOneField(
        "models.Member", related_name=False, primary_key=True, on_delete=fields.RESTRICT
    )
    available = fields.IntField(default=0)
    pending = fields.IntField(default=0)
    # Points ever earned, less those clawed back: what tiers and "lifetime" show.
    lifetime = fields.IntField(default=0)
    # An erased member's book: nothing is credited to it any more. On the balance row, so
    # a writer that waited for the erasure's lock sees it in the row it locks.
    closed = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_balance"


class IdempotencyRecord(Model):
    """A write already carried out for (caller, key): retries get its result back."""

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=80)
    key = fields.CharField(max_length=128)
    operation = fields.CharField(max_length=40)
    request_hash = fields.CharField(max_length=64)
    result = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("scope", "key"),)


class AdjustmentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PendingAdjustment(Model):
    """A staff correction larger than ADJUSTMENT_APPROVAL_POINTS, waiting for a second
    admin: nothing is posted until it is approved (then exactly once, as `transaction`).
    The row is the audit of the request and of its decision."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    points = fields.IntField()
    reason = fields.CharField(max_length=500)
    requested_by = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(AdjustmentStatus, max_length=16, default=AdjustmentStatus.PENDING)
    decided_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=500, null=True)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_pending_adjustment"
        indexes = (("status", "id"),)
