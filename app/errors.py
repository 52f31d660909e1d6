"""Domain errors: expected outcomes a service reports, each with a stable code.

Services raise these; the GraphQL layer turns them into typed union members or, for
authentication and authorization, into top-level errors with `extensions.code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """`code` is the stable error code; `message_key` picks the localized text (default: code)."""

    code: str = "DOMAIN_ERROR"

    def __init__(self, message_key: str | None = None, **params: object):
        self.message_key = message_key or self.code
        self.params = params
        super().__init__(self.message_key)


@dataclass(frozen=True)
class FieldProblem:
    """One rejected input field: `field` is the input's GraphQL name."""

    field: str
    code: str
    params: dict = field(default_factory=dict)


class InvalidInput(DomainError):
    code = "INVALID_INPUT"

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__(None)


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"


class TooManyAttempts(DomainError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after_seconds: int):
        self.retry_after_seconds = retry_after_seconds
        super().__init__(None, retry_after_seconds=retry_after_seconds)


class EmailAlreadyRegistered(DomainError):
    code = "EMAIL_ALREADY_REGISTERED"


class InvalidToken(DomainError):
    """A mailed link's token is unknown (or forged), used, or expired (`reason`)."""

    code = "INVALID_TOKEN"

    def __init__(self, *, reason: str):
        self.reason = reason
        super().__init__(f"INVALID_TOKEN_{reason}", reason=reason)


class TokenForAnotherAccount(DomainError):
    """A mailed confirmation link of one account, used while signed in as another: refused,
    and the link stays unspent for its owner."""

    code = "TOKEN_FOR_ANOTHER_ACCOUNT"


class EmailAlreadyVerified(DomainError):
    """The account's address is verified already: no verification mail is sent."""

    code = "EMAIL_ALREADY_VERIFIED"


class AlreadyHasPassword(DomainError):
    """The member has set a password already: no invitation to set one is sent (they can
    reset it if they forgot it)."""

    code = "ALREADY_HAS_PASSWORD"


class NotFound(DomainError):
    """Something referred to does not exist (or is not visible to the caller)."""

    code = "NOT_FOUND"


class MemberNotFound(NotFound):
    code = "MEMBER_NOT_FOUND"


class PurchaseNotFound(NotFound):
    code = "PURCHASE_NOT_FOUND"


class InsufficientPoints(DomainError):
    code = "INSUFFICIENT_POINTS"

    def __init__(self, *, available: int, required: int):
        self.available, self.required = available, required
        super().__init__(None, available=available, required=required)


class IdempotencyKeyReused(DomainError):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class PurchaseAlreadyRecorded(DomainError):
    """This (source, externalId) earned already, under another idempotency key."""

    code = "PURCHASE_ALREADY_RECORDED"

    def __init__(self, *, purchase_id: int):
        self.purchase_id = purchase_id
        super().__init__(None)


class RefundExceedsPurchase(DomainError):
    code = "REFUND_EXCEEDS_PURCHASE"

    def __init__(self, *, refundable: int):
        self.refundable = refundable
        super().__init__(None, refundable=refundable)


class RefundAlreadyRecorded(DomainError):
    code = "REFUND_ALREADY_RECORDED"


class EventLimitReached(DomainError):
    """The member earned this event as often as its type allows (or this very event)."""

    code = "EVENT_LIMIT_REACHED"


class UnknownEventType(DomainError):
    code = "UNKNOWN_EVENT_TYPE"


class RewardUnavailable(DomainError):
    """The reward cannot be redeemed now: unknown, archived, not started or ended.
    `reason` is NOT_FOUND, ARCHIVED, NOT_STARTED or ENDED."""

    code = "REWARD_UNAVAILABLE"

    def __init__(self, *, reason: str):
        self.reason = reason
        super().__init__(f"REWARD_{reason}")


class OutOfStock(DomainError):
    code = "OUT_OF_STOCK"

    def __init__(self, *, stock_left: int):
        self.stock_left = stock_left
        super().__init__(None, stock_left=stock_left)


class LimitReached(DomainError):
    """The member has redeemed this reward as often as it allows (for now)."""

    code = "LIMIT_REACHED"

    def __init__(self, *, limit: int, period: str | None):
        self.limit, self.period = limit, period
        super().__init__("LIMIT_REACHED_" + (period or "lifetime").upper(), limit=limit)


class RedemptionNotFound(NotFound):
    code = "REDEMPTION_NOT_FOUND"


class RedemptionNotCancellable(DomainError):
    """`reason`: ALREADY_CANCELLED, VOUCHER_USED or CASHBACK_PAID."""

    code = "REDEMPTION_NOT_CANCELLABLE"

    def __init__(self, *, reason: str):
        self.reason = reason
        super().__init__(f"NOT_CANCELLABLE_{reason}")


class VoucherNotFound(NotFound):
    code = "VOUCHER_NOT_FOUND"


class VoucherNotUsable(DomainError):
    """`reason`: USED, EXPIRED, CANCELLED or BASKET_TOO_SMALL."""

    code = "VOUCHER_NOT_USABLE"

    def __init__(self, *, reason: str, **params: object):
        self.reason = reason
        super().__init__(f"VOUCHER_{reason}", **params)


class CheckoutAlreadyRecorded(DomainError):
    """This till payment (client, externalId) was recorded under another idempotency key."""

    code = "CHECKOUT_ALREADY_RECORDED"


class CashbackNotPayable(DomainError):
    """`reason`: NOT_FOUND, ALREADY_PAID or CANCELLED."""

    code = "CASHBACK_NOT_PAYABLE"

    def __init__(self, *, reason: str):
        self.reason = reason
        super().__init__(f"CASHBACK_{reason}")


