"""Whose word counts, and holds on every path — through HTTP against the real database.

The community side (its staff, or a coordinator) completes a partnership and rates the partner;
the partner cannot complete or rate its own work, and rates the community separately, once. Only
the community side's ratings feed the partner's track record in the next round. Coordinators see
both ratings. A coordinator's direct partnership leaves alone the units a pending proposal holds,
so that proposal's accept still succeeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.matching.score import track_record
from tests.conftest import csrf_of
from tests.test_inbox_pages import actor, open_need, section
from tests.test_rounds import proposals, run_round

Client = AsyncTestClient[Litestar]


async def record_of(client: Client, coordinator: dict[str, str], actor_id: int) -> float:
    """The partner's track record as a dry round over 邛崃市 scores it."""
    round_ = await run_round(client, coordinator, min_score=0.0, dry_run=True)
    items = (await proposals(client, coordinator, round_["id"]))["items"]
    records = {p["components"]["track_record"] for p in items if p["actor_id"] == actor_id}
    assert len(records) == 1, records
    return float(records.pop())


async def expected_record(conn: Any, actor_id: int) -> float:
    """The track record from the partnership rows' community-side ratings (``rating``) alone."""
    row = await conn.fetchrow(
        """SELECT coalesce(sum(rating), 0)::float8 AS s, count(rating)::float8 AS n,
                  count(*) FILTER (WHERE status = 'completed')::float8 AS c,
                  count(*) FILTER (WHERE status IN ('completed', 'cancelled'))::float8 AS e
           FROM partnerships WHERE actor_id = $1""",
        actor_id,
    )
    value = track_record(*(np.array([row[k]]) for k in ("s", "n", "c", "e")))
    return float(np.round(value[0], 6))


async def direct(client: Client, coordinator: dict[str, str], need: int, actor_id: int) -> Any:
    return await client.post(
        "/api/v1/partnerships", json={"demand_id": need, "actor_id": actor_id}, headers=coordinator
    )


