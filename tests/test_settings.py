import subprocess
import sys

import pytest

from app.settings import DEFAULT_JWT_SECRET, Settings, SettingsError

STRONG = "k1:" + "s" * 40
MAIL = {"SMTP_URL": "smtp+starttls://mailer:pw@smtp.example.com", "EMAIL_FROM": "a@example.com"}
# Everything production needs; tests take one away or add one wrong value.
PRODUCTION = {
    "LOYALTY_ENV": "production",
    "DATABASE_URL": "postgres://db/x",
    "JWT_KEYS": STRONG,
    "PUBLIC_BASE_URL": "https://loyalty.example.com",
    **MAIL,
}


def test_development_defaults():
    settings = Settings.from_env({})
    assert settings.environment == "development"
    assert settings.graphiql and settings.introspection
    assert settings.database_url.startswith("sqlite://var/")
    assert settings.redis_url is None  # in-memory event bus
    assert settings.worker_interval == 60  # `scripts/serve` releases and expires points


def test_redis_and_worker_settings():
    settings = Settings.from_env({"REDIS_URL": "rediss://cache:6380/2", "WORKER_INTERVAL": "0"})
    assert settings.redis_url == "rediss://cache:6380/2"
    assert settings.worker_interval == 0
    settings = Settings.from_env(
        {"FCM_ENDPOINT": "http://127.0.0.1:9000/", "JOB_LEASE_SECONDS": "5"}
    )
    assert settings.fcm_endpoint == "http://127.0.0.1:9000" and settings.job_lease_seconds == 5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOYALTY_ENV": "production", "DATABASE_URL": "postgres://db/x"}, "default JWT secret"),
        (
            {
                "LOYALTY_ENV": "production",
                "DATABASE_URL": "postgres://db/x",
                "JWT_KEYS": "k1:short",
            },
            "shorter than 32",
        ),
        (
            {
                "LOYALTY_ENV": "production",
                "DATABASE_URL": "postgres://db/x",
                "JWT_KEYS": STRONG,
                "GRAPHIQL": "true",
                "GRAPHQL_INTROSPECTION": "true",
            },
            "GraphiQL",
        ),
        ({"LOYALTY_ENV": "production", "JWT_KEYS": STRONG}, "DATABASE_URL"),
        (
            {"LOYALTY_ENV": "production", "JWT_KEYS": STRONG, "GRAPHIQL": "true"},
            "refuses to expose GraphiQL",
        ),
        ({"GRAPHIQL": "true", "GRAPHQL_INTROSPECTION": "false"}, "hidden schema"),
        ({"LOYALTY_ENV": "staging"}, "LOYALTY_ENV"),
        ({"PORT": "eighty"}, "PORT must be an integer"),
        ({"GRAPHIQL": "maybe"}, "GRAPHIQL must be true or false"),
        ({"JWT_KEYS": "nocolon"}, "JWT_KEYS"),
        ({"JWT_KEYS": STRONG, "JWT_ACTIVE_KID": "k9"}, "JWT_ACTIVE_KID"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL must start with redis://"),
        ({"WORKER_INTERVAL": "-1"}, "WORKER_INTERVAL must be at least 0"),
        ({"FIREBASE_CREDENTIALS": "{not json"}, "FIREBASE_CREDENTIALS is not valid JSON"),
        ({"FIREBASE_CREDENTIALS": "/nowhere/key.json"}, "no file at /nowhere/key.json"),
        ({"FIREBASE_CREDENTIALS": '{"type": "authorized_user"}'}, "service account key"),
        ({"FCM_ENDPOINT": "127.0.0.1:9000"}, "FCM_ENDPOINT must be an http"),
        ({"JOB_LEASE_SECONDS": "1"}, "JOB_LEASE_SECONDS must be at least 2"),
    ],
)
def test_refused_configurations(env, message):
    with pytest.raises(SettingsError, match=message) as info:
        Settings.from_env(env)
    assert "\n" not in str(info.value)


