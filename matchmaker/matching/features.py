"""From a round's rows to a scored :class:`Problem`: every component computed for every edge at once.

Input is plain data (lists of mappings as the queries return them, arrays of candidate ids), so
this stays pure and testable without a database. Codes become bit masks (23 categories, 7 resource
types) and per-edge work is array indexing — no Python loop per edge.

>>> demands = [dict(id=1, community_id=3, community_kind="urban", lat=30.4, lon=103.5,
...                 category="education", resource_types=["volunteers"], urgency="high",
...                 search_text="四点 半 课堂", open_slots=1)]
>>> partners = [dict(id=9, kind="social_org", grade="5A", categories=["education"],
...                  resource_types=["volunteers"], remote=False, lat=30.4, lon=103.5, spare=2,
...                  profile="课堂 辅导", rating_sum=0.0, rated=0.0, completed=0.0, ended=0.0)]
>>> problem, parts = assemble(demands, partners, [1], [9], set(), [], Weights())
>>> float(parts["category"][0]), float(parts["resources"][0])
(1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from matchmaker.matching.problem import FloatArray, IntArray, Problem
from matchmaker.matching.score import (
    GRADE_VALUE,
    Weights,
    combine,
    demand_preference,
    haversine_km,
    partner_preference,
    proximity,
    text_similarity,
    track_record,
    urgency_value,
)
from matchmaker.vocab import ActorKind, Category, CommunityKind, ResourceType, codes

__all__ = ["assemble"]

CATEGORIES = {c: i for i, c in enumerate(codes(Category))}
RESOURCES = {r: i for i, r in enumerate(codes(ResourceType))}
COMMUNITY_KINDS = {k: i for i, k in enumerate(codes(CommunityKind))}
ACTOR_KINDS = {k: i for i, k in enumerate(codes(ActorKind))}
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << len(RESOURCES))], dtype=np.float64)


def _mask(values: Iterable[str], index: Mapping[str, int]) -> int:
    out = 0
    for v in values:
        out |= 1 << index[v]
    return out


def _column(rows: Sequence[Mapping[str, Any]], name: str, dtype: Any) -> np.ndarray:
    return np.fromiter((r[name] for r in rows), dtype=dtype, count=len(rows))


def _policy_codes(
    policies: Iterable[tuple[Sequence[str], Sequence[str], Sequence[str]]],
) -> IntArray:
    """Every (category, community kind, actor kind) an active policy covers, as one integer each."""
    covered = {
        _triple(CATEGORIES[c], COMMUNITY_KINDS[ck], ACTOR_KINDS[ak])
        for cats, ckinds, akinds in policies
        for c in cats
        for ck in ckinds
        for ak in akinds
    }
    return np.fromiter(covered, dtype=np.int64, count=len(covered))


def _triple(category: Any, community_kind: Any, actor_kind: Any) -> Any:
    return (category * len(COMMUNITY_KINDS) + community_kind) * len(ACTOR_KINDS) + actor_kind


def assemble(
    demands: Sequence[Mapping[str, Any]],
    partners: Sequence[Mapping[str, Any]],
    pair_demand_ids: Sequence[int] | IntArray,
    pair_actor_ids: Sequence[int] | IntArray,
    interests: set[tuple[int, int]],
    policies: Iterable[tuple[Sequence[str], Sequence[str], Sequence[str]]],
    weights: Weights,
) -> tuple[Problem, dict[str, FloatArray]]:
    """The scored problem and each component per edge. ``demands``/``partners`` sorted by id."""
    d_ids = _column(demands, "id", np.int64)
    p_ids = _column(partners, "id", np.int64)
    pd = np.asarray(pair_demand_ids, dtype=np.int64)
    pa = np.asarray(pair_actor_ids, dtype=np.int64)
    ed = np.searchsorted(d_ids, pd)
    ep = np.searchsorted(p_ids, pa)

    d_cat = np.array([CATEGORIES[r["category"]] for r in demands], dtype=np.int64)
    d_res = np.array([_mask(r["resource_types"], RESOURCES) for r in demands], dtype=np.int64)
    p_cat = np.array([_mask(r["categories"], CATEGORIES) for r in partners], dtype=np.int64)
    p_res = np.array([_mask(r["resource_types"], RESOURCES) for r in partners], dtype=np.int64)
    p_remote = np.array([bool(r["remote"]) for r in partners], dtype=bool)

    fit = ((p_cat[ep] >> d_cat[ed]) & 1).astype(np.float64)
    wanted = _POPCOUNT[d_res[ed]]
    offered = _POPCOUNT[d_res[ed] & p_res[ep]]
    resources = np.where(wanted > 0, offered / np.maximum(wanted, 1), 1.0)
    km = haversine_km(
        _column(demands, "lat", np.float64)[ed], _column(demands, "lon", np.float64)[ed],
        _column(partners, "lat", np.float64)[ep], _column(partners, "lon", np.float64)[ep],
    )  # fmt: skip
    record = track_record(
        _column(partners, "rating_sum", np.float64), _column(partners, "rated", np.float64),
        _column(partners, "completed", np.float64), _column(partners, "ended", np.float64),
    )  # fmt: skip
    interest_keys = np.fromiter(
        (d * 2**32 + a for d, a in interests), dtype=np.int64, count=len(interests)
    )
    community_kind = np.array(
        [COMMUNITY_KINDS[r["community_kind"]] for r in demands], dtype=np.int64
    )
    actor_kind = np.array([ACTOR_KINDS[r["kind"]] for r in partners], dtype=np.int64)
    edge_policy = _triple(d_cat[ed], community_kind[ed], actor_kind[ep])

    components: dict[str, FloatArray] = {
        "category": fit,
        "resources": np.asarray(resources, dtype=np.float64),
        "text": text_similarity(
            [r["search_text"] or "" for r in demands],
            [r["profile"] or "" for r in partners],
            ed,
            ep,
            blocks=np.array([r.get("district_id", 0) for r in demands], dtype=np.int64)[ed],
        ),
        "proximity": proximity(km, p_remote[ep]),
        "track_record": record[ep],
        "interest": np.isin(pd * 2**32 + pa, interest_keys).astype(np.float64),
        "policy": np.isin(edge_policy, _policy_codes(policies)).astype(np.float64),
        "urgency": urgency_value([r["urgency"] for r in demands])[ed],
    }
    grade = np.array([GRADE_VALUE.get(r["grade"] or "", 0.4) for r in partners])
    focus = fit / np.maximum(_category_count(p_cat[ep]), 1)
    problem = Problem(
        demand_ids=d_ids,
        slots=_column(demands, "open_slots", np.int64),
        communities=_column(demands, "community_id", np.int64),
        partner_ids=p_ids,
        capacity=_column(partners, "spare", np.int64),
        edge_demand=ed.astype(np.int64),
        edge_partner=ep.astype(np.int64),
        score=combine(components, weights),
        demand_pref=demand_preference(components, grade[ep]),
        partner_pref=partner_preference(components, focus),
    )
    return problem, components


def _category_count(masks: IntArray) -> FloatArray:
    """How many categories each mask holds."""
    counts = np.zeros(len(masks), dtype=np.float64)
    m = masks.copy()
    while m.any():
        counts += m & 1
        m >>= 1
    return counts
