"""Tiers. Importing the package (Tortoise does, through app.tiers.models) registers the
ledger hook that re-evaluates a member's tier whenever their points move."""

from app.tiers import service as _service  # noqa: F401  (registers the book-close hook)
