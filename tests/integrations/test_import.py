"""Bulk import: 100k rows with 1% bad ones, every bad row reported, a re-run changes nothing."""

import csv
import io
import json
import random

from tortoise.functions import Max

from app.integrations.bulk import export_members, import_members
from app.members.models import Member
from app.members.service import new_card_number
from tests import factories

ROWS = 100_000
HEADER = ["external_ref", "email", "display_name", "locale", "time_zone", "birthday",
          "card_number", "interests"]  # fmt: skip

# (what is wrong, how the row is spoiled, the reason expected in the report)
BAD = [
    ("email", lambda r: r.__setitem__(1, "nobody-at-example.com"), "email: INVALID_EMAIL"),
    ("locale", lambda r: r.__setitem__(3, "xx"), "locale: UNSUPPORTED_LOCALE"),
    ("time zone", lambda r: r.__setitem__(4, "Mars/Olympus"), "timeZone: UNKNOWN_TIME_ZONE"),
    ("birthday", lambda r: r.__setitem__(5, "1990-02-30"), "birthday: INVALID_DATE"),
    ("card", lambda r: r.__setitem__(6, "1234567812345678"), "cardNumber: INVALID_CARD_NUMBER"),
    ("no ref", lambda r: r.__setitem__(0, ""), "externalRef: REQUIRED"),
    ("long name", lambda r: r.__setitem__(2, "x" * 81), "displayName: TOO_LONG"),
    ("extra cell", lambda r: r.append("surplus"), "more cells than header columns"),
    ("duplicate ref", lambda r: r.__setitem__(0, "crm-0000001"), "externalRef: DUPLICATE_IN_FILE"),
    (
        "email of another member",
        lambda r: r.__setitem__(1, f"taken-{r[0]}@example.com"),
        "email: TAKEN",
    ),
]


def _write_file(path) -> dict[int, str]:
    """The CSV; returns {line number: expected reason} of the bad rows."""
    rng = random.Random(7)
    bad_rows = set(rng.sample(range(2, ROWS), ROWS // 100))  # row 1 stays good (duplicates)
    expected: dict[int, str] = {}
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for n in range(1, ROWS + 1):
            row = [f"crm-{n:07d}", f"member{n}@example.com", f"Member {n}",
                   ("en", "nl", "es")[n % 3], ("UTC", "Europe/Amsterdam")[n % 2],
                   f"19{50 + n % 50}-0{1 + n % 9}-1{n % 10}", "" if n % 4 else new_card_number(),
                   "running;wine" if n % 5 == 0 else ""]  # fmt: skip
            if n in bad_rows:
                _, spoil, reason = BAD[len(expected) % len(BAD)]
                spoil(row)
                expected[n + 1] = reason  # line 1 is the header
            out.writerow(row)
    return expected


async def _run(path) -> tuple:
    errors, rejects = io.StringIO(), io.StringIO()
    report = await import_members(path, progress=io.StringIO(), errors=errors, rejects=rejects)
    return report, errors.getvalue(), rejects.getvalue()


async def test_import_100k_rows_with_bad_ones_then_rerun_changes_nothing(app, tmp_path):
    path = tmp_path / "members.csv"
    expected = _write_file(path)
    for line, reason in expected.items():
        if reason == "email: TAKEN":
            await factories.member(email=f"taken-crm-{line - 1:07d}@example.com")
    good = ROWS - len(expected)

    report, errors, rejects = await _run(path)
    assert (report.created, report.updated, report.unchanged) == (good, 0, 0)
    assert {line: reason for line, _, reason in report.rejected}.keys() == expected.keys()
    for line, _, reason in report.rejected:
        assert reason.startswith(expected[line]), (line, reason, expected[line])
        assert f"line {line}: {reason}" in errors
    assert len(list(csv.reader(io.StringIO(rejects)))) == len(expected) + 1
    assert await Member.filter(external_ref__startswith="crm-").count() == good
    sample = await Member.get(external_ref="crm-0000005")
    assert (sample.email, sample.display_name, sample.interests) == (
        "member5@example.com", "Member 5", ["running", "wine"])  # fmt: skip
    assert sample.password_hash.startswith("!")

    before = await Member.annotate(last=Max("updated_at")).first().values_list("last", flat=True)
    report, _, _ = await _run(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, good)
    assert len(report.rejected) == len(expected)
    assert await Member.filter(external_ref__startswith="crm-").count() == good
    after = await Member.annotate(last=Max("updated_at")).first().values_list("last", flat=True)
    assert after == before


async def test_jsonl_updates_only_what_differs_and_export_round_trips(app, tmp_path):
    path = tmp_path / "members.jsonl"
    rows = [{"external_ref": "a", "email": "a@example.com", "display_name": "A",
             "interests": ["x"]},
            {"external_ref": "b", "email": "b@example.com", "birthday": "1980-01-02"},
            {"external_ref": "c", "email": 5}]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    report, errors, _ = await _run(path)
    assert (report.created, len(report.rejected)) == (2, 2)
    assert "line 3: email: INVALID_VALUE" in errors and "line 4: not valid JSON" in errors

    path.write_text(json.dumps({"external_ref": "a", "display_name": None, "locale": "es"}) + "\n")
    report, _, _ = await _run(path)
    assert report.updated == 1
    a = await Member.get(external_ref="a")
    assert (a.display_name, a.locale, a.interests) == (None, "es", ["x"])

    for name in ("out.csv", "out.jsonl"):
        out = tmp_path / name
        assert await export_members(out) == 2
        report, _, _ = await _run(out)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
