"""Program terms tests: the terms cache must not outlive the rows it was read from, and
helpers to publish versions and to act as a till."""

import pytest
from strawberry.relay import to_base64

from app.program import terms
from app.program.models import DocumentKind
from tests import factories
from tests.helpers import member_token


@pytest.fixture(autouse=True)
def _forget_terms():
    terms.IN_FORCE.forget()
    yield
    terms.IN_FORCE.forget()


def texts(version: str) -> dict:
    return {
        "en": {"title": f"Program terms {version}", "body": "You agree to play fair."},
        "nl": {"title": f"Programmavoorwaarden {version}", "body": "Je speelt eerlijk."},
        "es": {"title": f"Condiciones del programa {version}", "body": "Juegas limpio."},
    }


@pytest.fixture
def publish():
    """`await publish(version, kind=..., effective_at=...)` -> the TermsDocument row."""

    async def make(version: str, kind: DocumentKind = DocumentKind.TERMS, effective_at=None):
        return await terms.publish(
            kind=kind, version=version, texts=texts(version), effective_at=effective_at,
            actor_id=None,
        )  # fmt: skip

    return make


@pytest.fixture
def member():
    """`await member(**fields)` -> (member, global id, token)."""

    async def make(**fields):
        m = await factories.member(**fields)
        return m, to_base64("Member", m.id), await member_token(m)

    return make
