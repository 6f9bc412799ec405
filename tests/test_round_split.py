"""Rounds split by district: one job per part, one round written — through the API."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.matching import solve
from matchmaker.matching.replay import problem_of
from matchmaker.models.rounds import RoundGraph
from matchmaker.services import housekeeping
from tests.test_rounds import consistent, proposals, wait

Client = AsyncTestClient[Litestar]
EVERYWHERE: dict[str, Any] = {"districts": []}


async def _round(client: Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    answer = await client.post(
        "/api/v1/rounds", json={"scope": EVERYWHERE, "seed": 7, **body}, headers=headers
    )
    assert answer.status_code == 202, answer.text
    done = await wait(client, headers, answer.json()["id"])
    assert done["status"] == "succeeded", done
    return done


def _pairs(page: dict[str, Any]) -> set[tuple[int, int, float]]:
    return {(p["demand_id"], p["actor_id"], round(p["score"], 6)) for p in page["items"]}


async def test_where_districts_share_no_partner_the_split_round_proposes_what_the_whole_does(
    client: Client, seeded: Any, login: Any
) -> None:
    # every partner serves its first district only, on site, within it
    await seeded.execute("UPDATE actors SET service_radius_km = 0, remote_resource_types = '{}'")
    await seeded.execute(
        """DELETE FROM actor_districts a USING (
               SELECT actor_id, min(district_id) AS keep FROM actor_districts GROUP BY actor_id
           ) k WHERE a.actor_id = k.actor_id AND a.district_id <> k.keep"""
    )
    coordinator = await login("admin")  # rounds over every district: an admin's
    whole = await _round(client, coordinator, dry_run=True)
    split = await _round(client, coordinator, dry_run=True, split="district")
    assert split["params"]["split"] == "district"
    assert len(split["stats"]["parts"]) == await seeded.fetchval(
        "SELECT count(DISTINCT c.district_id) FROM demands d"
        " JOIN communities c ON c.id = d.community_id WHERE d.status = 'open'"
    )
    assert _pairs(await proposals(client, coordinator, split["id"])) == _pairs(
        await proposals(client, coordinator, whole["id"])
    )
    assert split["stats"]["objective"] == whole["stats"]["objective"]
    assert split["stats"]["dropped_at_write"] == 0


async def test_a_real_split_round_never_oversubscribes_and_each_part_re_solves_from_its_graph(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # rounds over every district: an admin's
    whole = await _round(client, coordinator, dry_run=True)
    split = await _round(client, coordinator, split="district")
    stats = split["stats"]
    assert 0 < stats["matched"] == len((await proposals(client, coordinator, split["id"]))["items"])
    # a partner serving several districts is offered to each part: what did not fit was dropped,
    # and what is written is never more than whole could have proposed
    assert stats["written_score"] <= whole["stats"]["objective"] + 1e-6
    await consistent(seeded)
    answer = await client.get(f"/api/v1/rounds/{split['id']}/graph", headers=coordinator)
    graph = msgspec.convert(answer.json(), RoundGraph)
    assert graph.parts is not None and len(graph.parts) == len(stats["parts"])
    for part, recorded in zip(graph.parts, stats["parts"], strict=True):
        ids = set(part)
        sub = RoundGraph(
            demands=[d for d in graph.demands if d.id in ids],
            partners=graph.partners,
            edges=[e for e in graph.edges if e.demand_id in ids],
            params=graph.params,
            engine=graph.engine,
        )
        problem, params = problem_of(sub)
        assert round(solve(problem, params).objective, 6) == recorded["objective"]
    # one part alone, as an auditor of a province reads it
    first = await client.get(
        f"/api/v1/rounds/{split['id']}/graph", params={"part": 0}, headers=coordinator
    )
    assert first.status_code == 200 and {d["id"] for d in first.json()["demands"]} == set(
        graph.parts[0]
    )
    missing = await client.get(
        f"/api/v1/rounds/{split['id']}/graph", params={"part": 999}, headers=coordinator
    )
    assert missing.status_code == 404
    whole_part = await client.get(
        f"/api/v1/rounds/{whole['id']}/graph", params={"part": 0}, headers=coordinator
    )
    assert whole_part.status_code == 400 and whole_part.json()["field"] == "part"


async def test_an_abandoned_part_fails_its_round(
    client: Client, seeded: Any, login: Any, database_dsn: str
) -> None:
    round_id = await seeded.fetchval(
        "INSERT INTO rounds (algorithm, status, params) VALUES ('optimal', 'running',"
        ' \'{"split": "district"}\') RETURNING id'
    )
    await seeded.execute(
        "INSERT INTO round_parts (round_id, part, districts, status, worker, lease_until)"
        " VALUES ($1, 0, '{1}', 'running', $2, now() - interval '1 second'),"
        "        ($1, 1, '{2}', 'queued', NULL, NULL)",
        round_id,
        uuid.uuid4(),
    )
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        assert (await housekeeping.sweep(pool, uuid.uuid4()))[1] == 1
    finally:
        await pool.close()
    row = await seeded.fetchrow("SELECT status, error FROM rounds WHERE id = $1", round_id)
    assert row["status"] == "failed" and row["error"].startswith("part 0 failed: abandoned")
    # the part still queued is never taken: its round is over
    status = await seeded.fetchval(
        "SELECT status FROM round_parts WHERE round_id = $1 AND part = 1", round_id
    )
    assert status == "queued"


async def test_needs_that_lost_a_partner_to_another_district_are_solved_again(
    client: Client, seeded: Any, login: Any
) -> None:
    # two units each: partners that serve several districts are wanted by several parts at once
    await seeded.execute("UPDATE actors SET capacity = 2")
    coordinator = await login("admin")  # rounds over every district: an admin's
    whole = await _round(client, coordinator, dry_run=True, min_score=0.3)
    split = await _round(client, coordinator, split="district", min_score=0.3)
    stats = split["stats"]
    assert stats["dropped_at_write"] > 0 and stats["repaired"] > 0
    assert stats["parts"][-1]["repair"] is True
    assert stats["written_score"] <= whole["stats"]["objective"] + 1e-6
    await consistent(seeded)
    written = await seeded.fetchval(
        "SELECT count(*) FROM proposals WHERE round_id = $1", split["id"]
    )
    assert written == stats["matched"]
    # the repair is audited as one more part: its graph re-solves to what it recorded
    graph = msgspec.convert(
        (await client.get(f"/api/v1/rounds/{split['id']}/graph", headers=coordinator)).json(),
        RoundGraph,
    )
    assert graph.parts is not None and len(graph.parts) == len(stats["parts"])
