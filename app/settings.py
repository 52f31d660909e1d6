"""All configuration, read from the environment once and validated at start-up.

Every problem is reported as one line naming the variable, so an operator can fix a
deployment from the log without reading code.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
DEFAULT_JWT_SECRET = "dev-only-secret-do-not-use-in-production-0123456789"
DEFAULT_DATABASE_URL = "sqlite://var/loyalty.sqlite3"
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A configuration value is missing, malformed or unsafe; the message is one line."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _trusted_mode(raw: str | None) -> str:
    """TRUSTED_DOCUMENTS: `off` (any document runs) or `only` (registered ones only)."""
    value = (raw or "off").strip().lower()
    if value not in ("off", "only"):
        raise SettingsError(f"TRUSTED_DOCUMENTS must be off or only, got {raw!r}")
    return value


def _jwt_keys(raw: str | None) -> dict[str, str]:
    """`JWT_KEYS` is `kid:secret[,kid:secret...]`; the first key signs unless JWT_ACTIVE_KID."""
    if not raw:
        return {"dev": DEFAULT_JWT_SECRET}
    keys: dict[str, str] = {}
    for part in raw.split(","):
        kid, sep, secret = part.strip().partition(":")
        if not sep or not kid or not secret:
            raise SettingsError("JWT_KEYS must look like 'kid1:secret1,kid2:secret2'")
        if kid in keys:
            raise SettingsError(f"JWT_KEYS lists key id {kid!r} twice")
        keys[kid] = secret
    return keys


def _firebase(raw: str | None) -> str | None:
    """FIREBASE_CREDENTIALS: the service account JSON, or a path to it; checked now so a
    typo fails at start-up, not at the first push."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            raise SettingsError("FIREBASE_CREDENTIALS is not valid JSON") from None
    else:
        path = Path(raw)
        if not path.is_file():
            raise SettingsError(f"FIREBASE_CREDENTIALS: no file at {raw}")
        try:
            data = json.loads(path.read_text())
        except ValueError:
            raise SettingsError(f"FIREBASE_CREDENTIALS: {raw} is not JSON") from None
    if not isinstance(data, dict) or data.get("type") != "service_account":
        raise SettingsError("FIREBASE_CREDENTIALS must be a Firebase service account key")
    return raw


