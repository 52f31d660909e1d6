"""Webhooks cannot reach inside: internal targets are refused when an endpoint is
registered and again at every connection (DNS rebinding), the allow-list lets a configured
private network through, proxies from the environment are ignored, and the delivery log
says why a delivery failed without repeating what the target said."""

import asyncio
import contextlib
import ipaddress
import socket

import pytest

from app import jobs
from app.errors import InvalidInput
from app.integrations import endpoints
from app.integrations.models import WebhookDelivery, WebhookEndpoint
from app.members import service as members
from app.members.models import Role
from app.settings import configure
from tests import factories
from tests.helpers import gql, staff_session

from .conftest import PUBLIC_ADDRESS

CREATE = """
mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename
  ... on WebhookEndpointCreated { endpoint { id url } }
  ... on InvalidInput { code fields { field code message } }
} }
"""
UPDATE = """
mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpoint { url } ... on InvalidInput { fields { field code } }
} }
"""
LOG = "{ webhookDeliveries(first: 50) { edges { node { lastError lastStatusCode } } } }"

INTERNAL = [
    "http://127.0.0.1/hooks",
    "http://127.0.0.1:6379/",
    "https://127.0.0.53:443/",
    "http://localhost:8000/hooks",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://api\u3002localhost/",  # an ideographic full stop is a dot to the URL parser
    "http://127.0.0.1./",
    "http://[::1%25lo]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]:8080/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[::]/",
    "http://0.0.0.0:8000/",
    "http://0/",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",  # 169.254.169.254
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
    "http://198.18.0.1/",
    "http://240.0.0.1/",
]


async def _create(client, admin, url):
    body = await gql(client, CREATE, {"input": {"url": url, "eventTypes": ["member.updated"]}},
                     token=admin)  # fmt: skip
    return body["data"]["createWebhookEndpoint"]


@pytest.fixture
async def admin(client):
    return (await staff_session(client, Role.ADMIN))["accessToken"]


@pytest.mark.parametrize("url", INTERNAL)
async def test_creation_refused_for_internal_targets(client, admin, url):
    result = await _create(client, admin, url)
    assert result["__typename"] == "InvalidInput", result
    assert [(f["field"], f["code"]) for f in result["fields"]] == [("url", "URL_NOT_ALLOWED")]
    assert "WEBHOOK_ALLOWED_NETWORKS" in result["fields"][0]["message"]
    assert not await WebhookEndpoint.exists()


@pytest.mark.parametrize("url", [
    "http://user:pw@crm.example.com/hooks", "https://user@crm.example.com/",
    "https://:pw@crm.example.com/", "http://127.0.0.1\\@crm.example.com/",
])  # fmt: skip
async def test_creation_refused_with_credentials_in_the_url(client, admin, url):
    result = await _create(client, admin, url)
    assert result["__typename"] == "InvalidInput", result
    assert result["fields"][0]["field"] == "url"
    assert result["fields"][0]["code"] in ("URL_CREDENTIALS_NOT_ALLOWED", "INVALID_WEBHOOK_URL")
    assert not await WebhookEndpoint.exists()


@pytest.mark.parametrize("url", [
    "https://crm.example.com/hooks#frag", "https://08.1.2.3/", "https://1.2.3.256/",
    "https://crm.example.com:99999/", "https://crm..example.com/", "https://ex%41mple.com/",
])  # fmt: skip
async def test_malformed_targets_are_invalid(client, admin, url):
    result = await _create(client, admin, url)
    assert result["__typename"] == "InvalidInput", result
    assert result["fields"][0]["code"] == "INVALID_WEBHOOK_URL"


async def test_a_name_with_any_internal_address_is_refused(client, admin, dns):
    dns.answers["crm.partner.test"] = [PUBLIC_ADDRESS, "10.0.0.7"]
    dns.answers["v6.partner.test"] = ["2606:4700::1111", "::1"]
    for url in ("https://crm.partner.test/hooks", "https://v6.partner.test/"):
        result = await _create(client, admin, url)
        assert result["fields"][0]["code"] == "URL_NOT_ALLOWED", result
    assert not await WebhookEndpoint.exists()


@pytest.mark.parametrize("url", [
    "https://crm.example.com/hooks?from=loyalty@shop", f"https://{PUBLIC_ADDRESS}/hooks",
    "https://134744072/",  # 8.8.8.8, spelt as a number: public, so allowed
    "https://[2606:4700::1111]/", "https://[::ffff:8.8.8.8]/", "https://bücher.example.com/",
    "https://crm.nowhere.invalid/hooks",  # unresolvable now: accepted, checked at delivery
])  # fmt: skip
async def test_public_and_unresolvable_targets_are_accepted(client, admin, url):
    result = await _create(client, admin, url)
    assert result["__typename"] == "WebhookEndpointCreated", result


async def test_update_is_checked_too(client, admin):
    created = await _create(client, admin, "https://crm.example.com/hooks")
    endpoint_id = created["endpoint"]["id"]
    body = await gql(client, UPDATE, {"input": {"id": endpoint_id, "url": "http://127.1:22/"}},
                     token=admin)  # fmt: skip
    assert body["data"]["updateWebhookEndpoint"]["fields"] == [
        {"field": "url", "code": "URL_NOT_ALLOWED"}
    ]
    assert (await WebhookEndpoint.get()).url == "https://crm.example.com/hooks"


async def test_production_takes_https_only(client, settings, settings_with):
    configure(settings_with(environment="production"))
    try:
        with pytest.raises(InvalidInput) as refused:
            await endpoints.create_endpoint(url="http://crm.example.com/hooks",
                                            event_types=["member.updated"])  # fmt: skip
        assert [(p.field, p.code) for p in refused.value.problems] == [("url", "HTTPS_REQUIRED")]
        await endpoints.create_endpoint(url="https://crm.example.com/hooks",
                                        event_types=["member.updated"])  # fmt: skip
    finally:
        configure(settings)


