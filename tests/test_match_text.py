"""The text signal: one model over the whole library, so a pair scores the same in every view."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.services import text_model
from tests.test_rounds import wait

Client = AsyncTestClient[Litestar]


async def graph_of_round(client: Client, headers: dict[str, str], scope: dict[str, Any]) -> Any:
    body = {"scope": scope, "dry_run": True, "min_score": 0.0, "seed": 1}
    started = await client.post("/api/v1/rounds", json=body, headers=headers)
    round_ = await wait(client, headers, started.json()["id"])
    assert round_["status"] == "succeeded", round_
    return (await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=headers)).json()


async def test_a_pair_scores_the_same_in_a_district_round_and_a_city_round(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # rounds over every district: an admin's
    district = await graph_of_round(client, coordinator, {"districts": ["成华区"]})
    everything = await graph_of_round(client, coordinator, {})
    city = {(e["demand_id"], e["actor_id"]): e["score"] for e in everything["edges"]}
    shared = [(e["demand_id"], e["actor_id"], e["score"]) for e in district["edges"]]
    assert shared and all(city[(d, a)] == score for d, a, score in shared)


async def test_the_model_is_refitted_once_the_librarys_text_changes(seeded: Any) -> None:
    first = await text_model.current(seeded)
    assert await text_model.current(seeded) is first  # no change, no refit
    await seeded.execute("UPDATE demands SET status = 'open' WHERE status = 'open'")
    assert await text_model.current(seeded) is first  # a status is not text
    await seeded.execute(
        "UPDATE actors SET description = description || '，新增长者助浴服务' WHERE id = 1"
    )
    refitted = await text_model.current(seeded)
    assert refitted is not first and refitted.revision != first.revision
    assert refitted.documents == first.documents


async def test_an_open_need_says_what_it_would_take(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # rounds over every district: an admin's
    started = await client.post(
        "/api/v1/rounds", json={"scope": {}, "dry_run": True, "seed": 1}, headers=coordinator
    )
    round_ = await wait(client, coordinator, started.json()["id"])
    page = (
        await client.get(
            f"/api/v1/rounds/{round_['id']}/proposals", params={"limit": 200}, headers=coordinator
        )
    ).json()
    reasons = {r["reason"]: r for r in page["unmatched"]}
    below = reasons["below_threshold"]
    assert below["partner_id"] and 0 < below["best_score"] < round_["params"]["min_score"]
    assert f"min_score {below['best_score']:.3f} would propose it" in below["detail"]
    # 残疾人社区康复: nobody in reach does disability work; the nearest that does is named
    disability = await seeded.fetchval("SELECT id FROM demands WHERE title LIKE '残疾人社区康复%'")
    open_ = {r["demand_id"]: r for r in page["unmatched"]}[disability]
    assert open_["open_slots"] >= 1 and open_["reason"] in ("no_candidate", "below_threshold")
