"""Contacts brokered: who sees whose contact details, through the API and the pages.

Two partnerships in the demo data: 渔箭社区 × 注力社工 (the one under test: active, completed or
cancelled) and 直台村 × 春泉酒业 (always active: another community's and another partner's own
partnership). Every role — anonymous, the community's staff, another community's staff, the
partner's staff, another partner's staff, a coordinator, an admin — reads both organisations and
both communities one by one and in lists, the partnerships, the library pages and the inbox; each
answer is held to the table below, written out rather than recomputed from the rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages
from tests.test_inbox_pages import section

Client = AsyncTestClient[Litestar]
CONTACT = ("contact_name", "contact_phone", "contact_email")

#: The demo users playing each role (None: anonymous).
USERS = {
    "anonymous": None,
    "own_staff": "staff",  # 渔箭社区
    "foreign_staff": "staff_zhitai",  # 直台村
    "own_partner": "partner",  # 注力社工
    "foreign_partner": "partner_chunquan",  # 春泉酒业
    "coordinator": "coordinator",
    "admin": "admin",
}
#: The four records whose contacts are looked at: (library, name).
SUBJECTS = {
    "zhuli": ("actors", "注力社工"),
    "chunquan": ("actors", "春泉酒业"),
    "yujian": ("communities", "渔箭社区"),
    "zhitai": ("communities", "直台村"),
}
EVERYTHING = frozenset(SUBJECTS)
#: Whose contact each role sees on a single record while 渔箭社区 × 注力社工 is confirmed.
CONFIRMED = {
    "anonymous": frozenset(),
    "own_staff": frozenset({"yujian", "zhuli"}),
    "foreign_staff": frozenset({"zhitai", "chunquan"}),
    "own_partner": frozenset({"zhuli", "yujian"}),
    "foreign_partner": frozenset({"chunquan", "zhitai"}),
    "coordinator": EVERYTHING,
    "admin": EVERYTHING,
}
#: ... and once it was cancelled: each side is back to its own contact.
CANCELLED = CONFIRMED | {
    "own_staff": frozenset({"yujian"}),
    "own_partner": frozenset({"zhuli"}),
}
CURATORS = ("coordinator", "admin")
STATUSES = ("active", "completed", "cancelled")


async def _need(conn: Any, community: str) -> int:
    return int(
        await conn.fetchval(
            """SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
               WHERE c.name = $1 AND d.status = 'open' ORDER BY d.id LIMIT 1""",
            community,
        )
    )


async def _partnership(conn: Any, community: str, actor: str, status: str) -> int:
    partnership = int(
        await conn.fetchval(
            """INSERT INTO partnerships (demand_id, actor_id, origin)
               SELECT $1, id, 'direct' FROM actors WHERE name = $2 RETURNING id""",
            await _need(conn, community),
            actor,
        )
    )
    if status == "completed":
        await conn.execute(
            """UPDATE partnerships SET status = 'completed', ended_at = now(),
               beneficiaries_served = 40, rating = 5 WHERE id = $1""",
            partnership,
        )
    if status == "cancelled":
        await conn.execute(
            """UPDATE partnerships SET status = 'cancelled', ended_at = now(),
               cancel_reason = '档期冲突' WHERE id = $1""",
            partnership,
        )
    return partnership


async def _world(conn: Any, status: str) -> dict[str, Any]:
    """The two partnerships, and each subject's id and stored contact."""
    world: dict[str, Any] = {
        "own": await _partnership(conn, "渔箭社区", "注力社工", status),
        "foreign": await _partnership(conn, "直台村", "春泉酒业", "active"),
    }
    for key, (table, name) in SUBJECTS.items():
        row = await conn.fetchrow(
            f"SELECT id, contact_name, contact_phone, contact_email FROM {table} WHERE name = $1",
            name,
        )
        assert row["contact_phone"], f"the demo data should give {name} a contact"
        world[key] = dict(row)
    return world


def _contact(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["contact_name"],
        "phone": row["contact_phone"],
        "email": row["contact_email"],
    }


