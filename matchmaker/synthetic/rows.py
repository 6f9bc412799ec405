"""Drawing a synthetic marketplace's rows: pure functions, the random generator and the world
written so far in, records out (``writer`` copies them). The order of the draws is part of a
seed's meaning: the same seed draws the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from matchmaker.models.actors import REMOTABLE
from matchmaker.segment import search_text
from matchmaker.synthetic.vocabulary import (
    ACTIONS,
    ACTOR_KIND_WEIGHTS,
    ACTOR_KINDS,
    BUDGET_WEIGHTS,
    BUDGETS,
    CATEGORIES,
    CATEGORY_GROUP,
    CATEGORY_WEIGHTS,
    CITY,
    COMMUNITY_KIND_WEIGHTS,
    COMMUNITY_KINDS,
    COMMUNITY_PREFIX,
    COMMUNITY_WORDS,
    DEMAND_WORDS,
    DISTRICT_MARGIN,
    GRADE_WEIGHTS,
    GRADED_KINDS,
    GRADES,
    INTAKE_CHANNELS,
    INTAKE_WEIGHTS,
    LAT_RANGE,
    LON_RANGE,
    NICK_HEADS,
    NICK_TAILS,
    PARTNER_PREFIX,
    PROJECT_NOUNS,
    RADIUS_SHARE,
    REASONS,
    RESOURCE_TYPES,
    SKILLS,
    SPREAD_DEGREES,
    TAGLINES,
    TARGET_GROUPS,
    URGENCIES,
    URGENCY_WEIGHTS,
    WINDOW_LENGTH_DAYS,
    WINDOW_START_DAYS,
    label,
)

__all__ = [
    "CHUNK", "Record", "World", "district_name", "draw_actor_districts", "draw_actors",
    "draw_communities", "draw_demands", "draw_districts", "draw_town_counts", "draw_towns",
]  # fmt: skip

T = TypeVar("T")
Record = tuple[Any, ...]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

#: Demands drawn per batch (part of the seed's meaning: changing it changes the rows).
CHUNK = 10_000


@dataclass
class World:
    """What later tables refer to: ids and positions of the rows written so far."""

    seed: int
    today: dt.date
    remote_share: float = 0.10
    district_ids: list[int] = field(default_factory=list)
    district_lat: Floats = field(default_factory=lambda: np.zeros(0))
    district_lon: Floats = field(default_factory=lambda: np.zeros(0))
    town_ids: list[int] = field(default_factory=list)
    town_district: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    community_ids: list[int] = field(default_factory=list)
    community_nicks: list[str] = field(default_factory=list)
    actor_ids: list[int] = field(default_factory=list)
    actor_home: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def district_name(seed: int, number: int) -> str:
    return f"合成区S{seed}-{number:03d}"


def _serial(seed: int, number: int) -> tuple[str, str]:
    """A row's serial for its name (``S7-000123``) and that serial's search tokens (``s7 000123``).

    The tokens are written directly (they are what jieba gives) so that 100,000 distinct names
    cost no segmentation; the name's Chinese prefix is segmented once like any fragment.
    """
    return f"S{seed}-{number:06d}", f"s{seed} {number:06d}"


# --- drawing -------------------------------------------------------------------------------------


def _pick(
    rng: np.random.Generator, options: tuple[T, ...], n: int, weights: npt.ArrayLike | None = None
) -> list[T]:
    """``n`` draws from ``options``, uniform or by relative ``weights``."""
    p = None if weights is None else np.asarray(weights, dtype=np.float64)
    drawn = rng.choice(len(options), size=n, p=None if p is None else p / p.sum())
    return [options[i] for i in drawn.tolist()]


def _subsets(
    rng: np.random.Generator,
    options: tuple[str, ...],
    sizes: Ints,
    weights: npt.ArrayLike | None = None,
) -> list[list[str]]:
    """Per row, ``sizes[i]`` distinct options drawn by weight (Gumbel top-k, one array op)."""
    log_weights = np.log(np.ones(len(options)) if weights is None else np.asarray(weights, float))
    keys = log_weights + rng.gumbel(size=(len(sizes), len(options)))
    order = np.argsort(-keys, axis=1)[:, : int(sizes.max())].tolist()
    return [[options[j] for j in row[:k]] for row, k in zip(order, sizes.tolist(), strict=True)]


def _sizes_between(rng: np.random.Generator, low: int, weights: tuple[float, ...], n: int) -> Ints:
    """``n`` counts from ``low`` up, ``weights[i]`` the weight of ``low + i``."""
    p = np.asarray(weights) / sum(weights)
    return low + rng.choice(len(weights), size=n, p=p)


def _near(rng: np.random.Generator, centre: Floats, bounds: tuple[float, float]) -> list[float]:
    """Positions scattered around their centres, kept inside the box, to the metre."""
    values = np.clip(centre + rng.normal(0.0, SPREAD_DEGREES, size=len(centre)), *bounds)
    return [float(v) for v in np.round(values, 6)]


# --- building records (pure: rng and world in, rows out) ----------------------------------------


def draw_districts(rng: np.random.Generator, world: World, ids: list[int]) -> list[Record]:
    n = len(ids)
    world.district_ids = ids
    world.district_lat = np.round(
        rng.uniform(LAT_RANGE[0] + DISTRICT_MARGIN, LAT_RANGE[1] - DISTRICT_MARGIN, n), 6
    )
    world.district_lon = np.round(
        rng.uniform(LON_RANGE[0] + DISTRICT_MARGIN, LON_RANGE[1] - DISTRICT_MARGIN, n), 6
    )
    lats, lons = world.district_lat.tolist(), world.district_lon.tolist()
    return [(ids[i], district_name(world.seed, i + 1), CITY, lats[i], lons[i]) for i in range(n)]


def draw_town_counts(rng: np.random.Generator, districts: int) -> Ints:
    """How many towns each district has: a few."""
    return rng.integers(3, 7, size=districts)


def draw_towns(
    rng: np.random.Generator, world: World, ids: list[int], counts: Ints
) -> list[Record]:
    world.town_ids = ids
    world.town_district = np.repeat(np.arange(len(counts)), counts)
    kinds = _pick(rng, ("street", "town"), len(ids), (0.6, 0.4))
    numbers = [j for count in counts.tolist() for j in range(1, count + 1)]
    records = []
    for i, (district, kind, number) in enumerate(
        zip(world.town_district.tolist(), kinds, numbers, strict=True)
    ):
        prefix = "合成街道" if kind == "street" else "合成镇"
        name = f"{prefix}S{world.seed}-{district + 1:03d}-{number:02d}"
        records.append((ids[i], world.district_ids[district], name, kind))
    return records


def _indicators(rng: np.random.Generator, n: int) -> list[list[int]]:
    """The 1257N columns, spread across the thresholds (1, 2, 5, 7, 1) so some communities meet
    them all and many miss one or two."""
    columns = (
        rng.choice(3, size=n, p=(0.15, 0.75, 0.10)),  # social-work rooms
        rng.integers(0, 7, size=n),  # social workers
        rng.integers(1, 13, size=n),  # registered community organisations
        rng.integers(2, 15, size=n),  # volunteer teams
        rng.integers(0, 8, size=n),  # charity resources
    )
    rows: list[list[int]] = np.stack(columns, axis=1).tolist()
    return rows


def _nicks(rng: np.random.Generator, n: int) -> list[str]:
    """Two-character place names (锦华, 桂溪 …) that titles use for their community."""
    heads = rng.integers(0, len(NICK_HEADS), size=n).tolist()
    tails = rng.integers(0, len(NICK_TAILS), size=n).tolist()
    return [NICK_HEADS[h] + NICK_TAILS[t] for h, t in zip(heads, tails, strict=True)]


def draw_communities(rng: np.random.Generator, world: World, ids: list[int]) -> list[Record]:
    n = len(ids)
    towns = rng.integers(0, len(world.town_ids), size=n)
    districts = world.town_district[towns]
    kinds = _pick(rng, COMMUNITY_KINDS, n, COMMUNITY_KIND_WEIGHTS)
    themes = [label("category", c) for c in _pick(rng, CATEGORIES, n, CATEGORY_WEIGHTS)]
    populations = rng.lognormal(8.6, 0.6, size=n).astype(np.int64).tolist()
    lats = _near(rng, world.district_lat[districts], LAT_RANGE)
    lons = _near(rng, world.district_lon[districts], LON_RANGE)
    indicators = _indicators(rng, n)
    world.community_ids, world.community_nicks = ids, _nicks(rng, n)
    records = []
    for i, (town, district) in enumerate(zip(towns.tolist(), districts.tolist(), strict=True)):
        serial, serial_tokens = _serial(world.seed, i + 1)
        nick, theme, kind_label = (
            world.community_nicks[i],
            themes[i],
            label("community_kind", kinds[i]),
        )
        description = f"{nick}片区，{kind_label}，常住人口约{populations[i]}人，以{theme}为特色。"
        text = search_text(COMMUNITY_PREFIX, nick, kind_label, theme, COMMUNITY_WORDS)
        records.append(
            (ids[i], COMMUNITY_PREFIX + serial, world.district_ids[district],
             world.town_ids[town], kinds[i], theme, populations[i], lats[i], lons[i],
             *indicators[i], description, f"{text} {serial_tokens}")
        )  # fmt: skip
    return records


def _grades(rng: np.random.Generator, kinds: list[str]) -> list[str | None]:
    """A grade (5A/4A/3A or none) only for the kinds the schema lets carry one."""
    drawn = _pick(rng, GRADES, len(kinds), GRADE_WEIGHTS)
    return [g if k in GRADED_KINDS else None for k, g in zip(kinds, drawn, strict=True)]


def draw_actors(rng: np.random.Generator, world: World, ids: list[int]) -> list[Record]:
    n = len(ids)
    world.actor_ids = ids
    world.actor_home = rng.integers(0, len(world.district_ids), size=n)
    kinds = _pick(rng, ACTOR_KINDS, n, ACTOR_KIND_WEIGHTS)
    grades = _grades(rng, kinds)
    categories = _subsets(rng, CATEGORIES, rng.integers(2, 5, size=n), CATEGORY_WEIGHTS)
    resources = _subsets(rng, RESOURCE_TYPES, rng.integers(1, 4, size=n))
    capacities = rng.integers(1, 9, size=n).tolist()
    # most serve only the districts they list; some come on site within 10–30 km of their base too
    radii = np.where(rng.random(n) < RADIUS_SHARE, rng.integers(10, 31, size=n), 0).tolist()
    remote = (rng.random(n) < world.remote_share).tolist()
    verified = (rng.random(n) < 0.85).tolist()
    lats = _near(rng, world.district_lat[world.actor_home], LAT_RANGE)
    lons = _near(rng, world.district_lon[world.actor_home], LON_RANGE)
    taglines = _pick(rng, TAGLINES, n)
    records = []
    for i in range(n):
        serial, serial_tokens = _serial(world.seed, i + 1)
        words = (
            label("actor_kind", kinds[i]),
            *(label("category", c) for c in categories[i]),
            *(label("resource_type", r) for r in resources[i]),
        )
        description = (
            f"{words[0]}，专注{'、'.join(words[1 : 1 + len(categories[i])])}，"
            f"可提供{'、'.join(words[1 + len(categories[i]) :])}。{taglines[i]}。"
        )
        records.append(
            (ids[i], PARTNER_PREFIX + serial, kinds[i], grades[i], verified[i], categories[i],
             resources[i], [r for r in resources[i] if r in REMOTABLE] if remote[i] else [],
             capacities[i], lats[i], lons[i], description,
             f"{search_text(PARTNER_PREFIX, *words, taglines[i])} {serial_tokens}", radii[i])
        )  # fmt: skip
    return records


def draw_actor_districts(rng: np.random.Generator, world: World) -> list[Record]:
    """Each partner serves its home district and, for some, one or two more."""
    n = len(world.actor_ids)
    counts = _sizes_between(rng, 1, (0.65, 0.25, 0.10), n).tolist()
    extras = rng.integers(0, len(world.district_ids), size=(n, 2)).tolist()
    records = []
    for i, (home, count) in enumerate(zip(world.actor_home.tolist(), counts, strict=True)):
        for district in dict.fromkeys([home, *extras[i][: count - 1]]):
            records.append((world.actor_ids[i], world.district_ids[district]))
    return records


def _target_groups(rng: np.random.Generator, categories: list[str]) -> list[list[str]]:
    """The category's own group (or a random one), and sometimes a second group."""
    first = _pick(rng, TARGET_GROUPS, len(categories))
    second = _pick(rng, TARGET_GROUPS, len(categories))
    two = (rng.random(len(categories)) < 0.35).tolist()
    groups = []
    for category, a, b, both in zip(categories, first, second, two, strict=True):
        lead = CATEGORY_GROUP.get(category, a)
        groups.append(list(dict.fromkeys([lead, b] if both else [lead])))
    return groups


