"""Notifications through the API: who is told of what, reading and marking them, reminders on a
test clock, and how each user chooses to hear.

Events are made the way users make them (expressing interest, running a round, answering a
proposal); reminders and expiry run the real housekeeping pass with ``now`` moved forward instead
of waiting for time to pass.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.services import housekeeping
from matchmaker.settings import Settings
from tests.test_inbox_pages import actor, open_need, proposal
from tests.test_rounds import _one_pending

Client = AsyncTestClient[Litestar]


async def told(client: Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/notifications", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_interest_tells_the_needs_community_and_no_one_else(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, partner, other = (
        await login("staff"),
        await login("partner"),
        await login("staff_zhitai"),
    )
    need = await open_need(seeded, "渔箭社区")
    title = await seeded.fetchval("SELECT title FROM demands WHERE id = $1", need)
    response = await client.post(
        f"/api/v1/demands/{need}/interest", json={"note": "周末可以来"}, headers=partner
    )
    assert response.status_code in (200, 201), response.text
    mine = await told(client, staff)
    assert mine["unread"] == 1
    [item] = mine["items"]
    assert item["kind"] == "interest_received" and item["entity_id"] == need
    assert item["text"] == f"注力社工 对「{title}」表达了对接意向"
    assert item["link"] == "/inbox#interests" and item["read_at"] is None
    english = await told(client, staff, lang="en")
    assert english["items"][0]["text"] == f"注力社工 is interested in “{title}”"
    assert (await told(client, partner))["items"] == []
    assert (await told(client, other))["items"] == []
    # a second expression only updates the note: nobody is told twice
    await client.post(
        f"/api/v1/demands/{need}/interest", json={"note": "改为周六"}, headers=partner
    )
    assert (await told(client, staff))["unread"] == 1


async def test_marking_read_touches_only_your_own_and_bad_bodies_are_refused(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, partner = await login("staff"), await login("partner")
    for community in ("渔箭社区", "直台村"):
        need = await open_need(seeded, community)
        await client.post(f"/api/v1/demands/{need}/interest", json={}, headers=partner)
    [item] = (await told(client, staff))["items"]
    theirs = await seeded.fetchval(
        "SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = $1",
        "staff_zhitai",
    )
    for body in ({}, {"ids": []}, {"ids": [0]}, {"ids": ["x"]}, {"all": "yes"}, {"other": 1}):
        refused = await client.post("/api/v1/notifications/read", json=body, headers=staff)
        assert refused.status_code == 400, (body, refused.text)
    assert (await told(client, staff))["unread"] == 1
    # someone else's id is ignored, not an error that would say it exists
    answer = await client.post(
        "/api/v1/notifications/read", json={"ids": [theirs, item["id"]]}, headers=staff
    )
    assert answer.status_code == 200 and answer.json() == {"unread": 0}
    assert await seeded.fetchval("SELECT read_at IS NULL FROM notifications WHERE id = $1", theirs)
    assert (await told(client, staff, unread="true"))["items"] == []
    assert (await told(client, staff))["items"][0]["read_at"] is not None
    assert (await client.get("/api/v1/notifications")).status_code == 401


async def test_keyset_paging_walks_every_notification_once_newest_first(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    user_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    await seeded.execute(
        """INSERT INTO notifications (user_id, kind, entity, entity_id, link, params)
           SELECT $1, 'proposal_expired', 'proposal', g, '/inbox#proposals',
                  jsonb_build_object('demand', '需求' || g, 'actor', '伙伴')
           FROM generate_series(1, 45) g""",
        user_id,
    )
    seen: list[int] = []
    cursor = None
    while True:
        page = await told(client, staff, limit=20, **({"cursor": cursor} if cursor else {}))
        assert page["unread"] == 45
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 45
    assert (await told(client, staff, limit=1))["items"][0][
        "text"
    ] == "撮合建议「需求45」（伙伴）无人答复，已过期"
    bad = await client.get("/api/v1/notifications", params={"cursor": "nonsense"}, headers=staff)
    assert bad.status_code == 400


async def test_a_round_tells_both_sides_and_answers_tell_the_other_side(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff, partner = (
        await login("coordinator"),
        await login("staff"),
        await login("partner"),
    )
    pending = await _one_pending(client, seeded, coordinator)
    link = f"/inbox#proposal-{pending['id']}"
    for side in (staff, partner):
        links = [
            i["link"] for i in (await told(client, side))["items"] if i["kind"] == "proposal_made"
        ]
        assert link in links
    assert (await told(client, coordinator))[
        "items"
    ] == []  # coordinators see rounds, not a bell per pair
    before = (await told(client, partner))["unread"]
    assert (
        await client.post(f"/api/v1/proposals/{pending['id']}/accept", headers=staff)
    ).status_code == 200
    after = await told(client, partner)
    assert after["unread"] == before + 1
    assert after["items"][0]["kind"] == "proposal_accepted"
    assert after["items"][0]["text"].startswith("渔箭社区 已接受")
    # accepting again tells no one again
    await client.post(f"/api/v1/proposals/{pending['id']}/accept", headers=staff)
    assert (await told(client, partner))["unread"] == before + 1
    staff_before = (await told(client, staff))["unread"]
    await client.post(f"/api/v1/proposals/{pending['id']}/accept", headers=partner)
    confirmed = await told(client, staff)
    assert confirmed["unread"] == staff_before + 1
    assert confirmed["items"][0]["kind"] == "partnership_confirmed"
    assert confirmed["items"][0]["link"] == "/inbox#partnerships"
    # the partner who confirmed is not told of their own act
    assert (await told(client, partner))["items"][0]["kind"] == "proposal_accepted"


async def test_a_decline_tells_the_other_side_its_reason(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, partner = await login("staff"), await login("partner")
    made = await proposal(seeded)
    await client.post(
        f"/api/v1/proposals/{made}/decline", json={"reason": "档期已满"}, headers=partner
    )
    [item] = (await told(client, staff))["items"]
    assert item["kind"] == "proposal_declined" and item["text"].endswith("：档期已满")
    assert (await told(client, partner))["items"] == []


async def test_reminder_before_expiry_once_then_expired_on_a_test_clock(
    client: Client, seeded: Any, login: Any, database_dsn: str
) -> None:
    staff, partner = await login("staff"), await login("partner")
    made = await proposal(seeded, expires="7 days")
    await seeded.execute(
        "UPDATE proposals SET community_accepted_at = now(), status = 'community_accepted' WHERE id = $1",
        made,
    )
    expires = await seeded.fetchval("SELECT expires_at FROM proposals WHERE id = $1", made)
    settings = Settings(reminder_hours=48)
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    worker = uuid.uuid4()
    try:
        await housekeeping.sweep(pool, worker, settings, now=expires - dt.timedelta(hours=49))
        assert (await told(client, partner))["items"] == []
        for hours in (47, 30):  # inside the lead time: one reminder, however many passes
            await housekeeping.sweep(
                pool, worker, settings, now=expires - dt.timedelta(hours=hours)
            )
        reminders = [
            i for i in (await told(client, partner))["items"] if i["kind"] == "proposal_expiring"
        ]
        assert len(reminders) == 1
        assert reminders[0]["link"] == f"/inbox#proposal-{made}"
        # the community already accepted: only the side that has not answered is reminded
        assert (await told(client, staff))["items"] == []
        await housekeeping.sweep(pool, worker, settings, now=expires + dt.timedelta(minutes=1))
    finally:
        await pool.close()
    assert await seeded.fetchval("SELECT status FROM proposals WHERE id = $1", made) == "expired"
    for side in (staff, partner):
        assert (await told(client, side))["items"][0]["kind"] == "proposal_expired"


async def test_a_partnership_past_its_end_date_asks_both_sides_to_close_it_once(
    client: Client, seeded: Any, login: Any, database_dsn: str
) -> None:
    staff, partner = await login("staff"), await login("partner")
    need = await open_need(seeded, "渔箭社区")
    await seeded.execute(
        "UPDATE demands SET window_start = '2026-01-01', window_end = '2026-06-30' WHERE id = $1",
        need,
    )
    ps = await seeded.fetchval(
        "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct') RETURNING id",
        need,
        await actor(seeded, "注力社工"),
    )
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        day = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
        await housekeeping.sweep(pool, uuid.uuid4(), Settings(), now=day)
        assert (await told(client, staff))["items"] == []
        for later in (1, 2):
            await housekeeping.sweep(
                pool, uuid.uuid4(), Settings(), now=day + dt.timedelta(days=later)
            )
    finally:
        await pool.close()
    for side in (staff, partner):
        [item] = (await told(client, side))["items"]
        assert item["kind"] == "partnership_overdue" and item["link"] == f"/inbox#partnership-{ps}"
        assert "2026-06-30" in item["text"]


async def test_a_verification_decision_is_told_to_the_organisations_staff(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, partner = await login("coordinator"), await login("partner")
    zhuli = await actor(seeded, "注力社工")
    verified = await seeded.fetchval("SELECT verified FROM actors WHERE id = $1", zhuli)
    response = await client.patch(
        f"/api/v1/actors/{zhuli}", json={"verified": not verified}, headers=coordinator
    )
    assert response.status_code == 200, response.text
    [item] = (await told(client, partner))["items"]
    assert item["kind"] == ("actor_unverified" if verified else "actor_verified")
    # an edit that does not change the decision tells no one
    await client.patch(
        f"/api/v1/actors/{zhuli}", json={"description": "新简介"}, headers=coordinator
    )
    assert len((await told(client, partner))["items"]) == 1


async def test_settings_are_yours_and_bad_addresses_are_refused(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    url = "/api/v1/notifications/settings"
    assert (await client.get(url, headers=staff)).json() == {
        "email": None,
        "language": "zh",
        "email_mode": "instant",
    }
    for body in (
        {"email": "not-an-address", "email_mode": "instant"},
        {"email": "a@b.cn", "email_mode": "hourly"},
        {"email": "a@b.cn", "language": "fr"},
        {"email": "a@b.cn", "extra": 1},
    ):
        refused = await client.put(url, json=body, headers=staff)
        assert refused.status_code == 400, (body, refused.text)
    assert (await client.get(url, headers=staff)).json()["email"] is None
    saved = await client.put(
        url,
        json={"email": "wang@example.cn", "email_mode": "digest", "language": "en"},
        headers=staff,
    )
    assert saved.status_code == 200
    assert saved.json() == {"email": "wang@example.cn", "language": "en", "email_mode": "digest"}
    # without an address there is nothing to send to: e-mail is off
    cleared = await client.put(url, json={"email": None, "email_mode": "instant"}, headers=staff)
    assert cleared.json()["email_mode"] == "off"
    assert (await client.get(url)).status_code == 401
