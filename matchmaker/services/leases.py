"""A worker's hold on what it runs (a round, a part of a split round): its lease, kept fresh.

The worker renews the lease at a third of its length while the work goes on; when a renewal finds
the work no longer its own (the lease lapsed and someone failed it) the work is cancelled, so a
worker that was thought dead never writes over what was decided without it.

>>> await hold(lambda: q.renew_lease(conn, 12, me, 30), 30, work, lost)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

__all__ = ["hold"]

log = structlog.get_logger()


async def hold(
    renew: Callable[[], Awaitable[bool]],
    lease_seconds: float,
    work: asyncio.Future[Any],
    lost: asyncio.Event,
) -> None:
    """Renew until ``work`` is done; once ``renew`` says False, set ``lost`` and cancel the work."""
    while not work.done():
        await asyncio.sleep(lease_seconds / 3)
        try:
            ours = await renew()
        except (OSError, asyncpg.PostgresError) as exc:  # the database may be briefly away
            log.warning("renewing a lease failed", error=str(exc))
            continue
        if not ours:
            lost.set()
            work.cancel()
            return
