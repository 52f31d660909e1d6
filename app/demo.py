"""The demo program `scripts/serve` creates once: accounts with known passwords."""

from app.auth import service as auth
from app.members import service as members
from app.members.models import Role

DEMO_PASSWORD = "loyalty-demo-2026"
DEMO_ACCOUNTS = [
    ("ana@demo.loyalty", "Ana", "es", Role.MEMBER),
    ("daan@demo.loyalty", "Daan", "nl", Role.MEMBER),
    ("emma@demo.loyalty", "Emma", "en", Role.MEMBER),
    ("admin@demo.loyalty", "Demo Admin", "en", Role.ADMIN),
    ("marketing@demo.loyalty", "Demo Marketer", "en", Role.MARKETER),
    ("support@demo.loyalty", "Demo Support", "en", Role.SUPPORT),
]


async def seed_demo() -> list[str]:
    """Create the demo accounts that are missing; returns lines describing them."""
    created = 0
    for email, name, locale, role in DEMO_ACCOUNTS:
        if await members.get_member_by_email(email=email) is None:
            if role == Role.MEMBER:
                await members.create_member(
                    email=email, password=DEMO_PASSWORD, display_name=name, locale=locale
                )
            else:
                await auth.create_staff(
                    email=email, password=DEMO_PASSWORD, role=role, display_name=name
                )
            created += 1
    lines = [f"demo data: {created} account(s) created" if created else "demo data: present"]
    lines.append(f"demo accounts (password for all: {DEMO_PASSWORD}):")
    lines.extend(f"  {email:<26} {role.value}" for email, _, _, role in DEMO_ACCOUNTS)
    return lines
