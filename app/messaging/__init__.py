"""Messaging. Importing the package (Tortoise does, through app.messaging.models) registers
its job handlers (push delivery, reminders) and its hooks into the ledger and tiers
(transactional notifications)."""

from app.messaging import notifications as _notifications
from app.messaging import service as _service  # noqa: F401  (registers the push job handler)

_notifications.register()
