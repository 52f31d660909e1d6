"""Campaigns. Importing the package (Tortoise does, through app.campaigns.models) registers
the campaign delivery job handler."""

from app.campaigns import service as _service  # noqa: F401  (registers the send job)
