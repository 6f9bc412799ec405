"""Scoring candidate pairs as every view does: a round, the board's fit, the quality benchmark.

One path from rows to a scored :class:`~matchmaker.matching.problem.Problem`: the interest and
policy lookups, the library's text model, then :func:`~matchmaker.matching.features.assemble` off
the event loop. The same pair scores the same wherever it is scored.

>>> problem, parts = await score(conn, demands, partners, pairs, Weights(), seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from matchmaker.matching.features import Pairs, assemble
from matchmaker.matching.problem import FloatArray, Problem
from matchmaker.matching.score import Weights
from matchmaker.queries import rounds as q
from matchmaker.services import text_model

__all__ = ["candidate_pairs", "score"]


async def candidate_pairs(
    conn: asyncpg.Connection,
    demand_ids: Sequence[int],
    actor_ids: Sequence[int],
    *,
    include_unverified: bool = False,
) -> Pairs:
    """The pairs a round may propose among these demands and partners (see ``candidates`` SQL)."""
    return Pairs(
        *await q.candidates(conn, demand_ids, actor_ids, include_unverified=include_unverified)
    )


async def score(
    conn: asyncpg.Connection,
    demands: Sequence[Mapping[str, Any]],
    partners: Sequence[Mapping[str, Any]],
    pairs: Pairs,
    weights: Weights,
    *,
    seed: int,
    keep_vectors: bool = False,
) -> tuple[Problem, dict[str, FloatArray]]:
    """The scored problem of these pairs and each component per edge (``keep_vectors``: a round's
    many texts are looked up in the text model's kept vectors, see ``text_model.current``)."""
    interests = await q.interests_in(conn, [r["id"] for r in demands])
    policies = await q.active_policies(conn)
    model = await text_model.current(conn, keep_vectors=keep_vectors)
    return await asyncio.to_thread(
        assemble, demands, partners, pairs, interests, policies, weights, model, seed=seed
    )
