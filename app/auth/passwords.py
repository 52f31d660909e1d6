"""Argon2id password hashing with costs from settings."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.settings import get_settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# A handful of the most used passwords that pass the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "password123",
        "password1234",
        "iloveyou123",
        "passwordpassword",
        "abcdefghij",
        "1q2w3e4r5t",
        "qwerty1234",
        "aaaaaaaaaa",
    }
)


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hasher() -> PasswordHasher:
    settings = get_settings()
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash("not-a-real-password-for-timing")


def burn_verification_time(password: str) -> None:
    """Spend what a real verification costs, so unknown accounts answer as slowly as known ones."""
    settings = get_settings()
    verify_password(_dummy_hash(settings.argon2_time_cost, settings.argon2_memory_kib), password)


def password_problem(password: str) -> tuple[str, dict] | None:
    """The reason a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "PASSWORD_TOO_SHORT", {"min": MIN_PASSWORD_LENGTH}
    if len(password) > MAX_PASSWORD_LENGTH:
        return "TOO_LONG", {"max": MAX_PASSWORD_LENGTH}
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "PASSWORD_TOO_COMMON", {}
    return None
