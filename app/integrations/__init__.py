"""CRM integration: outbound webhooks and member sync. Importing the package (Tortoise does,
through app.integrations.models) registers the webhook delivery job and the hooks that
turn other domains' changes into webhook events."""

from app.integrations import hooks as _hooks

_hooks.register()
