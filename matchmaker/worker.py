"""The job worker: takes rounds and deliveries off the queue in PostgreSQL and runs periodic
housekeeping.

``matchmaker worker`` runs one as its own process; ``matchmaker serve`` runs one inside each web
process unless ``MATCHMAKER_WORKER=none``. Any number may run against one database: PgQueuer hands
each job to one worker (``FOR UPDATE SKIP LOCKED``) and each scheduled tick to one scheduler; a
round belongs to the worker that claimed it for as long as that worker renews its lease.

A round whose worker died is **failed**, not retried, once its lease lapses: by the next
housekeeping pass, or by the worker to which the queue hands the dead worker's job. A retry could
quietly propose something else (the data moved meanwhile) and a round that crashes its worker
would crash the next one too; the coordinator sees why and runs it again.

>>> await run(pool, settings, concurrency=2, stop=asyncio.Event())  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import asyncpg
import structlog
from pgqueuer import PgQueuer
from pgqueuer.models import Job, Schedule

from matchmaker import db
from matchmaker.queries import jobs
from matchmaker.services import delivery, housekeeping, round_parts
from matchmaker.services import rounds as round_service
from matchmaker.settings import Settings

__all__ = ["cron_every", "run", "supervised"]

#: How long a web process's worker waits before starting again after it failed.
RESTART_SECONDS = 2.0

log = structlog.get_logger()
T = TypeVar("T")


def cron_every(seconds: int) -> str:
    """A crontab firing every ``seconds`` (seconds-field form under a minute).

    >>> cron_every(60), cron_every(5), cron_every(600)
    ('*/1 * * * *', '* * * * * */5', '*/10 * * * *')
    """
    if seconds < 60:
        return f"* * * * * */{seconds}"
    return f"*/{max(seconds // 60, 1)} * * * *"


async def run(
    pool: asyncpg.Pool,
    dsn: str,
    settings: Settings,
    *,
    concurrency: int,
    stop: asyncio.Event,
) -> None:
    """Work the queue until ``stop`` is set; a round still running then is failed as interrupted."""
    worker = uuid.uuid4()
    lease = float(settings.round_lease_seconds)
    ttl = dt.timedelta(hours=settings.proposal_ttl_hours)
    slots = asyncio.Semaphore(concurrency)
    running: set[asyncio.Task[Any]] = set()
    # the queue's own connections (one listens for new jobs), apart from the rounds' pool
    queue_pool = await db.create_pool(dsn, min_size=1, max_size=3)
    pgq = PgQueuer.from_asyncpg_pool(queue_pool)

    async def tracked(work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` in one of this worker's slots, where stopping the worker cancels it."""
        async with slots:
            task = asyncio.create_task(work)
            running.add(task)
            try:
                return await asyncio.shield(task)
            finally:
                running.discard(task)

    @pgq.entrypoint(jobs.ROUND)
    async def round_job(job: Job) -> None:
        round_id = int((job.payload or b"0").decode())
        done = await tracked(
            round_service.run(pool, round_id, worker=worker, lease_seconds=lease, ttl=ttl)
        )
        if done.status == "running":  # handed a job whose worker died: its round is abandoned
            async with pool.acquire() as conn:
                await round_service.fail_abandoned(conn, round_id)

    @pgq.entrypoint(jobs.ROUND_PART)
    async def round_part_job(job: Job) -> None:
        round_id, _, part = (job.payload or b"0:0").decode().partition(":")
        await tracked(
            round_parts.run_part(
                pool, int(round_id), int(part), worker=worker, lease_seconds=lease, ttl=ttl
            )
        )

    @pgq.entrypoint(jobs.DELIVER)
    async def deliver_job(job: Job) -> None:
        # not in a round's slot: mail never waits for a long round to finish
        await delivery.deliver(pool, settings)

    @pgq.schedule(jobs.HOUSEKEEPING, cron_every(settings.sweep_seconds))
    async def sweep(schedule: Schedule) -> None:
        expired, abandoned = await housekeeping.sweep(pool, worker, settings)
        if expired or abandoned:
            log.info("housekeeping", expired=expired, abandoned=abandoned)

    log.info("worker started", worker=str(worker), concurrency=concurrency)
    queue = asyncio.create_task(
        pgq.run(
            batch_size=1,
            max_concurrent_tasks=concurrency + 1,
            heartbeat_timeout=dt.timedelta(seconds=lease),
            dequeue_timeout=dt.timedelta(seconds=5),
        )
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({stopping, queue}, return_when=asyncio.FIRST_COMPLETED)
        if queue.done():
            queue.result()  # the queue stopped by itself: say why
    finally:
        stopping.cancel()
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        pgq.shutdown.set()
        queue.cancel()
        await asyncio.gather(queue, return_exceptions=True)
        await db.close_pool(queue_pool)
        log.info("worker stopped", worker=str(worker))


async def supervised(
    pool: asyncpg.Pool,
    dsn: str,
    settings: Settings,
    *,
    concurrency: int,
    stop: asyncio.Event,
) -> None:
    """:func:`run`, started again whenever it fails, until ``stop`` is set.

    The worker inside a web process must outlive a database outage as the web process does (its
    queue fails when the connections go); else rounds queued afterwards would wait for a restart.
    """
    while not stop.is_set():
        try:
            await run(pool, dsn, settings, concurrency=concurrency, stop=stop)
        except Exception as exc:
            log.warning(
                "worker failed; starting it again",
                reason=f"{type(exc).__name__}: {exc}",
                seconds=RESTART_SECONDS,
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RESTART_SECONDS)
