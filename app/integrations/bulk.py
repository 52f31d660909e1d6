"""Bulk member import and export (CSV or JSON Lines), for `loyalty import-members` and
`loyalty export-members`.

Columns (CSV header / JSON keys): external_ref (required), email (required for new members),
display_name, locale, time_zone, birthday (YYYY-MM-DD), card_number, interests (CSV: separated
by ";"; JSON: a list). A column left out, or an empty CSV cell, leaves that field as it is;
in JSON Lines `null` clears it. Each row is validated in full before anything is written; a
rejected row is reported with its line number and reason and nothing of it is written. Good
rows are written in batches (one transaction each). Re-running a file changes nothing.
Members a batch creates are mailed an invitation to set their password (one mail job per
batch, recorded in its transaction) unless `invite` is False (`--no-invite`). A row that
changes a member's email does what sync does then (app.integrations.sync: the address is
unconfirmed again, the member's mail links and sessions end, the old address is told).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from app.errors import FieldProblem, InvalidInput
from app.integrations.sync import PROFILE_COLUMNS, MemberRecord, check_record, sync_records
from app.members import service as members

COLUMNS = ("external_ref", *PROFILE_COLUMNS)
BATCH_SIZE = 2000
FORMATS = ("csv", "jsonl")


class ImportFileError(Exception):
    """The file as a whole can not be imported (unreadable, unknown columns); one line."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, ref, reason

    def summary(self) -> str:
        """One line: how many rows were created, updated, unchanged and rejected."""
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}"
        )


def detect_format(path: Path, override: str | None = None) -> str:
    """The import file's format, csv or jsonl: `override`, else by its suffix."""
    if override:
        return override
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ImportFileError(f"cannot tell the format of {path.name}: use .csv, .jsonl or --format")


def _reason(problems: list[FieldProblem]) -> str:
    return "; ".join(
        f"{p.field}: {p.code}" + "".join(f" ({k} {v})" for k, v in p.params.items())
        for p in problems
    )


# ---- reading --------------------------------------------------------------------------------


def _csv_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, object]]]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in COLUMNS]
    if unknown or "external_ref" not in header:
        raise ImportFileError(
            f"the header must name external_ref and only these columns: {', '.join(COLUMNS)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num  # a quoted cell may span lines
        if None in row:
            yield start, {"__problem__": "more cells than header columns"}
            continue
        values: dict[str, object] = {}
        for column, cell in row.items():
            cell = (cell or "").strip()
            if not cell:
                continue
            if column == "interests":
                values[column] = [i for i in cell.split(";") if i.strip()]
            else:
                values[column] = cell
        yield start, values


def _jsonl_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, object]]]:
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            values = json.loads(text)
        except ValueError:
            yield line, {"__problem__": "not valid JSON"}
            continue
        if not isinstance(values, dict):
            yield line, {"__problem__": "not a JSON object"}
            continue
        unknown = sorted(set(values) - set(COLUMNS))
        if unknown:
            yield line, {"__problem__": f"unknown keys: {', '.join(unknown)}"}
            continue
        yield line, values


def _record(values: dict[str, object]) -> MemberRecord:
    """Types first (a file holds strings), then the profile rules."""
    problems: list[FieldProblem] = []
    cleaned: dict[str, object] = {}
    for column, value in values.items():
        if column == "interests":
            if value is not None and (
                not isinstance(value, list) or not all(isinstance(i, str) for i in value)
            ):
                problems.append(FieldProblem("interests", "INVALID_VALUE"))
                continue
        elif value is not None and not isinstance(value, str):
            problems.append(FieldProblem(column, "INVALID_VALUE"))
            continue
        if column == "birthday" and value is not None:
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                problems.append(FieldProblem("birthday", "INVALID_DATE"))
                continue
        cleaned[column] = value
    try:
        record = check_record(cleaned)
    except InvalidInput as exc:
        raise InvalidInput(problems + exc.problems) from None
    if problems:
        raise InvalidInput(problems)
    return record


# ---- importing ------------------------------------------------------------------------------


