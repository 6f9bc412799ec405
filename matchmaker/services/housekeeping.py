"""Periodic housekeeping: expire proposals past their time, remind people of what waits for them,
queue the daily digests, lapse verifications past their term, wake a sender for messages due
again, fail rounds whose worker stopped, forget sign-in counters long past their window and
signed-out tokens past their expiry.

Run by the queue's scheduler once per interval across every instance (see ``matchmaker.worker``),
never once per process; each run leaves a row in ``housekeeping_runs``.

>>> expired, abandoned = await sweep(pool, worker_id, settings)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from matchmaker.queries import jobs, login_attempts, outbox, sessions
from matchmaker.queries import rounds as q
from matchmaker.services import proposals, reminders, round_parts, rounds, verification
from matchmaker.settings import Settings

__all__ = ["sweep"]


async def sweep(
    pool: asyncpg.Pool,
    worker: uuid.UUID,
    settings: Settings | None = None,
    *,
    now: dt.datetime | None = None,
) -> tuple[int, int]:
    """One housekeeping pass (at ``now``: a test's clock, else the present); (proposals expired,
    rounds and round parts failed as abandoned)."""
    settings = settings or Settings()
    moment = now or dt.datetime.now(dt.UTC)
    async with pool.acquire() as conn, conn.transaction():
        expired = await proposals.expire(conn, moment)
        await verification.lapse(conn, moment)
        await reminders.remind(conn, moment, dt.timedelta(hours=settings.reminder_hours))
        await reminders.digests(conn, moment, settings.digest_hour)
        if await outbox.due(conn, moment):
            await jobs.enqueue_delivery(conn)
        abandoned = await rounds.fail_abandoned(conn)
        abandoned_parts = await round_parts.fail_abandoned(conn)
        await login_attempts.forget_old(conn)
        await sessions.forget_expired(conn)
        await q.record_housekeeping(conn, worker, len(expired), len(abandoned) + abandoned_parts)
    return len(expired), len(abandoned) + abandoned_parts
