"""The rules that make a proposal worth sending, each through the HTTP API on a real round.

Each test builds the smallest marketplace that shows one rule — a need in 成华区 and a few
partners — posts it through the API as a coordinator would, runs a dry round, and reads the
frozen graph (``GET /rounds/{id}/graph``: every candidate pair the round considered) and the
proposals.
"""

from __future__ import annotations

from typing import Any

import msgspec
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.matching import solve
from matchmaker.matching.replay import problem_of
from matchmaker.models.rounds import RoundGraph
from tests.test_rounds import proposals, wait

Client = AsyncTestClient[Litestar]
#: 成华区 (the need) and 广安区, some 250 km away.
CHENGHUA = (30.66, 104.10)
GUANG_AN = (30.47, 106.63)


async def setup(client: Client, conn: Any, login: Any) -> dict[str, Any]:
    """Two districts (geography is loaded, not posted), a community in 成华区, an admin."""
    await conn.execute(
        "INSERT INTO users (username, display_name, role, password_hash) "
        "VALUES ('admin', 'admin', 'admin', $1)",
        PasswordHasher().hash("matchmaker-demo"),
    )
    admin = await login("admin")
    ids: dict[str, Any] = {"admin": admin}
    for name, (lat, lon) in (("成华区", CHENGHUA), ("广安区", GUANG_AN)):
        district = await conn.fetchval(
            "INSERT INTO districts (name, city, lat, lon) VALUES ($1, '市', $2, $3) RETURNING id",
            name, lat, lon,
        )  # fmt: skip
        town = await conn.fetchval(
            "INSERT INTO towns (district_id, name, kind) VALUES ($1, $2, 'street') RETURNING id",
            district, f"{name}街道",
        )  # fmt: skip
        ids[name] = {"id": district, "town": town}
    r = await client.post(
        "/api/v1/communities",
        json={"name": "和美社区", "district_id": ids["成华区"]["id"], "town_id": ids["成华区"]["town"],
              "kind": "urban", "population": 8000, "lat": CHENGHUA[0], "lon": CHENGHUA[1]},
        headers=admin,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    ids["community"] = r.json()["id"]
    return ids


async def partner(client: Client, ids: dict[str, Any], name: str, **fields: Any) -> int:
    body = {
        "name": name, "kind": "social_org", "verified": True, "categories": ["elderly_care"],
        "resource_types": ["volunteers", "expertise"], "capacity": 2,
        "lat": CHENGHUA[0] + 0.01, "lon": CHENGHUA[1], "district_ids": [ids["成华区"]["id"]],
        "description": "长者居家上门助浴、助洁与陪伴服务，社工带领志愿者定期入户。",
    } | fields  # fmt: skip
    r = await client.post("/api/v1/actors", json=body, headers=ids["admin"])
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def need(client: Client, ids: dict[str, Any], **fields: Any) -> int:
    body = {
        "title": "退休职工居家养老上门服务", "category": "elderly_care", "status": "open",
        "community_id": ids["community"], "resource_types": ["volunteers", "expertise"],
        "description": "为高龄独居的退休职工提供上门助浴、助洁和陪伴。",
    } | fields  # fmt: skip
    r = await client.post("/api/v1/demands", json=body, headers=ids["admin"])
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def dry_round(client: Client, ids: dict[str, Any], **body: Any) -> dict[str, Any]:
    """A dry round over everything, with ``min_score`` 0 unless said (every candidate counts)."""
    body = {"scope": {}, "dry_run": True, "min_score": 0.0, "seed": 7} | body
    r = await client.post("/api/v1/rounds", json=body, headers=ids["admin"])
    assert r.status_code == 202, r.text
    round_ = await wait(client, ids["admin"], r.json()["id"])
    assert round_["status"] == "succeeded", round_
    graph = await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=ids["admin"])
    page = await proposals(client, ids["admin"], round_["id"])
    return {"round": round_, "graph": graph.json(), **page}