@pytest.mark.parametrize("status", STATUSES)
async def test_each_role_sees_the_contacts_the_rule_gives_it_through_the_api(
    client: Client, seeded: Any, login: Any, status: str
) -> None:
    world = await _world(seeded, status)
    for role, user in USERS.items():  # every role on one world (a world per role costs a seed)
        await _api_sees(client, world, role, status, await login(user) if user else {})


async def _api_sees(
    client: Client, world: dict[str, Any], role: str, status: str, headers: dict[str, str]
) -> None:
    sees = (CANCELLED if status == "cancelled" else CONFIRMED)[role]
    for key, (table, _) in SUBJECTS.items():
        answer = await client.get(f"/api/v1/{table}/{world[key]['id']}", headers=headers)
        assert answer.status_code == 200, answer.text
        one = answer.json()
        if key in sees:
            assert {k: one[k] for k in CONTACT} == {k: world[key][k] for k in CONTACT}, key
        else:
            assert not set(CONTACT) & set(one), (key, one)
            assert world[key]["contact_phone"] not in answer.text, key
    for table in ("actors", "communities"):
        listed = await all_pages(client, f"/api/v1/{table}", headers=headers, limit=50)
        if role == "coordinator":  # 邛崃市's: contacts of its area's rows only
            ours = [
                item.get("district_name") == "邛崃市"
                or any(d["name"] == "邛崃市" for d in item.get("districts", []))
                for item in listed
            ]
            assert any(ours) and not all(ours), table
            assert all((set(CONTACT) <= set(i)) == o for i, o in zip(listed, ours, strict=True))
        elif role in CURATORS:
            assert all(set(CONTACT) <= set(item) for item in listed), table
        else:
            assert all(not set(CONTACT) & set(item) for item in listed), table


@pytest.mark.parametrize("status", STATUSES)
async def test_a_partnership_carries_the_other_sides_contact_from_confirmation_on(
    client: Client, seeded: Any, login: Any, status: str
) -> None:
    world = await _world(seeded, status)
    for role, user in USERS.items():
        await _partnership_shows(client, world, role, status, await login(user) if user else {})


async def _partnership_shows(
    client: Client, world: dict[str, Any], role: str, status: str, headers: dict[str, str]
) -> None:
    confirmed = status != "cancelled"
    own = await client.get(f"/api/v1/partnerships/{world['own']}", headers=headers)
    foreign = await client.get(f"/api/v1/partnerships/{world['foreign']}", headers=headers)
    listed = await client.get("/api/v1/partnerships", params={"limit": 200}, headers=headers)
    if role == "anonymous":
        assert (own.status_code, foreign.status_code, listed.status_code) == (401, 401, 401)
        return
    both = {"community": _contact(world["yujian"]), "partner": _contact(world["zhuli"])}
    theirs = {"community": _contact(world["zhitai"]), "partner": _contact(world["chunquan"])}
    expected_own: dict[str, Any] | None = {
        "own_staff": {"partner": both["partner"]} if confirmed else {},
        "own_partner": {"community": both["community"]} if confirmed else {},
        "coordinator": both,
        "admin": both,
    }.get(role)
    expected_foreign: dict[str, Any] | None = {
        "foreign_staff": {"partner": theirs["partner"]},
        "foreign_partner": {"community": theirs["community"]},
        "coordinator": theirs,
        "admin": theirs,
    }.get(role)
    items = {item["id"]: item for item in listed.json()["items"]}
    for answer, partnership, expected in (
        (own, world["own"], expected_own),
        (foreign, world["foreign"], expected_foreign),
    ):
        if expected is None:  # not a party: refused, and not in the list
            assert answer.status_code == 403, answer.text
            assert partnership not in items
            continue
        assert answer.status_code == 200, answer.text
        assert answer.json()["contacts"] == expected, (role, partnership)
        assert items[partnership]["contacts"] == expected, (role, partnership)
    if role not in CURATORS:  # a party never gets its own side back as "the other side's"
        mine = {
            "own_staff": "yujian", "foreign_staff": "zhitai", "own_partner": "zhuli",
            "foreign_partner": "chunquan",
        }[role]  # fmt: skip
        assert world[mine]["contact_phone"] not in own.text + foreign.text + listed.text


