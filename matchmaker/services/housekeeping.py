"""Periodic housekeeping: expire proposals past their time, fail rounds whose worker stopped,
forget sign-in counters long past their window.

Run by the queue's scheduler once per interval across every instance (see ``matchmaker.worker``),
never once per process; each run leaves a row in ``housekeeping_runs``.

>>> expired, abandoned = await sweep(pool, worker_id)  # doctest: +SKIP
"""

from __future__ import annotations

import uuid

import asyncpg

from matchmaker.queries import login_attempts
from matchmaker.queries import rounds as q
from matchmaker.services import proposals, round_parts, rounds

__all__ = ["sweep"]


async def sweep(pool: asyncpg.Pool, worker: uuid.UUID) -> tuple[int, int]:
    """One housekeeping pass; (proposals expired, rounds and round parts failed as abandoned)."""
    async with pool.acquire() as conn, conn.transaction():
        expired = await proposals.expire(conn)
        abandoned = await rounds.fail_abandoned(conn)
        abandoned_parts = await round_parts.fail_abandoned(conn)
        await login_attempts.forget_old(conn)
        await q.record_housekeeping(conn, worker, len(expired), len(abandoned) + abandoned_parts)
    return len(expired), len(abandoned) + abandoned_parts
