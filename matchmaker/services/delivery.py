"""Sending what the outbox holds: each message on its own, retried with backoff, sent once.

A sender claims a batch of due messages (each ``sending`` under a lease, so two senders never send
the same one), sends them side by side with a timeout each, and records each outcome: sent, or
pending again after 30 s, 1 min, 2 min … (at most an hour) until the last attempt, then failed.
A channel that is down only delays its own messages; one whose sender died mid-send is taken up
again once the lease lapses (the message may then arrive twice — its ``Message-ID`` is the same).
An e-mail with no SMTP server configured fails at once, saying so, rather than waiting forever.

>>> backoff(1), backoff(3), backoff(20)
(30.0, 120.0, 3600.0)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import NamedTuple

import asyncpg
import structlog

from matchmaker.queries import outbox as q
from matchmaker.services import mail, robots
from matchmaker.services.notify import SITE
from matchmaker.settings import Settings

__all__ = ["ATTEMPTS", "Delivery", "backoff", "deliver"]

log = structlog.get_logger()

#: Attempts before a message is given up as failed (about 4½ hours of trying).
ATTEMPTS = 10
BATCH = 50
LEASE_SECONDS = 120.0


class Delivery(NamedTuple):
    sent: int
    retried: int
    failed: int


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt."""
    return float(min(30.0 * 2.0 ** (attempts - 1), 3600.0))


async def _send_one(conn: asyncpg.Connection, settings: Settings, row: asyncpg.Record) -> None:
    base = settings.link("")
    if row["channel"] == "email":
        if not settings.smtp_url:
            raise LookupError("no SMTP server configured (MATCHMAKER_SMTP_URL)")
        body = row["body"].replace(SITE, base)
        await mail.send(
            settings.smtp_url, settings.mail_from, row["recipient"], row["subject"], body,
            row["dedupe_key"],
        )  # fmt: skip
        return
    robot = await q.webhook(conn, row["webhook_id"])
    if not robot["active"]:
        raise LookupError("the group robot was switched off")
    body = row["body"].replace(SITE, json.dumps(base)[1:-1])
    await robots.post(robot["provider"], robot["url"], robot["secret"], body)


async def _attempt(
    pool: asyncpg.Pool, settings: Settings, row: asyncpg.Record, now: dt.datetime
) -> str:
    async with pool.acquire() as conn:
        try:
            await asyncio.wait_for(_send_one(conn, settings, row), timeout=30)
        except LookupError as exc:
            await q.give_up(conn, row["id"], str(exc))
            return "failed"
        except Exception as exc:  # a channel's failure is the message's, never the sender's
            error = f"{type(exc).__name__}: {exc}"
            at = now + dt.timedelta(seconds=backoff(row["attempts"]))
            await q.retry(conn, row["id"], at, ATTEMPTS, error)
            log.warning("delivery failed", id=row["id"], channel=row["channel"], error=error,
                        attempt=row["attempts"])  # fmt: skip
            return "failed" if row["attempts"] >= ATTEMPTS else "retried"
        await q.sent(conn, row["id"], dt.datetime.now(dt.UTC))
        return "sent"


async def deliver(
    pool: asyncpg.Pool, settings: Settings, *, now: dt.datetime | None = None
) -> Delivery:
    """Send everything due (at ``now``: a test's clock, else the present), batch after batch,
    until nothing due is left; what each message came to."""
    outcomes: list[str] = []
    while True:
        moment = now or dt.datetime.now(dt.UTC)
        async with pool.acquire() as conn:
            batch = await q.claim(conn, moment, BATCH, LEASE_SECONDS)
        if not batch:
            break
        outcomes += await asyncio.gather(*(_attempt(pool, settings, r, moment) for r in batch))
    result = Delivery(outcomes.count("sent"), outcomes.count("retried"), outcomes.count("failed"))
    if outcomes:
        log.info("delivered", sent=result.sent, retried=result.retried, failed=result.failed)
    return result
