"""Answering interest: typed functions over ``sql/queries/invitations.sql``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from matchmaker.queries import one, sql

__all__ = ["answer_interest", "insert_invitation", "interest_for_update", "pair_taken"]

Q = sql("invitations")


async def interest_for_update(
    conn: asyncpg.Connection, demand_id: int, actor_id: int
) -> dict[str, Any]:
    """The interest, locked for the rest of the transaction (NotFound when there is none)."""
    row = await one(
        conn, Q["interest_for_update"], demand_id, actor_id,
        entity="interest", key=f"of organisation {actor_id} in demand {demand_id}",
    )  # fmt: skip
    return dict(row)


async def pair_taken(
    conn: asyncpg.Connection, demand_id: int, actor_id: int
) -> tuple[str, int, str] | None:
    """(kind, id, status) of a live proposal or an uncancelled partnership of the pair, or None."""
    row = await conn.fetchrow(Q["pair_taken"], demand_id, actor_id)
    return (row["kind"], int(row["id"]), row["status"]) if row else None


async def insert_invitation(
    conn: asyncpg.Connection,
    demand_id: int,
    actor_id: int,
    score: float,
    components: dict[str, float],
    unverified: bool,
    expires_at: dt.datetime,
) -> int:
    """The invitation's proposal (community side accepted); its id."""
    return int(
        await conn.fetchval(
            Q["insert_invitation"], demand_id, actor_id, score, components, unverified, expires_at
        )
    )


async def answer_interest(
    conn: asyncpg.Connection,
    demand_id: int,
    actor_id: int,
    *,
    status: str,
    reason: str | None,
    user_id: int,
    proposal_id: int | None,
) -> dict[str, Any]:
    """Record the answer on an open interest; the row as answered."""
    row = await conn.fetchrow(
        Q["answer_interest"], demand_id, actor_id, status, reason, user_id, proposal_id
    )
    assert row is not None, "the caller locked an open interest"
    return dict(row)
