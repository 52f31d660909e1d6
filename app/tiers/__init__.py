"""Tiers. Their hook into the ledger (re-evaluate a member's tier when their points move) is
subscribed by app.wiring, not by importing this package."""
