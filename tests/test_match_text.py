"""The text signal: one model over the whole library, so a pair scores the same in every view."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.queries import rounds as rounds_q
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


async def test_pages_use_a_model_a_few_minutes_behind_and_refit_it_apart_once(
    seeded: Any, database_dsn: str, monkeypatch: Any
) -> None:
    """A province's library takes seconds to fit and moves with every need: a page keeps the
    model it has, one refit starts apart once the last is :data:`REFIT_SECONDS` old, and a round
    always gets the model of the library as it is."""
    from matchmaker import db

    now = [1000.0]
    monkeypatch.setattr(text_model, "clock", lambda: now[0])
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    text_model.refit_from(pool)
    try:
        first = await text_model.recent(seeded)  # none yet: fitted here
        assert first.revision == await rounds_q.library_revision(seeded)
        await seeded.execute(
            "UPDATE actors SET description = description || '，新增长者助浴服务' WHERE id = 1"
        )
        moved = await rounds_q.library_revision(seeded)
        assert await text_model.recent(seeded) is first and not text_model.refitting()  # too soon
        exact = await text_model.current(seeded)  # a round's: the library as it is
        assert exact.revision == moved

        # a round fitted the new text meanwhile: pages get it at once
        assert await text_model.recent(seeded) is exact
        await seeded.execute(
            "UPDATE actors SET description = description || '，还有上门理发' WHERE id = 1"
        )
        newest = await rounds_q.library_revision(seeded)
        now[0] += text_model.REFIT_SECONDS
        assert await text_model.recent(seeded) is exact  # still the one it has ...
        (refit,) = text_model.refitting()  # ... and one refit apart, not one a view
        assert await text_model.recent(seeded) is exact and len(text_model.refitting()) == 1
        refitted = await refit
        assert refitted.revision == newest and await text_model.recent(seeded) is refitted
        assert not text_model.refitting()
    finally:
        await text_model.stop_refits()
        await pool.close()


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