class ProgressBar:
    """A text bar on a terminal (redrawn in place); a line per 10 % elsewhere (logs)."""

    def __init__(self, total: int, stream: IO[str] | None, width: int = 30):
        self.total, self.stream, self.width = max(total, 1), stream, width
        self.tty = bool(stream is not None and stream.isatty())
        self.started = time.monotonic()
        self._last_tenth = -1

    def show(self, done: int) -> None:
        """Draw the bar for `done` rows (on a non-terminal, a line per tenth only)."""
        if self.stream is None:
            return
        share = min(done / self.total, 1.0)
        if not self.tty:
            tenth = int(share * 10)
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
        filled = int(share * self.width)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} {done}/{self.total} rows"
        bar += f" ({rate:,.0f}/s)"
        self.stream.write(("\r" + bar) if self.tty else bar + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line on a terminal."""
        if self.stream is not None and self.tty:
            self.stream.write("\n")


def _count_rows(path: Path, fmt: str) -> int:
    with path.open("rb") as f:
        lines = sum(1 for _ in f)
    return max(lines - 1, 0) if fmt == "csv" else lines


async def import_members(
    path: Path, *, fmt: str | None = None, batch_size: int = BATCH_SIZE,
    rejects: IO[str] | None = None, progress: IO[str] | None = sys.stderr,
    errors: IO[str] | None = sys.stderr, events: bool = True, invite: bool = True,
) -> ImportReport:  # fmt: skip
    """Import a file; rejected rows are written to `errors` (and to `rejects`, as CSV).
    Members created are mailed an invitation to set their password unless not `invite`."""
    fmt = detect_format(path, fmt)
    report = ImportReport()
    bar = ProgressBar(_count_rows(path, fmt), progress)
    reject_writer = csv.writer(rejects) if rejects is not None else None
    if reject_writer is not None:
        reject_writer.writerow(["line", "external_ref", "reason"])

    def reject(line: int, ref: str, reason: str) -> None:
        report.rejected.append((line, ref, reason))
        if errors is not None:
            # On a terminal, clear the progress bar's line first; it is redrawn after.
            errors.write(("\r\033[K" if bar.tty else "") + f"line {line}: {reason}\n")
        if reject_writer is not None:
            reject_writer.writerow([line, ref, reason])

    # First line (and holder's reference) of each key in this file: a second row with the same
    # reference, email or card would silently overwrite the first, so it is rejected.
    seen: dict[tuple[str, object], tuple[int, str]] = {}
    batch: list[tuple[int, MemberRecord]] = []
    done = 0

    async def flush() -> None:
        nonlocal done
        if not batch:
            return
        result = await sync_records([r for _, r in batch], events=events, invite=invite)
        report.created += result.created
        report.updated += result.updated
        report.unchanged += result.unchanged
        for position, problems in result.refused:
            line, record = batch[position]
            reject(line, record.external_ref, _reason(problems))
        done += len(batch)
        batch.clear()
        bar.show(done + len(report.rejected))

    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            rows = _csv_rows(stream) if fmt == "csv" else _jsonl_rows(stream)
            for line, values in rows:
                ref = str(values.get("external_ref") or "").strip()
                if "__problem__" in values:
                    reject(line, ref, str(values["__problem__"]))
                    continue
                try:
                    record = _record(values)
                except InvalidInput as exc:
                    reject(line, ref, _reason(exc.problems))
                    continue
                duplicate = _duplicate(seen, line, record)
                if duplicate:
                    reject(line, ref, duplicate)
                    continue
                batch.append((line, record))
                if len(batch) >= batch_size:
                    await flush()
            await flush()
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"not UTF-8 text: {exc}") from None
    bar.show(bar.total)
    bar.close()
    return report


def _duplicate(seen: dict, line: int, record: MemberRecord) -> str | None:
    keys = [("externalRef", record.external_ref)]
    keys += [(name, record.fields[column]) for column, name in
             (("email", "email"), ("card_number", "cardNumber"))
             if record.fields.get(column) is not None]  # fmt: skip
    for name, value in keys:
        first = seen.get((name, value))
        if first is not None and (name == "externalRef" or first[1] != record.external_ref):
            return f"{name}: DUPLICATE_IN_FILE (first on line {first[0]})"
    for name, value in keys:
        seen.setdefault((name, value), (line, record.external_ref))
    return None


# ---- exporting ------------------------------------------------------------------------------


async def export_members(path: Path, *, fmt: str | None = None, page: int = 5000) -> int:
    """Write every active member (not staff) to `path`, oldest first; returns how many.
    The output imports back unchanged (members without an external_ref are written with
    an empty one, which import rejects: give them one in the CRM first)."""
    fmt = detect_format(path, fmt)
    count, after = 0, 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(COLUMNS)
        while True:
            rows = await members.member_rows(after=after, limit=page, columns=COLUMNS)
            if not rows:
                break
            for row in rows:
                after = row.pop("id")
                birthday = row["birthday"]
                row["birthday"] = birthday.isoformat() if birthday else None
                if writer is not None:
                    row["interests"] = ";".join(row["interests"] or [])
                    writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
                else:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += len(rows)
    return count