async def test_the_community_rates_the_partner_and_the_partner_rates_the_community_once(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff, partner = (
        await login("coordinator"), await login("staff"), await login("partner"),
    )  # fmt: skip
    zhuli = await actor(seeded, "注力社工")
    await seeded.execute(
        """UPDATE actors SET capacity = 10,
               categories = categories || ARRAY['child_care']::category_code[]
           WHERE id = $1 AND NOT ('child_care' = ANY (categories))""",
        zhuli,
    )
    need = await open_need(seeded, "渔箭社区")
    await seeded.execute("INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2)", need, zhuli)
    made = await direct(client, coordinator, need, zhuli)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    url = f"/api/v1/partnerships/{sid}"

    # the partner may neither complete nor rate its own work: 403, and nothing changed
    before = await record_of(client, coordinator, zhuli)
    cases = await seeded.fetchval("SELECT count(*) FROM cases")
    body = {"beneficiaries_served": 99, "rating": 5, "publish_case": True}
    refused = await client.post(f"{url}/complete", json=body, headers=partner)
    assert refused.status_code == 403, refused.text
    assert "cannot complete or rate its own" in refused.json()["message"]
    row = await seeded.fetchrow("SELECT status, rating FROM partnerships WHERE id = $1", sid)
    assert (row["status"], row["rating"]) == ("active", None)
    assert await seeded.fetchval("SELECT count(*) FROM cases") == cases
    assert await record_of(client, coordinator, zhuli) == before
    # ... nor review before the partnership has ended
    early = await client.post(f"{url}/review", json={"rating": 5}, headers=partner)
    assert early.status_code == 409 and "once it has ended" in early.json()["message"]

    # the community side completes and rates the partner (2 of 5)
    done = await client.post(
        f"{url}/complete",
        json={"beneficiaries_served": 40, "rating": 2, "feedback": "来得少"},
        headers=staff,
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["rating"]) == ("completed", 2)
    assert "review" not in done.json()  # the community's staff never see the partner's review
    staff_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    assert await seeded.fetchval("SELECT completed_by FROM partnerships WHERE id = $1", sid) == (
        staff_id
    )

    # the partner rates the community, once; the community's staff may not rate for it
    assert (
        await client.post(f"{url}/review", json={"rating": 3}, headers=staff)
    ).status_code == 403
    bad = await client.post(f"{url}/review", json={"rating": 6}, headers=partner)
    assert bad.status_code == 400 and bad.json()["field"] == "rating"
    reviewed = await client.post(
        f"{url}/review", json={"rating": 5, "feedback": "社区很配合"}, headers=partner
    )
    assert reviewed.status_code == 200, reviewed.text
    review = reviewed.json()["review"]
    assert (review["rating"], review["feedback"]) == (5, "社区很配合") and review["reviewed_at"]
    again = await client.post(f"{url}/review", json={"rating": 1}, headers=partner)
    assert again.status_code == 409 and "already rated" in again.json()["message"]
    assert await seeded.fetchval("SELECT review_rating FROM partnerships WHERE id = $1", sid) == 5
    actions = await seeded.fetch(
        "SELECT action, username FROM audit_log WHERE entity = 'partnership' AND entity_id = $1 "
        "ORDER BY id",
        sid,
    )
    assert [(a["action"], a["username"]) for a in actions] == [
        ("create", "coordinator"), ("complete", "staff"), ("review", "partner"),
    ]  # fmt: skip

    # coordinators see both ratings; the partner sees both; the community's staff only theirs
    seen = {
        who: (await client.get(url, headers=headers)).json()
        for who, headers in (("coordinator", coordinator), ("partner", partner), ("staff", staff))
    }
    assert (seen["coordinator"]["rating"], seen["coordinator"]["review"]["rating"]) == (2, 5)
    assert (seen["partner"]["rating"], seen["partner"]["review"]["rating"]) == (2, 5)
    assert seen["staff"]["rating"] == 2 and "review" not in seen["staff"]
    listed = (await client.get("/api/v1/partnerships", headers=staff)).json()["items"]
    assert all("review" not in item for item in listed)
    listed = (await client.get("/api/v1/partnerships", headers=coordinator)).json()["items"]
    assert [i["review"]["rating"] for i in listed if i["id"] == sid] == [5]

    # the next round's track record is the community's 2, not the partner's 5 for the community
    after = await record_of(client, coordinator, zhuli)
    assert after == await expected_record(seeded, zhuli)
    await seeded.execute("UPDATE partnerships SET rating = review_rating WHERE id = $1", sid)
    assert after < await expected_record(seeded, zhuli)  # had the 5 counted, it would be higher


async def test_the_inbox_offers_each_side_its_own_form(
    client: Client, seeded: Any, page_login: Any
) -> None:
    zhuli = await actor(seeded, "注力社工")
    need = await open_need(seeded, "渔箭社区")
    active = await seeded.fetchval(
        "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct') "
        "RETURNING id",
        need,
        zhuli,
    )

    # the partner's inbox has no close-and-rate form, and a forged one is refused
    token = await page_login("partner")
    page = (await client.get("/inbox")).text
    assert f"/inbox/partnerships/{active}/complete" not in page
    forged = await client.post(
        f"/inbox/partnerships/{active}/complete",
        data={"_csrf_token": token, "beneficiaries_served": "9", "rating": "5"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "合作方不能为自己的合作结项或评分" in forged.text
    assert await seeded.fetchval("SELECT status FROM partnerships WHERE id = $1", active) == (
        "active"
    )

    # the community's inbox has it; closing rates the partner
    token = await page_login("staff")
    page = (await client.get("/inbox")).text
    assert f"/inbox/partnerships/{active}/complete" in section(page, "partnerships")
    closed = await client.post(
        f"/inbox/partnerships/{active}/complete",
        data={"_csrf_token": token, "beneficiaries_served": "30", "rating": "4"},
        follow_redirects=False,
    )
    assert closed.status_code == 303, closed.text
    assert "/review" not in (await client.get("/inbox")).text  # no review form for the community

    # the partner finds the completed one with a form to rate the community, once
    token = await page_login("partner")
    outcomes = section((await client.get("/inbox")).text, "completed")
    assert f"/inbox/partnerships/{active}/review" in outcomes
    form = {"_csrf_token": token, "rating": "4", "feedback": "沟通顺畅"}
    sent = await client.post(
        f"/inbox/partnerships/{active}/review", data=form, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/inbox?done=reviewed#completed"
    page = (await client.get(sent.headers["location"])).text
    assert "已记录您对社区的评价" in page
    outcomes = section(page, "completed")
    assert f"/inbox/partnerships/{active}/review" not in outcomes and "沟通顺畅" in outcomes
    twice = await client.post(
        f"/inbox/partnerships/{active}/review", data=form | {"rating": "1"}, follow_redirects=False
    )
    assert twice.status_code == 409 and "您已经评价过这个社区了" in twice.text
    assert csrf_of(twice.text)
    row = await seeded.fetchrow(
        "SELECT rating, review_rating FROM partnerships WHERE id = $1", active
    )
    assert (row["rating"], row["review_rating"]) == (4, 4)


async def test_a_direct_partnership_leaves_alone_what_a_pending_proposal_holds(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator, staff, partner = (
        await login("coordinator"), await login("staff"), await login("partner"),
    )  # fmt: skip
    zhuli, xihua = await actor(seeded, "注力社工"), await actor(seeded, "西华大学")
    need = await open_need(seeded, "渔箭社区")
    other = await seeded.fetchval(
        """SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
           WHERE c.name = '渔箭社区' AND d.status = 'open' AND d.id <> $1 ORDER BY d.id LIMIT 1""",
        need,
    )
    assert other is not None
    await seeded.execute("UPDATE demands SET slots = 1 WHERE id = $1", need)
    await seeded.execute("UPDATE actors SET capacity = 1 WHERE id = $1", zhuli)
    await seeded.execute(
        "INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2), ($1, $3), ($4, $2)",
        need, zhuli, xihua, other,
    )  # fmt: skip
    # the community invites 注力社工: the proposal holds the need's one slot and its one unit
    invited = await client.post(f"/api/v1/demands/{need}/interests/{zhuli}/invite", headers=staff)
    assert invited.status_code == 200, invited.text
    audited = await seeded.fetchval("SELECT count(*) FROM audit_log")

    # a coordinator's direct partnership may take neither
    slot = await direct(client, coordinator, need, xihua)
    assert slot.status_code == 409, slot.text
    assert (
        "no free slot" in slot.json()["message"] and "1 pending proposals" in slot.json()["message"]
    )
    unit = await direct(client, coordinator, other, zhuli)
    assert unit.status_code == 409, unit.text
    assert "no free capacity" in unit.json()["message"]
    assert await seeded.fetchval("SELECT count(*) FROM partnerships") == 0
    assert await seeded.fetchval("SELECT count(*) FROM audit_log") == audited

    # so the pending proposal's accept succeeds
    accepted = await client.post(
        f"/api/v1/proposals/{invited.json()['id']}/accept", headers=partner
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "confirmed"
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM partnerships WHERE demand_id = $1 AND actor_id = $2", need, zhuli
        )
        == 1
    )

    # a unit no proposal holds (the capacity raised) a direct partnership may take
    await seeded.execute("UPDATE actors SET capacity = 2 WHERE id = $1", zhuli)
    freed = await direct(client, coordinator, other, zhuli)
    assert freed.status_code == 201, freed.text