def test_edge_settings():
    settings = Settings.from_env(
        {
            "TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
            "MAX_PURCHASE_AMOUNTS": "jpy:100000000",
            "MAX_PURCHASE_AMOUNT": "500000",
            "GRAPHQL_TIMEOUT_MS": "2500",
            "WEBHOOK_ALLOWED_NETWORKS": "10.1.2.0/24",
        }
    )
    assert settings.trusted_proxies == ("10.0.0.1/32", "192.168.0.0/16")
    assert settings.max_purchase_amount("JPY") == 100_000_000
    assert settings.max_purchase_amount("eur") == 500_000
    assert settings.execution_timeout_seconds == 2.5
    assert settings.webhook_allowed_networks == ("10.1.2.0/24",)
    for env, message in [
        ({"TRUSTED_PROXIES": "proxy.local"}, "TRUSTED_PROXIES"),
        ({"TRUST_FORWARDED_FOR": "true"}, "TRUSTED_PROXIES"),
        ({"MAX_PURCHASE_AMOUNTS": "EUR=5"}, "MAX_PURCHASE_AMOUNTS"),
        ({"PUBLIC_BASE_URL": "https://u:p@x.example"}, "PUBLIC_BASE_URL"),
        (
            {"LOYALTY_ENV": "production", "DATABASE_URL": "postgres://db/x", "JWT_KEYS": STRONG},
            "PUBLIC_BASE_URL",
        ),
    ]:
        with pytest.raises(SettingsError) as info:
            Settings.from_env(env)
        assert message in str(info.value)


def test_production_with_safe_settings():
    settings = Settings.from_env(
        {
            "LOYALTY_ENV": "production",
            "DATABASE_URL": "postgresql://db/x",
            "JWT_KEYS": STRONG + ",k0:" + "o" * 40,
            "PUBLIC_BASE_URL": "https://loyalty.example.com/",
            "SMTP_URL": "smtps://mailer:secret@smtp.example.com",
            "EMAIL_FROM": "Loyalty <noreply@loyalty.example.com>",
        }
    )
    assert settings.base_url == "https://loyalty.example.com"
    assert settings.smtp is not None and settings.smtp.tls == "implicit"
    assert settings.email_from == "Loyalty <noreply@loyalty.example.com>"
    assert settings.mail_dir is None  # never .eml files of sign-in links in production
    assert not settings.graphiql and not settings.introspection and not settings.field_suggestions
    assert settings.database_url == "postgres://db/x"
    assert settings.jwt_active_kid == "k1"
    assert DEFAULT_JWT_SECRET not in settings.jwt_keys.values()


