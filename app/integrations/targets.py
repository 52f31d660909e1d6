"""Where webhooks may go: only to public addresses (or to networks an operator listed in
`WEBHOOK_ALLOWED_NETWORKS`), so that an endpoint cannot be aimed at the API's own host, its
private network or a cloud metadata service and the delivery log cannot serve as a scanner.

Two checks, one rule (`refusal`):
- `check_url`, when an endpoint is created or its URL changed: scheme, no userinfo, no
  fragment, a host name or IP literal in any spelling (`2130706433`, `0x7f000001`,
  `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]` are all 127.0.0.1), refused names
  (`localhost`, `*.localhost`, metadata host names) and every address the name resolves to.
  A name that does not resolve now is accepted: it reaches nothing, and the second check
  applies to whatever it resolves to later.
- `GuardedBackend`, at every connection: resolves the host itself, refuses when any address
  is not allowed, and connects to an address it checked, so a DNS answer that changes after
  the first check (rebinding) reaches nothing. TLS still verifies, and sends SNI for, the
  URL's host name (httpcore takes both from the URL, not from the address).

`client()` builds the only HTTP client deliveries use: guarded, no redirects followed, no
proxies or credentials from the environment.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
import typing
from functools import lru_cache
from urllib.parse import urlsplit

import httpcore
import httpx

from app.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Refused by name, before any lookup (they may resolve to anything on the API's host).
REFUSED_NAMES = frozenset({
    "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data",
    "instance-data.ec2.internal",
})  # fmt: skip
# Refused even when inside WEBHOOK_ALLOWED_NETWORKS: no receiver lives there.
ALWAYS_REFUSED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this host": connecting to 0.0.0.0 reaches loopback services
        "::/128",
        "224.0.0.0/4",  # multicast
        "ff00::/8",
        "255.255.255.255/32",
        "169.254.169.254/32",  # cloud metadata: AWS, GCP, Azure, OpenStack, Oracle, ...
        "169.254.170.2/32",  # AWS ECS task metadata
        "169.254.170.23/32",  # AWS EKS pod identity
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "fd00:ec2::254/128",  # AWS metadata over IPv6
        "fd00:ec2::23/128",
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
# The last label of a host that is all digits (or 0x...) makes it an IPv4 address, which
# the resolver reads the way inet_aton does (decimal, octal, hex, 1 to 4 parts).
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$")
RESOLVE_TIMEOUT_SECONDS = 5.0

# The reasons a delivery log shows: nothing of what the target said or how it failed.
REASON_REFUSED = "refused: address not allowed"
REASON_UNRESOLVED = "could not resolve host"
REASON_CONNECT = "connection failed"
REASON_TIMEOUT = "timeout"
REASON_TLS = "TLS error"
REASON_PROTOCOL = "invalid HTTP response"
REASON_OTHER = "request failed"


class TargetRefused(Exception):
    """A connection to an address webhooks may not reach was refused."""

    def __init__(self, host: str, reason: str):
        self.host, self.reason = host, reason
        super().__init__(f"{host}: {reason}")


class Unresolved(Exception):
    """The host name has no address (now)."""


# ---- the rule -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _networks(allowed: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in allowed)


def allowed_networks(settings: Settings) -> tuple[Network, ...]:
    """The networks webhook targets may be in, from the settings."""
    return _networks(tuple(settings.webhook_allowed_networks))


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if any(address in n for n in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def refusal(address: IPAddress, allowed: typing.Sequence[Network] = ()) -> str | None:
    """Why webhooks may not go to `address` (a short category), or None when they may."""
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(int(address))  # without a zone
        inner = _embedded_v4(address)
        if inner is not None:
            why = refusal(inner, allowed)
            if why is not None or address.ipv4_mapped is not None:
                return why
    if any(address.version == n.version and address in n for n in ALWAYS_REFUSED):
        if address.is_multicast:
            return "multicast"
        return "unspecified" if address.is_unspecified or int(address) >> 24 == 0 else "metadata"
    if any(address.version == n.version and address in n for n in allowed):
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "shared"
    if address.is_private:
        return "private"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "not global"
    return None


def ip_literal(host: str) -> IPAddress | None:
    """`host` (as in a URL, brackets optional) as an address when it is an IP literal in
    any spelling the resolver accepts; None when it is a name. ValueError when it looks
    like an IPv4 address but is not one (`08.1`, `1.2.3.256`)."""
    host = host.strip("[]").rstrip(".").lower()
    if ":" in host:
        return ipaddress.IPv6Address(host.split("%")[0])
    if not _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        return None
    if not all(_NUMERIC_LABEL.match(part) for part in host.split(".")) or host.count(".") > 3:
        raise ValueError(f"not an IPv4 address: {host!r}")
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # 127.1, 2130706433, 0x7f.1
    except OSError:
        raise ValueError(f"not an IPv4 address: {host!r}") from None


def refused_name(host: str) -> bool:
    """Whether the host name is one refused outright (e.g. localhost)."""
    name = host.rstrip(".").lower()
    return name in REFUSED_NAMES or name.endswith(".localhost")


# ---- resolving ------------------------------------------------------------------------------


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (off the event loop), in the resolver's order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolved(host) from exc
    out: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in out:
            out.append(address)
    if not out:
        raise Unresolved(host)
    return out


async def checked_addresses(
    host: str, port: int, *, allowed: typing.Sequence[Network], wait: float | None = None
) -> list[IPAddress]:
    """The addresses to connect to for `host`: TargetRefused when any is not allowed (a
    name answering both a public and a private address is refused, not half trusted)."""
    literal = ip_literal(host)
    if literal is not None:
        addresses = [literal]
    elif refused_name(host):
        raise TargetRefused(host, "refused name")
    else:
        try:
            addresses = await asyncio.wait_for(resolve(host, port),
                                               wait or RESOLVE_TIMEOUT_SECONDS)  # fmt: skip
        except TimeoutError:
            raise Unresolved(host) from None
    for address in addresses:
        why = refusal(address, allowed)
        if why is not None:
            raise TargetRefused(host, why)
    return addresses


# ---- checking a URL when it is registered ------------------------------------------------


async def check_url(url: str, *, settings: Settings) -> tuple[str, dict] | None:
    """The problem with `url` as a webhook target, as (code, params), or None. Parsed by
    the same parser that sends (httpx), so the host checked is the host connected to."""
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError):
        return _unparsable(url)
    if parsed.scheme not in ("http", "https") or (port is not None and not 0 < port < 65536):
        return "INVALID_WEBHOOK_URL", {}
    if settings.is_production and parsed.scheme != "https":
        return "HTTPS_REQUIRED", {}
    if parsed.userinfo or "@" in re.split(r"[/?#]", url.split("//", 1)[-1], maxsplit=1)[0]:
        return "URL_CREDENTIALS_NOT_ALLOWED", {}
    if parsed.fragment or "#" in url:
        return "INVALID_WEBHOOK_URL", {}
    host = parsed.raw_host.decode("ascii")  # what is resolved and connected to (punycode)
    if not host or "\\" in url:
        return "INVALID_WEBHOOK_URL", {}
    try:
        literal = ip_literal(host)
    except ValueError:
        return "INVALID_WEBHOOK_URL", {}
    if literal is None and not _NAME.match(host.rstrip(".")):
        return "INVALID_WEBHOOK_URL", {}
    try:
        await checked_addresses(host, port or (443 if parsed.scheme == "https" else 80),
                                allowed=allowed_networks(settings))  # fmt: skip
    except TargetRefused:
        return "URL_NOT_ALLOWED", {"host": host}
    except Unresolved:
        return None  # nothing to reach now; each delivery checks again
    return None


def _unparsable(url: str) -> tuple[str, dict]:
    """httpx cannot send to `url`; still say "not allowed" when its host is an internal
    address in a spelling httpx refuses (`0177.0.0.1`), so the answer names the real problem."""
    try:
        host = urlsplit(url).hostname or ""
        literal = ip_literal(host)
    except ValueError:
        return "INVALID_WEBHOOK_URL", {}
    if literal is not None and refusal(literal) is not None:
        return "URL_NOT_ALLOWED", {"host": host}
    return "INVALID_WEBHOOK_URL", {}


# ---- connecting -----------------------------------------------------------------------------


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses `refusal` allows."""

    def __init__(self, allowed: typing.Sequence[Network]):
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109 (httpcore's)
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # fmt: skip
        """Connect to the first of `host`'s addresses that answers (TargetRefused
        when any is not allowed)."""
        try:
            addresses = await checked_addresses(host, port, allowed=self._allowed,
                                                wait=timeout)  # fmt: skip
        except ValueError as exc:
            raise httpcore.ConnectError("not an address") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,  # noqa: ASYNC109 (httpcore's)
        socket_options: typing.Any = None,
    ) -> httpcore.AsyncNetworkStream:  # fmt: skip
        """Refuse (TargetRefused): a unix socket is not a network address."""
        raise TargetRefused("unix socket", "not a network address")

    async def sleep(self, seconds: float) -> None:
        """Sleep, as the wrapped backend does."""
        await self._inner.sleep(seconds)


