"""Proposals being answered and partnerships: typed functions over ``sql/queries/partnerships.sql``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from matchmaker.models.partnerships import PartnerReview, Partnership
from matchmaker.models.rounds import Proposal
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = [
    "accept_proposal",
    "active_of_demand",
    "cancel",
    "complete",
    "decline_proposal",
    "expire_proposals",
    "get",
    "get_proposal",
    "has_interest",
    "insert",
    "list_partnerships",
    "load_counts",
    "partnership_for_update",
    "proposal_for_update",
    "proposals_for",
    "publish_case",
    "review",
    "set_demand_status",
]

Q = sql("partnerships")
NEWEST_S = Sort("s.id")
NEWEST_P = Sort("p.id")


async def proposal_for_update(conn: asyncpg.Connection, proposal_id: int) -> dict[str, Any]:
    row = await one(conn, Q["proposal_for_update"], proposal_id, entity="proposal", key=proposal_id)
    return dict(row)


async def accept_proposal(
    conn: asyncpg.Connection, proposal_id: int, side: str, status: str
) -> None:
    await conn.execute(Q["accept_proposal"], proposal_id, side, status)


async def decline_proposal(
    conn: asyncpg.Connection, proposal_id: int, user_id: int, reason: str
) -> None:
    await conn.execute(Q["decline_proposal"], proposal_id, user_id, reason)


async def expire_proposals(
    conn: asyncpg.Connection, now: dt.datetime | None = None
) -> list[asyncpg.Record]:
    """Expire what is past its time; (id, community_id, actor_id, demand, actor) of each."""
    return list(await conn.fetch(Q["expire_proposals"], now))


async def get_proposal(conn: asyncpg.Connection, proposal_id: int) -> Proposal:
    row = await one(conn, Q["get_proposal"], proposal_id, entity="proposal", key=proposal_id)
    return msgspec.convert(dict(row), Proposal)


def _partnership(row: asyncpg.Record) -> Partnership:
    """A row as the read model, its review columns gathered into ``review`` (None until given)."""
    values = dict(row)
    rating, feedback = values.pop("review_rating", None), values.pop("review_feedback", None)
    reviewed_at = values.pop("reviewed_at", None)
    values.pop("sort_key", None)
    partnership = msgspec.convert(values, Partnership)
    partnership.review = (
        PartnerReview(rating=rating, reviewed_at=reviewed_at, feedback=feedback)
        if reviewed_at is not None
        else None
    )
    return partnership


async def load_counts(
    conn: asyncpg.Connection, actor_id: int, demand_id: int, proposal_id: int | None = None
) -> dict[str, Any]:
    """Capacity, slots and what takes or holds them; ``proposal_id``'s own hold is not counted."""
    row = await one(
        conn,
        Q["load_counts"],
        actor_id,
        demand_id,
        proposal_id,
        entity="demand or actor",
        key=f"{demand_id}/{actor_id}",
    )
    return dict(row)


async def insert(
    conn: asyncpg.Connection,
    demand_id: int,
    actor_id: int,
    origin: str,
    proposal_id: int | None,
    user_id: int,
) -> int:
    return int(
        await conn.fetchval(
            Q["insert_partnership"], demand_id, actor_id, origin, proposal_id, user_id
        )
    )


async def get(conn: asyncpg.Connection, partnership_id: int) -> Partnership:
    row = await one(
        conn, Q["get_partnership"], partnership_id, entity="partnership", key=partnership_id
    )
    return _partnership(row)


async def partnership_for_update(conn: asyncpg.Connection, partnership_id: int) -> dict[str, Any]:
    row = await one(
        conn, Q["partnership_for_update"], partnership_id, entity="partnership", key=partnership_id
    )
    return dict(row)


async def complete(
    conn: asyncpg.Connection,
    partnership_id: int,
    beneficiaries: int,
    rating: int,
    feedback: str,
    user_id: int,
) -> None:
    await conn.execute(
        Q["complete_partnership"], partnership_id, beneficiaries, rating, feedback, user_id
    )


async def review(
    conn: asyncpg.Connection, partnership_id: int, rating: int, feedback: str, user_id: int
) -> bool:
    """Record the partner's rating of the community; False when one was already given."""
    status = await conn.execute(Q["review_partnership"], partnership_id, rating, feedback, user_id)
    return bool(status == "UPDATE 1")


async def cancel(conn: asyncpg.Connection, partnership_id: int, reason: str) -> None:
    await conn.execute(Q["cancel_partnership"], partnership_id, reason)


async def active_of_demand(conn: asyncpg.Connection, demand_id: int) -> int:
    return int(await conn.fetchval(Q["active_partnerships_of_demand"], demand_id))


async def set_demand_status(conn: asyncpg.Connection, demand_id: int, status: str) -> None:
    await conn.execute(Q["set_demand_status"], demand_id, status)


async def has_interest(conn: asyncpg.Connection, demand_id: int, actor_id: int) -> bool:
    return bool(await conn.fetchval(Q["has_interest"], demand_id, actor_id))


async def publish_case(conn: asyncpg.Connection, values: tuple[Any, ...], actor_id: int) -> int:
    case_id = int(await conn.fetchval(Q["publish_case"], *values))
    await conn.execute(Q["case_actor"], case_id, actor_id)
    return case_id


async def list_partnerships(
    conn: asyncpg.Connection,
    *,
    community_id: int | None,
    actor_id: int | None,
    status: str | None,
    demand_id: int | None,
    limit: int,
    cursor: str | None,
    districts: list[int] | None = None,
) -> tuple[list[Partnership], str | None]:
    return await fetch_page(
        conn, Q["list_partnerships"], "newest", NEWEST_S,
        [community_id, actor_id, status, demand_id, districts], limit, cursor, _partnership,
    )  # fmt: skip


async def proposals_for(
    conn: asyncpg.Connection,
    *,
    community_id: int | None,
    actor_id: int | None,
    status: str | None,
    limit: int,
    cursor: str | None,
    districts: list[int] | None = None,
) -> tuple[list[Proposal], str | None]:
    return await fetch_page(
        conn, Q["proposals_for"], "newest", NEWEST_P, [community_id, actor_id, status, districts],
        limit, cursor, lambda r: msgspec.convert(dict(r), Proposal),
    )  # fmt: skip
