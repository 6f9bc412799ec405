"""Reports for 社治委: an area and a period in, a :class:`~matchmaker.models.reports.Report` out.

The area is a key — ``city:成都市``, ``district:3``, ``town:5``, ``community:7``, or empty for
everything the user may see — and only curators governing all of it may ask (a coordinator asking
for a place outside their area is refused, and nothing of it is read). The period is two Sichuan
dates, both included. PostgreSQL counts one row per community; :func:`roll_up` adds them up the
tree (community → 街道 → 区县 → city), so every place's figures are its children's sums.

>>> leaf = Leaf("成都市", 1, "邛崃市", 1, "文君街道", 3, "渔箭社区", Figures(needs_posted=2))
>>> [(p.key, p.figures.needs_posted) for p in roll_up(Area("all", "all", "全部"), [leaf, leaf])][:2]
[('all', 4), ('city:成都市', 4)]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

import asyncpg
import msgspec
import numpy as np

from matchmaker import controls
from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.reports import (
    FIELDS,
    LEVELS,
    Area,
    CategoryRow,
    Figures,
    LeftOpen,
    Level,
    Place,
    ProposalRow,
    Report,
    RoundRow,
    average,
)
from matchmaker.models.rounds import Unmatched
from matchmaker.models.stats import Indicator
from matchmaker.queries import reports as q
from matchmaker.queries import stats
from matchmaker.queries.reports import Where
from matchmaker.services.access import governs, require_curator
from matchmaker.services.notice_text import CHINA
from matchmaker.services.round_labels import REASON_LABELS
from matchmaker.vocab import LABELS

__all__ = [
    "PROPOSAL_CAP",
    "Leaf",
    "build",
    "narrowing",
    "period",
    "resolve_area",
    "roll_up",
    "today",
]

#: A report lists at most this many proposals (its figures count them all).
PROPOSAL_CAP = 5000
_KINDS = ("city", "district", "town", "community")
_ID_MAX = 2**62


def today() -> dt.date:
    """The date in Sichuan now: the default end of a report's period."""
    return dt.datetime.now(CHINA).date()


def period(since: str | None, until: str | None, now: dt.date) -> tuple[dt.date, dt.date]:
    """The period asked (``YYYY-MM-DD`` each, both included); by default this year so far."""
    days: dict[str, dt.date] = {}
    for field, given in (("from", since), ("to", until)):
        text = (given or "").strip()
        if not text:
            continue
        try:
            days[field] = dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field=field) from None
    end = days.get("to", now)
    start = days.get("from", dt.date(end.year, 1, 1))
    if end < start:
        raise Invalid(f"to: {end} is before from ({start})", field="to")
    return start, end


async def resolve_area(
    conn: asyncpg.Connection, user: CurrentUser | None, key: str | None
) -> tuple[Area, Where]:
    """The area a key names and how queries filter to it; refuses unknown places (400) and places
    outside a coordinator's area (403)."""
    require_curator(user)
    assert user is not None
    text = (key or "").strip()
    if text in ("", "all"):
        if user.role == "admin":
            return Area("all", "all", "全部地区"), Where(None)
        return Area("all", "all", "我的辖区"), Where(sorted(user.districts))
    if controls.FORBIDDEN.search(text):
        raise Invalid("area: holds a control character", field="area")
    kind, _, value = text.partition(":")
    if kind not in _KINDS or not value:
        raise Invalid(
            "area: give city:<name>, district:<id>, town:<id> or community:<id>", field="area"
        )
    level: Level = kind  # type: ignore[assignment]
    if kind == "city":
        districts = await q.city_districts(conn, value)
        if not districts:
            raise Invalid(f"area: there is no city {value!r}", field="area")
        area, where = Area(text, level, value), Where(districts)
    else:
        if not value.isdigit() or not 0 < int(value) <= _ID_MAX:
            raise Invalid(f"area: {value!r} is not an id", field="area")
        found = await getattr(q, kind)(conn, int(value))
        if found is None:
            raise Invalid(f"area: there is no {kind} {value}", field="area")
        district_id = found["id"] if kind == "district" else found["district_id"]
        area = Area(f"{kind}:{int(value)}", level, found["name"])
        where = Where(
            [district_id],
            town=found["id"] if kind == "town" else None,
            community=found["id"] if kind == "community" else None,
        )
    outside = [d for d in where.districts or [] if not governs(user, d)]
    if outside:
        raise Forbidden(
            "area: only a coordinator governing all of it (or an admin) may read its report; "
            "coordinators read reports of their area only",
            field="area",
        )
    return area, where


