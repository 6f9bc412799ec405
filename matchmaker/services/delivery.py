"""Sending what the outbox holds: each message on its own, retried with backoff, sent once.

A sender claims a batch of due messages (each ``sending`` under a lease, so two senders never send
the same one), sends them side by side with a timeout each, and records the batch's outcomes:
sent, or pending again after 30 s, 1 min, 2 min … (at most an hour) until the last attempt, then
failed. A channel that is down only delays its own messages; one whose sender died mid-send is
taken up again once the lease lapses (the message may then arrive twice — its ``Message-ID`` is
the same). An e-mail with no SMTP server configured fails at once, saying so, rather than waiting
forever.

>>> backoff(1), backoff(3), backoff(20)
(30.0, 120.0, 3600.0)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Mapping
from typing import NamedTuple

import asyncpg
import httpx
import structlog

from matchmaker.queries import outbox as q
from matchmaker.services import mail, robots
from matchmaker.services.notify import SITE
from matchmaker.settings import Settings

__all__ = ["ATTEMPTS", "BATCH", "Delivery", "backoff", "deliver"]

log = structlog.get_logger()

#: Attempts before a message is given up as failed (about 4½ hours of trying).
ATTEMPTS = 10
#: Messages claimed, and sent side by side, at a time.
BATCH = 50
LEASE_SECONDS = 120.0
#: Longest a single send may take before it counts as failed.
SEND_SECONDS = 30.0


class Delivery(NamedTuple):
    sent: int
    retried: int
    failed: int


class _Unsendable(Exception):
    """The message cannot go at all (its channel is not configured, its robot switched off)."""


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt."""
    return float(min(30.0 * 2.0 ** (attempts - 1), 3600.0))


async def _send(
    settings: Settings,
    http: httpx.AsyncClient,
    row: asyncpg.Record,
    robot_of: Mapping[int, asyncpg.Record],
) -> None:
    base = settings.link("")
    if row["channel"] == "email":
        if not settings.smtp_url:
            raise _Unsendable("no SMTP server configured (MATCHMAKER_SMTP_URL)")
        body = row["body"].replace(SITE, base)
        await mail.send(
            settings.smtp_url, settings.mail_from, row["recipient"], row["subject"], body,
            row["dedupe_key"],
        )  # fmt: skip
        return
    robot = robot_of.get(row["webhook_id"])
    if robot is None or not robot["active"]:
        raise _Unsendable("the group robot was switched off")
    body = row["body"].replace(SITE, json.dumps(base)[1:-1])
    await robots.post(http, robot["provider"], robot["url"], robot["secret"], body)


async def _attempt(
    settings: Settings,
    http: httpx.AsyncClient,
    row: asyncpg.Record,
    robot_of: Mapping[int, asyncpg.Record],
) -> Exception | None:
    """Send one message; the failure (a channel's failure is the message's, never the sender's)."""
    try:
        await asyncio.wait_for(_send(settings, http, row, robot_of), timeout=SEND_SECONDS)
    except Exception as exc:
        return exc
    return None


async def _batch(
    pool: asyncpg.Pool, settings: Settings, http: httpx.AsyncClient, moment: dt.datetime
) -> list[str] | None:
    """Claim, send and record one batch; each message's outcome (None: nothing was due)."""
    async with pool.acquire() as conn:
        batch = await q.claim(conn, moment, BATCH, LEASE_SECONDS)
        if not batch:
            return None
        robot_of = await q.webhooks_by_id(
            conn, sorted({r["webhook_id"] for r in batch if r["webhook_id"]})
        )
    failures = await asyncio.gather(*(_attempt(settings, http, r, robot_of) for r in batch))
    sent, unsendable, retries, outcomes = [], [], [], []
    for row, failure in zip(batch, failures, strict=True):
        if failure is None:
            sent.append(row["id"])
            outcomes.append("sent")
        elif isinstance(failure, _Unsendable):
            unsendable.append((row["id"], str(failure)))
            outcomes.append("failed")
        else:
            error = f"{type(failure).__name__}: {failure}"
            at = moment + dt.timedelta(seconds=backoff(row["attempts"]))
            retries.append((row["id"], at, error))
            outcomes.append("failed" if row["attempts"] >= ATTEMPTS else "retried")
            log.warning("delivery failed", id=row["id"], channel=row["channel"], error=error,
                        attempt=row["attempts"])  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        await q.sent(conn, sent, dt.datetime.now(dt.UTC))
        await q.give_up(conn, unsendable)
        await q.retry(conn, retries, ATTEMPTS)
    return outcomes


async def deliver(
    pool: asyncpg.Pool, settings: Settings, *, now: dt.datetime | None = None
) -> Delivery:
    """Send everything due (at ``now``: a test's clock, else the present), batch after batch,
    until nothing due is left; what each message came to."""
    outcomes: list[str] = []
    async with robots.client() as http:
        while (
            batch := await _batch(pool, settings, http, now or dt.datetime.now(dt.UTC))
        ) is not None:
            outcomes += batch
    result = Delivery(outcomes.count("sent"), outcomes.count("retried"), outcomes.count("failed"))
    if outcomes:
        log.info("delivered", sent=result.sent, retried=result.retried, failed=result.failed)
    return result
