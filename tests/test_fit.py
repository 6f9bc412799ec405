"""A partner's fit on the opportunity board, through HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages

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
    for demand in items:
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
    # only needs the partner could be proposed for: in a district it serves (or it works remotely)
    served = {
        r["name"]
        for r in await seeded.fetch(
            """SELECT di.name FROM actor_districts ad JOIN districts di ON di.id = ad.district_id
               JOIN actors a ON a.id = ad.actor_id WHERE a.name = '注力社工'"""
        )
    }
    remote = await seeded.fetchval("SELECT remote FROM actors WHERE name = '注力社工'")
    assert remote or {d["district_name"] for d in ranked} <= served
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
