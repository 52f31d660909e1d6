"""The worker keeps up to `concurrency` jobs running and claims more as they come due: a long
job (a campaign's batches) never holds back a short one queued behind it (a reset's mail)."""

import asyncio

from app import jobs


async def test_a_long_job_does_not_hold_back_the_next_one(app):
    release = asyncio.Event()
    done: list[str] = []

    async def slow(payload: dict) -> None:
        await release.wait()
        done.append("slow")

    async def fast(payload: dict) -> None:
        done.append("fast")

    jobs.register("test.slow", slow)
    jobs.register("test.fast", fast)
    try:
        await jobs.enqueue("test.slow", {})
        runner = asyncio.create_task(
            jobs.run_continuously(poll_seconds=0.01, concurrency=4, until_idle=True)
        )
        await asyncio.sleep(0.1)  # the slow job is running; now a short one comes due
        await jobs.enqueue("test.fast", {})
        for _ in range(200):
            if done:
                break
            await asyncio.sleep(0.01)
        assert done == ["fast"]  # ran while the slow one still held its slot
        release.set()
        assert await asyncio.wait_for(runner, 5) == 2
        assert done == ["fast", "slow"]
        assert not await jobs.Job.filter(status=jobs.JobStatus.PENDING).exists()
    finally:
        jobs.HANDLERS.pop("test.slow", None)
        jobs.HANDLERS.pop("test.fast", None)