def edges(result: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    return {(e["demand_id"], e["actor_id"]): e for e in result["graph"]["edges"]}


async def test_an_on_site_need_never_meets_a_partner_outside_its_service_area(
    client: Client, conn: Any, login: Any
) -> None:
    ids = await setup(client, conn, login)
    far = await partner(
        client, ids, "广安长者关怀中心", lat=GUANG_AN[0], lon=GUANG_AN[1],
        district_ids=[ids["广安区"]["id"]], remote=True,
    )  # fmt: skip
    onsite = await need(client, ids)
    alone = await dry_round(client, ids)
    assert (onsite, far) not in edges(alone)
    [open_] = alone["unmatched"]  # and it says what it would take: the nearest is too far
    assert (open_["reason"], open_["cause"], open_["partner_id"]) == (
        "no_candidate",
        "out_of_reach",
        far,
    )
    assert 240 < open_["km"] < 270
    near = await partner(client, ids, "和美长者服务社")
    result = await dry_round(client, ids)
    assert (onsite, near) in edges(result)
    assert (onsite, far) not in edges(result)
    # the same far partner, for help that can come from afar (advice), is a candidate — its
    # proximity is the real distance, decaying: about 250 km away, it is near 0
    advice = await need(
        client, ids, title="养老服务站运营咨询", delivery="remote", resource_types=["expertise"],
        description="为社区养老服务站的运营提供线上咨询与方案建议。",
    )  # fmt: skip
    found = edges(await dry_round(client, ids))
    assert (advice, far) in found and (advice, near) in found
    assert found[(advice, far)]["score"] < found[(advice, near)]["score"]


async def test_a_shared_resource_type_alone_makes_no_candidate(
    client: Client, conn: Any, login: Any
) -> None:
    ids = await setup(client, conn, login)
    canteen = await partner(
        client, ids, "创新孵化空间", categories=["smart_community"],
        description="为社区提供数字化平台开发与运维。",
    )  # fmt: skip
    carer = await partner(client, ids, "和美长者服务社")
    onsite = await need(client, ids)
    found = edges(await dry_round(client, ids))
    assert (onsite, carer) in found
    assert (onsite, canteen) not in found  # it offers volunteers and expertise, not elderly care


async def test_the_group_a_need_is_for_is_never_proposed_as_its_partner(
    client: Client, conn: Any, login: Any
) -> None:
    ids = await setup(client, conn, login)
    itself = await partner(client, ids, "遛弯长者互助会")
    other = await partner(client, ids, "和美长者服务社")
    own = await need(client, ids, beneficiary_actor_ids=[itself])
    detail = (await client.get(f"/api/v1/demands/{own}")).json()
    assert detail["beneficiary_actor_ids"] == [itself]
    found = edges(await dry_round(client, ids))
    assert (own, other) in found and (own, itself) not in found
    # a beneficiary that is not in the library is refused by name, and nothing changes
    r = await client.patch(
        f"/api/v1/demands/{own}", json={"beneficiary_actor_ids": [99999]}, headers=ids["admin"]
    )
    assert r.status_code == 400 and r.json()["field"] == "beneficiary_actor_ids"
    assert (await client.get(f"/api/v1/demands/{own}")).json()["beneficiary_actor_ids"] == [itself]


async def test_unverified_partners_are_proposed_only_when_a_round_asks_and_then_marked(
    client: Client, conn: Any, login: Any
) -> None:
    ids = await setup(client, conn, login)
    newcomer = await partner(client, ids, "新成立长者服务社", verified=False)
    onsite = await need(client, ids)
    plain = await dry_round(client, ids)
    assert (onsite, newcomer) not in edges(plain)
    assert plain["unmatched"][0]["reason"] == "no_candidate"
    assert "not verified" in plain["unmatched"][0]["detail"]
    asked = await dry_round(client, ids, include_unverified=True)
    assert (onsite, newcomer) in edges(asked)
    [proposal] = asked["items"]
    assert proposal["actor_id"] == newcomer and proposal["unverified"] is True
    assert asked["round"]["stats"]["unverified_proposals"] == 1


async def test_a_stable_round_is_re_solved_from_its_published_graph(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    body = {"scope": {}, "algorithm": "stable", "dry_run": True, "min_score": 0.3, "seed": 11}
    r = await client.post("/api/v1/rounds", json=body, headers=coordinator)
    round_ = await wait(client, coordinator, r.json()["id"])
    graph = (await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=coordinator)).json()
    edge = graph["edges"][0]
    assert {"score", "demand_pref", "partner_pref", "tie"} <= set(edge)
    assert {"engine", "ortools", "networkx", "numpy"} <= set(graph["engine"])
    assert graph["params"]["seed"] == 11
    problem, params = problem_of(msgspec.convert(graph, RoundGraph))
    again = {(d, a) for d, a, _ in solve(problem, params).pairs(problem)}
    page = await proposals(client, coordinator, round_["id"])
    assert again == {(p["demand_id"], p["actor_id"]) for p in page["items"]}
    # the fingerprint covers what stable decides by: a partner's grade moves the communities'
    # preferences (not the score), and the fingerprint with them
    grade = await seeded.fetchval("SELECT id FROM actors WHERE grade = '5A' LIMIT 1")
    await seeded.execute("UPDATE actors SET grade = '3A' WHERE id = $1", grade)
    r = await client.post("/api/v1/rounds", json=body, headers=coordinator)
    moved = await wait(client, coordinator, r.json()["id"])
    assert moved["input_fingerprint"] != round_["input_fingerprint"]


async def test_the_same_seed_gives_the_same_proposals_and_ties_go_by_lottery_not_by_id(
    client: Client, conn: Any, login: Any
) -> None:
    ids = await setup(client, conn, login)
    twins = [await partner(client, ids, name, capacity=1) for name in ("甲服务社", "乙服务社")]
    await need(client, ids, slots=1)
    winners = {}
    for seed in range(12):
        result = await dry_round(client, ids, seed=seed)
        [only] = result["items"]
        winners[seed] = only["actor_id"]
        assert edges(result)[(only["demand_id"], twins[0])]["score"] == pytest_approx(
            edges(result)[(only["demand_id"], twins[1])]["score"]
        )
    first, again = await dry_round(client, ids, seed=3), await dry_round(client, ids, seed=3)
    assert first["items"][0]["actor_id"] == again["items"][0]["actor_id"] == winners[3]
    assert first["round"]["input_fingerprint"] == again["round"]["input_fingerprint"]
    assert set(winners.values()) == set(twins)  # each twin wins under some seed


def pytest_approx(value: float) -> Any:
    import pytest

    return pytest.approx(value, abs=1e-9)
