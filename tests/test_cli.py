"""The `loyalty` commands a new user and an operator run, on a scratch SQLite database."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def run(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3",
        "LOYALTY_ENV": "test",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "8",
    }
    env.pop("TEST_DATABASE_URL", None)

    def loyalty(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    return loyalty


def test_migrate_seed_and_create_staff(run):
    from pathlib import Path

    history = Path(__file__).parents[1] / "migrations" / "sqlite" / "models"
    steps = len(list(history.glob("[0-9]*.py")))
    assert f"applied {steps} migration(s)" in run("migrate").stdout
    first = run("seed-demo")
    assert first.returncode == 0, first.stderr
    assert "6 account(s) created" in first.stdout
    assert "ana@demo.loyalty" in first.stdout and "loyalty-demo-2026" in first.stdout
    again = run("seed-demo")
    assert "demo data: present" in again.stdout

    made = run(
        "create-staff",
        "--email",
        "ops@example.com",
        "--role",
        "support",
        STAFF_PASSWORD="a-long-staff-password",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "ops@example.com is now support"
    promoted = run("create-staff", "--email", "ana@demo.loyalty", "--role", "marketer")
    assert promoted.stdout.strip() == "ana@demo.loyalty is now marketer"
    weak = run(
        "create-staff", "--email", "new@example.com", "--role", "admin", STAFF_PASSWORD="short"
    )
    assert weak.returncode != 0
    assert weak.stderr.strip() == "could not create staff account: password: PASSWORD_TOO_SHORT"

    ok = run("check-config")
    assert ok.returncode == 0 and ok.stdout.startswith("ok: environment=test")


def test_export_schema_matches_committed_file(run):
    from pathlib import Path

    exported = run("export-schema")
    committed = (Path(__file__).resolve().parents[1] / "schema.graphql").read_text()
    assert exported.stdout == committed


def test_ledger_check_expiry_and_worker(run, tmp_path):
    import sqlite3

    assert run("migrate").returncode == 0
    assert run("seed-demo").returncode == 0  # demo purchases: points that expire in a year
    consistent = run("ledger-check")
    assert consistent.returncode == 0, consistent.stderr
    assert consistent.stdout.startswith("ledger consistent:")

    expired = run("expire-points", "--at", "2099-01-01T00:00:00")
    assert expired.returncode == 0, expired.stderr
    assert expired.stdout.strip() == "released 0 pending lot(s), expired 5 lot(s)"
    again = run("expire-points", "--at", "2099-01-01T00:00:00")
    assert again.stdout.strip() == "released 0 pending lot(s), expired 0 lot(s)"
    once = run("worker", "--once")
    assert once.returncode == 0, once.stderr
    assert "'expired': 0" in once.stdout
    assert run("ledger-check").returncode == 0

    # A cached balance that no longer matches its postings is reported, and fails the run.
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        db.execute("UPDATE member_balance SET available = available + 7")
    broken = run("ledger-check")
    assert broken.returncode == 1
    assert "each cached balance equals the sum of the member's postings" in broken.stderr
    assert "ledger inconsistent" in broken.stderr