def _windows(
    rng: np.random.Generator, today: dt.date, n: int
) -> tuple[list[dt.date], list[dt.date]]:
    """Open windows around ``today``: started up to two months ago or starting within two."""
    low, high = WINDOW_START_DAYS
    days = [today + dt.timedelta(days=d) for d in range(low, high + WINDOW_LENGTH_DAYS[1] + 1)]
    starts = rng.integers(0, high - low + 1, size=n)
    ends = starts + rng.integers(WINDOW_LENGTH_DAYS[0], WINDOW_LENGTH_DAYS[1] + 1, size=n)
    return [days[s] for s in starts.tolist()], [days[e] for e in ends.tolist()]


@dataclass(frozen=True)
class _DemandText:
    title: str
    description: str
    search_text: str


def _demand_text(
    nick: str, category: str, noun: str, reason: str, action: str,
    groups: list[str], resources: list[str], skills: list[str], beneficiaries: int,
) -> _DemandText:  # fmt: skip
    """Title and description from fragments; ``search_text`` from the same fragments' tokens."""
    category_label = label("category", category)
    group_labels = [label("target_group", g) for g in groups]
    resource_labels = [label("resource_type", r) for r in resources]
    title = f"{nick}{category_label}{noun}"
    description = (
        f"{reason}，{category_label}需求突出，{action}，面向{'、'.join(group_labels)}，"
        f"预计惠及{beneficiaries}人，希望获得{'、'.join(resource_labels)}。"
    )
    # the title tier is the whole title (as the app writes a need's), not the nickname alone: a
    # query matching the title's category or noun ranks the need as a title match
    text = search_text(
        title, category_label, reason, action, DEMAND_WORDS,
        *group_labels, *resource_labels, *skills,
    )  # fmt: skip
    return _DemandText(title, description, text)