def _fcm_endpoint(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    if not raw.startswith(("http://", "https://")):
        raise SettingsError("FCM_ENDPOINT must be an http:// or https:// URL")
    return raw.strip().rstrip("/")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of IP addresses or CIDR networks, each checked now. In
    TRUSTED_PROXIES the word `unix` also stands for a peer without an address: a proxy
    talking to the API over a Unix socket."""
    import ipaddress

    out: list[str] = []
    for part in env.get(name, "").split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "unix" and name == "TRUSTED_PROXIES":
            out.append("unix")
            continue
        try:
            out.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise SettingsError(f"{name}: {part!r} is not an IP address or CIDR network") from None
    return tuple(out)


def _amounts(env: Mapping[str, str], name: str) -> dict[str, int]:
    """`EUR:1000000,JPY:100000000`: a maximum in minor units per ISO currency code."""
    out: dict[str, int] = {}
    for part in env.get(name, "").split(","):
        part = part.strip()
        if not part:
            continue
        code, sep, raw = part.partition(":")
        code = code.strip().upper()
        if not sep or len(code) != 3 or not code.isalpha() or not raw.strip().isdigit():
            raise SettingsError(f"{name} must look like 'EUR:1000000,JPY:100000000'")
        out[code] = int(raw)
    return out


def _base_url(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    raw = raw.strip().rstrip("/")
    if not raw.startswith(("http://", "https://")) or "@" in raw or "?" in raw or "#" in raw:
        raise SettingsError(
            "PUBLIC_BASE_URL must be an http:// or https:// URL without user, query or fragment"
        )
    return raw


@dataclass(frozen=True)
class SmtpConfig:
    """Where mail goes, from SMTP_URL: `smtp://` (STARTTLS when the server offers it),
    `smtp+starttls://` (STARTTLS required), `smtps://` (implicit TLS); user and password in
    the URL's user part, percent-encoded."""

    host: str
    port: int
    tls: str  # "auto", "starttls" or "implicit"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0

    def __str__(self) -> str:
        scheme = {"auto": "smtp", "starttls": "smtp+starttls", "implicit": "smtps"}[self.tls]
        user = f"{self.username}:***@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


_SMTP_SCHEMES = {"smtp": ("auto", 25), "smtp+starttls": ("starttls", 587),
                 "smtps": ("implicit", 465)}  # fmt: skip


def _smtp(raw: str | None) -> SmtpConfig | None:
    if not raw or not raw.strip():
        return None
    from urllib.parse import unquote, urlsplit

    bad = SettingsError(
        "SMTP_URL must be smtp://, smtp+starttls:// or smtps://[user:password@]host[:port]"
    )
    try:
        url = urlsplit(raw.strip())
        port = url.port
    except ValueError:
        raise bad from None
    if (url.scheme not in _SMTP_SCHEMES or not url.hostname or url.path not in ("", "/")
            or url.query or url.fragment or port == 0):  # fmt: skip
        raise bad
    tls, default_port = _SMTP_SCHEMES[url.scheme]
    return SmtpConfig(host=url.hostname, port=port or default_port, tls=tls,
                      username=unquote(url.username) if url.username else None,
                      password=unquote(url.password) if url.password else None)  # fmt: skip


_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


def _mailbox(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    """A From/Reply-To value: `address` or `Display Name <address>`."""
    from email.utils import formataddr, getaddresses, parseaddr

    raw = (env.get(name) or "").strip() or default
    if raw is None:
        return None
    display, address = parseaddr(raw)
    one = len(getaddresses([raw])) == 1  # parseaddr keeps the first of a list silently
    if not one or not _ADDRESS.match(address or "") or "\n" in raw or "\r" in raw:
        raise SettingsError(f"{name} must be an email address, optionally as 'Name <address>'")
    return formataddr((display, address)) if display else address


def _links_url(raw: str | None) -> str | None:
    """APP_LINK_BASE_URL: the apps' universal links (https only)."""
    bad = SettingsError(
        "APP_LINK_BASE_URL must be an https:// URL without user, query or fragment "
        "(the apps' universal links)"
    )
    try:
        url = _base_url(raw)
    except SettingsError:  # its message names PUBLIC_BASE_URL
        raise bad from None
    if url is not None and not url.startswith("https://"):
        raise bad
    return url


def _log_format(env: Mapping[str, str]) -> str:
    value = (env.get("LOG_FORMAT") or "text").strip().lower()
    if value not in ("text", "json"):
        raise SettingsError("LOG_FORMAT must be text or json")
    return value


def _trusted_proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    if env.get("TRUST_FORWARDED_FOR"):
        raise SettingsError(
            "TRUST_FORWARDED_FOR is gone: list your proxies in TRUSTED_PROXIES (IPs or CIDRs)"
        )
    return _networks(env, "TRUSTED_PROXIES")


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Seconds between in-process maintenance passes (release, expire, birthdays); 0 = off,
    # e.g. when a separate `loyalty worker` runs.
    worker_interval: int = 60
    # Allocations between young-generation collections of a server process (Python's
    # default is 700): requests in flight hold their objects across awaits, so at 700 most
    # survive into older generations and make collections long and frequent.
    gc_gen0_threshold: int = 20000
    # Firebase service account: a path to its JSON file, or the JSON itself. Unset: pushes
    # are logged, not sent.
    firebase_credentials: str | None = None
    # Where FCM v1 requests go instead of fcm.googleapis.com: a loopback fake, for tests and
    # `scripts/bench campaign` only.
    fcm_endpoint: str | None = None
    # How long a worker holds a job it claimed; a worker that dies frees its jobs after this.
    job_lease_seconds: int = 60
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # LOG_FORMAT: "text" (one line per record) or "json" (one JSON object per line).
    log_format: str = "text"
    # /metrics: METRICS_ENABLED (on by default); METRICS_TOKEN, when set, is the bearer token
    # a scraper must send; unset, only loopback peers may scrape.
    metrics_enabled: bool = True
    metrics_token: str | None = None

    jwt_keys: dict[str, str] = field(default_factory=lambda: {"dev": DEFAULT_JWT_SECRET})
    jwt_active_kid: str = "dev"
    jwt_issuer: str = "loyalty-api"
    jwt_audience: str = "loyalty-apps"
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    client_token_ttl: int = 60 * 60

    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 30
    login_window_seconds: int = 15 * 60
    login_lockout_seconds: int = 15 * 60
    # Proxies (IPs or CIDRs) whose X-Forwarded-For is believed; the client address is the
    # rightmost entry that is not one of them. Empty: the socket's peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    # Sign-ups per client address per window.
    signup_max_per_address: int = 10
    signup_window_seconds: int = 3600
    # Password reset requests per window: per (account, client address) pair and per client
    # address (past either, TooManyAttempts), and per account from anywhere (past that, the
    # same answer but no mail: others can neither bomb the mailbox nor lock its owner out).
    reset_max_per_pair: int = 3
    reset_max_per_account: int = 5
    reset_max_per_address: int = 10
    reset_window_seconds: int = 15 * 60

    graphiql: bool = True
    introspection: bool = True
    field_suggestions: bool = True
    max_query_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 20
    max_body_bytes: int = 1_000_000
    # permessage-deflate on WebSockets (WS_PER_MESSAGE_DEFLATE): off by default, since each
    # compressed socket holds two zlib streams (about 40 KiB) for as long as it is open, and
    # live events are small JSON messages; browsers offer it and do without when refused.
    ws_per_message_deflate: bool = False
    # Estimated cost of one operation (list fields weighted by `first`), fragments and
    # fragment spreads per document, and the wall-clock budget of one execution.
    max_query_cost: int = 20_000
    max_fragments: int = 50
    max_fragment_spreads: int = 200
    execution_timeout_seconds: float = 10.0
    # Where links in mail and exports point (never the request's Host header).
    public_base_url: str | None = None
    # Mail: the SMTP server (None: mail is logged, and in development written to `mail_dir`
    # as .eml files); From and Reply-To; the apps' universal links, which links in mail use
    # instead of PUBLIC_BASE_URL when set (the app opens them, the web page is the fallback).
    smtp: SmtpConfig | None = None
    email_from: str = "Loyalty <noreply@loyalty.invalid>"
    email_reply_to: str | None = None
    app_link_base_url: str | None = None
    mail_dir: str | None = None
    # Separation of duties: an adjustment of more points than this (either sign) waits for a
    # second admin's approval (0 = never); the largest purchase a till may record, in minor
    # units, per currency ("*" for any other currency).
    adjustment_approval_points: int = 10_000
    max_purchase_amounts: dict[str, int] = field(default_factory=lambda: {"*": 1_000_000})
    # Private networks (CIDRs) webhook endpoints may point at, for on-premise CRMs.
    webhook_allowed_networks: tuple[str, ...] = ()
    # Database pool and waits: connections per process, how long a request waits for one,
    # how long a ledger lock is waited for, the longest statement, and the Retry-After sent
    # while the database is unavailable.
    database_pool_size: int = 10
    database_pool_timeout_seconds: float = 5.0
    lock_timeout_ms: int = 3000
    statement_timeout_ms: int = 30_000
    retry_after_seconds: int = 5
    cors_origins: tuple[str, ...] = ()
    # Outbound webhooks: an endpoint failing this many deliveries in a row is switched off.
    webhook_disable_after: int = 10
    webhook_timeout_seconds: int = 10
    # Privacy: how long a ready data export can be downloaded (once), and after how many days
    # without activity an account is erased by the worker (0 = never).
    export_link_ttl: int = 24 * 3600
    retention_inactive_days: int = 0
    # How long the set-password link in an invitation (a member created by CRM sync or
    # import) works.
    invitation_ttl: int = 7 * 24 * 3600
    # Persisted operations (app.graphql.persisted): APQ registration on/off, how many APQ
    # documents are kept and how long one may be; TRUSTED_DOCUMENTS=only runs registered
    # documents alone (staff may still send free ones when TRUSTED_DOCUMENTS_STAFF).
    apq: bool = True
    apq_max_documents: int = 10_000
    apq_max_document_bytes: int = 20_000
    trusted_documents: str = "off"
    trusted_documents_staff: bool = True

    @property
    def is_production(self) -> bool:
        """Whether this runs in production."""
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        """PUBLIC_BASE_URL, else this server's own address (development and tests)."""
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def link_base_url(self) -> str:
        """Where links in mail point: the apps' universal links when configured, else the
        public web address (never the request's Host)."""
        return self.app_link_base_url or self.base_url

    def max_purchase_amount(self, currency: str) -> int:
        """The largest purchase accepted in `currency` (the `*` entry, else
        1,000,000, when it has none)."""
        amounts = self.max_purchase_amounts
        return amounts.get(currency.upper(), amounts.get("*", 1_000_000))

    @property
    def dialect(self) -> str:
        """The database's dialect: postgres or sqlite."""
        return "postgres" if self.database_url.startswith(("postgres", "psql")) else "sqlite"

    @property
    def signing_secret(self) -> str:
        """The secret of the active JWT key."""
        return self.jwt_keys[self.jwt_active_kid]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the environment; raises SettingsError with a one-line reason."""
        env = os.environ if env is None else env
        environment = env.get("LOYALTY_ENV", "development").strip().lower()
        if environment not in ENVIRONMENTS:
            raise SettingsError(f"LOYALTY_ENV must be one of {', '.join(ENVIRONMENTS)}")
        production = environment == "production"
        keys = _jwt_keys(env.get("JWT_KEYS"))
        active = env.get("JWT_ACTIVE_KID") or next(iter(keys))
        if active not in keys:
            raise SettingsError(f"JWT_ACTIVE_KID {active!r} is not one of the JWT_KEYS ids")
        database_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if not database_url.startswith(("sqlite://", "postgres://", "postgresql://", "psql://")):
            raise SettingsError("DATABASE_URL must start with sqlite:// or postgres://")
        if database_url.startswith("postgresql://"):
            database_url = "postgres://" + database_url.removeprefix("postgresql://")
        redis_url = env.get("REDIS_URL") or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
        log_level = env.get("LOG_LEVEL", "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        if (env.get("SMTP_URL") or "").strip() and not (env.get("EMAIL_FROM") or "").strip():
            raise SettingsError("SMTP_URL needs EMAIL_FROM (the address mail is sent from)")
        settings = cls(
            environment=environment,
            database_url=database_url,
            redis_url=redis_url,
            worker_interval=_int(env, "WORKER_INTERVAL", 60),
            gc_gen0_threshold=_int(env, "GC_GEN0_THRESHOLD", 20000, minimum=100),
            firebase_credentials=_firebase(env.get("FIREBASE_CREDENTIALS")),
            fcm_endpoint=_fcm_endpoint(env.get("FCM_ENDPOINT")),
            job_lease_seconds=_int(env, "JOB_LEASE_SECONDS", 60, minimum=2),
            host=env.get("HOST", "127.0.0.1"),
            port=_int(env, "PORT", 8000, minimum=1),
            log_level=log_level,
            log_format=_log_format(env),
            metrics_enabled=_bool(env, "METRICS_ENABLED", True),
            metrics_token=(env.get("METRICS_TOKEN") or "").strip() or None,
            jwt_keys=keys,
            jwt_active_kid=active,
            jwt_issuer=env.get("JWT_ISSUER", "loyalty-api"),
            jwt_audience=env.get("JWT_AUDIENCE", "loyalty-apps"),
            access_token_ttl=_int(env, "ACCESS_TOKEN_TTL", 15 * 60, minimum=30),
            refresh_token_ttl=_int(env, "REFRESH_TOKEN_TTL", 30 * 24 * 3600, minimum=300),
            client_token_ttl=_int(env, "CLIENT_TOKEN_TTL", 3600, minimum=60),
            argon2_time_cost=_int(env, "ARGON2_TIME_COST", 3, minimum=1),
            argon2_memory_kib=_int(env, "ARGON2_MEMORY_KIB", 65536, minimum=8),
            login_max_failures_per_account=_int(
                env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, minimum=1
            ),
            login_max_failures_per_address=_int(
                env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 30, minimum=1
            ),
            login_window_seconds=_int(env, "LOGIN_WINDOW_SECONDS", 900, minimum=1),
            login_lockout_seconds=_int(env, "LOGIN_LOCKOUT_SECONDS", 900, minimum=1),
            trusted_proxies=_trusted_proxies(env),
            signup_max_per_address=_int(env, "SIGNUP_MAX_PER_ADDRESS", 10, minimum=1),
            signup_window_seconds=_int(env, "SIGNUP_WINDOW_SECONDS", 3600, minimum=1),
            reset_max_per_pair=_int(env, "RESET_MAX_PER_PAIR", 3, minimum=1),
            reset_max_per_account=_int(env, "RESET_MAX_PER_ACCOUNT", 5, minimum=1),
            reset_max_per_address=_int(env, "RESET_MAX_PER_ADDRESS", 10, minimum=1),
            reset_window_seconds=_int(env, "RESET_WINDOW_SECONDS", 900, minimum=1),
            graphiql=_bool(env, "GRAPHIQL", not production),
            introspection=_bool(env, "GRAPHQL_INTROSPECTION", not production),
            field_suggestions=_bool(env, "GRAPHQL_FIELD_SUGGESTIONS", not production),
            max_query_depth=_int(env, "GRAPHQL_MAX_DEPTH", 12, minimum=2),
            max_tokens=_int(env, "GRAPHQL_MAX_TOKENS", 2000, minimum=10),
            max_aliases=_int(env, "GRAPHQL_MAX_ALIASES", 20, minimum=1),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", 1_000_000, minimum=1024),
            ws_per_message_deflate=_bool(env, "WS_PER_MESSAGE_DEFLATE", False),
            max_query_cost=_int(env, "GRAPHQL_MAX_COST", 20_000, minimum=10),
            max_fragments=_int(env, "GRAPHQL_MAX_FRAGMENTS", 50, minimum=1),
            max_fragment_spreads=_int(env, "GRAPHQL_MAX_FRAGMENT_SPREADS", 200, minimum=1),
            execution_timeout_seconds=_int(env, "GRAPHQL_TIMEOUT_MS", 10_000, minimum=100) / 1000,
            public_base_url=_base_url(env.get("PUBLIC_BASE_URL")),
            smtp=_smtp(env.get("SMTP_URL")),
            email_from=_mailbox(
                env,
                "EMAIL_FROM",
                None if env.get("SMTP_URL") else "Loyalty <noreply@loyalty.invalid>",
            ),
            email_reply_to=_mailbox(env, "EMAIL_REPLY_TO", None),
            app_link_base_url=_links_url(env.get("APP_LINK_BASE_URL")),
            mail_dir=(
                env.get("MAIL_DIR", "var/mail" if environment == "development" else "").strip()
                or None
            ),
            adjustment_approval_points=_int(env, "ADJUSTMENT_APPROVAL_POINTS", 10_000),
            max_purchase_amounts={
                "*": _int(env, "MAX_PURCHASE_AMOUNT", 1_000_000, minimum=1),
                **_amounts(env, "MAX_PURCHASE_AMOUNTS"),
            },
            webhook_allowed_networks=_networks(env, "WEBHOOK_ALLOWED_NETWORKS"),
            database_pool_size=_int(env, "DATABASE_POOL_SIZE", 10, minimum=1),
            database_pool_timeout_seconds=_int(env, "DATABASE_POOL_TIMEOUT_MS", 5000, minimum=100)
            / 1000,
            lock_timeout_ms=_int(env, "LOCK_TIMEOUT_MS", 3000, minimum=10),
            statement_timeout_ms=_int(env, "STATEMENT_TIMEOUT_MS", 30_000, minimum=100),
            retry_after_seconds=_int(env, "RETRY_AFTER_SECONDS", 5, minimum=1),
            cors_origins=tuple(
                o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()
            ),
            webhook_disable_after=_int(env, "WEBHOOK_DISABLE_AFTER", 10, minimum=1),
            webhook_timeout_seconds=_int(env, "WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1),
            export_link_ttl=_int(env, "EXPORT_LINK_TTL", 24 * 3600, minimum=60),
            retention_inactive_days=_int(env, "RETENTION_INACTIVE_DAYS", 0),
            invitation_ttl=_int(env, "INVITATION_TTL_SECONDS", 7 * 24 * 3600, minimum=3600),
            apq=_bool(env, "APQ", True),
            apq_max_documents=_int(env, "APQ_MAX_DOCUMENTS", 10_000, minimum=1),
            apq_max_document_bytes=_int(env, "APQ_MAX_DOCUMENT_BYTES", 20_000, minimum=256),
            trusted_documents=_trusted_mode(env.get("TRUSTED_DOCUMENTS")),
            trusted_documents_staff=_bool(env, "TRUSTED_DOCUMENTS_STAFF", True),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse combinations that are unsafe or contradictory."""
        if self.is_production and self.graphiql:
            raise SettingsError(
                "production refuses to expose GraphiQL: unset GRAPHIQL or set GRAPHIQL=false"
            )
        if self.graphiql and not self.introspection:
            raise SettingsError(
                "GRAPHIQL=true needs GRAPHQL_INTROSPECTION=true; GraphiQL cannot work on a hidden schema"
            )
        if not self.is_production:
            return
        for kid, secret in self.jwt_keys.items():
            if secret == DEFAULT_JWT_SECRET:
                raise SettingsError("production refuses the default JWT secret: set JWT_KEYS")
            if len(secret) < MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"JWT_KEYS secret for {kid!r} is shorter than {MIN_SECRET_LENGTH} characters"
                )
        if self.database_url == DEFAULT_DATABASE_URL:
            raise SettingsError("production needs an explicit DATABASE_URL")
        if not self.public_base_url:
            raise SettingsError(
                "production needs PUBLIC_BASE_URL (links in mail and exports are built from it)"
            )
        if self.smtp is None:
            raise SettingsError(
                "production needs SMTP_URL (password resets and address checks are mailed)"
            )
        if self.mail_dir:
            raise SettingsError("production refuses MAIL_DIR: mail holds links that sign in")
        if (self.smtp.username and self.smtp.tls == "auto"
                and self.smtp.host not in ("127.0.0.1", "::1", "localhost")):  # fmt: skip
            raise SettingsError(
                "production sends SMTP credentials over TLS only: use smtp+starttls:// or smtps://"
            )

    def sqlite_path(self) -> Path | None:
        """The SQLite database file (None: in memory, or not SQLite)."""
        if self.dialect != "sqlite":
            return None
        location = self.database_url.removeprefix("sqlite://")
        return None if location.startswith(":memory:") else Path(location)


_active: Settings | None = None


def configure(settings: Settings) -> Settings:
    """Make `settings` the process-wide configuration (create_app and the CLI call this)."""
    global _active
    _active = settings
    return settings


def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    global _active
    if _active is None:
        _active = Settings.from_env()
    return _active
