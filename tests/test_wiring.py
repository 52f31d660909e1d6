"""The wiring (app.wiring): importing the application registers nothing; `connect()`, called by
the API's start-up, the worker and the CLI, subscribes every hook in its order and registers
every job handler, once however often it runs."""

import json
import subprocess
import sys
import textwrap

import pytest

from app import jobs, wiring

# Every hook list of the application and its subscribers, in the order they run: the order
# the package imports produced before the wiring existed (members, ..., ledger, ..., tiers,
# ..., messaging, ..., integrations, ..., privacy), plus the waitlist notice.
EXPECTED = {
    "app.ledger.service.BOOK_CLOSE_HOOKS": [
        "app.tiers.service.on_book_close",
        "app.messaging.notifications.on_book_close",
        "app.integrations.hooks.on_book_close",
    ],
    "app.tiers.service.TIER_CHANGE_HOOKS": [
        "app.messaging.notifications.on_tier_change",
        "app.integrations.hooks.on_tier_change",
    ],
    "app.rewards.service.REDEMPTION_HOOKS": [
        "app.integrations.hooks.on_redemption",
        "app.mail.notifications.on_redemption",
    ],
    "app.members.service.PROFILE_HOOKS": ["app.integrations.hooks.on_profile"],
    "app.members.service.CHANNEL_HOOKS": ["app.privacy.service.on_profile_channel"],
    "app.privacy.service.CONSENT_HOOKS": ["app.integrations.hooks.on_consent"],
    "app.privacy.erasure.ERASURE_HOOKS": [
        "app.integrations.hooks.on_member_erased",
        "app.mail.notifications.on_member_erased",
    ],
    "app.privacy.exports.EXPORT_READY_HOOKS": ["app.mail.notifications.on_export_ready"],
    "app.community.service.RSVP_HOOKS": ["app.messaging.notifications.on_rsvp"],
    "app.segments.service.FACT_PART_HOOKS": ["app.offers.service.clip_facts"],
}
EXPECTED_JOBS = {
    "push.deliver": "app.messaging.service.push_messages",
    "notify.send": "app.messaging.notifications.send_notification_job",
    "notify.expiring": "app.messaging.notifications.send_expiring_job",
    "notify.voucher_expiring": "app.messaging.notifications.send_voucher_expiring_job",
    "campaign.send": "app.campaigns.service.send_job",
    "webhook.deliver": "app.integrations.webhooks.deliver_job",
    "privacy.export": "app.privacy.exports.build_job",
    "mail.send": "app.mail.service.deliver_job",
}

# Runs in a fresh interpreter: imports every module of app/, then reports every hook list
# (any module-level list named *_HOOKS), the job handlers and the functions marked as job
# handlers, before and after connect() (twice).
SCRIPT = textwrap.dedent("""
    import importlib, inspect, json, pkgutil, sys
    import app
    for info in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(info.name)
    from app import jobs

    def name(fn):
        return f"{fn.__module__}.{fn.__qualname__}"

    def state():
        hooks, marked = {}, {}
        for modname, module in sorted(sys.modules.items()):
            if not modname.startswith("app.") or module is None:
                continue
            for attr, value in vars(module).items():
                if attr.endswith("_HOOKS") and isinstance(value, list):
                    hooks[f"{modname}.{attr}"] = [name(f) for f in value]
                if inspect.isfunction(value) and value.__module__ == modname:
                    if isinstance(getattr(value, "job_kind", None), str):
                        marked[value.job_kind] = name(value)
        handlers = {kind: name(fn) for kind, fn in jobs.HANDLERS.items()}
        return {"hooks": hooks, "handlers": handlers, "marked": marked}

    before = state()
    {connect}
    once = state()
    {connect}
    print(json.dumps({"before": before, "once": once, "twice": state()}))
""")


def _run(connect: str) -> dict:
    script = SCRIPT.replace("{connect}", connect)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_every_module_registers_nothing_and_connect_wires_everything_in_order():
    seen = _run("from app import wiring; wiring.connect()")
    before = seen["before"]
    assert set(before["hooks"]) == set(EXPECTED)  # a new hook list belongs in the wiring
    assert all(subscribers == [] for subscribers in before["hooks"].values()), before["hooks"]
    assert before["handlers"] == {}
    assert before["marked"] == EXPECTED_JOBS  # every @jobs.handler function is registered
    for after in (seen["once"], seen["twice"]):  # idempotent
        assert after["hooks"] == EXPECTED
        assert after["handlers"] == EXPECTED_JOBS


def test_the_cli_and_the_worker_connect_before_running_domain_code():
    # The database calls replaced: what matters is what is wired when `work` runs.
    seen = _run(
        "import asyncio, app.cli, app.db\n"
        "async def nothing(*a, **k): pass\n"
        "app.db.open_database = app.db.close_database = nothing\n"
        "asyncio.run(app.cli._with_database(None, nothing))"
    )
    assert seen["once"]["hooks"] == EXPECTED and seen["once"]["handlers"] == EXPECTED_JOBS
    seen = _run(
        "import asyncio, app.worker\n"
        "from app import jobs\n"
        "async def none(**k): return 0\n"
        "jobs.run_continuously = none\n"
        "task = lambda: app.worker.run_jobs_forever(poll_seconds=0)\n"
        "async def one_pass():\n"
        "    t = asyncio.ensure_future(task())\n"
        "    await asyncio.sleep(0.05)\n"
        "    t.cancel()\n"
        "asyncio.run(one_pass())"
    )
    assert seen["once"]["hooks"] == EXPECTED and seen["once"]["handlers"] == EXPECTED_JOBS


def test_the_app_is_wired_by_create_app(app):
    from app.community import service as community
    from app.ledger import service as ledger

    names = [f"{f.__module__}.{f.__qualname__}" for f in ledger.BOOK_CLOSE_HOOKS]
    assert names == EXPECTED["app.ledger.service.BOOK_CLOSE_HOOKS"]
    assert [f.__qualname__ for f in community.RSVP_HOOKS] == ["on_rsvp"]
    assert {k: f"{f.__module__}.{f.__qualname__}" for k, f in jobs.HANDLERS.items()
            if k in EXPECTED_JOBS} == EXPECTED_JOBS  # fmt: skip
    wiring.connect()  # again, as a second app in the same process would: nothing doubles
    assert len(ledger.BOOK_CLOSE_HOOKS) == 3


def test_a_handler_registered_under_another_kind_is_refused():
    with pytest.raises(ValueError, match=r"notify\.send"):
        jobs.register("notify.other", wiring.notifications.send_notification_job)
