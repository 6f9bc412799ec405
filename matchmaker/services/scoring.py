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
import numpy as np

from matchmaker.matching import candidates
from matchmaker.matching.features import Pairs, assemble
from matchmaker.matching.problem import FloatArray, Problem
from matchmaker.matching.score import Weights
from matchmaker.queries import rounds as q
from matchmaker.services import text_model
from matchmaker.vocab import Category, ResourceType, codes, related_pairs

CATEGORIES = codes(Category)
RESOURCE_TYPES = codes(ResourceType)
#: A category's place in the vocabulary, a resource type's bit, the categories related to each.
_PLACE = {c: i for i, c in enumerate(CATEGORIES)}
_BIT = {t: 1 << i for i, t in enumerate(RESOURCE_TYPES)}
_RELATED: dict[str, set[str]] = {}
for _a, _b in zip(*related_pairs(), strict=True):
    _RELATED.setdefault(_a, set()).add(_b)

__all__ = ["candidate_pairs", "score"]


async def candidate_pairs(
    conn: asyncpg.Connection,
    demand_ids: Sequence[int],
    actor_ids: Sequence[int],
    *,
    include_unverified: bool = False,
) -> Pairs:
    """The pairs a round may propose among these demands and partners (as the ``candidates`` SQL
    defines them, computed on arrays by ``matching.candidates``), ordered by demand then actor."""
    d, p, out = await q.candidate_inputs(
        conn, demand_ids, actor_ids, include_unverified=include_unverified,
        categories=CATEGORIES, resource_types=RESOURCE_TYPES,
    )  # fmt: skip
    demands, partners = _demand_reach(d), _partner_reach(p)
    found = await asyncio.to_thread(candidates.pairs, demands, partners)
    excluded = (np.asarray(out["demand_ids"], np.int64), np.asarray(out["actor_ids"], np.int64))
    return Pairs(*candidates.without(*found, *excluded))


def _demand_reach(row: Mapping[str, Any]) -> candidates.DemandReach:
    return candidates.DemandReach(
        ids=np.asarray(row["ids"], np.int64),
        district=np.asarray(row["districts"], np.int64),
        lat=np.asarray(row["lats"], np.float64),
        lon=np.asarray(row["lons"], np.float64),
        category=np.asarray(row["categories"], np.int64),
        resources=np.asarray(row["resources"], np.int64),
        onsite_only=np.asarray(row["onsite_only"], bool),
    )


def _partner_reach(rows: Sequence[Mapping[str, Any]]) -> candidates.PartnerReach:
    """Each partner's reach, with every category it can be proposed for: its own, its products',
    and those related to them (``vocab.RELATED_CATEGORIES``), each once."""
    can_do: list[int] = []
    ptr = [0]
    owners: list[int] = []
    districts: list[int] = []
    for i, r in enumerate(rows):
        own = set(r["categories"])
        can_do += sorted({_PLACE[c] for c in own.union(*(_RELATED.get(c, ()) for c in own))})
        ptr.append(len(can_do))
        owners += [i] * len(r["districts"])
        districts += r["districts"]
    return candidates.PartnerReach(
        ids=np.array([r["id"] for r in rows], np.int64),
        lat=np.array([r["lat"] for r in rows], np.float64),
        lon=np.array([r["lon"] for r in rows], np.float64),
        radius=np.array([r["radius"] for r in rows], np.int64),
        remote=np.array([sum(_BIT[t] for t in set(r["remote_types"])) for r in rows], np.int64),
        can_do_ptr=np.array(ptr, np.int64),
        can_do=np.array(can_do, np.int64),
        district_owner=np.array(owners, np.int64),
        districts=np.array(districts, np.int64),
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
    recent: bool = False,
) -> tuple[Problem, dict[str, FloatArray]]:
    """The scored problem of these pairs and each component per edge (``keep_vectors``: a round's
    many texts are looked up in the text model's kept vectors, see ``text_model.current``;
    ``recent``: a page's model, which may lag the library's text a little: ``text_model.recent``)."""
    interests = await q.interests_in(conn, [r["id"] for r in demands])
    policies = await q.active_policies(conn)
    if recent:
        model = await text_model.recent(conn)
    else:
        model = await text_model.current(conn, keep_vectors=keep_vectors)
    return await asyncio.to_thread(
        assemble, demands, partners, pairs, interests, policies, weights, model, seed=seed
    )
