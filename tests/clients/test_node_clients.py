"""Real JavaScript clients (Apollo Client, graphql-ws, a legacy graphql-ws client) against a
live uvicorn on loopback: runs `node --test` on tests/clients/*.test.js and fails with its output."""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import integration_token

HERE = Path(__file__).parent
NODE_TESTS = sorted(str(p) for p in HERE.glob("*.test.js"))

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are not installed (.ci/run installs them)",
)


async def _run(*argv: str, env: dict | None = None, timeout: float = 300) -> tuple[int, str]:
    # Asynchronous on purpose: the live server runs on this event loop and must keep serving.
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=HERE, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        return -1, f"timed out after {timeout}s\n" + output.decode(errors="replace")
    return process.returncode, output.decode(errors="replace")


async def test_node_clients(client, live_server):
    if not (HERE / "node_modules").is_dir():
        code, output = await _run("npm", "ci", "--no-audit", "--no-fund")
        assert code == 0, f"npm ci failed:\n{output}"
    till = await integration_token(client, "purchases:write")
    env = {
        **os.environ,
        "LOYALTY_HTTP_URL": f"http://{live_server}/graphql",
        "LOYALTY_WS_URL": f"ws://{live_server}/graphql",
        "LOYALTY_TILL_TOKEN": till,
        "NO_COLOR": "1",
    }
    code, output = await _run("node", "--test", "--test-reporter=spec", *NODE_TESTS, env=env)
    assert code == 0, f"node --test failed:\n{output}"
    assert "# pass 0" not in output, output
