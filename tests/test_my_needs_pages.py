"""My needs (/needs/mine) through HTTP: a community's needs by status, with what each allows."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.vocab import LABELS
from matchmaker.web.my_needs import STATUS_ORDER

Client = AsyncTestClient[Litestar]


def _rows(page: str) -> dict[int, str]:
    """Each need's row on the page, by need id."""
    rows = re.findall(r'<li class="row mine-need" id="need-(\d+)".*?</li>', page, re.S)
    bodies = re.findall(r'(<li class="row mine-need" id="need-\d+".*?</li>)', page, re.S)
    return {int(i): body for i, body in zip(rows, bodies, strict=True)}


def _group_order(page: str) -> list[str]:
    return re.findall(r'<section class="inbox-section mine-group" id="status-(\w+)"', page)


async def _needs_of(conn: Any, username: str) -> dict[str, list[int]]:
    """The ids of the user's community's live needs, by status."""
    rows = await conn.fetch(
        "SELECT d.id, d.status FROM demands d JOIN users u ON u.community_id = d.community_id "
        "WHERE u.username = $1 AND d.archived_at IS NULL ORDER BY d.id DESC",
        username,
    )
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["status"], []).append(row["id"])
    return found


async def _every_status(conn: Any) -> dict[str, list[int]]:
    """渔箭社区 (user ``staff``) holding a need in every status: 3 open and 1 fulfilled in the demo
    data, one open moved on to matched and one to in progress, and a cancelled one added."""
    mine = await _needs_of(conn, "staff")
    first, second, *_ = mine["open"]
    await conn.execute("UPDATE demands SET status = 'matched' WHERE id = $1", first)
    await conn.execute("UPDATE demands SET status = 'in_progress' WHERE id = $1", second)
    await conn.execute(
        "INSERT INTO demands (community_id, title, category, status, search_text) "
        "SELECT community_id, '已取消的旧需求', 'education', 'cancelled', '' FROM users "
        "WHERE username = 'staff'"
    )
    return await _needs_of(conn, "staff")


def test_the_groups_follow_every_status_of_the_vocabulary() -> None:
    assert set(STATUS_ORDER) == set(LABELS["demand_status"]) and STATUS_ORDER[0] == "draft"


