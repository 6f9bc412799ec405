"""The job queue in PostgreSQL (PgQueuer's tables): what is queued, under which entrypoint names.

Jobs are enqueued on the caller's connection, so a job is written in the same transaction as the
record it is for (a round is never queued without its job, nor a job left for a round rolled back).

>>> await enqueue_round(conn, 12)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncpg
from pgqueuer.queries import Queries

__all__ = [
    "DELIVER",
    "HOUSEKEEPING",
    "ROUND",
    "ROUND_PART",
    "enqueue_delivery",
    "enqueue_parts",
    "enqueue_round",
    "install",
]

#: A match round to carry out; the payload is the round's id.
ROUND = "round"
#: One part of a round split by region; the payload is "round id:part".
ROUND_PART = "round_part"
#: The periodic sweep: expire proposals, fail rounds whose worker stopped.
HOUSEKEEPING = "housekeeping"
#: Send what the outbox holds (e-mail, group robots); no payload.
DELIVER = "deliver"


async def enqueue_round(conn: asyncpg.Connection, round_id: int) -> None:
    """Queue the job that runs round ``round_id`` (one job per round: the dedupe key says so)."""
    await Queries.from_asyncpg_connection(conn).enqueue(
        ROUND, str(round_id).encode(), dedupe_key=f"round:{round_id}"
    )


async def enqueue_parts(conn: asyncpg.Connection, round_id: int, parts: int) -> None:
    """Queue one job per part of a split round, in one statement."""
    if parts == 0:
        return
    await Queries.from_asyncpg_connection(conn).enqueue(
        [ROUND_PART] * parts,
        [f"{round_id}:{part}".encode() for part in range(parts)],
        [0] * parts,
        dedupe_key=[f"round-part:{round_id}:{part}" for part in range(parts)],
    )


async def enqueue_delivery(conn: asyncpg.Connection) -> None:
    """Wake a sender for messages just put in the outbox (one waiting job is enough: a second
    one, while it waits, is skipped)."""
    await Queries.from_asyncpg_connection(conn).enqueue(
        DELIVER, None, dedupe_key="deliver", on_conflict="skip"
    )


async def install(conn: asyncpg.Connection) -> None:
    """Create PgQueuer's tables, or bring them up to the installed library's version."""
    queries = Queries.from_asyncpg_connection(conn)
    if await queries.schema_is_installed():
        await queries.upgrade()
    else:
        await queries.install()
