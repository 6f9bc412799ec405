"""Match rounds through HTTP: run, read, audit, answer, and never double-book."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import numpy as np
from litestar import Litestar
from litestar.testing import AsyncTestClient
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from matchmaker import db
from matchmaker.app import create_app
from matchmaker.queries import rounds as q
from matchmaker.services import housekeeping
from matchmaker.settings import Settings
from tests.conftest import SECRET

Client = AsyncTestClient[Litestar]
QIONGLAI = {"districts": ["邛崃市"]}


async def run_round(client: Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """POST a round and wait until it has finished."""
    response = await client.post(
        "/api/v1/rounds", json={"scope": QIONGLAI, **body}, headers=headers
    )
    assert response.status_code == 202, response.text
    return await wait(client, headers, response.json()["id"])


async def wait(client: Client, headers: dict[str, str], round_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        round_ = (await client.get(f"/api/v1/rounds/{round_id}", headers=headers)).json()
        if round_["status"] in ("succeeded", "failed"):
            return dict(round_)
        await asyncio.sleep(0.05)
    raise AssertionError(f"round {round_id} did not finish")


async def proposals(client: Client, headers: dict[str, str], round_id: int) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/rounds/{round_id}/proposals", params={"limit": 200}, headers=headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def consistent(conn: Any) -> None:
    """No demand and no partner holds more than it has."""
    over_demand = await conn.fetchval(
        """SELECT count(*) FROM demands d WHERE d.slots <
             (SELECT count(*) FROM proposals p WHERE p.demand_id = d.id
                AND p.status IN ('pending','community_accepted','partner_accepted') AND p.expires_at > now())
           + (SELECT count(*) FROM partnerships s WHERE s.demand_id = d.id AND s.status IN ('active','completed'))"""
    )
    over_actor = await conn.fetchval(
        """SELECT count(*) FROM actors a WHERE a.capacity <
             (SELECT count(*) FROM proposals p WHERE p.actor_id = a.id
                AND p.status IN ('pending','community_accepted','partner_accepted') AND p.expires_at > now())
           + (SELECT count(*) FROM partnerships s WHERE s.actor_id = a.id AND s.status = 'active')"""
    )
    assert (over_demand, over_actor) == (0, 0)


async def test_a_dry_run_reports_proposals_and_reasons_but_writes_none(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    round_ = await run_round(client, coordinator, dry_run=True)
    assert round_["status"] == "succeeded", round_
    stats = round_["stats"]
    assert stats["demands"] > 0 and stats["partners"] > 0 and stats["candidate_edges"] > 0
    assert set(stats["timings"]) == {
        "candidates",
        "scoring",
        "graph",
        "solving",
        "explaining",
        "writing",
    }
    assert len(round_["input_fingerprint"]) == 64
    page = await proposals(client, coordinator, round_["id"])
    assert len(page["items"]) == stats["matched"] > 0
    first = page["items"][0]
    assert set(first["components"]) == {
        "category",
        "resources",
        "text",
        "proximity",
        "track_record",
        "interest",
        "policy",
        "urgency",
    }
    assert all(0 <= v <= 1 for v in first["components"].values())
    assert isinstance(page["unmatched"], list)
    assert await seeded.fetchval("SELECT count(*) FROM proposals") == 0


async def test_the_frozen_graph_lets_anyone_re_solve_the_round(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    round_ = await run_round(client, coordinator, min_score=0.3, dry_run=True)
    graph = (await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=coordinator)).json()
    assert len(graph["edges"]) == round_["stats"]["candidate_edges"]
    assert graph["params"]["algorithm"] == "optimal" and graph["params"]["min_score"] == 0.3
    # an independent solve of the published input: the LP over the edges above min_score
    demands = {d["id"]: i for i, d in enumerate(graph["demands"])}
    partners = {p["id"]: i for i, p in enumerate(graph["partners"])}
    edges = [e for e in graph["edges"] if e["score"] >= 0.3]
    a = lil_matrix((len(demands) + len(partners), len(edges)))
    for k, e in enumerate(edges):
        a[demands[e["demand_id"]], k] = 1
        a[len(demands) + partners[e["actor_id"]], k] = 1
    b = [d["slots"] for d in graph["demands"]] + [p["capacity"] for p in graph["partners"]]
    best = linprog(
        -np.array([e["score"] for e in edges]),
        A_ub=a.tocsr(),
        b_ub=b,
        bounds=(0, 1),
        method="highs",
    )
    assert (
        round_["stats"]["objective"] == round(-best.fun, 6)
        or abs(round_["stats"]["objective"] + best.fun) < 1e-5
    )


async def test_a_real_round_holds_capacity_so_the_next_round_adds_nothing_twice(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    first = await run_round(client, coordinator)
    assert first["stats"]["matched"] > 0
    assert (
        await seeded.fetchval("SELECT count(*) FROM proposals WHERE status = 'pending'")
        == first["stats"]["matched"]
    )
    second = await run_round(client, coordinator)
    pairs = await seeded.fetch(
        "SELECT demand_id, actor_id, count(*) FROM proposals GROUP BY 1, 2 HAVING count(*) > 1"
    )
    assert pairs == []
    assert second["stats"]["open_slots"] < first["stats"]["open_slots"]
    await consistent(seeded)


async def test_two_rounds_at_once_over_overlapping_scopes_never_oversubscribe(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # 大邑县 too: beyond the demo coordinator's area
    await seeded.execute("UPDATE actors SET capacity = 1")  # scarce partners make the race real
    bodies = [
        {"scope": QIONGLAI},
        {"scope": {"districts": ["邛崃市", "大邑县"]}, "algorithm": "greedy"},
    ]
    started = await asyncio.gather(
        *(client.post("/api/v1/rounds", json=b, headers=coordinator) for b in bodies)
    )
    finished = [await wait(client, coordinator, r.json()["id"]) for r in started]
    assert [r["status"] for r in finished] == ["succeeded", "succeeded"]
    await consistent(seeded)


async def _one_pending(client: Client, seeded: Any, coordinator: dict[str, str]) -> dict[str, Any]:
    """Run a round and return a proposal of 渔箭社区's with 注力社工 (the demo staff and partner)."""
    await seeded.execute(
        """UPDATE actors SET categories = categories || ARRAY['child_care']::category_code[]
           WHERE name = '注力社工' AND NOT ('child_care' = ANY (categories))"""
    )
    await run_round(client, coordinator, min_score=0.0)
    row = await seeded.fetchrow(
        """SELECT p.id FROM proposals p JOIN demands d ON d.id = p.demand_id
           JOIN communities c ON c.id = d.community_id JOIN actors a ON a.id = p.actor_id
           WHERE c.name = '渔箭社区' AND a.name = '注力社工' ORDER BY p.id LIMIT 1"""
    )
    assert row is not None, "the demo data should pair 渔箭社区 with 注力社工"
    return dict(row)


