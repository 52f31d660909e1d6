"""The domains keep to themselves: `tools/boundaries.py --strict` finds no reach-in into
another domain's internals and no import loop."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_reach_ins_and_no_import_loops():
    result = subprocess.run(
        [sys.executable, "tools/boundaries.py", "--strict"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
