import subprocess
import sys

import pytest

from app.settings import DEFAULT_JWT_SECRET, Settings, SettingsError

STRONG = "k1:" + "s" * 40


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
        }
    )
    assert settings.base_url == "https://loyalty.example.com"
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
