"""A round's candidate pairs on arrays: what the ``candidates`` query of ``sql/queries/rounds.sql``
defines, computed from each side's reach read once (some 50,000 needs and 10,000 partners).

The query stays the definition (``tests/test_round_fast_path.py`` holds this to it, pair for pair):
a partner may be proposed for a need of a category it does (its own, its products', or a related
one) when it serves the need's district, or its radius reaches the need (distance as the SQL
function ``haversine_km`` measures it, over the same ¼° grid cells ``grid_cells`` gives), or the
need can be met from afar and the partner delivers remotely one of the resource types asked. Joins
become sorted-key joins; a distance within a hair of a radius is measured again one pair at a time
with the C library's functions, as PostgreSQL measures it, so numpy's vectorised sine cannot move
a pair across the edge.

>>> needs = DemandReach(np.array([1]), np.array([5]), np.array([30.6]), np.array([104.0]),
...                     np.array([2]), np.array([0]), np.array([True]))
>>> partners = PartnerReach(np.array([9]), np.array([30.6]), np.array([104.1]), np.array([20]),
...                         np.array([0]), np.array([0, 1]), np.array([2]),
...                         np.array([], np.int64), np.array([], np.int64))
>>> [a.tolist() for a in pairs(needs, partners)]  # 9.6 km away, within its 20 km
[[1], [9], [True]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchmaker.matching.arrays import distinct
from matchmaker.matching.problem import FloatArray, IntArray

__all__ = ["DemandReach", "PartnerReach", "pairs", "without"]

BoolArray = npt.NDArray[np.bool_]

#: PostgreSQL's ``radians()`` multiplies by this constant (``RADIANS_PER_DEGREE`` in float.c).
RADIANS_PER_DEGREE = 0.0174532925199432957692
#: ``haversine_km``'s ``2 * 6371.0088``: a numeric product, then taken as a double.
DIAMETER_KM = 12742.0176
#: The grid's cell, in degrees (``grid_cells``).
CELL = 0.25
#: A distance this close to a radius is measured again the way PostgreSQL measures it.
BORDER_KM = 1e-6


@dataclass(frozen=True)
class DemandReach:
    """Where each need is and what it asks: ids, district, position, category (its index in the
    vocabulary), resource types asked (a bit mask) and whether it must be met on site."""

    ids: IntArray
    district: IntArray
    lat: FloatArray
    lon: FloatArray
    category: IntArray
    resources: IntArray
    onsite_only: BoolArray


@dataclass(frozen=True)
class PartnerReach:
    """Where each partner may work: ids, base, radius (km), resource types delivered remotely (a
    bit mask); the categories it can be proposed for (``can_do`` by partner, compressed rows:
    partner ``i``'s are ``can_do[can_do_ptr[i]:can_do_ptr[i + 1]]``) and the districts it serves
    (``district_owner`` × ``districts``)."""

    ids: IntArray
    lat: FloatArray
    lon: FloatArray
    radius: IntArray
    remote: IntArray
    can_do_ptr: IntArray
    can_do: IntArray
    district_owner: IntArray
    districts: IntArray


def _join(left: IntArray, right: IntArray) -> tuple[IntArray, IntArray]:
    """Every (i, j) with ``left[i] == right[j]``: an equi-join on sorted keys."""
    order = np.argsort(right, kind="stable")
    keys = right[order]
    lo = np.searchsorted(keys, left, "left")
    counts = np.searchsorted(keys, left, "right") - lo
    li = np.repeat(np.arange(len(left)), counts)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    return li, order[np.arange(len(li)) + starts]


def _expand(owner_ptr: IntArray, values: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """For each entry ``k`` of ``rows`` (a partner), one (k, value) per value of that partner."""
    counts = owner_ptr[rows + 1] - owner_ptr[rows]
    k = np.repeat(np.arange(len(rows)), counts)
    starts = np.repeat(owner_ptr[rows] - (np.cumsum(counts) - counts), counts)
    return k, values[np.arange(len(k)) + starts]


def _km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """``haversine_km`` term for term (radians of the difference, as the SQL function takes it)."""
    a = np.sin((lat2 - lat1) * RADIANS_PER_DEGREE / 2) ** 2
    b = np.sin((lon2 - lon1) * RADIANS_PER_DEGREE / 2) ** 2
    h = a + np.cos(lat1 * RADIANS_PER_DEGREE) * np.cos(lat2 * RADIANS_PER_DEGREE) * b
    return np.asarray(DIAMETER_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), np.float64)


def _km_libm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """One distance with the C library's functions, as PostgreSQL computes ``haversine_km``."""
    a = math.pow(math.sin((lat2 - lat1) * RADIANS_PER_DEGREE / 2), 2)
    b = math.pow(math.sin((lon2 - lon1) * RADIANS_PER_DEGREE / 2), 2)
    h = a + math.cos(lat1 * RADIANS_PER_DEGREE) * math.cos(lat2 * RADIANS_PER_DEGREE) * b
    return DIAMETER_KM * math.asin(min(1.0, math.sqrt(h)))


def _reachable(d: DemandReach, p: PartnerReach) -> BoolArray:
    """The query's partners worth looking at: remote, serving a district of the needs, or with a
    radius that reaches the needs' box (1° of latitude taken as 110 km, of longitude as 55)."""
    serves = np.zeros(len(p.ids), bool)
    serves[p.district_owner[np.isin(p.districts, d.district)]] = True
    r = p.radius.astype(np.float64)
    near = (
        (p.radius > 0)
        & (p.lat >= d.lat.min() - r / 110.0)
        & (p.lat <= d.lat.max() + r / 110.0)
        & (p.lon >= d.lon.min() - r / 55.0)
        & (p.lon <= d.lon.max() + r / 55.0)
    )
    return np.asarray((p.remote != 0) | serves | near)


def _cells(p: PartnerReach, rows: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """(partner row, cell y, cell x) of each cell ``grid_cells`` gives for these partners (cut to
    the cells any place on earth lies in: the join's answer is the same)."""
    lat, lon, r = p.lat[rows], p.lon[rows], p.radius[rows].astype(np.float64)
    cos = np.array([math.cos(x * RADIANS_PER_DEGREE) for x in lat.tolist()], np.float64)
    y0 = np.maximum(np.floor((lat - r / 111.0) / CELL), -361).astype(np.int64)
    y1 = np.minimum(np.floor((lat + r / 111.0) / CELL), 361).astype(np.int64)
    with np.errstate(divide="ignore"):
        span = r / (111.0 * cos)
    x0 = np.maximum(np.floor((lon - span) / CELL), -721).astype(np.int64)
    x1 = np.minimum(np.floor((lon + span) / CELL), 721).astype(np.int64)
    ny, nx = y1 - y0 + 1, x1 - x0 + 1
    counts = ny * nx
    k = np.repeat(np.arange(len(rows)), counts)
    local = np.arange(len(k)) - np.repeat(np.cumsum(counts) - counts, counts)
    return k, y0[k] + local // nx[k], x0[k] + local % nx[k]


def _cell_key(y: IntArray, x: IntArray, category: IntArray, n_categories: int) -> IntArray:
    return ((y + 1000) * 4096 + (x + 2048)) * n_categories + category


def pairs(d: DemandReach, p: PartnerReach) -> tuple[IntArray, IntArray, BoolArray]:
    """(demand ids, actor ids, on site?) of the candidate pairs, unordered, each pair once; the
    pairs never proposed are the caller's (``without``)."""
    empty = np.zeros(0, np.int64)
    if len(d.ids) == 0 or len(p.ids) == 0:
        return empty, empty.copy(), np.zeros(0, bool)
    n_cat = int(max(d.category.max(), p.can_do.max(initial=0))) + 1
    rows = np.flatnonzero(_reachable(d, p))
    districts = distinct(np.concatenate([d.district, p.districts]))
    d_district = np.searchsorted(districts, d.district)
    serves_key = p.district_owner * len(districts) + np.searchsorted(districts, p.districts)
    kept_rows = np.zeros(len(p.ids), bool)
    kept_rows[rows] = True

    # served: the partner serves the need's district and does its category
    own = kept_rows[p.district_owner]
    owner, dist = p.district_owner[own], np.searchsorted(districts, p.districts[own])
    k, cat = _expand(p.can_do_ptr, p.can_do, owner)
    di, t = _join(d_district * n_cat + d.category, dist[k] * n_cat + cat)
    served = (di, owner[k[t]])

    # near: the partner's radius reaches the need (same ¼° cell, same category, then the distance)
    radial = rows[p.radius[rows] > 0]
    c, cy, cx = _cells(p, radial)
    k, cat = _expand(p.can_do_ptr, p.can_do, radial[c])
    y = np.floor(d.lat / CELL).astype(np.int64)
    x = np.floor(d.lon / CELL).astype(np.int64)
    ndi, t = _join(_cell_key(y, x, d.category, n_cat), _cell_key(cy[k], cx[k], cat, n_cat))
    npi = radial[c[k[t]]]
    km = _km(d.lat[ndi], d.lon[ndi], p.lat[npi], p.lon[npi])
    radius = p.radius[npi].astype(np.float64)
    inside = km <= radius
    for e in np.flatnonzero(np.abs(km - radius) <= BORDER_KM).tolist():
        i, j = int(ndi[e]), int(npi[e])
        inside[e] = _km_libm(d.lat[i], d.lon[i], p.lat[j], p.lon[j]) <= radius[e]
    ndi, npi = ndi[inside], npi[inside]

    # far: the need may be met from afar and the partner delivers one of its resource types so
    remote = rows[p.remote[rows] != 0]
    k, cat = _expand(p.can_do_ptr, p.can_do, remote)
    fdi, t = _join(d.category, cat)
    fpi = remote[k[t]]
    asked = d.resources[fdi]
    ok = ~d.onsite_only[fdi] & (((asked & p.remote[fpi]) != 0) | (asked == 0))
    fdi, fpi = fdi[ok], fpi[ok]

    # near and far, less the pairs served by district, each pair once (on site if either is)
    edi, epi = np.concatenate([ndi, fdi]), np.concatenate([npi, fpi])
    eon = np.concatenate([np.ones(len(ndi), bool), np.zeros(len(fdi), bool)])
    out = np.isin(epi * len(districts) + d_district[edi], serves_key)
    key = edi[~out] * len(p.ids) + epi[~out]
    unique, inverse = np.unique(key, return_inverse=True)
    onsite = np.zeros(len(unique), bool)
    onsite[inverse[eon[~out]]] = True
    xdi, xpi = unique // len(p.ids), unique % len(p.ids)

    return (
        np.concatenate([d.ids[served[0]], d.ids[xdi]]),
        np.concatenate([p.ids[served[1]], p.ids[xpi]]),
        np.concatenate([np.ones(len(served[0]), bool), onsite]),
    )


def without(
    pair_d: IntArray,
    pair_a: IntArray,
    onsite: BoolArray,
    out_d: IntArray,
    out_a: IntArray,
) -> tuple[IntArray, IntArray, BoolArray]:
    """The pairs less those never proposed (``out_d`` × ``out_a``, taken out by key rather than
    by an anti-join probed per pair), ordered by demand then actor: the round's input, and so its
    result, stays deterministic."""
    key = pair_d << 32 | pair_a  # ids below 2³¹: one key orders as (demand, actor) does
    if len(out_d):
        keep = ~np.isin(key, out_d << 32 | out_a)
        key, onsite = key[keep], onsite[keep]
    order = np.argsort(key)
    key = key[order]
    return key >> 32, key & 0xFFFFFFFF, onsite[order]
