"""Synthetic marketplaces of any size, for benchmarks of matching and search.

The demo data holds two dozen communities; the matching engine and the search have to be measured on
hundreds of thousands of demands. :func:`generate` writes districts, towns, communities, partners
(actors and the districts they serve) and demands that look like the real thing: codes from the
vocabularies, common and rare categories, Chinese titles and descriptions that jieba segments.

* **Apart from real data.** Everything lives in its own geography (city 合成市, districts
  ``合成区S{seed}-001`` …), so it never mixes with the demo data and is easy to find and delete.
* **Reproducible.** Every value comes from ``numpy.random.default_rng(seed)``: the same seed writes
  the same rows (ids aside, when the tables already hold rows). Demand windows are relative to
  ``today``, which defaults to the day of the run.
* **Fast and all-or-nothing.** Ids are reserved from the tables' sequences up front, so every table
  goes in with one binary ``COPY``, all in one transaction: a failure leaves nothing behind.
* **Cheap text.** Titles and descriptions are composed from a few hundred fragments, and the
  ``search_text`` of a row is the union of its fragments' tokens, so jieba segments each fragment
  once (``segment.tokens`` is cached) instead of every one of 100,000 titles.

>>> report = await generate(conn, demands=1000, seed=7)  # doctest: +SKIP
>>> report.rows["demands"]
1000
>>> print(report.summary())  # doctest: +SKIP
synthetic data for seed 7: 1,128 rows in 0.21 s (5,371 rows/s)
...
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import msgspec
import numpy as np
import numpy.typing as npt

from matchmaker.errors import Conflict, Invalid
from matchmaker.models.actors import REMOTABLE
from matchmaker.queries import sql
from matchmaker.segment import search_text
from matchmaker.vocab import (
    LABELS,
    ActorKind,
    Category,
    CommunityKind,
    IntakeChannel,
    ResourceType,
    TargetGroup,
    Urgency,
    codes,
)

__all__ = ["DEFAULT_REMOTE_SHARE", "SyntheticReport", "generate"]

T = TypeVar("T")
Record = tuple[Any, ...]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

CITY = "合成市"
#: The share of partners that also work remotely, unless a caller says otherwise.
DEFAULT_REMOTE_SHARE = 0.10
COMMUNITY_PREFIX = "合成社区"
PARTNER_PREFIX = "合成伙伴"
#: A Sichuan-like box (lat, lon), shrunk by a margin so communities around a district stay inside.
LAT_RANGE = (28.5, 32.5)
LON_RANGE = (102.5, 107.5)
DISTRICT_MARGIN = 0.3
SPREAD_DEGREES = 0.06
#: The share of partners that also serve on site within a radius of their base.
RADIUS_SHARE = 0.3

#: Reserves ``$2`` ids of table ``$1`` in ascending order, so rows keep their generation order.
Q = sql("synthetic")
RESERVE_IDS = Q["reserve_ids"]
SEED_LOADED = Q["seed_loaded"]

COLUMNS: dict[str, list[str]] = {
    "districts": ["id", "name", "city", "lat", "lon"],
    "towns": ["id", "district_id", "name", "kind"],
    "communities": [
        "id", "name", "district_id", "town_id", "kind", "theme", "population", "lat", "lon",
        "social_work_rooms", "social_workers", "community_orgs", "volunteer_teams",
        "charity_resources", "description", "search_text"],
    "actors": [
        "id", "name", "kind", "grade", "verified", "categories", "resource_types",
        "remote_resource_types", "capacity", "lat", "lon", "description", "search_text",
        "service_radius_km"],
    "actor_districts": ["actor_id", "district_id"],
    "demands": [
        "id", "community_id", "title", "description", "category", "resource_types", "skills",
        "target_groups", "beneficiaries", "budget", "slots", "urgency", "window_start",
        "window_end", "intake_channel", "status", "search_text"],
}  # fmt: skip

# The vocabularies, and how often each code is drawn. Categories fall off with their position, so
# elderly care and child care are common and rural industry is rare, as in the field.
CATEGORIES = codes(Category)
CATEGORY_WEIGHTS = 1.0 / np.arange(1, len(CATEGORIES) + 1) ** 0.8
COMMUNITY_KINDS = codes(CommunityKind)
COMMUNITY_KIND_WEIGHTS = (0.30, 0.20, 0.08, 0.10, 0.07, 0.15, 0.10)
ACTOR_KINDS = codes(ActorKind)
ACTOR_KIND_WEIGHTS = (0.15, 0.06, 0.30, 0.07, 0.08, 0.14, 0.03, 0.06, 0.06, 0.05)
#: Kinds the actors table lets carry a grade (its CHECK), and the grades with "none" last.
GRADED_KINDS = frozenset({"social_org", "foundation", "association", "social_enterprise"})
GRADES = ("5A", "4A", "3A", None)
GRADE_WEIGHTS = (0.10, 0.25, 0.30, 0.35)
RESOURCE_TYPES = codes(ResourceType)
TARGET_GROUPS = codes(TargetGroup)
URGENCIES = codes(Urgency)
URGENCY_WEIGHTS = (0.20, 0.50, 0.20, 0.10)
INTAKE_CHANNELS = codes(IntakeChannel)
INTAKE_WEIGHTS = (0.20, 0.25, 0.25, 0.10, 0.20)
#: The group a category's demands serve first; other categories serve a random group.
CATEGORY_GROUP = {
    "elderly_care": "elderly",
    "child_care": "children",
    "youth_development": "youth",
    "worker_services": "workers",
    "new_employment": "new_employment",
    "disability_support": "disabled",
    "social_assistance": "hardship",
    "meal_service": "elderly",
    "education": "children",
}

# Chinese fragments. Few enough that jieba segments each once; varied enough to read like data.
NICK_HEADS = "锦青金玉桂望龙凤翠柳梅兰竹松芙银星光新福安和祥瑞嘉宏盛康泰明"
NICK_TAILS = "华林溪江泉苑湖桥湾园山城坊里岭坝堰台门巷"
PROJECT_NOUNS = (
    "提升项目", "服务计划", "试点项目", "行动计划",
    "能力建设项目", "公益项目", "共建计划", "微项目",
)  # fmt: skip
REASONS = (
    "居民议事会反映",
    "网格员走访发现",
    "社区调研显示",
    "人民建议征集中多次提到",
    "辖区单位反映",
)
ACTIONS = (
    "拟联合专业机构开展常态化服务",
    "计划引入社会力量共建共治",
    "希望链接资源搭建服务阵地",
    "计划培育居民骨干共同参与",
    "拟以项目化方式分期推进",
)
#: The fixed words of the description templates, segmented once.
DEMAND_WORDS = "需求突出 预计惠及 希望获得"
SKILLS = (
    "活动策划", "社工督导", "心理疏导", "法律咨询", "康复护理", "营养配餐", "财务管理", "项目评估",
    "宣传摄影", "非遗技艺", "园艺种植", "急救培训", "数据分析", "课业辅导", "文艺排练", "电商直播",
)  # fmt: skip
TAGLINES = (
    "扎根社区多年，服务经验丰富",
    "拥有专业社工团队",
    "长期开展公益项目",
    "具备项目评估能力",
    "与多个街道建立合作",
    "擅长资源链接与整合",
)
COMMUNITY_WORDS = "片区 常住人口 特色"

#: Demand budgets in whole thousands of yuan; ``None`` (no budget given) for some.
BUDGETS: tuple[Decimal | None, ...] = (None, *(Decimal(k * 1000) for k in range(1, 101)))
BUDGET_WEIGHTS = (15.0, *([85.0 / 100] * 100))  # 15 % without a budget
#: Demand windows start this many days around ``today`` and last this many days.
WINDOW_START_DAYS = (-60, 60)
WINDOW_LENGTH_DAYS = (30, 365)
#: Demands drawn per batch (part of the seed's meaning: changing it changes the rows).
CHUNK = 10_000


def _label(vocabulary: str, code: str) -> str:
    """The Chinese label of a code: what people would write in a title."""
    return LABELS[vocabulary][code][0]


class SyntheticReport(msgspec.Struct, frozen=True, kw_only=True):
    """What one :func:`generate` wrote and how long it took, for the command line and benchmarks."""

    seed: int
    rows: dict[str, int]
    seconds: dict[str, float]
    total_rows: int
    total_seconds: float

    def summary(self) -> str:
        """A few lines: the total and its rate, then one line per table."""
        rate = self.total_rows / self.total_seconds if self.total_seconds > 0 else 0.0
        lines = [
            f"synthetic data for seed {self.seed}: {self.total_rows:,} rows "
            f"in {self.total_seconds:.2f} s ({rate:,.0f} rows/s)"
        ]
        for table, count in self.rows.items():
            lines.append(f"  {table:<16}{count:>10,} rows {self.seconds[table]:>8.2f} s")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Sizes:
    demands: int
    communities: int
    partners: int
    districts: int


@dataclass
class _World:
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


def _sizes(
    demands: int, communities: int | None, partners: int | None, districts: int | None, seed: int
) -> _Sizes:
    """Apply the defaults and refuse what cannot make a marketplace."""
    communities = max(1, demands // 50) if communities is None else communities
    partners = max(1, demands // 10) if partners is None else partners
    districts = max(2, communities // 100) if districts is None else districts
    for name, value in (
        ("demands", demands), ("communities", communities), ("partners", partners),
        ("districts", districts),
    ):  # fmt: skip
        if value < 1:
            raise Invalid(f"{name} must be at least 1, not {value}", field=name)
    if seed < 0:
        raise Invalid(f"seed must be 0 or more, not {seed}", field="seed")
    return _Sizes(demands, communities, partners, districts)


def _district_name(seed: int, number: int) -> str:
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


def _districts(rng: np.random.Generator, world: _World, ids: list[int]) -> list[Record]:
    n = len(ids)
    world.district_ids = ids
    world.district_lat = np.round(
        rng.uniform(LAT_RANGE[0] + DISTRICT_MARGIN, LAT_RANGE[1] - DISTRICT_MARGIN, n), 6
    )
    world.district_lon = np.round(
        rng.uniform(LON_RANGE[0] + DISTRICT_MARGIN, LON_RANGE[1] - DISTRICT_MARGIN, n), 6
    )
    lats, lons = world.district_lat.tolist(), world.district_lon.tolist()
    return [(ids[i], _district_name(world.seed, i + 1), CITY, lats[i], lons[i]) for i in range(n)]


def _town_counts(rng: np.random.Generator, districts: int) -> Ints:
    """How many towns each district has: a few."""
    return rng.integers(3, 7, size=districts)


def _towns(rng: np.random.Generator, world: _World, ids: list[int], counts: Ints) -> list[Record]:
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


def _communities(rng: np.random.Generator, world: _World, ids: list[int]) -> list[Record]:
    n = len(ids)
    towns = rng.integers(0, len(world.town_ids), size=n)
    districts = world.town_district[towns]
    kinds = _pick(rng, COMMUNITY_KINDS, n, COMMUNITY_KIND_WEIGHTS)
    themes = [_label("category", c) for c in _pick(rng, CATEGORIES, n, CATEGORY_WEIGHTS)]
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
            _label("community_kind", kinds[i]),
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


def _actors(rng: np.random.Generator, world: _World, ids: list[int]) -> list[Record]:
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
            _label("actor_kind", kinds[i]),
            *(_label("category", c) for c in categories[i]),
            *(_label("resource_type", r) for r in resources[i]),
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


def _actor_districts(rng: np.random.Generator, world: _World) -> list[Record]:
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
    category_label = _label("category", category)
    group_labels = [_label("target_group", g) for g in groups]
    resource_labels = [_label("resource_type", r) for r in resources]
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


def _demand_chunks(rng: np.random.Generator, world: _World, ids: list[int]) -> Iterator[Record]:
    """Demands drawn ``CHUNK`` at a time, so drawing overlaps the COPY and memory stays flat."""
    for start in range(0, len(ids), CHUNK):
        yield from _demands(rng, world, ids[start : start + CHUNK])


def _demands(rng: np.random.Generator, world: _World, ids: list[int]) -> list[Record]:
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


# --- writing -------------------------------------------------------------------------------------


class _Writer:
    """Reserves ids and copies each table's rows; times each table from the end of the one before,
    so a table's seconds cover reserving its ids, drawing its rows and copying them."""

    def __init__(self, conn: asyncpg.Connection, progress: Callable[[str], None] | None) -> None:
        self.conn, self.progress = conn, progress
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    async def ids(self, table: str, count: int) -> list[int]:
        """``count`` fresh ids of ``table``, ascending: explicit ids let later tables refer to
        these rows before they are written, so every table is one COPY."""
        return list(await self.conn.fetchval(RESERVE_IDS, table, count))

    async def copy(self, table: str, records: Iterable[Record], count: int) -> None:
        """One binary COPY. ``records`` may be a generator: asyncpg sends rows as they come, so
        PostgreSQL indexes one chunk while Python draws the next."""
        await self.conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        now = time.perf_counter()
        elapsed, self.started = now - self.started, now
        self.rows[table], self.seconds[table] = count, elapsed
        if self.progress is not None:
            rate = count / elapsed if elapsed > 0 else 0.0
            self.progress(f"{table}: {count:,} rows in {elapsed:.2f} s ({rate:,.0f} rows/s)")


