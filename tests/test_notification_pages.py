"""The bell and the notifications pages through HTTP: counts, opening, marking read, settings,
and the coordinators' group robots page. Refusals change nothing."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.test_inbox_pages import open_need

Client = AsyncTestClient[Litestar]


async def interest_from(client: Client, login: Any, seeded: Any, *communities: str) -> None:
    partner = await login("partner")
    for community in communities:
        need = await open_need(seeded, community)
        answer = await client.post(f"/api/v1/demands/{need}/interest", json={}, headers=partner)
        assert answer.status_code in (200, 201)


async def test_the_bell_counts_unread_and_every_page_loads_it(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    await page_login("staff")
    board = await client.get("/board")
    assert 'hx-get="/notifications/bell"' in board.text and 'hx-trigger="load"' in board.text
    empty = await client.get("/notifications/bell")
    assert 'data-testid="unread"' not in empty.text and 'hx-trigger="every 20s"' in empty.text
    await interest_from(client, login, seeded, "渔箭社区")
    bell = await client.get("/notifications/bell")
    assert re.search(r'data-testid="unread">1<', bell.text)
    assert "通知（1 条未读）" in bell.text
    assert "Notifications (1 unread)" in (await client.get("/notifications/bell?lang=en")).text


async def test_opening_one_marks_it_read_and_goes_where_it_points(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    await interest_from(client, login, seeded, "渔箭社区", "直台村")
    await page_login("staff")
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert page.text.count('data-testid="notification"') == 1
    found = re.search(r'href="/notifications/(\d+)/open">([^<]+)<', page.text)
    assert found and "表达了对接意向" in found[2]
    opened = await client.get(f"/notifications/{found[1]}/open", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/inbox#interests"
    assert 'data-testid="unread"' not in (await client.get("/notifications/bell")).text
    # another community's notification is no one's to open here
    theirs = await seeded.fetchval(
        "SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'staff_zhitai'"
    )
    assert (await client.get(f"/notifications/{theirs}/open")).status_code == 404
    assert await seeded.fetchval("SELECT read_at IS NULL FROM notifications WHERE id = $1", theirs)


async def test_mark_all_read_and_the_unread_filter(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    user_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    await seeded.execute(
        """INSERT INTO notifications (user_id, kind, entity, entity_id, link, params)
           SELECT $1, 'proposal_expired', 'proposal', g, '/inbox#proposals',
                  jsonb_build_object('demand', '需求' || g, 'actor', '伙伴') FROM generate_series(1, 35) g""",
        user_id,
    )
    first = await client.get("/notifications")
    assert first.text.count('data-testid="notification"') == 30 and "更早的通知" in first.text
    older = re.search(r'href="(/notifications\?cursor=[^"]+)"', first.text)
    assert (
        older
        and (await client.get(older[1].replace("&amp;", "&"))).text.count(
            'data-testid="notification"'
        )
        == 5
    )
    forged = await client.post("/notifications/read", data={}, follow_redirects=False)
    assert forged.status_code == 403  # no CSRF token: nothing marked
    assert await seeded.fetchval("SELECT count(*) FROM notifications WHERE read_at IS NULL") == 35
    done = await client.post(
        "/notifications/read", data={"_csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "没有未读通知" in (await client.get("/notifications?unread=1")).text


async def test_settings_form_keeps_what_was_typed_when_refused(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("partner")
    refused = await client.post(
        "/notifications/settings",
        data={"_csrf_token": token, "email": "not an address", "email_mode": "digest"},
    )
    assert refused.status_code == 422
    assert 'value="not an address"' in refused.text and 'aria-invalid="true"' in refused.text
    assert await seeded.fetchval("SELECT email FROM users WHERE username = 'partner'") is None
    saved = await client.post(
        "/notifications/settings",
        data={
            "_csrf_token": token,
            "email": "li@example.cn",
            "email_mode": "digest",
            "language": "zh",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert 'data-testid="saved"' in page.text and 'value="li@example.cn"' in page.text
    assert 'value="digest" checked' in page.text


async def test_robots_page_is_for_coordinators(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff")
    assert (await client.get("/notifications/robots")).status_code == 403
    token = await page_login("coordinator")
    page = await client.get("/notifications/robots")
    assert page.status_code == 200 and "还没有群机器人" in page.text
    district = await seeded.fetchval("SELECT id FROM districts ORDER BY id LIMIT 1")
    refused = await client.post(
        "/notifications/robots",
        data={"_csrf_token": token, "name": "群", "provider": "wecom", "url": "not a url",
              "district_id": str(district)},
    )  # fmt: skip
    assert refused.status_code == 422 and 'value="not a url"' in refused.text
    assert await seeded.fetchval("SELECT count(*) FROM group_webhooks") == 0
    made = await client.post(
        "/notifications/robots",
        data={"_csrf_token": token, "name": "邛崃社区群", "provider": "wecom",
              "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "district_id": str(district)},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    listed = await client.get("/notifications/robots")
    assert 'data-testid="robot"' in listed.text and "邛崃社区群" in listed.text
    robot = await seeded.fetchval("SELECT id FROM group_webhooks")
    await client.post(
        f"/notifications/robots/{robot}/switch", data={"_csrf_token": token, "active": "0"}
    )
    assert await seeded.fetchval("SELECT active FROM group_webhooks") is False


async def test_signed_out_visitors_are_asked_to_sign_in(client: Client, seeded: Any) -> None:
    answer = await client.get("/notifications", follow_redirects=False)
    assert answer.status_code in (302, 303, 401)
    assert 'data-testid="unread"' not in (await client.get("/notifications/bell")).text
