"""From a round's rows to a scored :class:`Problem`: every component computed for every edge at once.

Input is plain data (lists of mappings as the queries return them, arrays of candidate ids), so
this stays pure and testable without a database. Codes become bit masks (23 categories, 7 resource
types) and per-edge work is array indexing — no Python loop per edge.

>>> demands = [dict(id=1, community_id=3, community_kind="urban", lat=30.4, lon=103.5,
...                 category="education", resource_types=["volunteers"], urgency="high",
...                 text="四点半课堂", open_slots=1)]
>>> partners = [dict(id=9, kind="social_org", grade="5A", categories=["education"],
...                  product_categories=[], resource_types=["volunteers"],
...                  remote_resource_types=[], lat=30.4, lon=103.5, spare=2,
...                  profile="四点半课堂 课业辅导", rating_sum=0.0, rated=0.0, completed=0.0, ended=0.0)]
>>> model = TextModel.fit(["四点半课堂", "四点半课堂 课业辅导", "老年食堂"])
>>> problem, parts = assemble(demands, partners, Pairs([1], [9], [True]), set(), [], Weights(),
...                           model, seed=1)
>>> float(parts["category"][0]), float(parts["resources"][0]), float(parts["proximity"][0])
(1.0, 1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matchmaker.matching.lottery import tickets
from matchmaker.matching.problem import FloatArray, IntArray, Problem
from matchmaker.matching.score import (
    GRADE_VALUE,
    PRODUCT_ONLY,
    RELATED_ONLY,
    Weights,
    combine,
    demand_preference,
    haversine_km,
    partner_preference,
    proximity,
    text_value,
    track_record,
    urgency_value,
)
from matchmaker.matching.text import TextModel
from matchmaker.vocab import ActorKind, Category, CommunityKind, ResourceType, codes, related_pairs

__all__ = ["Pairs", "assemble"]


@dataclass(frozen=True)
class Pairs:
    """The candidate pairs as the candidates query gives them: ids, and whether each is on site."""

    demand_ids: IntArray | Sequence[int]
    actor_ids: IntArray | Sequence[int]
    onsite: npt.NDArray[np.bool_] | Sequence[bool]


CATEGORIES = {c: i for i, c in enumerate(codes(Category))}
RESOURCES = {r: i for i, r in enumerate(codes(ResourceType))}
COMMUNITY_KINDS = {k: i for i, k in enumerate(codes(CommunityKind))}
ACTOR_KINDS = {k: i for i, k in enumerate(codes(ActorKind))}
#: Per category: the mask of the categories related to it (vocab.RELATED_CATEGORIES).
_RELATED = np.zeros(len(CATEGORIES), dtype=np.int64)
for _a, _b in zip(*related_pairs(), strict=True):
    _RELATED[CATEGORIES[_a]] |= 1 << CATEGORIES[_b]
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
    pairs: Pairs,
    interests: set[tuple[int, int]],
    policies: Iterable[tuple[Sequence[str], Sequence[str], Sequence[str]]],
    weights: Weights,
    text_model: TextModel,
    *,
    seed: int,
) -> tuple[Problem, dict[str, FloatArray]]:
    """The scored problem and each component per edge. ``demands``/``partners`` sorted by id.

    ``seed`` draws each edge's lottery ticket (ties); ``text_model`` is fitted on the library.
    """
    d_ids = _column(demands, "id", np.int64)
    p_ids = _column(partners, "id", np.int64)
    pd = np.asarray(pairs.demand_ids, dtype=np.int64)
    pa = np.asarray(pairs.actor_ids, dtype=np.int64)
    onsite = np.asarray(pairs.onsite, dtype=bool)
    ed = np.searchsorted(d_ids, pd)
    ep = np.searchsorted(p_ids, pa)

    d_cat = np.array([CATEGORIES[r["category"]] for r in demands], dtype=np.int64)
    d_res = np.array([_mask(r["resource_types"], RESOURCES) for r in demands], dtype=np.int64)
    p_cat = np.array([_mask(r["categories"], CATEGORIES) for r in partners], dtype=np.int64)
    p_prod = np.array([_mask(r["product_categories"], CATEGORIES) for r in partners], np.int64)
    p_res = np.array([_mask(r["resource_types"], RESOURCES) for r in partners], dtype=np.int64)
    p_far = np.array([_mask(r["remote_resource_types"], RESOURCES) for r in partners], np.int64)

    declared = ((p_cat[ep] >> d_cat[ed]) & 1).astype(bool)
    by_product = ((p_prod[ep] >> d_cat[ed]) & 1).astype(bool)
    related = ((p_cat[ep] | p_prod[ep]) & _RELATED[d_cat[ed]]) != 0
    fit = np.select([declared, by_product, related], [1.0, PRODUCT_ONLY, RELATED_ONLY], 0.0)
    wanted = _POPCOUNT[d_res[ed]]
    # on site it brings all it offers; from afar only what it delivers remotely
    offered = _POPCOUNT[d_res[ed] & np.where(onsite, p_res[ep], p_far[ep])]
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
    similarity = text_model.similarity(
        [r["text"] or "" for r in demands],
        [r["profile"] or "" for r in partners],
        ed,
        ep,
        blocks=np.array([r.get("district_id", 0) for r in demands], dtype=np.int64)[ed],
    )

    components: dict[str, FloatArray] = {
        "category": np.asarray(fit, dtype=np.float64),
        "resources": np.asarray(resources, dtype=np.float64),
        "text": text_value(similarity),
        "proximity": proximity(km, onsite),
        "track_record": record[ep],
        "interest": np.isin(pd * 2**32 + pa, interest_keys).astype(np.float64),
        "policy": np.isin(edge_policy, _policy_codes(policies)).astype(np.float64),
        "urgency": urgency_value([r["urgency"] for r in demands])[ed],
    }
    grade = np.array([GRADE_VALUE.get(r["grade"] or "", 0.4) for r in partners])
    focus = fit / np.maximum(_category_count(p_cat[ep] | p_prod[ep]), 1)
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
        tie=tickets(seed, pd, pa),
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