class Leaf(NamedTuple):
    """A community with where it lies and its figures: what :func:`roll_up` adds up."""

    city: str
    district_id: int
    district_name: str
    town_id: int
    town_name: str
    community_id: int
    name: str
    figures: Figures


def _finish(place: Place) -> Place:
    f = place.figures
    place.average_rating = average(f.rating_sum, f.rated)
    place.average_days = average(f.days_sum, f.partnerships_completed)
    return place


def roll_up(area: Area, leaves: list[Leaf]) -> list[Place]:
    """The area and every place under it, depth first, each with the sum of its communities'
    figures; a place's parent is the one before it in the chain city → 区县 → 街道 → community.

    The sums are made on one array (each community's figures added into each of its places at
    once): field by field in Python, a province's 50,000 communities took 2.3 s."""
    top = LEVELS.index(area.level)
    places: dict[str, Place] = {area.key: Place(area.key, area.level, area.name, None, Figures())}
    index: dict[str, int] = {area.key: 0}
    children: dict[str, list[str]] = defaultdict(list)
    place_of: list[int] = []  # each (community, level) pair: the place it adds into ...
    leaf_of: list[int] = []  # ... and the community
    for i, leaf in enumerate(leaves):
        full: list[tuple[str, Level, str]] = [
            ("all", "all", area.name),
            (f"city:{leaf.city}", "city", leaf.city),
            (f"district:{leaf.district_id}", "district", leaf.district_name),
            (f"town:{leaf.town_id}", "town", leaf.town_name),
            (f"community:{leaf.community_id}", "community", leaf.name),
        ]
        chain = full[top:]
        chain[0] = (area.key, area.level, area.name)
        parent: str | None = None
        for key, level, name in chain:
            if key not in places:
                places[key] = Place(key, level, name, parent, Figures())
                index[key] = len(index)
                children[parent or ""].append(key)
            place_of.append(index[key])
            leaf_of.append(i)
            parent = key
    values = np.array(
        [msgspec.structs.astuple(leaf.figures) for leaf in leaves], dtype=np.int64
    ).reshape(len(leaves), len(FIELDS))
    sums = np.zeros((len(index), len(FIELDS)), dtype=np.int64)
    np.add.at(sums, np.asarray(place_of, np.intp), values[np.asarray(leaf_of, np.intp)])
    for key, row in zip(index, sums.tolist(), strict=True):
        places[key].figures = Figures(*row)
    ordered: list[Place] = []

    def walk(key: str) -> None:
        ordered.append(_finish(places[key]))
        for child in children.get(key, []):
            walk(child)

    walk(area.key)
    return ordered


def _leaf(
    row: asyncpg.Record, meets: dict[int, tuple[bool, list[Indicator]]], left: Counter[int]
) -> Leaf:
    columns = set(row.keys())  # (``in`` a Record looks at its values)
    values = {f: row[f] for f in FIELDS if f in columns}
    met, shortfalls = meets.get(row["id"], (False, []))
    values["communities"] = 1
    values["meets_1257n"] = int(met)
    for indicator in shortfalls:
        values[f"short_{indicator}"] = 1
    values["left_open"] = left[row["id"]]
    return Leaf(
        row["city"],
        row["district_id"],
        row["district_name"],
        row["town_id"],
        row["town_name"],
        row["id"],
        row["name"],
        Figures(**values),
    )