@pytest.mark.parametrize("status", STATUSES)
async def test_the_library_pages_and_the_inbox_show_contacts_by_the_same_rule(
    client: Client, seeded: Any, page_login: Any, status: str
) -> None:
    world = await _world(seeded, status)
    for role, user in USERS.items():
        client.cookies.clear()  # signed out; then signed in as the role's user
        if user:
            await page_login(user)
        await _pages_show(client, world, role, status, user)


async def _pages_show(
    client: Client, world: dict[str, Any], role: str, status: str, user: str | None
) -> None:
    sees = (CANCELLED if status == "cancelled" else CONFIRMED)[role]
    for key, (table, name) in SUBJECTS.items():
        page = await client.get(f"/libraries/{table}/{world[key]['id']}")
        assert page.status_code == 200 and name in page.text
        for field in CONTACT:
            assert (world[key][field] in page.text) == (key in sees), (key, field)
    for table, (_, name) in (("actors", SUBJECTS["zhuli"]), ("communities", SUBJECTS["yujian"])):
        listed = (await client.get(f"/libraries/{table}", params={"q": name})).text
        assert name in listed and "028-0000" not in listed.split('id="items"', 1)[1]
    if user is None:
        return
    inbox = (await client.get("/inbox")).text
    others = {
        "own_staff": "zhuli",
        "foreign_staff": "chunquan",
        "own_partner": "yujian",
        "foreign_partner": "zhitai",
    }
    if role not in others:  # curators are no party: their inbox points them elsewhere
        assert "028-0000" not in inbox
        return
    other = world[others[role]]
    shown_here = role.startswith("foreign") or status != "cancelled"
    assert (other["contact_phone"] in inbox) == shown_here, role
    if shown_here:
        where = "completed" if status == "completed" and role.startswith("own") else "partnerships"
        found = section(inbox, where)
        assert f'href="tel:{other["contact_phone"]}"' in found
        assert f'href="mailto:{other["contact_email"]}"' in found and other["contact_name"] in found
    for key in EVERYTHING - {others[role]}:
        assert world[key]["contact_phone"] not in inbox, (role, key)


async def test_community_staff_edit_their_own_communitys_contact_and_nothing_else(
    client: Client, seeded: Any, login: Any
) -> None:
    own = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    foreign = await seeded.fetchval("SELECT id FROM communities WHERE name = '直台村'")
    staff = await login("staff")
    url = f"/api/v1/communities/{own}"
    before = (await client.get(url, headers=staff)).json()
    answer = await client.patch(
        url,
        json={"contact_name": "新联系人", "contact_phone": "028-0000-1999", "contact_email": None,
              "name": before["name"], "population": before["population"]},
        headers=staff,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    after = answer.json()
    assert (after["contact_name"], after["contact_phone"], after["contact_email"]) == (
        "新联系人", "028-0000-1999", None,
    )  # fmt: skip
    assert {k: after[k] for k in ("name", "population", "description")} == {
        k: before[k] for k in ("name", "population", "description")
    }
    trail = await seeded.fetchrow(
        "SELECT username, before, after FROM audit_log WHERE entity = 'community' "
        "AND entity_id = $1 AND action = 'update'",
        own,
    )
    assert trail["username"] == "staff"
    assert trail["before"]["contact_phone"] == before["contact_phone"]
    assert trail["after"]["contact_phone"] == "028-0000-1999"
    stored = dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own))
    audits = await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'community'")
    refusals = [
        (url, {"population": 1}, staff, 403, "population"),
        (url, {"contact_phone": "028-0000-1888", "description": "改"}, staff, 403, "description"),
        (f"/api/v1/communities/{foreign}", {"contact_phone": "028-0000-1777"}, staff, 403, None),
        (url, {"contact_phone": "028-0000-1666"}, await login("partner"), 403, None),
        (url, {"contact_phone": "028-0000-1555"}, {}, 401, None),
    ]
    for target, body, headers, status, field in refusals:
        refused = await client.patch(target, json=body, headers=headers)
        assert refused.status_code == status, (body, refused.text)
        if field:
            assert refused.json()["field"] == field and "contact" in refused.json()["message"]
    assert dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own)) == stored
    assert (
        await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'community'") == audits
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_email": "a@b.c" + "o" * 200}, "contact_email"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_phone": "0" * 51}, "contact_phone"),
        ({"contact_phone": 2800001001}, "contact_phone"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_name": "名" * 101}, "contact_name"),
        ({"contact_wechat": "mm-demo"}, "contact_wechat"),
    ],
)
async def test_bad_community_contact_input_answers_400_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any, body: dict[str, Any], field: str
) -> None:
    own = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    stored = dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own))
    count = await seeded.fetchval("SELECT count(*) FROM communities")
    coordinator = await login("coordinator")
    for who, headers in (("staff", await login("staff")), ("coordinator", coordinator)):
        answer = await client.patch(f"/api/v1/communities/{own}", json=body, headers=headers)
        assert answer.status_code == 400, (who, answer.text)
        error = answer.json()
        assert (error["error"], error["field"]) == ("invalid", field), error
        assert field in error["message"] and "Traceback" not in answer.text
    place = await seeded.fetchrow("SELECT district_id, id FROM towns ORDER BY id LIMIT 1")
    created = await client.post(
        "/api/v1/communities",
        json={"name": "联系方式测试社区", "district_id": place["district_id"],
              "town_id": place["id"], "kind": "urban", "population": 10, "lat": 30.4,
              "lon": 103.4, **body},
        headers=coordinator,
    )  # fmt: skip
    assert created.status_code == 400 and created.json()["field"] == field, created.text
    assert dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own)) == stored
    assert await seeded.fetchval("SELECT count(*) FROM communities") == count
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'community'") == 0


