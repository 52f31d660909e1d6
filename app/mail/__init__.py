"""Email: the sender (SMTP or a log), templates in every language, durable at-most-once
delivery, link tokens for account recovery and verification, and one-click unsubscribe."""
