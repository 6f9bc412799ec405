"""GET /stats through HTTP: the figures agree with the demo data, counted independently here."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.seedfiles import SEEDS_DIR
from matchmaker.vocab import LABELS
from tests.conftest import ids

Client = AsyncTestClient[Litestar]

#: The "1257N" standard as the brief states it, written out again rather than imported.
STANDARD = {
    "social_work_rooms": 1,
    "social_workers": 2,
    "community_orgs": 5,
    "volunteer_teams": 7,
    "charity_resources": 1,
}


def _seed(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((SEEDS_DIR / name).read_text(encoding="utf-8"))
    return rows


async def _stats(client: Client, **kwargs: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/stats", **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_library_counts_and_demand_statuses_match_the_seed_files(
    client: Client, seeded: Any
) -> None:
    stats = await _stats(client)
    assert stats["libraries"] == {
        table: len(_seed(f"{table}.json"))
        for table in ("communities", "actors", "talent", "policies", "demands", "cases", "products")
    }
    statuses = Counter(d.get("status", "draft") for d in _seed("demands.json"))
    assert {s["status"]: s["count"] for s in stats["demands_by_status"]} == {
        status: statuses.get(status, 0) for status in LABELS["demand_status"]
    }
    open_row = next(s for s in stats["demands_by_status"] if s["status"] == "open")
    assert (open_row["label"], open_row["label_en"]) == LABELS["demand_status"]["open"]
    assert [p["status"] for p in stats["partnerships_by_status"]] == [
        "active",
        "completed",
        "cancelled",
    ]
    assert all(p["count"] == 0 for p in stats["partnerships_by_status"])


async def test_the_1257n_standard_agrees_with_an_independent_count(
    client: Client, seeded: Any
) -> None:
    communities = _seed("communities.json")
    expected = {}
    for c in communities:
        short = [
            {"indicator": name, "has": c[name], "needs": needs}
            for name, needs in STANDARD.items()
            if c[name] < needs
        ]
        expected[c["name"]] = short
    meeting = sum(1 for short in expected.values() if not short)
    assert 0 < meeting < len(communities)  # the demo data has both kinds

    result = (await _stats(client))["standard_1257n"]
    assert result["meeting"] == meeting
    assert result["falling_short"] == len(communities) - meeting
    assert {r["indicator"]: r["needs"] for r in result["standard"]} == STANDARD
    got = {c["community_name"]: c for c in result["communities"]}
    assert set(got) == set(expected)
    for name, short in expected.items():
        assert got[name]["shortfalls"] == short, name
        assert got[name]["meets"] is (not short), name
    yujian = got["渔箭社区"]
    assert (yujian["social_workers"], yujian["district_name"]) == (3, "邛崃市")


async def test_needs_per_district_and_category_match_the_seed_files(
    client: Client, seeded: Any
) -> None:
    district_of = {c["name"]: c["district"] for c in _seed("communities.json")}
    demands = _seed("demands.json")
    by_district: Counter[tuple[str, str]] = Counter(
        (district_of[d["community"]], d.get("status", "draft")) for d in demands
    )
    by_category: Counter[tuple[str, str]] = Counter(
        (d["category"], d.get("status", "draft")) for d in demands
    )
    stats = await _stats(client)

    districts = {row["district_name"]: row for row in stats["needs_by_district"]}
    assert set(districts) == {d["name"] for d in _seed("districts.json")}
    for name, row in districts.items():
        assert row["open"] == by_district[(name, "open")], name
        assert row["fulfilled"] == by_district[(name, "fulfilled")], name

    categories = {row["category"]: row for row in stats["needs_by_category"]}
    assert set(categories) == {c for (c, status) in by_category if status in ("open", "fulfilled")}
    for code, row in categories.items():
        assert (row["open"], row["fulfilled"]) == (
            by_category[(code, "open")],
            by_category[(code, "fulfilled")],
        )
        assert (row["label"], row["label_en"]) == LABELS["category"][code]
    opens = [row["open"] for row in stats["needs_by_category"]]
    assert opens == sorted(opens, reverse=True)
    assert sum(opens) == sum(row["open"] for row in stats["needs_by_district"]) == 48


async def test_archived_rows_leave_the_figures_and_changes_show_at_once(
    client: Client, seeded: Any
) -> None:
    before = await _stats(client)
    community = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    await seeded.execute("UPDATE communities SET archived_at = now() WHERE id = $1", community)
    await seeded.execute("UPDATE communities SET social_workers = 1 WHERE name = '前进社区'")
    open_demands = await ids(seeded, "SELECT id FROM demands WHERE status = 'open' ORDER BY id")
    await seeded.execute("UPDATE demands SET archived_at = now() WHERE id = $1", open_demands[0])
    actor = await seeded.fetchval("SELECT id FROM actors ORDER BY id LIMIT 1")
    await seeded.execute(
        "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct')",
        open_demands[1],
        actor,
    )
    await seeded.execute(
        "INSERT INTO partnerships (demand_id, actor_id, origin, status, ended_at, rating,"
        " beneficiaries_served) VALUES ($1, $2, 'direct', 'completed', now(), 5, 30)",
        open_demands[2],
        actor,
    )

    after = await _stats(client)
    assert after["libraries"]["communities"] == before["libraries"]["communities"] - 1
    assert after["libraries"]["demands"] == before["libraries"]["demands"] - 1
    open_count = {s["status"]: s["count"] for s in after["demands_by_status"]}["open"]
    assert open_count == 47
    assert {p["status"]: p["count"] for p in after["partnerships_by_status"]} == {
        "active": 1,
        "completed": 1,
        "cancelled": 0,
    }
    standard = after["standard_1257n"]
    names = {c["community_name"]: c for c in standard["communities"]}
    assert "渔箭社区" not in names
    assert names["前进社区"]["meets"] is False
    assert names["前进社区"]["shortfalls"] == [
        {"indicator": "social_workers", "has": 1, "needs": 2}
    ]
    old = before["standard_1257n"]
    assert standard["meeting"] == old["meeting"] - 2  # 渔箭 archived, 前进 now short
    assert standard["meeting"] + standard["falling_short"] == after["libraries"]["communities"]


async def test_an_empty_database_gives_zeros_not_errors(client: Client, conn: Any) -> None:
    stats = await _stats(client)
    assert set(stats["libraries"].values()) == {0}
    assert stats["needs_by_district"] == [] and stats["needs_by_category"] == []
    assert stats["standard_1257n"]["communities"] == []
    assert (stats["standard_1257n"]["meeting"], stats["standard_1257n"]["falling_short"]) == (0, 0)
    assert len(stats["demands_by_status"]) == len(LABELS["demand_status"])


async def test_stats_are_public_and_the_same_for_every_role(
    client: Client, seeded: Any, login: Any
) -> None:
    anonymous = await _stats(client)
    assert await _stats(client, headers=await login("partner")) == anonymous
    assert await _stats(client, headers=await login("admin")) == anonymous
