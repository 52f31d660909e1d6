"""Argon2id password hashing with costs from settings.

Hashing and verifying cost tens to hundreds of milliseconds of CPU and `argon2_memory_kib`
of memory each. Request handlers use the `*_async` forms, which run the work on a small
pool of ARGON2_THREADS threads (argon2-cffi releases the GIL): the event loop keeps serving
other requests, and 50 concurrent sign-ins queue for the pool instead of claiming 50 times
the memory. The plain forms are for scripts and tests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

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
    """The Argon2 hasher with the configured costs."""
    settings = get_settings()
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib)


ARGON2_THREADS = 2
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
T = TypeVar("T")


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(ARGON2_THREADS, thread_name_prefix="argon2")
        return _executor


async def _off_loop(fn: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(_pool(), fn, *args)


def hash_password(password: str) -> str:
    """The Argon2 hash of the password."""
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash (False for a malformed hash too)."""
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """`hash_password` on the argon2 thread pool."""
    return await _off_loop(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    """`verify_password` on the argon2 thread pool."""
    return await _off_loop(verify_password, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other costs than the configured ones."""
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash("not-a-real-password-for-timing")


def burn_verification_time(password: str) -> None:
    """Spend what a real verification costs, so unknown accounts answer as slowly as known ones."""
    settings = get_settings()
    verify_password(_dummy_hash(settings.argon2_time_cost, settings.argon2_memory_kib), password)


async def burn_verification_time_async(password: str) -> None:
    """`burn_verification_time` on the argon2 thread pool (the dummy hash is made there too)."""
    await _off_loop(burn_verification_time, password)


def password_problem(password: str) -> tuple[str, dict] | None:
    """The reason a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "PASSWORD_TOO_SHORT", {"min": MIN_PASSWORD_LENGTH}
    if len(password) > MAX_PASSWORD_LENGTH:
        return "TOO_LONG", {"max": MAX_PASSWORD_LENGTH}
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "PASSWORD_TOO_COMMON", {}
    return None
