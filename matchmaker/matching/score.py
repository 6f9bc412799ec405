"""Scoring candidate pairs: components in [0, 1] and their weighted sum, all as arrays.

Components of a (demand, partner) edge:

=================  ==========================================================================
category           1 when the partner serves the demand's category, 0.6 when only a product of
                   it does, 0.4 when it serves only a related category (no candidate otherwise)
resources          share of the demand's resource types the partner offers (1 when none asked)
text               cosine of character n-grams weighted over the whole library (matching/text.py)
                   of the demand and the partner's profile (its description, products, past
                   cases and talent), full marks at a cosine of 0.25
proximity          on site exp(-km / 25): 1 next door, 0.37 at 25 km, 0.02 at 100 km; help
                   given from afar exp(-km / 100)
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

from matchmaker.matching.problem import FloatArray

__all__ = [
    "COMPONENTS",
    "DEFAULT_MIN_SCORE",
    "GRADE_VALUE",
    "ONSITE_KM",
    "PRODUCT_ONLY",
    "RELATED_ONLY",
    "REMOTE_KM",
    "TEXT_FULL",
    "Weights",
    "combine",
    "demand_preference",
    "haversine_km",
    "partner_preference",
    "proximity",
    "text_value",
    "track_record",
    "urgency_value",
]

COMPONENTS = (
    "category", "resources", "text", "proximity", "track_record", "interest", "policy", "urgency",
)  # fmt: skip

Weight = msgspec.Meta(ge=0, le=10)


class Weights(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Relative weight of each component (only ratios matter); documented defaults."""

    category: float = 0.22
    resources: float = 0.17
    text: float = 0.34
    proximity: float = 0.06
    track_record: float = 0.06
    interest: float = 0.11
    policy: float = 0.02
    urgency: float = 0.02

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


def proximity(km: FloatArray, onsite: np.ndarray) -> FloatArray:
    """The real distance, decaying: exp(-km / 25) on site; exp(-km / 100) for help from afar.

    Help given from afar loses less with distance than a visit does, but a partner 250 km away
    is still far from the life of the community it would serve.
    """
    scale = np.where(onsite, ONSITE_KM, REMOTE_KM)
    return np.asarray(np.exp(-np.asarray(km) / scale), dtype=np.float64)


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


def text_value(similarity: FloatArray) -> FloatArray:
    """The text component from the n-gram cosine: full marks at ``TEXT_FULL`` and above.

    Short texts about the same work share a good part of their n-grams but rarely most of them,
    so the cosine is rescaled to use the component's whole range.
    """
    return np.asarray(np.clip(similarity / TEXT_FULL, 0, 1), dtype=np.float64)


GRADE_VALUE = {"5A": 1.0, "4A": 0.8, "3A": 0.6}
#: The lowest score a round proposes by default: under it an open slot beats the partner.
DEFAULT_MIN_SCORE = 0.55
#: The category component of a partner that does the work only through a product of it.
PRODUCT_ONLY = 0.6
#: ... and of one that does only a related category (vocab.RELATED_CATEGORIES).
RELATED_ONLY = 0.4
#: The n-gram cosine that earns the text component in full.
TEXT_FULL = 0.25
#: Distance scales of the proximity component, on site and from afar.
ONSITE_KM, REMOTE_KM = 25.0, 100.0


def demand_preference(components: dict[str, FloatArray], grade: FloatArray) -> FloatArray:
    """How a community rates a partner: quality — track record, grade, proximity, coverage."""
    coverage = 0.5 * components["category"] + 0.5 * components["resources"]
    value = (components["track_record"] + grade + components["proximity"] + coverage) / 4
    return np.asarray(np.round(np.asarray(value, dtype=np.float64), 6), dtype=np.float64)


def partner_preference(components: dict[str, FloatArray], focus: FloatArray) -> FloatArray:
    """How a partner rates a demand: its own interest, its category focus, distance."""
    value = (components["interest"] + focus + components["proximity"]) / 3
    return np.asarray(np.round(np.asarray(value, dtype=np.float64), 6), dtype=np.float64)


def urgency_value(urgency: Sequence[str]) -> FloatArray:
    """low 0, normal ⅓, high ⅔, urgent 1."""
    table = {"low": 0.0, "normal": 1 / 3, "high": 2 / 3, "urgent": 1.0}
    return np.asarray([table.get(u, 1 / 3) for u in urgency], dtype=np.float64)
