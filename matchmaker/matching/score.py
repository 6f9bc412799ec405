"""Scoring candidate pairs: components in [0, 1] and their weighted sum, all as arrays.

Components of a (demand, partner) edge:

=================  ==========================================================================
category           1 when the partner serves the demand's category, else 0
resources          share of the demand's resource types the partner offers (1 when none asked)
text               TF-IDF cosine of the demand's jieba tokens and the partner's profile tokens
                   (its description, products and past cases)
proximity          exp(-km / 25): 1 next door, 0.37 at 25 km, 0.02 at 100 km; at least 0.5
                   for a remote-capable partner
track_record       half smoothed average rating, half smoothed completion rate of its past
                   partnerships (a newcomer starts at the prior, not at zero)
interest           1 when the partner expressed interest in this demand
policy             1 when an active policy covers the category, community kind and actor kind
urgency            0, ⅓, ⅔, 1 for low, normal, high, urgent
=================  ==========================================================================

The score is Σ wᵢ·cᵢ / Σ wᵢ with :class:`Weights` (defaults below, settable per round), so it stays
in [0, 1]. For ``stable`` each side has its own view: a community ranks partners by quality
(track record, grade, proximity, coverage of the need), a partner ranks demands by its interest,
its category focus and distance.

>>> c = {name: np.array([1.0]) for name in COMPONENTS}
>>> float(combine(c, Weights())[0])
1.0
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np
from scipy import sparse

from matchmaker.matching.problem import FloatArray, IntArray

__all__ = [
    "COMPONENTS",
    "GRADE_VALUE",
    "Weights",
    "combine",
    "demand_preference",
    "haversine_km",
    "partner_preference",
    "proximity",
    "text_similarity",
    "track_record",
    "urgency_value",
]

COMPONENTS = (
    "category", "resources", "text", "proximity", "track_record", "interest", "policy", "urgency",
)  # fmt: skip

Weight = msgspec.Meta(ge=0, le=10)


class Weights(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Relative weight of each component (only ratios matter); documented defaults."""

    category: float = 0.25
    resources: float = 0.15
    text: float = 0.15
    proximity: float = 0.15
    track_record: float = 0.10
    interest: float = 0.10
    policy: float = 0.05
    urgency: float = 0.05

    def total(self) -> float:
        return float(sum(getattr(self, name) for name in COMPONENTS))


def combine(components: dict[str, FloatArray], weights: Weights) -> FloatArray:
    """Σ wᵢ·cᵢ / Σ wᵢ, rounded to six decimals (the solver's resolution)."""
    total = weights.total()
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    acc = sum(getattr(weights, name) * components[name] for name in COMPONENTS)
    return np.round(np.asarray(acc, dtype=np.float64) / total, 6)


def haversine_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distance in kilometres, element-wise."""
    r = 6371.0088
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * r * np.arcsin(np.sqrt(np.clip(h, 0, 1))), dtype=np.float64)


def proximity(km: FloatArray, remote: np.ndarray, scale_km: float = 25.0) -> FloatArray:
    """exp(-km / scale), at least 0.5 for partners that can work remotely."""
    near = np.exp(-km / scale_km)
    return np.asarray(np.where(remote, np.maximum(near, 0.5), near), dtype=np.float64)


def track_record(
    rating_sum: FloatArray, rated: FloatArray, completed: FloatArray, ended: FloatArray
) -> FloatArray:
    """Per partner: ½ smoothed rating (prior 3.5 over 2 ratings) + ½ smoothed completion rate.

    Smoothing keeps one lucky 5-star from outranking a long good record, and lets a newcomer
    start at the prior (0.63) instead of zero.
    """
    rating = (rating_sum + 3.5 * 2) / (rated + 2)
    completion = (completed + 0.7 * 2) / (ended + 2)
    return np.asarray(0.5 * (rating - 1) / 4 + 0.5 * completion, dtype=np.float64)


def _token_matrix(texts: Sequence[str], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Binary document × token matrix (each token once per document), growing ``vocabulary``."""
    indptr = [0]
    indices: list[int] = []
    for text in texts:
        indices.extend(vocabulary.setdefault(t, len(vocabulary)) for t in set(text.split()))
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(texts), max(len(vocabulary), 1)))


#: A block of demands × partners up to this many cells is multiplied whole.
_BLOCK_CELLS = 4_000_000


def text_similarity(
    demand_texts: Sequence[str],
    partner_texts: Sequence[str],
    edge_demand: IntArray,
    edge_partner: IntArray,
    blocks: IntArray | None = None,
) -> FloatArray:
    """TF-IDF cosine between space-separated token strings, for each edge.

    ``blocks`` groups edges (a round passes each demand's district: candidates are local), so
    each group's similarities come from one small product of its demands × its partners instead
    of copying a sparse row per edge. Exact either way.
    """
    vocabulary: dict[str, int] = {}
    d = _token_matrix(demand_texts, vocabulary)
    p = _token_matrix(partner_texts, vocabulary)
    width = max(len(vocabulary), 1)
    d.resize((d.shape[0], width))
    p.resize((p.shape[0], width))
    docs = d.shape[0] + p.shape[0]
    df = np.asarray(d.sum(axis=0)).ravel() + np.asarray(p.sum(axis=0)).ravel()
    idf = sparse.diags(np.log((1 + docs) / (1 + df)) + 1)

    def normalised(m: sparse.csr_matrix) -> sparse.csr_matrix:
        m = sparse.csr_matrix(m @ idf)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sparse.csr_matrix(sparse.diags(1 / norms) @ m)

    dn, pn = normalised(d), normalised(p)
    sims = np.zeros(len(edge_demand))
    if len(edge_demand) == 0:
        return sims
    keys = np.zeros(len(edge_demand), dtype=np.int64) if blocks is None else np.asarray(blocks)
    order = np.argsort(keys, kind="stable")
    for idx in np.split(order, np.flatnonzero(np.diff(keys[order])) + 1):
        ed, ep = edge_demand[idx], edge_partner[idx]
        ds, d_at = np.unique(ed, return_inverse=True)
        ps, p_at = np.unique(ep, return_inverse=True)
        if len(ds) * len(ps) <= _BLOCK_CELLS:
            block = (dn[ds] @ pn[ps].T).toarray()
            sims[idx] = block[d_at, p_at]
        else:
            sims[idx] = np.asarray(dn[ed].multiply(pn[ep]).sum(axis=1)).ravel()
    return np.asarray(np.clip(sims, 0, 1), dtype=np.float64)


GRADE_VALUE = {"5A": 1.0, "4A": 0.8, "3A": 0.6}


def demand_preference(components: dict[str, FloatArray], grade: FloatArray) -> FloatArray:
    """How a community rates a partner: quality — track record, grade, proximity, coverage."""
    coverage = 0.5 * components["category"] + 0.5 * components["resources"]
    return np.asarray(
        (components["track_record"] + grade + components["proximity"] + coverage) / 4,
        dtype=np.float64,
    )


def partner_preference(components: dict[str, FloatArray], focus: FloatArray) -> FloatArray:
    """How a partner rates a demand: its own interest, its category focus, distance."""
    return np.asarray(
        (components["interest"] + focus + components["proximity"]) / 3, dtype=np.float64
    )


def urgency_value(urgency: Sequence[str]) -> FloatArray:
    """low 0, normal ⅓, high ⅔, urgent 1."""
    table = {"low": 0.0, "normal": 1 / 3, "high": 2 / 3, "urgent": 1.0}
    return np.asarray([table.get(u, 1 / 3) for u in urgency], dtype=np.float64)