def test_every_spelling_of_an_address_is_read_as_the_resolver_reads_it():
    from app.integrations import targets

    loopback = ipaddress.ip_address("127.0.0.1")
    for spelling in ("2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "0x7f.1"):
        assert targets.ip_literal(spelling) == loopback
        assert socket.inet_aton(spelling) == loopback.packed
    assert targets.ip_literal("crm.example.com") is None
    assert targets.ip_literal("[::ffff:127.0.0.1]") == ipaddress.ip_address("::ffff:127.0.0.1")
    assert targets.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) == "loopback"
    assert targets.refusal(ipaddress.ip_address("169.254.169.254")) == "metadata"
    assert targets.refusal(ipaddress.ip_address("100.64.1.1")) == "shared"
    assert targets.refusal(ipaddress.ip_address("fd00:ec2::254")) == "metadata"
    assert targets.refusal(ipaddress.ip_address(PUBLIC_ADDRESS)) is None


# ---- at delivery ----------------------------------------------------------------------------


async def _one_event() -> None:
    member = await factories.member()
    await members.update_profile(member_id=member.id, display_name="Changed")


async def _deliveries() -> dict[str, WebhookDelivery]:
    urls = dict(await WebhookEndpoint.all().values_list("id", "url"))
    return {urls[d.endpoint_id]: d for d in await WebhookDelivery.all()}


async def test_dns_rebinding_to_loopback_is_refused_at_delivery(client, admin, dns, receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    dns.answers["crm.rebind.test"] = [PUBLIC_ADDRESS]  # when the endpoint is registered
    result = await _create(client, admin, f"http://crm.rebind.test:{port}/hooks")
    assert result["__typename"] == "WebhookEndpointCreated", result
    dns.answers["crm.rebind.test"] = ["127.0.0.1"]  # when the delivery connects

    await _one_event()
    await jobs.drain()

    assert receiver.requests == []  # nothing reached the loopback service
    (delivery,) = await WebhookDelivery.all()
    assert delivery.last_error == "refused: address not allowed"
    assert delivery.last_status_code is None and delivery.attempts == 1


async def test_allow_list_lets_a_configured_private_network_through(
    client, admin, allow_loopback, receiver, settings, settings_with
):
    result = await _create(client, admin, receiver.url)
    assert result["__typename"] == "WebhookEndpointCreated", result
    # Names for the API's own host and cloud metadata stay refused whatever the list says.
    configure(settings_with(webhook_allowed_networks=("127.0.0.0/8", "169.254.0.0/16")))
    for url in ("http://localhost:8000/", "http://169.254.169.254/", "http://10.1.2.3/"):
        assert (await _create(client, admin, url))["__typename"] == "InvalidInput", url
    await _one_event()
    await jobs.drain()
    assert len(receiver.accepted) == 1
    assert (await WebhookDelivery.get()).status == "delivered"


@contextlib.asynccontextmanager
async def _raw_server(answer: bytes | None):
    """A TCP server on loopback that answers `answer` to anything (or never answers);
    yields (port, list of what it was sent)."""
    seen: list[bytes] = []
    done = asyncio.Event()

    async def handle(reader, writer):
        seen.append(await reader.read(65536))
        if answer is None:
            await done.wait()
        else:
            writer.write(answer)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], seen
    finally:
        done.set()
        server.close()
        await asyncio.sleep(0)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_delivery_log_keeps_a_generic_reason(
    client, admin, allow_loopback, settings_with
):
    banner = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 24\r\nServer: redis-internal\r\n\r\ninternal secret banner!!"
    redirect = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n"
    configure(settings_with(webhook_allowed_networks=("127.0.0.0/8",), webhook_timeout_seconds=1))
    async with (
        _raw_server(banner) as (unavailable, _),
        _raw_server(redirect) as (redirects, _),
        _raw_server(b"HTTP/1.1 400 Bad Request\r\n\r\n") as (plain, _),
        _raw_server(None) as (silent, _),
    ):  # fmt: skip
        urls = {
            f"http://127.0.0.1:{_closed_port()}/": (None, "connection failed"),
            f"http://127.0.0.1:{unavailable}/": (503, "HTTP 503"),
            f"http://127.0.0.1:{redirects}/": (302, "HTTP 302"),
            f"https://127.0.0.1:{plain}/": (None, "TLS error"),
            f"http://127.0.0.1:{silent}/": (None, "timeout"),
            "https://crm.nowhere.invalid/hooks": (None, "could not resolve host"),
        }
        for url in urls:
            assert (await _create(client, admin, url))["__typename"] == "WebhookEndpointCreated"
        await _one_event()
        await jobs.drain()
    outcome = {url: (d.last_status_code, d.last_error) for url, d in (await _deliveries()).items()}
    assert outcome == urls
    body = await gql(client, LOG, token=admin)
    text = str(body)
    for leak in ("Errno", "refused", "SSL", "WRONG_VERSION", "secret banner", "redis", "Location"):
        assert leak not in text, leak


async def test_proxies_from_the_environment_are_ignored(
    client, admin, allow_loopback, receiver, monkeypatch
):
    async with _raw_server(b"HTTP/1.1 204 No Content\r\n\r\n") as (proxy_port, proxied):
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy_port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        created = await _create(client, admin, receiver.url)
        assert created["__typename"] == "WebhookEndpointCreated"
        await _one_event()
        await jobs.drain()
    assert proxied == []
    assert len(receiver.accepted) == 1