def _cli(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_config_refuses_unreachable_database():
    result = _cli(
        "check-config",
        env={
            "LOYALTY_ENV": "production",
            "JWT_KEYS": STRONG,
            "DATABASE_URL": "postgres://nobody:secret@127.0.0.1:1/none",
            "PUBLIC_BASE_URL": "https://loyalty.example.com",
            **MAIL,
        },
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    last = lines[0]
    assert last.startswith("database unreachable")
    assert "secret" not in last


def test_check_config_one_line_on_bad_config():
    result = _cli("check-config", env={"LOYALTY_ENV": "production"})
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        == "configuration error: production refuses the default JWT secret: set JWT_KEYS"
    )


def test_every_command_has_help():
    for command in [
        "serve",
        "migrate",
        "seed-demo",
        "export-schema",
        "create-staff",
        "check-config",
        "make-migrations",
        "check-migrations",
    ]:
        result = _cli(command, "--help", env={})
        assert result.returncode == 0, command
        assert "usage: loyalty" in result.stdout


def test_trusted_proxies_accept_unix_for_a_peer_without_an_address():
    settings = Settings.from_env({"TRUSTED_PROXIES": "unix, 10.0.0.1"})
    assert settings.trusted_proxies == ("unix", "10.0.0.1/32")
    assert Settings.from_env({"TRUSTED_PROXIES": "UNIX"}).trusted_proxies == ("unix",)
    # Only there: a webhook target is never "a Unix socket".
    with pytest.raises(SettingsError, match="WEBHOOK_ALLOWED_NETWORKS"):
        Settings.from_env({"WEBHOOK_ALLOWED_NETWORKS": "unix"})


# ---- mail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "tls", "host", "port", "username", "password"),
    [
        ("smtp://mail.example.com", "auto", "mail.example.com", 25, None, None),
        ("smtp+starttls://mail.example.com", "starttls", "mail.example.com", 587, None, None),
        ("smtps://mail.example.com", "implicit", "mail.example.com", 465, None, None),
        ("smtps://mail.example.com:2465/", "implicit", "mail.example.com", 2465, None, None),
        ("SMTP://127.0.0.1:1025", "auto", "127.0.0.1", 1025, None, None),
        (
            "smtp+starttls://apikey%40tenant:p%3Ass%2Fw%40rd%20x@smtp.example.com",
            "starttls",
            "smtp.example.com",
            587,
            "apikey@tenant",
            "p:ss/w@rd x",
        ),
        (
            "smtps://only-user@smtp.example.com",
            "implicit",
            "smtp.example.com",
            465,
            "only-user",
            None,
        ),
    ],
)
def test_smtp_url_schemes_ports_and_credentials(url, tls, host, port, username, password):
    settings = Settings.from_env({"SMTP_URL": url, "EMAIL_FROM": "a@example.com"})
    smtp = settings.smtp
    assert (smtp.tls, smtp.host, smtp.port) == (tls, host, port)
    assert (smtp.username, smtp.password) == (username, password)


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp+tls://mail.example.com",
        "mail.example.com:25",
        "smtp://",
        "smtp://user:secret@",
        "smtp://mail.example.com/inbox",
        "smtp://mail.example.com:99999",
        "smtp://mail.example.com:0",
        "smtp://mail.example.com?starttls=required",
        "smtp://mail.example.com#x",
        "smtp://user:secret@mail.example.com:port",
    ],
)
def test_bad_smtp_url_is_refused_in_one_line_without_the_password(url):
    with pytest.raises(SettingsError, match="SMTP_URL must be smtp://") as info:
        Settings.from_env({"SMTP_URL": url, "EMAIL_FROM": "a@example.com"})
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


def test_smtp_url_needs_email_from():
    with pytest.raises(SettingsError, match="SMTP_URL needs EMAIL_FROM"):
        Settings.from_env({"SMTP_URL": "smtp://mail.example.com"})
    # Without SMTP_URL a placeholder sender is fine: mail is only logged.
    assert Settings.from_env({}).email_from == "Loyalty <noreply@loyalty.invalid>"


def test_email_from_and_reply_to_formats():
    settings = Settings.from_env(
        {
            **MAIL,
            "EMAIL_FROM": "  Café Loyalty <noreply@loyalty.example.com> ",
            "EMAIL_REPLY_TO": "help@loyalty.example.com",
        }
    )
    assert settings.email_reply_to == "help@loyalty.example.com"
    assert settings.email_from.endswith("<noreply@loyalty.example.com>")
    from email.headerregistry import Address  # the header parser reads it back whole
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = settings.email_from
    [address] = message["From"].addresses
    assert address == Address("Café Loyalty", "noreply", "loyalty.example.com")
    assert Settings.from_env(
        {**MAIL, "EMAIL_FROM": '"Shop, Inc." <a@shop.example>'}
    ).email_from == ('"Shop, Inc." <a@shop.example>')


@pytest.mark.parametrize("name", ["EMAIL_FROM", "EMAIL_REPLY_TO"])
@pytest.mark.parametrize(
    "value",
    [
        "not an address",
        "noreply@localhost",
        "Loyalty <noreply>",
        "a@b.example, c@d.example",
        "Loyalty <a@b.example>\r\nBcc: victim@example.com",
        "a@b.example\nBcc: victim@example.com",
        "Loyalty\r\n <a@b.example>",
    ],
)
def test_bad_mailboxes_and_header_injection_are_refused(name, value):
    with pytest.raises(SettingsError, match=f"{name} must be an email address") as info:
        Settings.from_env({**MAIL, name: value})
    assert "\n" not in str(info.value)


