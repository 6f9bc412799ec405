"""GET /audit through HTTP: only admins read it; filters and keyset pages, newest first."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def _pages(client: Client, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = await client.get("/api/v1/audit", params=query, headers=headers)
        assert response.status_code == 200, response.text
        entries += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return entries


async def _staff_edits_a_need(client: Client, staff: dict[str, str]) -> int:
    created = await client.post(
        "/api/v1/demands",
        json={"title": "楼栋议事会场地改造", "category": "governance"},
        headers=staff,
    )
    assert created.status_code == 201, created.text
    demand_id: int = created.json()["id"]
    edited = await client.patch(f"/api/v1/demands/{demand_id}", json={"slots": 2}, headers=staff)
    assert edited.status_code == 200, edited.text
    return demand_id


async def test_only_admins_read_the_audit_log(client: Client, seeded: Any, login: Any) -> None:
    anonymous = await client.get("/api/v1/audit")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorized" and "items" not in anonymous.json()
    for username in ("coordinator", "staff", "partner"):
        response = await client.get("/api/v1/audit", headers=await login(username))
        assert response.status_code == 403, username
        assert response.json()["error"] == "forbidden" and "items" not in response.json()
    admin = await client.get("/api/v1/audit", headers=await login("admin"))
    assert admin.status_code == 200
    actions = [(e["entity"], e["action"], e["username"]) for e in admin.json()["items"]]
    assert actions[0] == ("user", "login", "admin")  # newest first
    assert ("seed", "load_demo", None) in actions


async def test_filters_by_entity_entity_id_and_user(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    demand_id = await _staff_edits_a_need(client, staff)
    await _staff_edits_a_need(client, staff)
    admin = await login("admin")
    staff_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")

    one = await _pages(client, admin, entity="demand", entity_id=demand_id)
    assert [e["action"] for e in one] == ["update", "create"]
    assert one[0]["before"]["slots"] == 1 and one[0]["after"]["slots"] == 2
    assert one[1]["before"] is None and one[1]["after"]["title"] == "楼栋议事会场地改造"

    demands = await _pages(client, admin, entity="demand")
    assert len(demands) == 4 and {e["entity"] for e in demands} == {"demand"}

    by_staff = await _pages(client, admin, user_id=staff_id)
    assert {e["username"] for e in by_staff} == {"staff"}
    assert [(e["entity"], e["action"]) for e in by_staff][-1] == ("user", "login")
    assert len(by_staff) == 5

    assert await _pages(client, admin, entity="no-such-entity") == []


async def test_pages_are_newest_first_without_gaps_or_repeats(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    for _ in range(3):
        await _staff_edits_a_need(client, staff)
    admin = await login("admin")
    paged = await _pages(client, admin, limit=2)
    whole = await seeded.fetch("SELECT id FROM audit_log ORDER BY id DESC")
    assert [e["id"] for e in paged] == [row["id"] for row in whole]
    assert len(paged) > 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"entity_id": "0"}, "entity_id"),
        ({"user_id": "abc"}, "user_id"),
        ({"limit": "0"}, "limit"),
        ({"entity": "x" * 51}, "entity"),
    ],
)
async def test_bad_filters_are_refused_naming_the_field(
    client: Client, seeded: Any, login: Any, params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/v1/audit", params=params, headers=await login("admin"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
