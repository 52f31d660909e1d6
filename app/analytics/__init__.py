"""Program analytics for staff: aggregated in the database, never in Python loops."""
