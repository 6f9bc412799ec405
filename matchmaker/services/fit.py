"""A partner's fit with needs: the score a match round would give each pair, with its parts.

The same :mod:`services.scoring` a round uses scores the partner against the needs in view, with
the library's one text model — so a pair's fit on the board is the score a round would give it
(with the model pages use, which may lag the library's text by a few minutes:
``text_model.recent``).
Ranking by fit looks only at the needs the partner could be proposed for in a round (it does the
work, and can be there or can deliver it from afar; a need for the partner itself is left out).
A pair the partner could not be proposed for has no fit.

>>> scores = await fit(conn, actor_id=7, demand_ids=[1, 2, 3])  # doctest: +SKIP
>>> scores[1][0]
0.6421
"""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.models.demands import Demand
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import rounds as q
from matchmaker.queries.paging import Sort, cursor_args, paginate
from matchmaker.services import scoring

__all__ = ["fit", "ranked", "ranked_counted", "with_fit"]

#: Best fit first, ties by id; ranked in memory, so the key is only typed for the cursor.
BY_FIT = Sort("id", descending=False, key_sql="-fit", key_type="double precision")


async def fit(
    conn: asyncpg.Connection, actor_id: int, demand_ids: list[int]
) -> dict[int, tuple[float, dict[str, float]]]:
    """(score, components) of the partner with each demand it could be proposed for, by id."""
    partner = await q.partner_features(conn, actor_id)
    if partner is None or not demand_ids:
        return {}
    # an unverified partner sees its fit too: a round may ask for unverified partners
    pairs = await scoring.candidate_pairs(conn, demand_ids, [actor_id], include_unverified=True)
    if len(pairs.demand_ids) == 0:
        return {}
    demands = [dict(r) for r in await q.demand_features(conn, list(pairs.demand_ids))]
    problem, parts = await scoring.score(
        conn, demands, [dict(partner)], pairs, Weights(), seed=0, recent=True
    )
    return {
        int(problem.demand_ids[problem.edge_demand[i]]): (
            round(float(problem.score[i]), 4),
            {c: round(float(parts[c][i]), 4) for c in COMPONENTS},
        )
        for i in range(problem.n_edges)
    }


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
    items, next_cursor, _ = await ranked_counted(conn, actor_id, filters, limit, cursor)
    return items, next_cursor


async def ranked_counted(
    conn: asyncpg.Connection,
    actor_id: int,
    filters: demand_queries.DemandFilters,
    limit: int,
    cursor: str | None,
) -> tuple[list[Demand], str | None, int]:
    """:func:`ranked` with how many needs it ranks in all (the board's count, when by fit)."""
    scores = await fit(conn, actor_id, await demand_queries.open_ids(conn, filters, actor_id))
    order = sorted((-score, demand_id) for demand_id, (score, _) in scores.items())
    key, after = cursor_args("fit", BY_FIT, cursor)
    if after is not None:
        order = [r for r in order if r > (key, after)]
    window = order[: limit + 1]
    demands = await demand_queries.by_ids(conn, [demand_id for _, demand_id in window[:limit]])
    items, next_cursor = paginate(
        window, limit, "fit", BY_FIT,
        lambda r: _scored(demands[r[1]], scores[r[1]]), lambda r: (r[0], r[1]),
    )  # fmt: skip
    return items, next_cursor, len(scores)
