"""A partner's fit with needs: the score a match round would give each pair, with its parts.

The same :func:`matching.features.assemble` a round uses scores the partner against the needs in
view — so the board and a round agree on what makes a good pair (text similarity is relative to the
needs scored together, so the same pair may score a little differently in another view).
Ranking by fit looks only at the needs the partner could be proposed for in a round (it serves
their district or works remotely, and offers the category or a resource).

>>> scores = await fit(conn, actor_id=7, demand_ids=[1, 2, 3])  # doctest: +SKIP
>>> scores[1][0]
0.6421
"""

from __future__ import annotations

import asyncpg
import msgspec
import numpy as np

from matchmaker.matching.features import assemble
from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.models.demands import Demand
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import rounds as q
from matchmaker.queries.paging import Sort, cursor_args, paginate

__all__ = ["candidate_demands", "fit", "ranked", "with_fit"]

#: Best fit first, ties by id; ranked in memory, so the key is only typed for the cursor.
BY_FIT = Sort("id", descending=False, key_sql="-fit", key_type="double precision")


async def fit(
    conn: asyncpg.Connection, actor_id: int, demand_ids: list[int]
) -> dict[int, tuple[float, dict[str, float]]]:
    """(score, components) of the partner with each demand, by demand id."""
    partner = await q.partner_features(conn, actor_id)
    if partner is None or not demand_ids:
        return {}
    demands = [dict(r) for r in await q.demand_features(conn, demand_ids)]
    pair_d = np.array([r["id"] for r in demands], dtype=np.int64)
    pair_a = np.full(len(demands), actor_id, dtype=np.int64)
    interests = await q.interests_in(conn, list(pair_d))
    policies = await q.active_policies(conn)
    problem, parts = assemble(
        demands, [dict(partner)], pair_d, pair_a, interests, policies, Weights()
    )
    return {
        int(d): (
            round(float(problem.score[i]), 4),
            {c: round(float(parts[c][i]), 4) for c in COMPONENTS},
        )
        for i, d in enumerate(pair_d)
    }


async def candidate_demands(
    conn: asyncpg.Connection, actor_id: int, demand_ids: list[int]
) -> list[int]:
    """Those of ``demand_ids`` a round could pair with the partner."""
    pair_d, _ = await q.candidates(conn, demand_ids, [actor_id])
    return sorted(set(pair_d.tolist()))


def _scored(demand: Demand, scored: tuple[float, dict[str, float]] | None) -> Demand:
    if scored is None:
        return demand
    return msgspec.structs.replace(demand, fit=scored[0], fit_components=scored[1])


async def with_fit(conn: asyncpg.Connection, actor_id: int, items: list[Demand]) -> list[Demand]:
    """The needs with the partner's ``fit`` and its components filled in."""
    scores = await fit(conn, actor_id, [d.id for d in items])
    return [_scored(d, scores.get(d.id)) for d in items]


async def ranked(
    conn: asyncpg.Connection,
    actor_id: int,
    filters: demand_queries.DemandFilters,
    limit: int,
    cursor: str | None,
) -> tuple[list[Demand], str | None]:
    """One page of the open needs the partner could be proposed for, best fit first.

    The board page and ``/opportunities?sort=fit`` both rank here, with the same cursor.
    """
    candidates = await candidate_demands(
        conn, actor_id, await demand_queries.open_ids(conn, filters)
    )
    scores = await fit(conn, actor_id, candidates)
    order = sorted((-score, demand_id) for demand_id, (score, _) in scores.items())
    key, after = cursor_args("fit", BY_FIT, cursor)
    if after is not None:
        order = [r for r in order if r > (key, after)]
    window = order[: limit + 1]
    demands = await demand_queries.by_ids(conn, [demand_id for _, demand_id in window[:limit]])
    return paginate(
        window, limit, "fit", BY_FIT,
        lambda r: _scored(demands[r[1]], scores[r[1]]), lambda r: (r[0], r[1]),
    )  # fmt: skip
