"""A location picked from the places the app knows (district centres and communities) rather
than typed as latitude and longitude: the profile form's select, and how its choice fills the
coordinates the engine measures distances with.

No map tiles are fetched from anywhere; the coordinates are the ones the app already holds. A
province holds some 50,000 communities, too many for one select: it lists every district's centre
and the communities of the districts the organisation serves or lies in (:func:`listed`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import groupby

import numpy as np

from matchmaker.matching.score import haversine_km
from matchmaker.models.communities import District
from matchmaker.queries.communities import Place
from matchmaker.web.forms import FormValues
from matchmaker.web.i18n import Words

__all__ = ["WORDS", "at", "chosen", "grouped", "listed", "nearest", "picked", "with_place"]

WORDS: Words = {
    "place": ("所在地点", "Where you are"),
    "place_hint": (
        "从区县或社区中选一个离贵机构最近的地点，距离按它计算。列出的是所有区县中心，以及贵机构服务的"
        "区县和所在区县的社区；在别处请选区县中心或填写坐标。",
        "Pick the district or community nearest your organisation; distances are measured from it. "
        "Listed: every district's centre, and the communities of the districts you serve and the "
        "one you are in; elsewhere, pick a district centre or give the coordinates.",
    ),
    "place_now": (
        "现在的坐标离「{name}」约 {km} 公里。",
        "Your coordinates now lie about {km} km from {name}.",
    ),
    "place_none": ("（不选，或按下面的坐标）", "(none, or the coordinates below)"),
    "place_centre": ("区县中心", "district centre"),
    "exact_coords": ("精确坐标（可不填）", "Exact coordinates (optional)"),
}


def picked(values: FormValues) -> str:
    """The key of the place the form chose ("" for none)."""
    return (values.get("place") or [""])[-1]


def with_place(values: FormValues, place: Place | None) -> FormValues:
    """The form's values with ``lat``/``lon`` taken from the chosen place, when one was found
    (an unknown choice changes nothing; the typed coordinates then stand)."""
    if place is None:
        return values
    return values | {"lat": [f"{place.lat:.6f}"], "lon": [f"{place.lon:.6f}"]}


def at(lat: object, lon: object) -> tuple[float, float] | None:
    """The form's coordinates as numbers, or None when they are not a point on the earth."""
    try:
        point = float(str(lat)), float(str(lon))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in point) or abs(point[0]) > 90 or abs(point[1]) > 180:
        return None
    return point


def chosen(lat: object, lon: object, places: list[Place]) -> str:
    """The place whose coordinates the organisation has (to show it selected), or ""."""
    point = at(lat, lon)
    if point is None:
        return ""
    rounded = (round(point[0], 5), round(point[1], 5))
    return next((p.key for p in places if (round(p.lat, 5), round(p.lon, 5)) == rounded), "")


def _km(lat: float, lon: float, lats: Sequence[float], lons: Sequence[float]) -> np.ndarray:
    """Kilometres from (lat, lon) to each of the points, as rounds measure them."""
    n = len(lats)
    return haversine_km(np.full(n, lat), np.full(n, lon), np.asarray(lats), np.asarray(lons))


def listed(
    served: Iterable[int], lat: object, lon: object, districts: Sequence[District]
) -> list[int]:
    """The districts whose communities the select lists: those ``served`` (with the one of a
    community at its coordinates, when the caller found one), and the one whose centre lies
    nearest the organisation's coordinates (where it is, if it serves elsewhere)."""
    ids = dict.fromkeys(served)
    point = at(lat, lon)
    if point is not None and districts:
        km = _km(*point, [d.lat for d in districts], [d.lon for d in districts])
        ids[districts[int(np.argmin(km))].id] = None
    return list(ids)


def nearest(lat: object, lon: object, places: list[Place]) -> tuple[Place, float] | None:
    """The listed place nearest the coordinates and how far it is (km, one decimal), for a
    location typed as coordinates: the reader sees where that is."""
    point = at(lat, lon)
    if point is None or not places:
        return None
    km = _km(*point, [p.lat for p in places], [p.lon for p in places])
    i = int(np.argmin(km))
    return places[i], round(float(km[i]), 1)


def grouped(places: list[Place]) -> list[tuple[str, list[Place]]]:
    """The places by district, for the select's option groups."""
    return [(district, list(group)) for district, group in groupby(places, lambda p: p.district)]
