"""The `loyalty` command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from app.settings import Settings, SettingsError, configure


def _settings() -> Settings:
    try:
        return configure(Settings.from_env())
    except SettingsError as exc:
        sys.exit(f"configuration error: {exc}")


async def _with_database(settings: Settings, work):
    """Run `work` (domain code) against the database, the domains wired (app.wiring)."""
    from app import db, wiring

    wiring.connect()
    await db.open_database(settings)
    try:
        return await work()
    finally:
        await db.close_database()


async def _database_problem(settings: Settings) -> str | None:
    from app import db

    try:
        await db.open_database(settings)
        problem = await db.database_problem()
    except Exception as exc:  # a malformed URL or driver error: report it in one line
        problem = f"{type(exc).__name__}: {exc}"
    finally:
        await db.close_database()
    return (
        f"database unreachable ({db.describe(settings.database_url)}): {problem}"
        if problem
        else None
    )


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.main import create_app

    settings = _settings()
    problem = asyncio.run(_database_problem(settings))
    if problem:
        sys.exit(problem)
    host = args.host or settings.host
    port = args.port or settings.port
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,  # the app reads X-Forwarded-For itself (TRUSTED_PROXIES)
        ws="websockets-sansio",
        # A WebSocket frame is held whole before the app sees it: no larger than a body.
        ws_max_size=settings.max_body_bytes,
        # Off unless WS_PER_MESSAGE_DEFLATE: zlib state costs ~40 KiB per open socket.
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.schema_history import apply_migrations

    settings = _settings()
    applied = asyncio.run(apply_migrations(settings))
    print(f"applied {len(applied)} migration(s)" + "".join(f"\n  {m}" for m in applied))


def cmd_make_migrations(args: argparse.Namespace) -> None:
    from app.schema_history import make_migration_for, make_migrations

    if args.dialect:
        print(asyncio.run(make_migration_for(args.dialect, args.name)))
        return
    for line in make_migrations(args.name):
        print(line)


def cmd_check_migrations(args: argparse.Namespace) -> None:
    from app.schema_history import apply_migrations, check_drift

    settings = _settings()
    asyncio.run(apply_migrations(settings))
    problems = asyncio.run(check_drift(settings))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"no drift: the {settings.dialect} history matches the models")


def cmd_seed_demo(args: argparse.Namespace) -> None:
    from app.demo import seed_demo

    settings = _settings()
    lines = asyncio.run(_with_database(settings, seed_demo))
    print("\n".join(lines))


def possible_types_json() -> str:
    """Apollo Client's `possibleTypes` map (every interface and union -> the names of its
    concrete types, sorted), as committed in possibleTypes.json beside schema.graphql."""
    import json

    from graphql import GraphQLInterfaceType, GraphQLUnionType

    from app.graphql.schema import build_schema
    from app.settings import Settings

    schema = build_schema(Settings())._schema
    possible = {
        name: sorted(t.name for t in schema.get_possible_types(abstract))
        for name, abstract in sorted(schema.type_map.items())
        if isinstance(abstract, GraphQLInterfaceType | GraphQLUnionType)
        and not name.startswith("__")
    }
    return json.dumps(possible, indent=2) + "\n"


def cmd_export_schema(args: argparse.Namespace) -> None:
    from app.graphql.schema import export_schema

    if args.possible_types:
        sys.stdout.write(possible_types_json())
        return
    sdl = export_schema()
    if args.output:
        output = Path(args.output)
        output.write_text(sdl)
        output.with_name("possibleTypes.json").write_text(possible_types_json())
    else:
        sys.stdout.write(sdl)


def cmd_create_staff(args: argparse.Namespace) -> None:
    from app.auth import service
    from app.errors import DomainError
    from app.members.models import Role

    settings = _settings()
    password = os.environ.get("STAFF_PASSWORD") or (
        getpass.getpass("Password (10+ characters): ") if sys.stdin.isatty() else ""
    )

    async def work():
        return await service.create_staff(
            email=args.email, password=password, role=Role(args.role), display_name=args.name
        )

    try:
        member = asyncio.run(_with_database(settings, work))
    except DomainError as exc:
        details = getattr(exc, "problems", None)
        reason = ", ".join(f"{p.field}: {p.code}" for p in details) if details else exc.code
        sys.exit(f"could not create staff account: {reason}")
    print(f"{member.email} is now {member.role.value}")


def cmd_check_config(args: argparse.Namespace) -> None:
    from app import db

    settings = _settings()
    problem = asyncio.run(_database_problem(settings))
    if problem:
        sys.exit(problem)
    # SmtpConfig's str never shows the password.
    mail = str(settings.smtp) if settings.smtp else "logged"
    if settings.smtp is None and settings.mail_dir:
        mail += f" (.eml files in {settings.mail_dir})"
    print(
        f"ok: environment={settings.environment} database={db.describe(settings.database_url)} "
        f"graphiql={settings.graphiql} introspection={settings.introspection} "
        f"signing key={settings.jwt_active_kid} mail={mail}"
    )


def cmd_ledger_check(args: argparse.Namespace) -> None:
    from app.ledger.check import CHECKS, check

    problems = asyncio.run(_with_database(_settings(), check))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"ledger inconsistent: {len(problems)} problem(s)")
    print(f"ledger consistent: {len(CHECKS)} checks passed")


def cmd_expire_points(args: argparse.Namespace) -> None:
    from app.ledger import service as ledger

    async def work():
        released = await ledger.release_due_points(at=args.at)
        expired = await ledger.expire_due_points(at=args.at)
        return released, expired

    released, expired = asyncio.run(_with_database(_settings(), work))
    print(f"released {released} pending lot(s), expired {expired} lot(s)")


def cmd_worker(args: argparse.Namespace) -> None:
    from app.requests import configure_logging
    from app.worker import run_forever, run_maintenance

    settings = _settings()
    configure_logging(settings.log_level)
    if args.once:
        print(asyncio.run(_with_database(settings, run_maintenance)))
        return

    async def work() -> None:
        # The worker's events (points expired, tiers changed) reach subscribers on every
        # API process, and staff changes made there reach the worker's caches.
        from app import cache, events

        events.use_bus(events.bus_for(settings.redis_url))
        try:
            async with cache.listening():
                await run_forever(interval_seconds=args.interval)
        finally:
            await events.bus().close()

    asyncio.run(_with_database(settings, work))


def cmd_erase_inactive(args: argparse.Namespace) -> None:
    from app.privacy import erasure

    settings = _settings()
    days = args.days if args.days is not None else settings.retention_inactive_days
    if days <= 0:
        sys.exit("no retention period: set RETENTION_INACTIVE_DAYS or pass --days")

    async def work():
        if args.dry_run:
            return await erasure.inactive_members(at=erasure.now(), days=days, limit=args.limit)
        return await erasure.erase_inactive(days=days, limit=args.limit)

    ids = asyncio.run(_with_database(settings, work))
    verb = "would erase" if args.dry_run else "erased"
    print(f"{verb} {len(ids)} account(s) inactive for over {days} days"
          + (f": {', '.join(map(str, ids))}" if ids else ""))  # fmt: skip


def cmd_import_members(args: argparse.Namespace) -> None:
    from app.integrations.bulk import ImportFileError, import_members

    settings = _settings()
    rejects = open(args.rejects, "w", newline="", encoding="utf-8") if args.rejects else None  # noqa: SIM115

    async def work():
        return await import_members(Path(args.file), fmt=args.format, batch_size=args.batch_size,
                                    rejects=rejects, progress=None if args.quiet else sys.stderr,
                                    events=not args.no_events,
                                    invite=not args.no_invite)  # fmt: skip

    try:
        report = asyncio.run(_with_database(settings, work))
    except (ImportFileError, OSError) as exc:
        sys.exit(f"import-members: {exc}")
    finally:
        if rejects is not None:
            rejects.close()
    print(report.summary())
    if report.rejected:
        sys.exit(3)


def cmd_export_members(args: argparse.Namespace) -> None:
    from app.integrations.bulk import ImportFileError, export_members

    async def work():
        return await export_members(Path(args.file), fmt=args.format)

    try:
        count = asyncio.run(_with_database(_settings(), work))
    except (ImportFileError, OSError) as exc:
        sys.exit(f"export-members: {exc}")
    print(f"exported {count} member(s) to {args.file}")


def _timestamp(value: str):
    import datetime as dt

    at = dt.datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


async def _announcing(settings: Settings, work):
    """`_with_database`, with the process's event bus on Redis (REDIS_URL) so the cache
    notices of `work` reach the running servers at once; flushed before exit."""
    from app import events

    bus = events.bus_for(settings.redis_url)
    events.use_bus(bus)
    try:
        return await _with_database(settings, work)
    finally:
        flush = getattr(bus, "flush", None)
        if flush is not None:
            await flush(within=2.0)
        await bus.close()


def cmd_documents(args: argparse.Namespace) -> None:
    """`loyalty documents add FILE | list | remove ID | console`: the trusted (persisted) documents;
    servers see an add or remove at once through REDIS_URL (else within 30 s)."""
    from app.graphql import documents

    if args.action == "console":
        from app.console.operations import manifest

        sys.stdout.write(manifest())
        return
    if args.action == "add":
        try:
            entries = documents.parse_manifest(Path(args.file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, documents.ManifestError) as exc:
            sys.exit(f"{args.file}: {exc}")

        async def work():
            return await documents.add(entries)

        print(f"registered {asyncio.run(_announcing(_settings(), work))} document(s)")
    elif args.action == "list":

        async def work():
            return await documents.list_all()

        for doc in asyncio.run(_with_database(_settings(), work)):
            print(f"{doc.id}\t{doc.name or '-'}\t{doc.sha256}")
    else:

        async def work():
            return await documents.remove(args.id)

        if not asyncio.run(_announcing(_settings(), work)):
            sys.exit(f"no registered document has id {args.id!r}")
        print(f"removed {args.id}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loyalty",
        description="Loyalty member API. Configuration comes from the environment "
        "(DATABASE_URL, LOYALTY_ENV, JWT_KEYS, ...; see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the API with uvicorn")
    p.add_argument("--host", help="bind address (default HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default PORT or 8000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="apply pending migrations to DATABASE_URL")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "make-migrations",
        help="write the next migration of both histories (sqlite, postgres) from the models",
    )
    p.add_argument("name", help="short name, e.g. add_tiers")
    p.add_argument("--dialect", choices=["sqlite", "postgres"], help="only this history")
    p.set_defaults(func=cmd_make_migrations)

    p = sub.add_parser(
        "check-migrations",
        help="migrate DATABASE_URL and fail if its schema differs from the models",
    )
    p.set_defaults(func=cmd_check_migrations)

    p = sub.add_parser("seed-demo", help="create the demo program once (safe to repeat)")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("export-schema", help="print the GraphQL SDL (schema.graphql)")
    p.add_argument(
        "--output",
        "-o",
        help="write to this file instead of stdout, and possibleTypes.json beside it",
    )
    p.add_argument(
        "--possible-types",
        action="store_true",
        help="print Apollo's possibleTypes map (possibleTypes.json) instead of the SDL",
    )
    p.set_defaults(func=cmd_export_schema)

    p = sub.add_parser(
        "create-staff",
        help="create a staff account (password from STAFF_PASSWORD or a prompt), "
        "or give an existing account a staff role",
    )
    p.add_argument("--email", required=True)
    p.add_argument("--role", required=True, choices=["admin", "marketer", "support"])
    p.add_argument("--name", help="display name")
    p.set_defaults(func=cmd_create_staff)

    p = sub.add_parser(
        "check-config", help="validate the configuration and reach the database; exit 1 if not"
    )
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser(
        "ledger-check",
        help="recompute every balance from the postings and check the ledger's invariants; "
        "exit 1 on any difference",
    )
    p.set_defaults(func=cmd_ledger_check)

    p = sub.add_parser(
        "expire-points", help="make held points available and expire due points (once each)"
    )
    p.add_argument("--at", type=_timestamp, help="as if it were this ISO time (default: now)")
    p.set_defaults(func=cmd_expire_points)

    p = sub.add_parser(
        "worker", help="run periodic work: release held points, expiry, birthday bonuses"
    )
    p.add_argument("--interval", type=float, default=60.0, help="seconds between passes (60)")
    p.add_argument("--once", action="store_true", help="run one pass and exit")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "erase-inactive",
        help="erase member accounts inactive for longer than RETENTION_INACTIVE_DAYS (or --days)",
    )
    p.add_argument("--days", type=int, help="inactivity period in days (default: the setting)")
    p.add_argument("--limit", type=int, default=1000, help="at most this many accounts (1000)")
    p.add_argument("--dry-run", action="store_true", help="list them, erase nothing")
    p.set_defaults(func=cmd_erase_inactive)

    p = sub.add_parser(
        "import-members",
        help="create or update members from a CRM file (CSV or JSON Lines), keyed by external_ref",
        description="Upsert members by external_ref from FILE (.csv or .jsonl, or --format). "
        "Columns: external_ref, email, display_name, locale, time_zone, birthday, card_number, "
        "interests (';'-separated in CSV). Every row is validated before it is written; a bad "
        "row is reported on stderr with its line number and reason and nothing of it is "
        "written; the others are imported. Running the same file again changes nothing. "
        "Members created are mailed an invitation to set their password (--no-invite: not). "
        "Exit status: 0 all rows imported, 3 some rows rejected (the rest imported), "
        "1 the file could not be read.",
    )
    p.add_argument("file", help="the file to import")
    p.add_argument("--format", choices=["csv", "jsonl"], help="override the file extension")
    p.add_argument("--rejects", help="also write rejected rows (line, external_ref, reason) "
                   "to this CSV file")  # fmt: skip
    p.add_argument("--batch-size", type=int, default=2000, help="rows per transaction (2000)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-events", action="store_true",
                   help="record no member.created/updated webhook events for this import")  # fmt: skip
    p.add_argument("--no-invite", action="store_true",
                   help="mail the members created no invitation to set their password")  # fmt: skip
    p.set_defaults(func=cmd_import_members)

    p = sub.add_parser(
        "export-members",
        help="write every active member to FILE (CSV or JSON Lines) in the import format",
    )
    p.add_argument("file", help="the file to write (.csv or .jsonl)")
    p.add_argument("--format", choices=["csv", "jsonl"], help="override the file extension")
    p.set_defaults(func=cmd_export_members)

    p = sub.add_parser(
        "documents", help="the trusted GraphQL documents (persisted operations): add, list, remove"
    )
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="register the operations of an Apollo or Relay manifest")
    a.add_argument("file", help="persisted-query manifest (Apollo) or id -> text JSON (Relay)")
    actions.add_parser("list", help="print id, operation name and sha256 of each document")
    a = actions.add_parser("remove", help="unregister one document")
    a.add_argument("id", help="the document's id")
    actions.add_parser(
        "console",
        help="print the staff console's operations (the only documents it runs) as an "
        "Apollo persisted-query manifest, for `documents add`",
    )
    p.set_defaults(func=cmd_documents)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
