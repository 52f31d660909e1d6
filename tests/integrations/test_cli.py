"""`loyalty import-members` / `export-members` as an operator runs them (scratch SQLite)."""

import csv
import os
import subprocess
import sys


def _loyalty(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3",
           "LOYALTY_ENV": "test"}  # fmt: skip
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip


def test_import_reports_bad_rows_exits_3_and_export_round_trips(tmp_path):
    assert _loyalty(tmp_path, "migrate").returncode == 0
    source = tmp_path / "crm.csv"
    source.write_text(
        "external_ref,email,display_name,interests\n"
        "c1,one@example.com,One,golf;wine\n"
        "c2,not-an-email,Two,\n"
        "c3,three@example.com,,\n"
    )
    rejects = tmp_path / "rejects.csv"
    done = _loyalty(tmp_path, "import-members", str(source), "--rejects", str(rejects))
    assert done.returncode == 3, done.stderr
    assert "line 3: email: INVALID_EMAIL" in done.stderr
    assert "100%" in done.stderr  # the progress bar
    assert done.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 1"
    assert list(csv.reader(rejects.open()))[1] == ["3", "c2", "email: INVALID_EMAIL"]

    exported = tmp_path / "out.jsonl"
    done = _loyalty(tmp_path, "export-members", str(exported))
    assert done.stdout.strip() == f"exported 2 member(s) to {exported}"
    again = _loyalty(tmp_path, "import-members", str(exported), "--quiet")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "created 0, updated 0, unchanged 2, rejected 0"

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("external_ref,e_mail\nc9,x@example.com\n")
    failed = _loyalty(tmp_path, "import-members", str(wrong))
    assert failed.returncode == 1 and "unknown: e_mail" in failed.stderr
