"""Migrations: one aerich history per dialect, generated together, checked for drift.

aerich writes dialect-specific SQL, so `migrations/sqlite/` and `migrations/postgres/` hold
parallel histories with the same version numbers. `loyalty make-migrations NAME` writes the
next step of both from the models (offline: no database needed); `loyalty migrate` applies
the history of the configured database; `loyalty check-migrations` proves that a database
migrated from empty matches the models exactly.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from aerich import Command
from tortoise import Tortoise

from app.db import tortoise_config
from app.settings import Settings


def _sqlite_has_no_column_comments() -> None:
    # Tortoise puts an enum field's values in its column comment, so adding a value changes
    # the comment. SQLite has no column comments: there is nothing to alter, but aerich
    # refuses outright. Make it a no-op so such a change still records the new model state.
    from aerich.ddl.sqlite import SqliteDDL

    SqliteDDL.set_comment = lambda self, model, field_describe: ""


_sqlite_has_no_column_comments()

DIALECTS = ("sqlite", "postgres")
OFFLINE_URLS = {"sqlite": "sqlite://:memory:", "postgres": "postgres://offline@127.0.0.1:1/offline"}


def migrations_root() -> Path:
    configured = os.environ.get("MIGRATIONS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "migrations"


def history_dir(dialect: str) -> Path:
    return migrations_root() / dialect


async def apply_migrations(settings: Settings) -> list[str]:
    """Apply every pending migration of this database's dialect; returns the applied files."""
    location = history_dir(settings.dialect)
    if not (location / "models").is_dir():
        raise RuntimeError(f"no migration history at {location}/models")
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command = Command(tortoise_config(settings.database_url), app="models", location=str(location))
    try:
        await command.init()
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


async def make_migration_for(dialect: str, name: str) -> str:
    """Write the next migration of one dialect's history from the models, offline."""
    location = history_dir(dialect)
    command = Command(tortoise_config(OFFLINE_URLS[dialect]), app="models", location=str(location))
    try:
        versions = (
            list((location / "models").glob("*.py")) if (location / "models").is_dir() else []
        )
        if not versions:
            await command.init_migrations(safe=False)
            return "initial history written"
        await command.init(offline=True)
        created = await command.migrate(name, no_input=True, offline=True)
        return created or "no changes"
    finally:
        await Tortoise.close_connections()


def make_migrations(name: str) -> list[str]:
    """Run the generator once per dialect, each in a fresh interpreter (aerich keeps
    class-level state that must not leak from one dialect into the other)."""
    results = []
    for dialect in DIALECTS:
        out = subprocess.run(
            [sys.executable, "-m", "app.cli", "make-migrations", name, "--dialect", dialect],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(
            f"{dialect}: {out.stdout.strip().splitlines()[-1] if out.stdout.strip() else 'done'}"
        )
    return results


async def aerich_diff(settings: Settings) -> str:
    """What aerich would generate now against a migrated database ('' when nothing)."""
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(history_dir(settings.dialect), scratch, dirs_exist_ok=True)
        command = Command(tortoise_config(settings.database_url), app="models", location=scratch)
        try:
            await command.init()
            created = await command.migrate("drift_check", no_input=True)
            if not created:
                return ""
            return (Path(scratch) / "models" / created).read_text()
        finally:
            await Tortoise.close_connections()


# ---- schema introspection (raw drivers, independent of Tortoise) -------------------------


def _sqlite_schema(path: str) -> dict:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        schema: dict = {}
        for table in sorted(tables):
            columns = {
                r[1]: (r[2].upper(), bool(r[3]), bool(r[5]))
                for r in conn.execute(f'PRAGMA table_info("{table}")')
            }
            indexes = set()
            for idx in conn.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{idx[1]}")'))
                indexes.add((cols, bool(idx[2])))
            fks = {
                (r[3], r[2], r[4], r[6])
                for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            schema[table] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
        return schema
    finally:
        conn.close()


async def _postgres_schema(url: str) -> dict:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        schema: dict = {}
        for r in await conn.fetch(
            "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, "
            "numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ):
            table = schema.setdefault(
                r["table_name"], {"columns": {}, "indexes": set(), "foreign_keys": set()}
            )
            table["columns"][r["column_name"]] = (
                r["data_type"],
                r["character_maximum_length"],
                r["numeric_precision"],
                r["numeric_scale"],
                r["is_nullable"],
            )
        for r in await conn.fetch(
            "SELECT t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_pk, "
            "array_agg(a.attname ORDER BY k.ord) AS columns "
            "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE n.nspname = 'public' GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary"
        ):
            schema[r["table_name"]]["indexes"].add(
                (tuple(r["columns"]), r["is_unique"], r["is_pk"])
            )
        for r in await conn.fetch(
            "SELECT kcu.table_name, kcu.column_name, ccu.table_name AS ref_table, rc.delete_rule "
            "FROM information_schema.referential_constraints rc "
            "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name "
            "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name "
            "WHERE kcu.table_schema = 'public'"
        ):
            schema[r["table_name"]]["foreign_keys"].add(
                (r["column_name"], r["ref_table"], r["delete_rule"])
            )
        return schema
    finally:
        await conn.close()


async def _introspect(settings: Settings) -> dict:
    if settings.dialect == "sqlite":
        return _sqlite_schema(str(settings.sqlite_path()))
    return await _postgres_schema(settings.database_url)


async def _reference_schema(settings: Settings) -> dict:
    """The schema Tortoise itself would create from the models, in a scratch database."""
    if settings.dialect == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite://{scratch}/reference.sqlite3"
            await Tortoise.init(config=tortoise_config(url))
            try:
                await Tortoise.generate_schemas(safe=False)
            finally:
                await Tortoise.close_connections()
            return _sqlite_schema(f"{scratch}/reference.sqlite3")
    base, _, _ = settings.database_url.rpartition("/")
    name = f"loyalty_reference_{uuid.uuid4().hex[:12]}"
    admin = await _pg_admin(settings.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{base}/{name}"
        await Tortoise.init(config=tortoise_config(url))
        try:
            await Tortoise.generate_schemas(safe=False)
        finally:
            await Tortoise.close_connections()
        return await _postgres_schema(url)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _pg_admin(url: str):
    import asyncpg

    base, _, _ = url.rpartition("/")
    return await asyncpg.connect(base.replace("postgres://", "postgresql://", 1) + "/postgres")


def _differences(migrated: dict, reference: dict) -> list[str]:
    found = []
    migrated = {k: v for k, v in migrated.items() if k != "aerich"}
    reference = {k: v for k, v in reference.items() if k != "aerich"}
    for table in sorted(set(migrated) | set(reference)):
        if table not in migrated:
            found.append(f"table {table} is missing from the migrated database")
            continue
        if table not in reference:
            found.append(f"table {table} exists in the database but not in the models")
            continue
        for part in ("columns", "indexes", "foreign_keys"):
            if migrated[table][part] != reference[table][part]:
                found.append(
                    f"{table}.{part}: migrated={sorted(map(str, migrated[table][part].items() if isinstance(migrated[table][part], dict) else migrated[table][part]))} "
                    f"models={sorted(map(str, reference[table][part].items() if isinstance(reference[table][part], dict) else reference[table][part]))}"
                )
    return found


async def check_drift(settings: Settings) -> list[str]:
    """Problems between a migrated database and the models: empty when there is no drift."""
    problems = []
    diff = await aerich_diff(settings)
    if diff:
        problems.append("aerich would generate a new migration:\n" + diff)
    problems.extend(_differences(await _introspect(settings), await _reference_schema(settings)))
    return problems
