"""Answering interest: the need's community invites the partner (a proposal held like a round's)
or declines it with a reason — through the API and the inbox's forms; and a partner expresses
and withdraws interest from the need's page.

Every refusal is checked to change nothing: the interest stays open, no proposal appears, nothing
is audited and nobody is told.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import csrf_of
from tests.test_inbox_pages import actor, interest, open_need, section
from tests.test_notifications import told
from tests.test_rounds import consistent, proposals, run_round

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}


def answer_url(need: int, actor_id: int, answer: str) -> str:
    return f"/api/v1/demands/{need}/interests/{actor_id}/{answer}"


async def interest_row(conn: Any, need: int, actor_id: int) -> dict[str, Any]:
    row = await conn.fetchrow(
        """SELECT status, reason, answered_by, answered_at, proposal_id FROM interests
           WHERE demand_id = $1 AND actor_id = $2""",
        need,
        actor_id,
    )
    assert row is not None
    return dict(row)


async def unchanged(conn: Any, need: int, actor_id: int) -> None:
    """The interest is still open and nothing was written because of it."""
    assert (await interest_row(conn, need, actor_id))["status"] == "open"
    assert await conn.fetchval("SELECT count(*) FROM proposals") == 0
    assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'interest'") == 0
    assert await conn.fetchval("SELECT count(*) FROM notifications") == 0


async def test_inviting_makes_a_held_proposal_the_partner_accepts_into_a_partnership(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, partner = await login("staff"), await login("partner")
    need = await interest(seeded, "渔箭社区", "注力社工", "可派两名持证社工")
    zhuli = await actor(seeded, "注力社工")
    before = dt.datetime.now(dt.UTC)
    answer = await client.post(answer_url(need, zhuli, "invite"), headers=staff)
    assert answer.status_code == 200, answer.text
    proposal = answer.json()
    assert proposal["origin"] == "invitation" and proposal["round_id"] is None
    assert proposal["status"] == "community_accepted" and proposal["community_accepted_at"]
    assert proposal["partner_accepted_at"] is None
    expires = dt.datetime.fromisoformat(proposal["expires_at"])
    ttl = dt.timedelta(hours=168)
    assert before + ttl <= expires <= dt.datetime.now(dt.UTC) + ttl

    row = await interest_row(seeded, need, zhuli)
    staff_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    assert row["status"] == "invited" and row["proposal_id"] == proposal["id"]
    assert row["answered_by"] == staff_id and row["answered_at"] is not None
    audited = await seeded.fetch(
        "SELECT entity, action, username FROM audit_log WHERE entity IN ('interest', 'proposal') "
        "ORDER BY id"
    )
    assert [(r["entity"], r["action"], r["username"]) for r in audited] == [
        ("interest", "invite", "staff"),
        ("proposal", "create", "staff"),
    ]

    # the partner is told, with a link to the proposal; the staff who acted are not
    [notice] = (await told(client, partner))["items"]
    assert (
        notice["kind"] == "interest_invited"
        and notice["link"] == f"/inbox#proposal-{proposal['id']}"
    )
    assert "渔箭社区 邀请 注力社工 对接" in notice["text"]
    assert (await told(client, staff))["items"] == []

    # it is among the partner's proposals, and the interest lists its answer
    mine = (await client.get("/api/v1/proposals", headers=partner)).json()["items"]
    assert [p["id"] for p in mine] == [proposal["id"]]
    listed = (await client.get(f"/api/v1/demands/{need}/interests", headers=staff)).json()
    assert [(i["status"], i["proposal_id"], i["proposal_status"]) for i in listed] == [
        ("invited", proposal["id"], "community_accepted")
    ]

    # answered once: a second answer is refused, whichever it is
    for again, body in (("invite", None), ("decline", {"reason": "改主意了"})):
        refused = await client.post(answer_url(need, zhuli, again), json=body, headers=staff)
        assert refused.status_code == 409, refused.text
        assert "already answered" in refused.json()["message"]
    assert await seeded.fetchval("SELECT count(*) FROM proposals") == 1

    # the partner accepts like any proposal: the partnership starts
    accepted = await client.post(f"/api/v1/proposals/{proposal['id']}/accept", headers=partner)
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"
    [made] = (await client.get("/api/v1/partnerships", headers=staff)).json()["items"]
    assert (made["proposal_id"], made["origin"], made["actor_id"]) == (
        proposal["id"], "proposal", zhuli,
    )  # fmt: skip


async def test_an_invitation_holds_a_slot_and_capacity_so_a_round_after_does_not_oversubscribe(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, coordinator = await login("staff"), await login("coordinator")
    need = await interest(seeded, "渔箭社区", "注力社工", "")
    zhuli = await actor(seeded, "注力社工")
    await seeded.execute("UPDATE demands SET slots = 1 WHERE id = $1", need)
    await seeded.execute(
        """UPDATE actors SET capacity = 1,
             categories = categories || ARRAY['child_care']::category_code[]
           WHERE id = $1""",
        zhuli,
    )
    # without the invitation a round would use the need's slot and the partner's unit
    dry = await run_round(client, coordinator, min_score=0.0, dry_run=True)
    would = (await proposals(client, coordinator, dry["id"]))["items"]
    assert any(p["demand_id"] == need for p in would) and any(p["actor_id"] == zhuli for p in would)
    invited = await client.post(answer_url(need, zhuli, "invite"), headers=staff)
    assert invited.status_code == 200, invited.text
    round_ = await run_round(client, coordinator, min_score=0.0)
    assert round_["status"] == "succeeded", round_
    assert round_["stats"]["matched"] > 0  # the round did propose, elsewhere
    await consistent(seeded)
    by_round = await seeded.fetchval(
        "SELECT count(*) FROM proposals WHERE round_id IS NOT NULL AND (demand_id = $1 OR actor_id = $2)",
        need,
        zhuli,
    )
    assert by_round == 0


async def test_no_capacity_or_no_slot_is_409_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    need = await interest(seeded, "渔箭社区", "注力社工", "")
    zhuli = await actor(seeded, "注力社工")
    # the partner's one unit is held by an active partnership elsewhere
    await seeded.execute("UPDATE actors SET capacity = 1 WHERE id = $1", zhuli)
    await seeded.execute(
        "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct')",
        await open_need(seeded, "直台村"),
        zhuli,
    )
    full = await client.post(answer_url(need, zhuli, "invite"), headers=staff)
    assert full.status_code == 409 and "no capacity left" in full.json()["message"]
    await seeded.execute("DELETE FROM partnerships")
    # the need's only slot is taken by another partner
    await seeded.execute("UPDATE demands SET slots = 1 WHERE id = $1", need)
    await seeded.execute(
        "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct')",
        need,
        await actor(seeded, "西华大学"),
    )
    taken = await client.post(answer_url(need, zhuli, "invite"), headers=staff)
    assert taken.status_code == 409 and "no open slot left" in taken.json()["message"]
    await unchanged(seeded, need, zhuli)
    # a need that is no longer open takes no invitation
    await seeded.execute("DELETE FROM partnerships")
    await seeded.execute("UPDATE demands SET status = 'matched' WHERE id = $1", need)
    closed = await client.post(answer_url(need, zhuli, "invite"), headers=staff)
    assert closed.status_code == 409 and "only an open need" in closed.json()["message"]
    await unchanged(seeded, need, zhuli)


async def test_declining_tells_the_partner_why_and_its_inbox_shows_the_reason(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    staff, partner = await login("staff"), await login("partner")
    need = await interest(seeded, "渔箭社区", "注力社工", "周末可以来")
    zhuli = await actor(seeded, "注力社工")
    answer = await client.post(
        answer_url(need, zhuli, "decline"), json={"reason": "  本期已有合作方  "}, headers=staff
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["reason"]) == ("declined", "本期已有合作方")
    row = await interest_row(seeded, need, zhuli)
    assert (row["status"], row["reason"], row["proposal_id"]) == (
        "declined",
        "本期已有合作方",
        None,
    )
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity = 'interest' AND action = 'decline'"
        )
        == 1
    )
    [notice] = (await told(client, partner))["items"]
    assert notice["kind"] == "interest_declined" and notice["link"] == f"/inbox#interest-{need}"
    assert notice["text"].endswith("：本期已有合作方")
    again = await client.post(
        answer_url(need, zhuli, "decline"), json={"reason": "x"}, headers=staff
    )
    assert again.status_code == 409

    await page_login("partner")
    mine = section((await client.get("/inbox")).text, "interests")
    assert "社区婉拒了这个意向：本期已有合作方" in mine and "已婉拒" in mine


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "忙" * 1001}, "reason"),
        ({"reason": 7}, "reason"),
        ({"reason": "ok", "extra": 1}, "extra"),
    ],
)
async def test_bad_input_is_400_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any, body: dict[str, Any], field: str
) -> None:
    staff = await login("staff")
    need = await interest(seeded, "渔箭社区", "注力社工", "")
    zhuli = await actor(seeded, "注力社工")
    refused = await client.post(answer_url(need, zhuli, "decline"), json=body, headers=staff)
    assert refused.status_code == 400, refused.text
    assert refused.json()["field"] == field, refused.json()
    await unchanged(seeded, need, zhuli)


async def test_bad_ids_and_missing_interest_are_refused(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    need = await interest(seeded, "渔箭社区", "注力社工", "")
    zhuli = await actor(seeded, "注力社工")
    for url, status, field in (
        (f"/api/v1/demands/{need}/interests/0/invite", 400, "actor_id"),
        (f"/api/v1/demands/{need}/interests/{2**63}/invite", 400, "actor_id"),
        (f"/api/v1/demands/0/interests/{zhuli}/invite", 400, "demand_id"),
    ):
        refused = await client.post(url, headers=staff)
        assert (refused.status_code, refused.json()["field"]) == (status, field), refused.text
    nobody = await client.post(
        answer_url(need, await actor(seeded, "西华大学"), "invite"), headers=staff
    )
    assert nobody.status_code == 404 and "interest" in nobody.json()["message"]
    gone = await client.post(answer_url(10**9, zhuli, "invite"), headers=staff)
    assert gone.status_code == 404
    await unchanged(seeded, need, zhuli)


async def test_only_the_needs_community_and_coordinators_may_answer(
    client: Client, seeded: Any, login: Any
) -> None:
    need = await interest(seeded, "渔箭社区", "注力社工", "")
    zhuli = await actor(seeded, "注力社工")
    for username in ("staff_zhitai", "partner", "partner_xihua"):
        for answer, body in (("invite", None), ("decline", {"reason": "不合适"})):
            refused = await client.post(
                answer_url(need, zhuli, answer), json=body, headers=await login(username)
            )
            assert refused.status_code == 403, (username, refused.text)
    # another community's draft is not found for them, as everywhere
    draft = await seeded.fetchval(
        """INSERT INTO demands (community_id, title, category, status)
           SELECT id, '草稿需求', 'child_care', 'draft' FROM communities WHERE name = '渔箭社区'
           RETURNING id"""
    )
    await seeded.execute(
        "INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2)", draft, zhuli
    )
    hidden = await client.post(
        answer_url(draft, zhuli, "invite"), headers=await login("staff_zhitai")
    )
    assert hidden.status_code == 404
    await unchanged(seeded, need, zhuli)
    coordinator = await client.post(
        answer_url(need, zhuli, "invite"), headers=await login("coordinator")
    )
    assert coordinator.status_code == 200, coordinator.text
    admin = await client.post(
        answer_url(draft, zhuli, "decline"), json={"reason": "草稿"}, headers=await login("admin")
    )
    assert admin.status_code == 200, admin.text


async def test_the_inbox_answers_interest_with_forms(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await interest(seeded, "渔箭社区", "注力社工", "可派两名持证社工")
    other = await interest(seeded, "渔箭社区", "西华大学", "学生志愿者")
    zhuli, xihua = await actor(seeded, "注力社工"), await actor(seeded, "西华大学")
    token = await page_login("staff")
    page = section((await client.get("/inbox")).text, "interests")
    assert "如需不经撮合直接建立合作" not in page
    assert f'action="/inbox/interests/{need}/{zhuli}/invite"' in page
    assert f'action="/inbox/interests/{need}/{zhuli}/decline"' in page
    assert 'name="_csrf_token"' in page and 'hx-post="/inbox/interests/' in page

    no_csrf = await client.post(f"/inbox/interests/{need}/{zhuli}/invite", data={})
    assert no_csrf.status_code == 403
    invited = await client.post(
        f"/inbox/interests/{need}/{zhuli}/invite", data={"_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert invited.status_code == 303, invited.text
    assert invited.headers["location"] == "/inbox?done=invited#interests"
    proposal_id = (await interest_row(seeded, need, zhuli))["proposal_id"]
    shown = (await client.get("/inbox?done=invited")).text
    assert "已发出邀请" in shown
    row = section(shown, "interests")
    assert (
        f'href="#proposal-{proposal_id}"' in row
        and f"/inbox/interests/{need}/{zhuli}/invite" not in row
    )
    assert f'id="proposal-{proposal_id}"' in section(shown, "proposals")
    assert "社区邀请" in section(shown, "proposals")

    # a decline without a reason is refused next to the field, keeping nothing changed
    url = f"/inbox/interests/{other}/{xihua}/decline"
    empty = await client.post(url, data={"reason": " ", "_csrf_token": token})
    assert empty.status_code == 422
    assert f'id="interest-reason-{other}-{xihua}-error">请写明原因' in empty.text
    assert (await interest_row(seeded, other, xihua))["status"] == "open"
    swapped = await client.post(
        url, data={"reason": "这次需要社工专业背景", "_csrf_token": token}, headers=HTMX
    )
    assert swapped.status_code == 200 and 'id="inbox"' in swapped.text
    assert "已婉拒这个意向" in swapped.text and "这次需要社工专业背景" in swapped.text
    again = await client.post(url, data={"reason": "再拒一次", "_csrf_token": token})
    assert again.status_code == 409 and "已经答复过了" in again.text

    # another community's staff cannot answer it
    token = await page_login("staff_zhitai")
    third = await interest(seeded, "渔箭社区", "春泉酒业", "")
    chunquan = await actor(seeded, "春泉酒业")
    foreign = await client.post(
        f"/inbox/interests/{third}/{chunquan}/invite", data={"_csrf_token": token}
    )
    assert foreign.status_code == 403 and "不属于本社区" in foreign.text
    assert (await interest_row(seeded, third, chunquan))["status"] == "open"

    # the partner's "my interests" links to the invitation
    await page_login("partner")
    mine = section((await client.get("/inbox")).text, "interests")
    assert f'href="#proposal-{proposal_id}"' in mine and "社区已邀请贵机构对接" in mine


async def test_a_partner_expresses_and_withdraws_interest_on_the_need_page(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await open_need(seeded, "渔箭社区")
    zhuli = await actor(seeded, "注力社工")
    assert f'action="/needs/{need}/interest"' not in (await client.get(f"/needs/{need}")).text
    token = await page_login("partner")
    page = (await client.get(f"/needs/{need}")).text
    assert f'action="/needs/{need}/interest"' in page and 'name="note"' in page

    too_long = await client.post(
        f"/needs/{need}/interest", data={"note": "长" * 1001, "_csrf_token": token}
    )
    assert too_long.status_code == 422 and "最多 1000 个字" in too_long.text
    assert "长" * 1001 in too_long.text  # kept to correct
    assert await seeded.fetchval("SELECT count(*) FROM interests") == 0

    made = await client.post(
        f"/needs/{need}/interest", data={"note": "可派两名持证社工", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"] == f"/needs/{need}?notice=interest_expressed#interest"
    note = await seeded.fetchval(
        "SELECT note FROM interests WHERE demand_id = $1 AND actor_id = $2", need, zhuli
    )
    assert note == "可派两名持证社工"
    shown = (await client.get(made.headers["location"])).text
    assert "已表达意向，社区工作人员会收到通知" in shown and "贵机构已于" in shown
    assert f'action="/needs/{need}/interest/withdraw"' in shown
    assert (
        await seeded.fetchval("SELECT count(*) FROM notifications WHERE kind = 'interest_received'")
        > 0
    )

    withdrawn = await client.post(
        f"/needs/{need}/interest/withdraw", data={"_csrf_token": token}, follow_redirects=False
    )
    assert withdrawn.headers["location"] == f"/needs/{need}?notice=interest_withdrawn#interest"
    assert await seeded.fetchval("SELECT count(*) FROM interests") == 0

    # a need no longer open takes no interest: the page says so and records nothing
    await seeded.execute("UPDATE demands SET status = 'matched' WHERE id = $1", need)
    assert f'action="/needs/{need}/interest"' not in (await client.get(f"/needs/{need}")).text
    closed = await client.post(f"/needs/{need}/interest", data={"_csrf_token": token})
    assert closed.status_code == 409 and "不能表达意向" in closed.text
    assert await seeded.fetchval("SELECT count(*) FROM interests") == 0

    await page_login("staff")
    refused = await client.post(
        f"/needs/{need}/interest", data={"_csrf_token": csrf_of((await client.get("/inbox")).text)}
    )
    assert refused.status_code == 403
