"""A location picked from the places the app knows (district centres and communities) rather
than typed as latitude and longitude: the profile form's select, and how its choice fills the
coordinates the engine measures distances with.

No map tiles are fetched from anywhere; the coordinates are the ones the app already holds.
"""

from __future__ import annotations

from itertools import groupby

from matchmaker.queries.communities import Place
from matchmaker.web.forms import FormValues
from matchmaker.web.i18n import Words

__all__ = ["WORDS", "chosen", "grouped", "with_place"]

WORDS: Words = {
    "place": ("所在地点", "Where you are"),
    "place_hint": (
        "从区县或社区中选一个离贵机构最近的地点，距离按它计算。",
        "Pick the district or community nearest your organisation; distances are measured from it.",
    ),
    "place_none": ("（不选，或按下面的坐标）", "(none, or the coordinates below)"),
    "place_centre": ("区县中心", "district centre"),
    "exact_coords": ("精确坐标（可不填）", "Exact coordinates (optional)"),
}


def with_place(values: FormValues, places: list[Place]) -> FormValues:
    """The form's values with ``lat``/``lon`` taken from the chosen place, when one was chosen
    (an unknown choice changes nothing; the typed coordinates then stand)."""
    key = (values.get("place") or [""])[-1]
    place = next((p for p in places if p.key == key), None)
    if place is None:
        return values
    return values | {"lat": [f"{place.lat:.6f}"], "lon": [f"{place.lon:.6f}"]}


def chosen(lat: object, lon: object, places: list[Place]) -> str:
    """The place whose coordinates the organisation has (to show it selected), or ""."""
    try:
        at = (round(float(str(lat)), 5), round(float(str(lon)), 5))
    except ValueError:
        return ""
    return next((p.key for p in places if (round(p.lat, 5), round(p.lon, 5)) == at), "")


def grouped(places: list[Place]) -> list[tuple[str, list[Place]]]:
    """The places by district, for the select's option groups."""
    return [(district, list(group)) for district, group in groupby(places, lambda p: p.district)]
