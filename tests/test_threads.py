"""Threads: the messages between a need's community and a partner, through the API and the page.

Who may read and write is checked for every role against a thread of its own and a foreign one;
a pair with neither a proposal nor a partnership has no thread. Messages are plain text, shown
escaped, paged newest last, notified to the other side and audited; bad input changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import csrf_of
from tests.test_inbox_pages import actor, open_need, partnership, proposal, section
from tests.test_notifications import told

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}


async def pair(conn: Any, community: str = "渔箭社区", partner: str = "注力社工") -> str:
    """The thread path of ``community``'s first open need and ``partner``."""
    return f"{await open_need(conn, community)}/{await actor(conn, partner)}"


def api(thread: str) -> str:
    return f"/api/v1/threads/{thread}/messages"


async def count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM messages"))


#: Who is on which side of 渔箭社区 × 注力社工 (a proposal) and 直台村 × 西华大学 (a partnership).
ROLES = [
    ("staff", True, False),
    ("partner", True, False),
    ("staff_zhitai", False, True),
    ("partner_xihua", False, True),
    ("partner_chunquan", False, False),
    ("coordinator", True, True),
    ("admin", True, True),
]


@pytest.mark.parametrize(("username", "on_proposal", "on_partnership"), ROLES)
async def test_each_role_reads_and_writes_its_own_threads_and_no_others_through_the_api(
    client: Client, seeded: Any, login: Any, username: str, on_proposal: bool, on_partnership: bool
) -> None:
    await proposal(seeded)
    await partnership(seeded, "直台村", "西华大学")
    headers = await login(username)
    for thread, allowed in (
        (await pair(seeded), on_proposal),
        (await pair(seeded, "直台村", "西华大学"), on_partnership),
    ):
        before = await count(seeded)
        read = await client.get(api(thread), headers=headers)
        wrote = await client.post(api(thread), json={"body": f"{username} 你好"}, headers=headers)
        if allowed:
            assert read.status_code == 200, (thread, read.text)
            assert wrote.status_code == 201, (thread, wrote.text)
            assert wrote.json()["body"] == f"{username} 你好"
            assert await count(seeded) == before + 1
            assert (await client.get(api(thread), headers=headers)).json()["items"][-1][
                "id"
            ] == wrote.json()["id"]
        else:
            assert (read.status_code, wrote.status_code) == (403, 403), (thread, read.text)
            assert await count(seeded) == before
    # a pair with neither a proposal nor a partnership has no thread, for anyone
    nothing = await pair(seeded, "渔箭社区", "春泉酒业")
    assert (await client.get(api(nothing), headers=headers)).status_code == 404
    missing = await client.post(api(nothing), json={"body": "在吗"}, headers=headers)
    assert missing.status_code == 404 and "thread" in missing.json()["message"]


@pytest.mark.parametrize(("username", "on_proposal", "on_partnership"), ROLES)
async def test_each_role_reads_and_writes_its_own_threads_and_no_others_on_the_page(
    client: Client,
    seeded: Any,
    page_login: Any,
    username: str,
    on_proposal: bool,
    on_partnership: bool,
) -> None:
    await proposal(seeded)
    await partnership(seeded, "直台村", "西华大学")
    token = await page_login(username)
    for thread, allowed in (
        (await pair(seeded), on_proposal),
        (await pair(seeded, "直台村", "西华大学"), on_partnership),
    ):
        before = await count(seeded)
        page = await client.get(f"/threads/{thread}")
        wrote = await client.post(
            f"/threads/{thread}/messages", data={"body": "页面留言", "_csrf_token": token},
            follow_redirects=False,
        )  # fmt: skip
        if allowed:
            assert page.status_code == 200 and 'name="body"' in page.text
            assert 'name="_csrf_token"' in page.text
            assert wrote.status_code == 303, wrote.text
            message_id = await seeded.fetchval("SELECT max(id) FROM messages")
            assert wrote.headers["location"] == f"/threads/{thread}#message-{message_id}"
            assert await count(seeded) == before + 1
        else:
            assert (page.status_code, wrote.status_code) == (403, 403)
            assert "页面留言" not in page.text
            assert await count(seeded) == before
    assert (
        await client.get(f"/threads/{await pair(seeded, '渔箭社区', '春泉酒业')}")
    ).status_code == 404


