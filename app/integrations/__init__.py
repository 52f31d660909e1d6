"""CRM integration: outbound webhooks and member sync. The webhook delivery job and the hooks
that turn other domains' changes into webhook events are registered by app.wiring, not by
importing this package."""
