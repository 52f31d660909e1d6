"""Messaging. Its job handlers (push delivery, notifications, reminders) and its hooks into
the ledger, tiers and events (transactional notifications) are registered by app.wiring, not
by importing this package."""
