"""The committed history applies from empty on this run's database and matches the models."""

import os
import subprocess
import sys
import tempfile
import uuid

import pytest

from tests.conftest import _create_pg_database, _drop_pg_database


async def _empty_database(dialect: str, scratch: str) -> str:
    if dialect == "postgres":
        return await _create_pg_database()
    return f"sqlite://{scratch}/{uuid.uuid4().hex}.sqlite3"


def _loyalty(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "LOYALTY_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
async def empty_database(dialect):
    with tempfile.TemporaryDirectory() as scratch:
        url = await _empty_database(dialect, scratch)
        try:
            yield url
        finally:
            if dialect == "postgres":
                await _drop_pg_database(url)


async def test_history_applies_from_empty_without_drift(empty_database, dialect):
    result = _loyalty("check-migrations", database_url=empty_database)
    assert result.returncode == 0, result.stderr
    assert f"no drift: the {dialect} history matches the models" in result.stdout
    again = _loyalty("migrate", database_url=empty_database)
    assert again.returncode == 0, again.stderr
    assert "applied 0 migration(s)" in again.stdout


async def test_drift_is_detected(empty_database):
    """The checker itself can fail: a column the models do not have is reported."""
    assert _loyalty("migrate", database_url=empty_database).returncode == 0
    script = (
        "import asyncio\n"
        "from app.settings import Settings\n"
        "from app.schema_history import check_drift\n"
        "from tortoise import Tortoise\n"
        "from app.db import tortoise_config\n"
        "s = Settings(database_url=%r)\n"
        "async def alter():\n"
        "    await Tortoise.init(config=tortoise_config(s.database_url))\n"
        "    await Tortoise.get_connection('default').execute_script(\n"
        "        'ALTER TABLE member ADD COLUMN nickname VARCHAR(20)')\n"
        "    await Tortoise.close_connections()\n"
        "asyncio.run(alter())\n"
        "print('\\n'.join(asyncio.run(check_drift(s))))\n"
    ) % empty_database
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    assert "member.columns" in result.stdout
    assert "nickname" in result.stdout
