"""`loyalty erase-inactive` on a scratch SQLite database."""

from tests.test_cli import run  # noqa: F401  (fixture)


def test_erase_inactive_needs_a_retention_period(run):  # noqa: F811
    assert run("migrate").returncode == 0
    off = run("erase-inactive")
    assert off.returncode != 0 and "RETENTION_INACTIVE_DAYS" in off.stderr
    listed = run("erase-inactive", "--dry-run", RETENTION_INACTIVE_DAYS="30")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "would erase 0 account(s) inactive for over 30 days"
    done = run("erase-inactive", "--days", "400")
    assert done.stdout.strip() == "erased 0 account(s) inactive for over 400 days", done.stderr
