"""A partner's fit on the opportunity board, through HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages
from tests.test_rounds import wait

Client = AsyncTestClient[Litestar]
COMPONENTS = {
    "category",
    "resources",
    "text",
    "proximity",
    "track_record",
    "interest",
    "policy",
    "urgency",
}


async def test_anonymous_visitors_see_no_fit(client: Client, seeded: Any) -> None:
    items = (await client.get("/api/v1/opportunities")).json()["items"]
    assert items and all(d["fit"] is None and d["fit_components"] is None for d in items)


async def test_a_partner_sees_its_fit_with_the_components_that_make_it(
    client: Client, seeded: Any, login: Any
) -> None:
    items = (await client.get("/api/v1/opportunities", headers=await login("partner"))).json()[
        "items"
    ]
    assert items
    scored = [d for d in items if d["fit"] is not None]
    assert scored  # a need it could never be proposed for has no fit
    for demand in scored:
        assert 0 <= demand["fit"] <= 1
        assert set(demand["fit_components"]) == COMPONENTS


async def test_sort_by_fit_ranks_the_needs_a_round_could_propose_best_first(
    client: Client, seeded: Any, login: Any
) -> None:
    partner = await login("partner")
    ranked = await all_pages(client, "/api/v1/opportunities", partner, sort="fit", limit=4)
    assert ranked
    fits = [d["fit"] for d in ranked]
    assert fits == sorted(fits, reverse=True)
    assert len({d["id"] for d in ranked}) == len(ranked)
    # exactly the needs a round could propose it for, each at the score the round gives the pair
    coordinator = await login("admin")  # a round over every district: an admin's
    started = await client.post(
        "/api/v1/rounds",
        json={"scope": {}, "dry_run": True, "min_score": 0.0, "include_unverified": True},
        headers=coordinator,
    )
    round_ = await wait(client, coordinator, started.json()["id"])
    graph = (await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=coordinator)).json()
    me = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    in_round = {e["demand_id"]: e["score"] for e in graph["edges"] if e["actor_id"] == me}
    assert {d["id"] for d in ranked} == set(in_round)
    assert all(abs(d["fit"] - in_round[d["id"]]) < 1e-4 for d in ranked)
    interested = ranked[-1]["id"]
    await client.post(
        f"/api/v1/demands/{interested}/interest", json={"note": "想做"}, headers=partner
    )
    again = await all_pages(client, "/api/v1/opportunities", partner, sort="fit", limit=50)
    moved = next(d for d in again if d["id"] == interested)
    assert moved["fit_components"]["interest"] == 1 and moved["fit"] > ranked[-1]["fit"]


async def test_sort_by_fit_needs_a_signed_in_partner(
    client: Client, seeded: Any, login: Any
) -> None:
    for headers in ({}, await login("staff"), await login("coordinator")):
        response = await client.get(
            "/api/v1/opportunities", params={"sort": "fit"}, headers=headers
        )
        assert response.status_code == 400 and response.json()["field"] == "sort"


async def test_a_partners_ranking_reads_only_the_needs_it_might_reach_and_misses_none(
    conn: Any,
) -> None:
    """The board's ranking by fit starts from the needs a partner might be proposed for (its
    districts, its radius's box, what it delivers from afar, the categories it can do): it finds
    every pair a round could propose among all open needs, for partners of every reach."""
    from matchmaker.queries import demands as demand_queries
    from matchmaker.services import fit as fit_service
    from matchmaker.synthetic import generate

    await generate(conn, demands=1500, communities=90, partners=240, seed=5, districts=4,
                   remote_share=0.3)  # fmt: skip
    # some partners reach only by their radius, far beyond the districts they list
    await conn.execute(
        "UPDATE actors SET service_radius_km = 400, remote_resource_types = '{}' "
        "WHERE id IN (SELECT id FROM actors ORDER BY id LIMIT 5)"
    )
    await conn.execute(
        "DELETE FROM actor_districts WHERE actor_id IN (SELECT id FROM actors ORDER BY id LIMIT 5)"
    )
    everything = demand_queries.DemandFilters(status="open")
    every_open = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM demands WHERE status = 'open' AND archived_at IS NULL ORDER BY id"
        )
    ]
    assert len(every_open) > 1000
    partners = await conn.fetch(
        "SELECT id, service_radius_km > 0 AS radius, cardinality(remote_resource_types) > 0 "
        "AS remote FROM actors ORDER BY id"
    )
    shapes = {(r["radius"], r["remote"]) for r in partners}
    assert shapes == {(False, False), (False, True), (True, False), (True, True)}
    narrowed = 0
    for partner in partners[:60]:
        reached = await demand_queries.open_ids(conn, everything, partner["id"])
        assert set(reached) <= set(every_open)
        whole = await fit_service.fit(conn, partner["id"], every_open)
        assert await fit_service.fit(conn, partner["id"], reached) == whole, partner["id"]
        narrowed += len(reached) < len(every_open) / 2
    assert narrowed > 30  # most partners' boards read a fraction of the needs