async def _rounds(
    conn: asyncpg.Connection, where: Where, since: dt.datetime, until: dt.datetime
) -> tuple[list[RoundRow], list[ProposalRow], list[LeftOpen], Counter[int]]:
    """Real rounds of the period with what they did in the area: proposals (capped), needs left
    open with their reasons, and how many each community had left open."""
    rounds = await q.rounds(conn, since, until)
    ids = [r["id"] for r, _ in rounds]
    rows = await q.proposals(conn, where, ids, PROPOSAL_CAP)
    proposals = [
        ProposalRow(
            round_id=r["round_id"],
            id=r["id"],
            demand_id=r["demand_id"],
            title=r["title"],
            community=r["community"],
            partner=r["partner"],
            score=r["score"],
            components=dict(r["components"]),
            status=r["status"],
        )
        for r in rows
    ]
    in_round = {r["round_id"]: r["in_round"] for r in rows}
    reasons = {r["id"]: msgspec.json.decode(raw, type=list[Unmatched]) for r, raw in rounds}
    needs = await q.area_needs(
        conn, where, sorted({u.demand_id for found in reasons.values() for u in found})
    )
    left_open: list[LeftOpen] = []
    per_community: Counter[int] = Counter()
    kept: list[RoundRow] = []
    for r, _ in rounds:
        here = [u for u in reasons[r["id"]] if u.demand_id in needs]
        for u in here:
            need = needs[u.demand_id]
            per_community[need["community_id"]] += 1
            zh, en = REASON_LABELS.get(u.reason, (u.reason, u.reason))
            left_open.append(
                LeftOpen(
                    round_id=r["id"],
                    demand_id=u.demand_id,
                    title=need["title"],
                    community=need["community"],
                    open_slots=u.open_slots,
                    reason=u.reason,
                    reason_label=zh,
                    reason_label_en=en,
                    detail=u.detail,
                )
            )
        if here or r["id"] in in_round:
            kept.append(
                RoundRow(
                    r["id"], r["algorithm"], r["created_at"], in_round.get(r["id"], 0), len(here)
                )
            )
    return kept, proposals, left_open, per_community


async def narrowing(
    conn: asyncpg.Connection,
    user: CurrentUser | None,
    area_key: str | None,
    since: str | None,
    until: str | None,
    now: dt.date | None = None,
) -> tuple[Area, list[int] | None, stats.Narrower, tuple[dt.date, dt.date] | None]:
    """The dashboard's filters, checked as a report's: the area, its districts and what narrows
    them (a town, a community, the period — all time when neither date is given)."""
    area, where = await resolve_area(conn, user, area_key)
    span = None
    t0 = t1 = None
    if (since or "").strip() or (until or "").strip():
        span = period(since, until, now or today())
        t0 = dt.datetime.combine(span[0], dt.time(), CHINA)
        t1 = dt.datetime.combine(span[1] + dt.timedelta(days=1), dt.time(), CHINA)
    return area, where.districts, stats.Narrower(where.town, where.community, t0, t1), span


async def build(
    conn: asyncpg.Connection,
    user: CurrentUser | None,
    area_key: str | None,
    since: str | None,
    until: str | None,
    now: dt.date | None = None,
) -> Report:
    """The report of an area for a period, every figure read in one snapshot."""
    area, where = await resolve_area(conn, user, area_key)
    start, end = period(since, until, now or today())
    t0 = dt.datetime.combine(start, dt.time(), CHINA)
    t1 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CHINA)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await q.communities(conn, where, t0, t1)
        standard = await stats.standard_1257n(
            conn, where.districts, stats.Narrower(where.town, where.community)
        )
        category_rows = await q.needs_by_category(conn, where, t0, t1)
        rounds, proposals, left_open, left = await _rounds(conn, where, t0, t1)
    ids = {r["id"] for r in rows}
    communities = [c for c in standard.communities if c.community_id in ids]
    meets = {c.community_id: (c.meets, [s.indicator for s in c.shortfalls]) for c in communities}
    places = roll_up(area, [_leaf(r, meets, left) for r in rows])
    labels = LABELS["category"]
    categories = [
        CategoryRow(
            category=r["category"],
            label=labels[r["category"]][0],
            label_en=labels[r["category"]][1],
            **{k: r[k] for k in ("posted", "open", "matched", "fulfilled", "cancelled")},
        )
        for r in category_rows
    ]
    return Report(
        area=area,
        since=start,
        until=end,
        places=places,
        categories=categories,
        rounds=rounds,
        proposals=proposals,
        proposals_total=places[0].figures.proposals,
        left_open=left_open,
        communities_1257n=communities,
    )
