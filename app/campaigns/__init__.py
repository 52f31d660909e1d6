"""Campaigns. The campaign delivery job handler is registered by app.wiring, not by importing
this package."""