def client(
    *, settings: Settings, timeout: float, ssl_context: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """The HTTP client for deliveries: guarded connections, TLS verified against the URL's
    host, no redirects followed, nothing taken from the environment (proxies, netrc)."""
    context = ssl_context or httpx.create_ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
    # httpx has no parameter for the network backend: give its transport our pool.
    assert isinstance(transport._pool, httpcore.AsyncConnectionPool)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context, max_connections=4, max_keepalive_connections=0, http1=True,
        http2=False, retries=0, network_backend=GuardedBackend(allowed_networks(settings)),
    )  # fmt: skip
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False,
                             trust_env=False)  # fmt: skip


def _causes(exc: BaseException) -> typing.Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def reason(exc: BaseException) -> str:
    """What the delivery log says about a failed request: a generic reason, never the
    exception's text (it names internal services, ports and certificate details)."""
    chain = list(_causes(exc))
    if any(isinstance(e, TargetRefused) for e in chain):
        return REASON_REFUSED
    if any(isinstance(e, Unresolved) for e in chain):
        return REASON_UNRESOLVED
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return REASON_TLS
    if isinstance(exc, httpx.TimeoutException):
        return REASON_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        return REASON_CONNECT
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return REASON_PROTOCOL
    if isinstance(exc, httpx.NetworkError):
        return REASON_CONNECT
    return REASON_OTHER