async def test_signed_out_callers_are_refused(client: Client, seeded: Any) -> None:
    await proposal(seeded)
    thread = await pair(seeded)
    assert (await client.get(api(thread))).status_code == 401
    assert (await client.post(api(thread), json={"body": "匿名"})).status_code == 401
    page = await client.get(f"/threads/{thread}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert await count(seeded) == 0


async def test_a_script_message_is_shown_as_text_and_newlines_are_kept(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    await proposal(seeded)
    thread = await pair(seeded)
    script = "<script>alert(1)</script>"
    wrote = await client.post(api(thread), json={"body": script}, headers=await login("staff"))
    assert wrote.status_code == 201 and wrote.json()["body"] == script
    token = await page_login("partner")
    await client.post(
        f"/threads/{thread}/messages", data={"body": "第一行\r\n第二行", "_csrf_token": token}
    )
    assert await seeded.fetchval("SELECT body FROM messages ORDER BY id DESC LIMIT 1") == (
        "第一行\n第二行"
    )
    page = (await client.get(f"/threads/{thread}")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert script not in page
    assert "第一行\n第二行" in page


async def test_messages_are_paged_newest_last_and_the_page_links_to_earlier_ones(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    await proposal(seeded)
    thread = await pair(seeded)
    staff, partner = await login("staff"), await login("partner")
    for n in range(1, 8):
        await client.post(
            api(thread), json={"body": f"消息{n}"}, headers=staff if n % 2 else partner
        )
    bodies: list[list[str]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        answer = (await client.get(api(thread), params=params, headers=partner)).json()
        bodies.append([m["body"] for m in answer["items"]])
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert bodies == [["消息5", "消息6", "消息7"], ["消息2", "消息3", "消息4"], ["消息1"]]
    assert answer["thread"]["actor_name"] == "注力社工" and answer["thread"]["proposal_id"]
    first = (await client.get(api(thread), params={"limit": 3}, headers=partner)).json()
    assert [m["side"] for m in first["items"]] == ["community", "partner", "community"]
    bad = await client.get(api(thread), params={"cursor": "not-a-cursor"}, headers=partner)
    assert bad.status_code == 400 and bad.json()["field"] == "cursor"
    assert (await client.get(api(thread), params={"limit": 0}, headers=partner)).status_code == 400

    # the page shows the latest thirty, oldest of them first, and links to the earlier ones
    for n in range(8, 36):
        await client.post(api(thread), json={"body": f"消息{n}"}, headers=staff)
    await page_login("partner")
    page = (await client.get(f"/threads/{thread}")).text
    assert page.index("消息6<") < page.index("消息35<") and "消息5<" not in page
    earlier = page.split('data-testid="earlier"')[0].rsplit('href="', 1)[1].split('"')[0]
    older = (await client.get(earlier.replace("&amp;", "&"))).text
    assert "消息1<" in older and "消息5<" in older and "消息6<" not in older
    assert "回到最新消息" in older


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n  "}, "body"),
        ({"body": "长" * 2001}, "body"),
        ({"body": "响铃\x07"}, "body"),
        ({"body": "制表\t符"}, "body"),
        ({"body": "回车\r符"}, "body"),
        ({"body": "\x85下一行"}, "body"),
        ({"body": 7}, "body"),
        ({}, "body"),
        ({"body": "好", "to": "admin"}, "to"),
    ],
)
async def test_bad_messages_are_400_naming_the_field_and_change_nothing(
    client: Client, seeded: Any, login: Any, body: dict[str, Any], field: str
) -> None:
    await proposal(seeded)
    refused = await client.post(api(await pair(seeded)), json=body, headers=await login("staff"))
    assert refused.status_code == 400, refused.text
    assert refused.json()["field"] == field, refused.json()
    assert await count(seeded) == 0
    assert await seeded.fetchval("SELECT count(*) FROM notifications") == 0
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'message'") == 0


async def test_the_longest_message_fits_and_a_bad_one_on_the_page_keeps_what_was_typed(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    await proposal(seeded)
    thread = await pair(seeded)
    longest = "满" * 1998 + "\n" + "满"  # 2000 characters; 2001 as a browser sends it (CRLF)
    fits = await client.post(api(thread), json={"body": longest}, headers=await login("staff"))
    assert fits.status_code == 201
    token = await page_login("partner")
    sent = await client.post(
        f"/threads/{thread}/messages", data={"body": longest.replace("\n", "\r\n"), "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303
    blank = await client.post(
        f"/threads/{thread}/messages", data={"body": "  ", "_csrf_token": token}
    )
    assert blank.status_code == 422 and "请写下消息内容" in blank.text
    too_long = await client.post(
        f"/threads/{thread}/messages", data={"body": "超" * 2001, "_csrf_token": token}
    )
    assert too_long.status_code == 422 and "最多 2000 个字" in too_long.text
    assert "超" * 2001 in too_long.text and 'aria-invalid="true"' in too_long.text
    # a form's control characters are removed at the edge (the JSON API refuses them instead)
    bell = await client.post(
        f"/threads/{thread}/messages", data={"body": "响铃\x07", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert bell.status_code == 303
    assert await seeded.fetchval("SELECT body FROM messages ORDER BY id DESC LIMIT 1") == "响铃"
    no_csrf = await client.post(f"/threads/{thread}/messages", data={"body": "没有令牌"})
    assert no_csrf.status_code == 403
    assert await count(seeded) == 3
    swapped = await client.post(
        f"/threads/{thread}/messages",
        data={"body": "htmx 留言", "_csrf_token": token},
        headers=HTMX,
    )
    assert swapped.status_code == 200 and 'id="thread"' in swapped.text and "已发送" in swapped.text
    assert "htmx 留言" in swapped.text


async def test_each_message_tells_the_other_side_and_is_audited(
    client: Client, seeded: Any, login: Any
) -> None:
    await proposal(seeded)
    thread = await pair(seeded)
    title = await seeded.fetchval(
        "SELECT title FROM demands WHERE id = $1", await open_need(seeded, "渔箭社区")
    )
    staff, partner, coordinator = (
        await login("staff"),
        await login("partner"),
        await login("coordinator"),
    )
    long = "我们周六上午九点到社区活动室，" * 10
    wrote = (await client.post(api(thread), json={"body": long}, headers=staff)).json()
    [notice] = (await told(client, partner))["items"]
    assert notice["kind"] == "message_received"
    assert notice["link"] == f"/threads/{thread}#message-{wrote['id']}"
    excerpt = notice["text"].split("：", 1)[1]
    assert len(excerpt) <= 60 and excerpt.endswith("…") and long.startswith(excerpt[:-1])
    assert notice["text"].startswith(f"渔箭社区 在「{title}」的对话中留言")
    assert (await told(client, staff))["items"] == []
    assert (await told(client, await login("staff_zhitai")))["items"] == []

    # a coordinator writing tells both sides; a reply then tells the coordinator too
    await client.post(api(thread), json={"body": "协调员提醒：请确认场地"}, headers=coordinator)
    assert [n["kind"] for n in (await told(client, staff))["items"]] == ["message_received"]
    assert len((await told(client, partner))["items"]) == 2
    await client.post(api(thread), json={"body": "场地已确认"}, headers=partner)
    to_coordinator = (await told(client, coordinator))["items"]
    assert [n["text"] for n in to_coordinator] == [
        f"注力社工 在「{title}」的对话中留言：场地已确认"
    ]

    audited = await seeded.fetch(
        "SELECT entity_id, username, after FROM audit_log WHERE entity = 'message' ORDER BY id"
    )
    assert [r["username"] for r in audited] == ["staff", "coordinator", "partner"]
    assert audited[0]["entity_id"] == wrote["id"] and audited[0]["after"]["body"] == long.strip()


async def test_the_inbox_links_each_proposal_and_partnership_to_its_thread_on_both_sides(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await proposal(seeded)
    await partnership(seeded, "渔箭社区", "西华大学")
    own, partnered = await pair(seeded), await pair(seeded, "渔箭社区", "西华大学")
    await page_login("staff")
    page = (await client.get("/inbox")).text
    assert f'href="/threads/{own}"' in section(page, "proposals")
    assert f'href="/threads/{partnered}"' in section(page, "partnerships")
    await page_login("partner")
    assert f'href="/threads/{own}"' in section((await client.get("/inbox")).text, "proposals")
    await page_login("partner_xihua")
    assert f'href="/threads/{partnered}"' in section(
        (await client.get("/inbox")).text, "partnerships"
    )
    thread_page = (await client.get(f"/threads/{partnered}")).text
    assert "渔箭社区 与 西华大学" in thread_page and csrf_of(thread_page)
    english = (await client.get(f"/threads/{partnered}?lang=en")).text
    assert "渔箭社区 and 西华大学" in english and ">Send</button>" in english


async def test_the_database_itself_refuses_control_characters_but_newlines(seeded: Any) -> None:
    import asyncpg

    await proposal(seeded)
    need, zhuli = await open_need(seeded, "渔箭社区"), await actor(seeded, "注力社工")
    author = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    insert = "INSERT INTO messages (demand_id, actor_id, author_id, side, body) VALUES ($1, $2, $3, 'community', $4)"
    await seeded.execute(insert, need, zhuli, author, "第一行\n第二行")
    for bad in ("响铃\x07", "制表\t符", "回车\r", "\x7f", "\x9b", "", "长" * 2001):
        with pytest.raises(asyncpg.CheckViolationError):
            await seeded.execute(insert, need, zhuli, author, bad)
    assert await count(seeded) == 1