def test_app_links_must_be_https_and_win_over_the_public_address():
    settings = Settings.from_env(
        {
            "PUBLIC_BASE_URL": "https://loyalty.example.com",
            "APP_LINK_BASE_URL": "https://go.example.com/",
        }
    )
    assert settings.app_link_base_url == "https://go.example.com"
    assert settings.link_base_url == "https://go.example.com"
    assert Settings.from_env({"PUBLIC_BASE_URL": "https://loyalty.example.com"}).link_base_url == (
        "https://loyalty.example.com"
    )
    assert Settings.from_env({"PORT": "8123"}).link_base_url == "http://127.0.0.1:8123"
    for bad in ["http://go.example.com", "go.example.com", "https://u:p@go.example.com"]:
        with pytest.raises(SettingsError, match=r"^APP_LINK_BASE_URL must be an https") as info:
            Settings.from_env({"APP_LINK_BASE_URL": bad})
        assert "\n" not in str(info.value)


def test_production_requires_smtp_and_refuses_mail_dir():
    assert Settings.from_env(PRODUCTION).smtp is not None
    without = {k: v for k, v in PRODUCTION.items() if k not in MAIL}
    with pytest.raises(SettingsError, match="production needs SMTP_URL"):
        Settings.from_env(without)
    with pytest.raises(SettingsError, match="production refuses MAIL_DIR"):
        Settings.from_env({**PRODUCTION, "MAIL_DIR": "/var/mail/loyalty"})
    # Development writes .eml files by default; tests and an empty MAIL_DIR do not.
    assert Settings.from_env({}).mail_dir == "var/mail"
    assert Settings.from_env({"MAIL_DIR": ""}).mail_dir is None
    assert Settings.from_env({"LOYALTY_ENV": "test"}).mail_dir is None
    # Credentials travel over TLS only (a plain smtp:// to a relay on loopback may keep them).
    with pytest.raises(SettingsError, match="over TLS only"):
        Settings.from_env({**PRODUCTION, "SMTP_URL": "smtp://mailer:secret@smtp.example.com"})
    assert Settings.from_env({**PRODUCTION, "SMTP_URL": "smtp://mailer:s@127.0.0.1:25"}).smtp
    assert Settings.from_env({**PRODUCTION, "SMTP_URL": "smtp://smtp.example.com"}).smtp


def test_smtp_password_never_shown():
    settings = Settings.from_env(
        {
            "SMTP_URL": "smtp+starttls://mailer:hunter2%21@smtp.example.com",
            "EMAIL_FROM": "a@b.example",
        }
    )
    smtp = settings.smtp
    assert smtp.password == "hunter2!"
    assert str(smtp) == "smtp+starttls://mailer:***@smtp.example.com:587"
    for text in (str(smtp), repr(smtp), repr(settings), f"{smtp}", f"{smtp!r}"):
        assert "hunter2" not in text
    assert "mailer" in repr(smtp) and "smtp.example.com" in repr(smtp)


def test_check_config_prints_the_mail_configuration(tmp_path):
    database = {"DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3"}
    result = _cli(
        "check-config",
        env={
            **database,
            "SMTP_URL": "smtps://mailer:hunter2@smtp.example.com",
            "EMAIL_FROM": "a@b.example",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "mail=smtps://mailer:***@smtp.example.com:465" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr
    logged = _cli("check-config", env={**database, "MAIL_DIR": ""})
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.rstrip().endswith("mail=logged")


async def test_the_server_collects_young_garbage_as_gc_gen0_threshold_says():
    import dataclasses
    import gc

    from app.main import create_app

    assert Settings.from_env({}).gc_gen0_threshold == 20000
    with pytest.raises(SettingsError, match="GC_GEN0_THRESHOLD"):
        Settings.from_env({"GC_GEN0_THRESHOLD": "10"})
    settings = dataclasses.replace(Settings.from_env({"GC_GEN0_THRESHOLD": "12345"}),
                                   worker_interval=0)  # fmt: skip
    before = gc.get_threshold()
    app = create_app(settings, manage_database=False)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (12345, *before[1:])
    finally:
        gc.set_threshold(*before)
