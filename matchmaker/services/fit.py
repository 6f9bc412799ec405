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
import numpy as np

from matchmaker.matching.features import assemble
from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.queries import rounds as q

__all__ = ["candidate_demands", "fit"]


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
