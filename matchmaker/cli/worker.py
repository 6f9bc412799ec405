"""``matchmaker worker``: a job worker process (rounds, housekeeping) on the shared database."""

from __future__ import annotations

import asyncio
import signal

import click
import structlog

from matchmaker import db
from matchmaker.cli.running import guard, migrated_database, run, settings_from_env

__all__ = ["worker_command"]

log = structlog.get_logger()


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Rounds this process runs at once.",
)
@guard
def worker_command(concurrency: int) -> None:
    """Run queued rounds and periodic housekeeping until stopped (Ctrl-C / SIGTERM)."""
    from matchmaker.worker import run as work_queue

    settings = settings_from_env()

    async def work() -> None:
        dsn = await migrated_database(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        pool = await db.create_pool(dsn, min_size=1, max_size=concurrency + 2)
        try:
            log.info("worker", database=db.describe_dsn(dsn), concurrency=concurrency)
            await work_queue(pool, dsn, settings, concurrency=concurrency, stop=stop)
        finally:
            await pool.close()

    run(work())
