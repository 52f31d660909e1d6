"""Publishing versions of the terms and privacy policy (staff), and reading them in the
member's language."""

import datetime as dt

from app.members.models import Role
from tests.helpers import gql, staff_session

PUBLISH = """mutation($input: PublishTermsInput!) { publishTermsDocument(input: $input) {
  __typename
  ... on TermsDocument { kind version title effectiveAt }
  ... on MissingLocale { code message locales }
  ... on TermsVersionTaken { code message version }
  ... on InvalidInput { fields { field code } }
} }"""

DOCUMENTS = """{ program {
  terms { kind version title body }
  privacyPolicy { kind version title body }
} }"""

VERSIONS = "query($k: TermsDocumentKind!) { termsDocuments(kind: $k) { version } }"


def _input(version, kind="TERMS", locales=("en", "nl", "es"), **extra):
    return {"kind": kind, "version": version, **extra, "texts": [
        {"locale": locale, "title": f"{kind} {version} ({locale})", "body": f"Body {locale}"}
        for locale in locales]}  # fmt: skip


async def test_staff_publish_versions_and_members_read_them_in_their_language(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    anonymous = await gql(client, DOCUMENTS)
    assert anonymous["data"]["program"] == {"terms": None, "privacyPolicy": None}

    body = await gql(client, PUBLISH, {"input": _input("1.0")}, token=admin)
    assert body["data"]["publishTermsDocument"]["__typename"] == "TermsDocument"
    body = await gql(client, PUBLISH, {"input": _input("1.0", kind="PRIVACY")}, token=admin)
    assert body["data"]["publishTermsDocument"]["version"] == "1.0"  # versions are per kind
    body = await gql(client, PUBLISH, {"input": _input("1.1")}, token=admin)
    assert body["data"]["publishTermsDocument"]["title"] == "TERMS 1.1 (en)"

    read = await gql(client, DOCUMENTS, headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert read["data"]["program"] == {
        "terms": {"kind": "TERMS", "version": "1.1", "title": "TERMS 1.1 (es)", "body": "Body es"},
        "privacyPolicy": {"kind": "PRIVACY", "version": "1.0", "title": "PRIVACY 1.0 (es)",
                          "body": "Body es"},
    }  # fmt: skip
    versions = await gql(client, VERSIONS, {"k": "TERMS"}, token=admin)
    assert [v["version"] for v in versions["data"]["termsDocuments"]] == ["1.1", "1.0"]


async def test_publishing_refuses_a_taken_version_and_missing_languages(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    await gql(client, PUBLISH, {"input": _input("2")}, token=admin)

    taken = (await gql(client, PUBLISH, {"input": _input("2")}, token=admin))["data"]
    assert taken["publishTermsDocument"] == {
        "__typename": "TermsVersionTaken", "code": "TERMS_VERSION_TAKEN", "version": "2",
        "message": "Version 2 was already published.",
    }  # fmt: skip
    missing = await gql(client, PUBLISH, {"input": _input("3", locales=("en",))}, token=admin)
    result = missing["data"]["publishTermsDocument"]
    assert result["__typename"] == "MissingLocale" and result["locales"] == ["nl", "es"]
    bad = await gql(client, PUBLISH, {"input": _input("no spaces")}, token=admin)
    assert bad["data"]["publishTermsDocument"]["fields"] == [
        {"field": "version", "code": "INVALID_VALUE"}
    ]
    versions = await gql(client, VERSIONS, {"k": "TERMS"}, token=admin)
    assert [v["version"] for v in versions["data"]["termsDocuments"]] == ["2"]


async def test_only_admins_publish(client):
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    body = await gql(client, PUBLISH, {"input": _input("9")}, token=marketer)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, PUBLISH, {"input": _input("9")})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_scheduled_version_takes_over_when_it_takes_effect(client, publish):
    await publish("1")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    await publish("2", effective_at=soon)
    assert (await gql(client, DOCUMENTS))["data"]["program"]["terms"]["version"] == "1"
    import asyncio

    await asyncio.sleep(1.1)
    # No cache to wait out: the cache ends when the next version takes effect.
    assert (await gql(client, DOCUMENTS))["data"]["program"]["terms"]["version"] == "2"