async def _write_all(
    writer: _Writer, rng: np.random.Generator, world: _World, sizes: _Sizes
) -> None:
    """Every table in dependency order; the order of the draws is what makes a seed reproducible."""
    ids = await writer.ids("districts", sizes.districts)
    await writer.copy("districts", _districts(rng, world, ids), len(ids))
    counts = _town_counts(rng, sizes.districts)
    ids = await writer.ids("towns", int(counts.sum()))
    await writer.copy("towns", _towns(rng, world, ids, counts), len(ids))
    ids = await writer.ids("communities", sizes.communities)
    await writer.copy("communities", _communities(rng, world, ids), len(ids))
    ids = await writer.ids("actors", sizes.partners)
    await writer.copy("actors", _actors(rng, world, ids), len(ids))
    records = _actor_districts(rng, world)
    await writer.copy("actor_districts", records, len(records))
    ids = await writer.ids("demands", sizes.demands)
    await writer.copy("demands", _demand_chunks(rng, world, ids), len(ids))


async def generate(
    conn: asyncpg.Connection,
    *,
    demands: int,
    communities: int | None = None,
    partners: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
    districts: int | None = None,
    remote_share: float = DEFAULT_REMOTE_SHARE,
) -> SyntheticReport:
    """Write a synthetic marketplace in one transaction and report rows and seconds per table.

    ``communities`` defaults to ``demands // 50`` and ``partners`` to ``demands // 10`` (at least
    one each), ``districts`` to ``communities // 100`` (at least two); ``remote_share`` of the
    partners work remotely. Benchmarks set the last two to shape how many candidate pairs each
    demand has. ``progress`` receives one line per table as it is written. Raises :class:`Invalid`
    for a count below 1 or a negative seed, and :class:`Conflict` when this seed's data is already
    loaded (its names would collide; another seed writes beside it).
    """
    sizes = _sizes(demands, communities, partners, districts, seed)
    if not 0 <= remote_share <= 1:
        raise Invalid(f"remote_share must lie in [0, 1], not {remote_share}", field="remote_share")
    rng = np.random.default_rng(seed)
    world = _World(seed=seed, today=today or dt.date.today(), remote_share=remote_share)
    writer = _Writer(conn, progress)
    started = time.perf_counter()
    try:
        async with conn.transaction():
            if await conn.fetchval(SEED_LOADED, _district_name(seed, 1)):
                raise _already_loaded(seed)
            await _write_all(writer, rng, world, sizes)
    except asyncpg.UniqueViolationError as exc:
        if exc.table_name != "districts":
            raise
        raise _already_loaded(seed) from None  # a concurrent run of the same seed won the race
    return SyntheticReport(
        seed=seed,
        rows=writer.rows,
        seconds=writer.seconds,
        total_rows=sum(writer.rows.values()),
        total_seconds=time.perf_counter() - started,
    )


def _already_loaded(seed: int) -> Conflict:
    return Conflict(
        f"synthetic data for seed {seed} is already loaded (district {_district_name(seed, 1)} "
        "exists); use another --seed",
        field="seed",
    )