class NotEligible(DomainError):
    """The member may not redeem this reward; `reason`: TIER (with the tier it needs)."""

    code = "NOT_ELIGIBLE"

    def __init__(self, *, reason: str, tier: str):
        self.reason, self.tier = reason, tier
        super().__init__(f"NOT_ELIGIBLE_{reason}", tier=tier)


class OfferNotFound(NotFound):
    """No such offer, or not one for this member now."""

    code = "OFFER_NOT_FOUND"


class ContentNotFound(NotFound):
    code = "CONTENT_NOT_FOUND"


class GroupNotFound(NotFound):
    code = "GROUP_NOT_FOUND"


class PostNotFound(NotFound):
    """No such post, or hidden by moderators."""

    code = "POST_NOT_FOUND"


class EventNotFound(NotFound):
    code = "EVENT_NOT_FOUND"


class PostingNotAllowed(DomainError):
    """`reason`: NOT_A_MEMBER (join the group first), MUTED (until a time) or BANNED."""

    code = "POSTING_NOT_ALLOWED"

    def __init__(self, *, reason: str, until=None):
        self.reason, self.until = reason, until
        super().__init__(f"POSTING_{reason}", until=until.isoformat() if until else "")


class SlowDown(DomainError):
    """Too many posts or comments in a short time."""

    code = "SLOW_DOWN"

    def __init__(self, *, retry_after_seconds: int):
        self.retry_after_seconds = retry_after_seconds
        super().__init__(None, retry_after_seconds=retry_after_seconds)


class AlreadyRsvped(DomainError):
    code = "ALREADY_RSVPED"


class RsvpNotFound(NotFound):
    code = "RSVP_NOT_FOUND"


class MessageNotFound(NotFound):
    code = "MESSAGE_NOT_FOUND"


class CampaignNotFound(NotFound):
    code = "CAMPAIGN_NOT_FOUND"


class TermsNotAccepted(DomainError):
    """The member must accept the terms `version` (the one in force) first."""

    code = "TERMS_NOT_ACCEPTED"

    def __init__(self, *, version: str):
        self.version = version
        super().__init__(None, version=version)


class TermsVersionNotCurrent(DomainError):
    """Only the version in force (`current`, empty when none) can be accepted."""

    code = "TERMS_VERSION_NOT_CURRENT"

    def __init__(self, *, current: str):
        self.current = current
        super().__init__(None, current=current)


class TermsVersionTaken(DomainError):
    code = "TERMS_VERSION_TAKEN"

    def __init__(self, *, version: str):
        self.version = version
        super().__init__(None, version=version)


class MissingLocale(DomainError):
    """A translated text lacks some of the program's languages."""

    code = "MISSING_LOCALE"

    def __init__(self, *, locales: list[str]):
        self.locales = locales
        super().__init__(None, locales=", ".join(locales))


class WebhookEndpointNotFound(NotFound):
    code = "WEBHOOK_ENDPOINT_NOT_FOUND"


class WebhookDeliveryNotFound(NotFound):
    code = "WEBHOOK_DELIVERY_NOT_FOUND"


class AccountAlreadyErased(DomainError):
    """The account was erased before; nothing was changed."""

    code = "ACCOUNT_ALREADY_ERASED"


class ServiceUnavailable(DomainError):
    """The database (or another dependency every request needs) cannot be reached now.
    Raised before anything was committed: the same request, with the same idempotency key,
    may be retried."""

    code = "SERVICE_UNAVAILABLE"


class Busy(DomainError):
    """A lock the request needs was held longer than LOCK_TIMEOUT_MS (another request is
    changing the same member). Its transaction rolled back; retrying is safe."""

    code = "BUSY"


class NotAMemberAccount(DomainError):
    """The account named is a staff account: staff do not earn, spend or receive points."""

    code = "NOT_A_MEMBER_ACCOUNT"


class SelfAdjustmentForbidden(DomainError):
    """Staff may not correct (or approve a correction of) their own account's points."""

    code = "SELF_ADJUSTMENT_FORBIDDEN"


class SelfApprovalForbidden(DomainError):
    """An adjustment waiting for approval needs an admin other than the one who asked."""

    code = "SELF_APPROVAL_FORBIDDEN"


class AdjustmentNotFound(NotFound):
    code = "ADJUSTMENT_NOT_FOUND"


class AdjustmentAlreadyDecided(DomainError):
    """The adjustment was approved or rejected already (`status`); nothing was changed."""

    code = "ADJUSTMENT_ALREADY_DECIDED"

    def __init__(self, *, status: str):
        self.status = status
        super().__init__(f"ADJUSTMENT_ALREADY_{status.upper()}")


class ExecutionTimeout(DomainError):
    """One operation ran longer than GRAPHQL_TIMEOUT_MS and was cancelled: the transaction it
    had open rolled back; mutation fields that had finished before it stay done."""

    code = "TIMEOUT"


class OnePasswordCheckPerRequest(TooManyAttempts):
    """A second sign-in, sign-up or password check in one request (aliases, or two such
    mutations in one document): refused before any password is checked. Send it alone."""

    code = "ONE_PASSWORD_CHECK_PER_REQUEST"

    def __init__(self):
        super().__init__(0)


class OutcomeUnknown(ServiceUnavailable):
    """The connection to the database failed while the transaction's COMMIT was on its way:
    the server may have applied it. Repeating a request with an idempotency key is safe (it
    is recorded once); anything else should be checked before it is repeated."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self):
        super().__init__("SERVICE_UNAVAILABLE_OUTCOME_UNKNOWN")


class CampaignNotDraft(DomainError):
    """The campaign was launched or cancelled (`status`): only drafts can be changed."""

    code = "CAMPAIGN_NOT_DRAFT"

    def __init__(self, *, status: str):
        self.status = status
        super().__init__(None, status=status)