async def test_both_sides_accept_and_the_partnership_appears_for_both(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff, partner = (
        await login("coordinator"),
        await login("staff"),
        await login("partner"),
    )
    proposal = await _one_pending(client, seeded, coordinator)
    url = f"/api/v1/proposals/{proposal['id']}"
    assert (
        await client.post(f"{url}/accept", headers=await login("staff_zhitai"))
    ).status_code == 403
    assert (await client.post(f"{url}/accept", headers=coordinator)).status_code == 403
    first = await client.post(f"{url}/accept", headers=staff)
    assert first.json()["status"] == "community_accepted"
    assert (await client.post(f"{url}/accept", headers=staff)).json()[
        "status"
    ] == "community_accepted"
    confirmed = await client.post(f"{url}/accept", headers=partner)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    for headers in (staff, partner):
        mine = (await client.get("/api/v1/partnerships", headers=headers)).json()["items"]
        assert [(p["proposal_id"], p["status"], p["origin"]) for p in mine] == [
            (proposal["id"], "active", "proposal")
        ]
    assert (await client.get("/api/v1/partnerships", headers=await login("partner_xihua"))).json()[
        "items"
    ] == []
    assert (await client.post(f"{url}/decline", headers=partner)).status_code == 409
    await consistent(seeded)


async def test_a_declined_pair_is_never_proposed_again(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, partner = await login("coordinator"), await login("partner")
    proposal = await _one_pending(client, seeded, coordinator)
    declined = await client.post(
        f"/api/v1/proposals/{proposal['id']}/decline", json={"reason": "档期已满"}, headers=partner
    )
    assert declined.json()["status"] == "declined"
    pair = await seeded.fetchrow(
        "SELECT demand_id, actor_id FROM proposals WHERE id = $1", proposal["id"]
    )
    await run_round(client, coordinator, min_score=0.0)
    again = await seeded.fetchval(
        "SELECT count(*) FROM proposals WHERE demand_id = $1 AND actor_id = $2",
        pair["demand_id"],
        pair["actor_id"],
    )
    assert again == 1


async def test_fifty_accepts_racing_for_a_partners_last_unit_one_wins(
    client: Client, seeded: Any, login: Any
) -> None:
    partner = await login("partner")
    actor = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    community = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    await seeded.execute("UPDATE actors SET capacity = 1 WHERE id = $1", actor)
    round_id = await seeded.fetchval(
        "INSERT INTO rounds (algorithm, status) VALUES ('optimal', 'succeeded') RETURNING id"
    )
    ids = []
    for n in range(50):
        demand = await seeded.fetchval(
            "INSERT INTO demands (community_id, title, category, status) VALUES ($1, $2, 'child_care', 'open') RETURNING id",
            community, f"抢名额{n}",
        )  # fmt: skip
        ids.append(await seeded.fetchval(
            """INSERT INTO proposals (round_id, demand_id, actor_id, score, status, community_accepted_at)
               VALUES ($1, $2, $3, 0.5, 'community_accepted', now()) RETURNING id""",
            round_id, demand, actor,
        ))  # fmt: skip
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/proposals/{i}/accept", headers=partner) for i in ids)
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 49
    assert all("no capacity left" in r.json()["message"] for r in answers if r.status_code == 409)
    assert (
        await seeded.fetchval("SELECT count(*) FROM partnerships WHERE actor_id = $1", actor) == 1
    )
    assert await seeded.fetchval("SELECT count(*) FROM proposals WHERE status = 'confirmed'") == 1


async def test_completing_with_a_rating_fulfils_the_need_feeds_the_record_and_publishes_a_case(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff, partner = (
        await login("coordinator"),
        await login("staff"),
        await login("partner"),
    )
    proposal = await _one_pending(client, seeded, coordinator)
    await client.post(f"/api/v1/proposals/{proposal['id']}/accept", headers=staff)
    await client.post(f"/api/v1/proposals/{proposal['id']}/accept", headers=partner)
    partnership = (await client.get("/api/v1/partnerships", headers=staff)).json()["items"][0]
    bad = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/complete",
        json={"beneficiaries_served": 10, "rating": 6},
        headers=staff,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "rating"
    body = {
        "beneficiaries_served": 420,
        "rating": 5,
        "feedback": "服务职工子女420人次",
        "publish_case": True,
        "model_tags": ["专业社工+志愿服务"],
    }
    done = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/complete", json=body, headers=staff
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["case_id"]
    demand = (await client.get(f"/api/v1/demands/{partnership['demand_id']}")).json()
    slots_left = await seeded.fetchval(
        "SELECT count(*) FROM partnerships WHERE demand_id = $1 AND status = 'active'",
        partnership["demand_id"],
    )
    assert slots_left == 0 and demand["status"] == "fulfilled"
    case = (await client.get(f"/api/v1/cases/{done.json()['case_id']}")).json()
    assert case["title"] == demand["title"] and case["rating"] == 5
    again = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/complete", json=body, headers=staff
    )
    assert again.status_code == 409
    await seeded.execute(
        "UPDATE proposals SET status = 'expired' WHERE status = 'pending'"
    )  # free holds
    round_ = await run_round(client, coordinator, min_score=0.0, dry_run=True)
    items = (await proposals(client, coordinator, round_["id"]))["items"]
    records = {
        p["components"]["track_record"] for p in items if p["actor_id"] == partnership["actor_id"]
    }
    assert records and min(records) > 0.6625  # above the newcomer's prior after a 5-star completion


async def test_cancelling_reopens_a_matched_need(client: Client, seeded: Any, login: Any) -> None:
    coordinator, partner = await login("coordinator"), await login("partner")
    demand = await seeded.fetchval(
        "SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id WHERE c.name = '渔箭社区' AND d.status = 'open' ORDER BY d.id LIMIT 1"
    )
    await seeded.execute("UPDATE demands SET slots = 1 WHERE id = $1", demand)
    actor = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    assert (
        await client.post(
            "/api/v1/partnerships",
            json={"demand_id": demand, "actor_id": actor},
            headers=coordinator,
        )
    ).status_code == 409
    await client.post(
        f"/api/v1/demands/{demand}/interest", json={"note": "愿意承接"}, headers=partner
    )
    created = await client.post(
        "/api/v1/partnerships", json={"demand_id": demand, "actor_id": actor}, headers=coordinator
    )
    assert created.status_code == 201, created.text
    assert (await client.get(f"/api/v1/demands/{demand}")).json()["status"] == "matched"
    cancelled = await client.post(
        f"/api/v1/partnerships/{created.json()['id']}/cancel",
        json={"reason": "人手不足"},
        headers=partner,
    )
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.get(f"/api/v1/demands/{demand}")).json()["status"] == "open"


async def test_an_expired_proposal_cannot_be_answered_and_frees_its_hold(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff = await login("coordinator"), await login("staff")
    proposal = await _one_pending(client, seeded, coordinator)
    await seeded.execute(
        "UPDATE proposals SET expires_at = now() - interval '1 minute' WHERE id = $1",
        proposal["id"],
    )
    answer = await client.post(f"/api/v1/proposals/{proposal['id']}/accept", headers=staff)
    assert answer.status_code == 409 and "expired" in answer.json()["message"]
    pair = await seeded.fetchrow(
        "SELECT demand_id, actor_id FROM proposals WHERE id = $1", proposal["id"]
    )
    await run_round(client, coordinator, min_score=0.0)
    count = await seeded.fetchval(
        "SELECT count(*) FROM proposals WHERE demand_id = $1 AND actor_id = $2",
        pair["demand_id"],
        pair["actor_id"],
    )
    assert count == 2  # proposed again once the hold lapsed


async def test_only_curators_run_rounds_and_bad_parameters_are_named(
    client: Client, seeded: Any, login: Any
) -> None:
    body = {"scope": QIONGLAI}
    assert (await client.post("/api/v1/rounds", json=body)).status_code == 401
    for who in ("staff", "partner"):
        assert (
            await client.post("/api/v1/rounds", json=body, headers=await login(who))
        ).status_code == 403
    coordinator = await login("coordinator")
    cases = [
        ({"scope": {"districts": ["不存在县"]}}, "scope.districts"),
        ({"scope": QIONGLAI, "algorithm": "stable", "max_per_community": 2}, "max_per_community"),
        ({"scope": QIONGLAI, "min_score": 2}, "min_score"),
        ({"scope": QIONGLAI, "algorithm": "magic"}, "algorithm"),
        ({"scope": QIONGLAI, "weights": {"charm": 1}}, "weights.charm"),
        ({"algorithm": "optimal"}, "scope"),
    ]
    for bad, field in cases:
        response = await client.post("/api/v1/rounds", json=bad, headers=coordinator)
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["field"] == field, (bad, response.json())
    assert await seeded.fetchval("SELECT count(*) FROM rounds") == 0
    assert (await client.get("/api/v1/rounds/999", headers=coordinator)).status_code == 404


async def test_same_state_parameters_and_seed_give_the_same_proposals(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    results = []
    for _ in range(2):
        round_ = await run_round(client, coordinator, algorithm="coverage", dry_run=True, seed=5)
        items = (await proposals(client, coordinator, round_["id"]))["items"]
        results.append(
            (
                [(p["demand_id"], p["actor_id"], p["score"]) for p in items],
                round_["input_fingerprint"],
            )
        )
    assert results[0] == results[1]
    # a round that names no seed draws one, and records it with the round
    drawn = await run_round(client, coordinator, dry_run=True)
    assert isinstance(drawn["params"]["seed"], int)


async def test_a_starting_instance_leaves_another_workers_running_round_alone(
    database_dsn: str, seeded: Any
) -> None:
    worker = uuid.uuid4()
    round_id = await seeded.fetchval(
        "INSERT INTO rounds (algorithm, status, worker, lease_until)"
        " VALUES ('optimal', 'running', $1, now() + interval '1 minute') RETURNING id",
        worker,
    )
    app = create_app(Settings(database_url=database_dsn, secret_key=SECRET), dsn=database_dsn)
    async with AsyncTestClient(app=app):
        row = await seeded.fetchrow("SELECT status, error FROM rounds WHERE id = $1", round_id)
    assert row["status"] == "running" and row["error"] is None


async def test_a_round_whose_lease_lapsed_is_failed_and_its_late_writer_changes_nothing(
    database_dsn: str, seeded: Any
) -> None:
    """The clock is the database's: the lease is set in the past rather than waited out."""
    dead, alive = uuid.uuid4(), uuid.uuid4()
    lapsed, fresh = [
        await seeded.fetchval(
            "INSERT INTO rounds (algorithm, status, worker, lease_until)"
            " VALUES ('optimal', 'running', $1, now() + $2::text::interval) RETURNING id",
            who,
            lease,
        )
        for who, lease in ((dead, "-1 second"), (alive, "1 minute"))
    ]
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        assert await housekeeping.sweep(pool, alive) == (0, 1)
    finally:
        await pool.close()
    rows = {r["id"]: r for r in await seeded.fetch("SELECT id, status, error FROM rounds")}
    assert rows[lapsed]["status"] == "failed" and "abandoned" in rows[lapsed]["error"]
    assert rows[fresh]["status"] == "running"
    # the dead worker comes back and tries to finish, renew or fail its round: nothing moves
    assert not await q.set_finished(seeded, lapsed, dead, {}, "fingerprint")
    assert not await q.renew_lease(seeded, lapsed, dead, 30)
    assert not await q.set_failed(seeded, fresh, dead, "not mine")
    assert await seeded.fetchval("SELECT status FROM rounds WHERE id = $1", lapsed) == "failed"
    assert await seeded.fetchval("SELECT count(*) FROM housekeeping_runs") == 1


async def test_a_round_stored_before_engine_2_still_shows_its_graph(
    client: Client, seeded: Any, login: Any
) -> None:
    import gzip
    import json

    coordinator = await login("coordinator")
    round_ = await run_round(client, coordinator, dry_run=True)
    old = {  # the columns rounds stored before preferences, tickets and versions were kept
        "demand_id": [1], "community_id": [1], "slots": [1], "partner_id": [2], "capacity": [1],
        "edge_demand_id": [1], "edge_actor_id": [2], "edge_score": [0.7],
        "params": {"algorithm": "optimal", "min_score": 0.2, "max_per_community": None},
    }  # fmt: skip
    await seeded.execute(
        "UPDATE round_graphs SET graph_gz = $2 WHERE round_id = $1",
        round_["id"],
        gzip.compress(json.dumps(old).encode()),
    )
    graph = await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=coordinator)
    assert graph.status_code == 200, graph.text
    [edge] = graph.json()["edges"]
    assert edge["score"] == 0.7 and edge["demand_pref"] is None and edge["tie"] is None