async def test_community_staff_edit_the_contact_on_the_library_edit_page(
    client: Client, seeded: Any, page_login: Any
) -> None:
    own = await seeded.fetchrow("SELECT * FROM communities WHERE name = '渔箭社区'")
    foreign_row = await seeded.fetchrow("SELECT * FROM communities WHERE name = '直台村'")
    foreign = foreign_row["id"]
    token = await page_login("staff")
    item = (await client.get(f"/libraries/communities/{own['id']}")).text
    assert f'href="/libraries/communities/{own["id"]}/edit"' in item
    assert "/edit" not in (await client.get(f"/libraries/communities/{foreign}")).text
    form = (await client.get(f"/libraries/communities/{own['id']}/edit")).text
    assert 'name="contact_phone"' in form and f'value="{own["contact_phone"]}"' in form
    assert 'name="population"' not in form and 'name="name"' not in form
    assert "/archive" not in form
    url = f"/libraries/communities/{own['id']}/edit"
    bad = await client.post(
        url, data={"contact_name": "保留的名字", "contact_email": "nope", "_csrf_token": token}
    )
    assert bad.status_code == 422 and 'id="f-contact_email-error"' in bad.text
    assert "请填写有效的邮箱地址" in bad.text and 'value="保留的名字"' in bad.text
    assert dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own["id"])) == dict(own)  # fmt: skip
    sneaky = await client.post(
        url, data={"contact_phone": "028-0000-1234", "population": "1", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert sneaky.status_code == 303, sneaky.text
    row = await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", own["id"])
    assert (row["contact_phone"], row["population"]) == ("028-0000-1234", own["population"])
    assert row["contact_name"] is None and row["contact_email"] is None  # blank fields clear
    for path in (f"/libraries/communities/{foreign}/edit", f"/libraries/actors/{1}/edit"):
        assert (await client.get(path)).status_code == 403, path
    refused = await client.post(
        f"/libraries/communities/{foreign}/edit",
        data={"contact_phone": "028-0000-4321", "_csrf_token": token},
    )
    assert refused.status_code == 403
    archive = await client.post(
        f"/libraries/communities/{own['id']}/archive",
        data={"confirm": "yes", "_csrf_token": token},
    )
    assert archive.status_code == 403
    assert dict(await seeded.fetchrow("SELECT * FROM communities WHERE id = $1", foreign)) == dict(
        foreign_row
    )
    assert await seeded.fetchval(
        "SELECT archived_at IS NULL FROM communities WHERE id = $1", own["id"]
    )
    await page_login("partner")
    assert (await client.get(url)).status_code == 403
