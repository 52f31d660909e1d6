"""The one clock: every service asks `now()` for the current time (aware, UTC).

Tests move it with `freeze(at)` / `advance(seconds)` and put it back with `unfreeze()`
(tests/integrations/conftest.py does, for the job queue and webhook retries); in production
it is the system clock. One module-level check per call: as cheap as `datetime.now`.
"""

from __future__ import annotations

import datetime as dt

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware UTC (the frozen time while a test holds it)."""
    return _frozen or dt.datetime.now(dt.UTC)


def freeze(at: dt.datetime | None = None) -> dt.datetime:
    """Stop the clock at `at` (default: now); returns the frozen time. For tests."""
    global _frozen
    _frozen = at or dt.datetime.now(dt.UTC)
    return _frozen


def advance(seconds: float) -> dt.datetime:
    """Move the (frozen) clock `seconds` on, freezing it first if it runs. For tests."""
    return freeze(now() + dt.timedelta(seconds=seconds))


def unfreeze() -> None:
    """Let the clock run with the system time again."""
    global _frozen
    _frozen = None