async def test_a_saved_draft_is_first_on_my_needs_with_the_link_there(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    data = {"title": "社区微基金草稿", "category": "charity", "status": "draft"}
    saved = await client.post("/needs/new", data=data | {"_csrf_token": token})
    assert saved.status_code == 200 and "已保存为草稿" in saved.text
    assert 'href="/needs/mine#status-draft"' in saved.text  # the notice says where drafts are
    page = await client.get("/needs/mine")
    assert page.status_code == 200 and "<h1>我的需求</h1>" in page.text
    assert 'href="/needs/mine" aria-current="page">我的需求</a>' in page.text  # in the header
    assert _group_order(page.text)[0] == "draft"
    draft_id = await seeded.fetchval("SELECT id FROM demands WHERE title = '社区微基金草稿'")
    draft_section = page.text.split('id="status-draft"')[1].split("</section>")[0]
    assert f'id="need-{draft_id}"' in draft_section and "社区微基金草稿" in draft_section


async def test_every_status_has_its_group_in_order_with_the_actions_it_allows(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await _every_status(seeded)
    token = await page_login("staff")
    data = {"title": "新的草稿", "category": "charity", "status": "draft"}
    await client.post("/needs/new", data=data | {"_csrf_token": token})
    mine = await _needs_of(seeded, "staff")
    assert set(mine) == set(STATUS_ORDER)
    page = (await client.get("/needs/mine")).text
    assert _group_order(page) == list(STATUS_ORDER)
    rows = _rows(page)
    # every need of the community, in its status's section, newest first, and nothing else
    shown = [int(i) for i in re.findall(r'id="need-(\d+)"', page)]
    assert shown == [i for status in STATUS_ORDER for i in mine[status]]
    for status, count in (("open", len(mine["open"])), ("fulfilled", 1), ("cancelled", 1)):
        assert re.search(rf'id="status-{status}-h">.*?<span class="count">{count}</span>', page)

    def actions(demand_id: int) -> set[str]:
        row = rows[demand_id]
        found = set(re.findall(r'name="status" value="(\w+)"', row))
        if f'href="/needs/{demand_id}/edit"' in row:
            found.add("edit")
        if f'href="/needs/{demand_id}"' in row:
            found.add("view")
        assert 'name="back" value="mine"' in row or found <= {"view"}
        return found

    assert actions(mine["draft"][0]) == {"view", "edit", "open", "cancelled"}
    assert actions(mine["open"][0]) == {"view", "edit", "draft", "matched", "cancelled"}
    assert actions(mine["matched"][0]) == {"view", "edit", "open", "in_progress", "cancelled"}
    assert actions(mine["in_progress"][0]) == {"view", "edit", "fulfilled", "cancelled"}
    assert actions(mine["fulfilled"][0]) == {"view"}
    assert actions(mine["cancelled"][0]) == {"view"}
    draft_row = rows[mine["draft"][0]]
    assert (
        "发布，开始征集" in draft_row and 'name="confirm"' in draft_row and "required" in draft_row
    )
    # in English too
    english = (await client.get("/needs/mine", params={"lang": "en"})).text
    assert "<h1>My needs</h1>" in english and "Publish: start looking for partners" in english


async def test_publishing_and_cancelling_from_my_needs_come_back_to_it(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    await client.post(
        "/needs/new", data={"title": "待发布的草稿", "category": "charity", "status": "draft",
                            "_csrf_token": token},
    )  # fmt: skip
    draft = await seeded.fetchval("SELECT id FROM demands WHERE title = '待发布的草稿'")
    published = await client.post(
        f"/needs/{draft}/status", data={"status": "open", "back": "mine", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert published.status_code == 303
    assert published.headers["location"] == f"/needs/mine?notice=status_open#need-{draft}"
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", draft) == "open"
    back = (await client.get(published.headers["location"])).text
    assert "需求已发布" in back
    assert f'id="need-{draft}"' in back.split('id="status-open"')[1].split("</section>")[0]
    unconfirmed = await client.post(
        f"/needs/{draft}/status", data={"status": "cancelled", "back": "mine", "_csrf_token": token}
    )
    assert unconfirmed.status_code == 422  # the need's page says to tick the box; nothing changed
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", draft) == "open"
    cancelled = await client.post(
        f"/needs/{draft}/status",
        data={"status": "cancelled", "confirm": "yes", "back": "mine", "_csrf_token": token},
    )
    assert cancelled.status_code == 200 and "需求已取消" in cancelled.text
    assert "/needs/mine?notice=status_cancelled" in str(cancelled.url)
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", draft) == "cancelled"


async def test_another_communitys_needs_are_not_there(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff_zhitai")
    page = (await client.get("/needs/mine")).text
    theirs = await _needs_of(seeded, "staff_zhitai")
    others = await seeded.fetch(
        "SELECT d.id, d.title FROM demands d JOIN users u ON u.username = 'staff_zhitai' "
        "WHERE d.community_id <> u.community_id"
    )
    assert sorted(_rows(page)) == sorted(i for ids in theirs.values() for i in ids)
    assert "直台村" in page
    for other in others:
        assert f'id="need-{other["id"]}"' not in page and f'/needs/{other["id"]}"' not in page
    # another community's draft (靖口村's) is nowhere, not even as a title
    draft = await seeded.fetchval("SELECT title FROM demands WHERE title LIKE '%四方公司%'")
    assert draft not in page


async def test_a_community_without_needs_is_told_so(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await seeded.execute(
        "UPDATE demands SET archived_at = now() WHERE community_id = "
        "(SELECT community_id FROM users WHERE username = 'staff_hemei')"
    )
    await page_login("staff_hemei")
    page = await client.get("/needs/mine")
    assert (
        page.status_code == 200 and "本社区还没有需求" in page.text and "mine-need" not in page.text
    )


async def test_only_community_staff_see_my_needs(
    client: Client, seeded: Any, page_login: Any
) -> None:
    anonymous = await client.get("/needs/mine", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Fneeds%2Fmine"
    board = (await client.get("/board")).text
    assert 'href="/needs/mine"' not in board
    for username in ("partner", "coordinator", "admin"):
        await page_login(username)
        answer = await client.get("/needs/mine")
        assert answer.status_code == 403 and "您没有权限做这件事" in answer.text, username
        assert 'href="/needs/mine"' not in answer.text  # nor in their header