def draw_demands(rng: np.random.Generator, world: World, ids: list[int]) -> Iterator[Record]:
    """Demands drawn ``CHUNK`` at a time, so drawing overlaps the COPY and memory stays flat."""
    for start in range(0, len(ids), CHUNK):
        yield from _demands(rng, world, ids[start : start + CHUNK])


def _demands(rng: np.random.Generator, world: World, ids: list[int]) -> list[Record]:
    n = len(ids)
    communities = rng.integers(0, len(world.community_ids), size=n).tolist()
    categories = _pick(rng, CATEGORIES, n, CATEGORY_WEIGHTS)
    resources = _subsets(rng, RESOURCE_TYPES, _sizes_between(rng, 1, (0.5, 0.35, 0.15), n))
    skills = _subsets(rng, SKILLS, _sizes_between(rng, 1, (0.5, 0.35, 0.15), n))
    groups = _target_groups(rng, categories)
    nouns = _pick(rng, PROJECT_NOUNS, n)
    reasons = _pick(rng, REASONS, n)
    actions = _pick(rng, ACTIONS, n)
    beneficiaries = rng.integers(20, 801, size=n).tolist()
    budgets = _pick(rng, BUDGETS, n, BUDGET_WEIGHTS)
    slots = _sizes_between(rng, 1, (0.80, 0.15, 0.05), n).tolist()
    urgencies = _pick(rng, URGENCIES, n, URGENCY_WEIGHTS)
    channels = _pick(rng, INTAKE_CHANNELS, n, INTAKE_WEIGHTS)
    statuses = _pick(rng, ("open", "draft"), n, (0.95, 0.05))
    starts, ends = _windows(rng, world.today, n)
    records = []
    for i in range(n):
        community = communities[i]
        text = _demand_text(
            world.community_nicks[community], categories[i], nouns[i], reasons[i], actions[i],
            groups[i], resources[i], skills[i], beneficiaries[i],
        )  # fmt: skip
        records.append(
            (ids[i], world.community_ids[community], text.title, text.description, categories[i],
             resources[i], skills[i], groups[i], beneficiaries[i], budgets[i], slots[i],
             urgencies[i], starts[i], ends[i], channels[i], statuses[i], text.search_text)
        )  # fmt: skip
    return records
