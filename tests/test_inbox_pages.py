"""The inbox page through HTTP: each role's sections, answering proposals, closing partnerships.

Proposals are written straight into the database here (a round row and its proposal, as a round
would leave them) so each test controls the pair and its expiry; the browser journey runs a real
round. Every refusal is checked to change nothing in the database.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def open_need(conn: Any, community: str) -> int:
    """An open need of ``community`` (by name) from the demo data."""
    need = await conn.fetchval(
        """SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
           WHERE c.name = $1 AND d.status = 'open' ORDER BY d.id LIMIT 1""",
        community,
    )
    assert need is not None, f"the demo data should have an open need of {community}"
    return int(need)


async def actor(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE name = $1", name))


async def proposal(
    conn: Any,
    community: str = "渔箭社区",
    partner: str = "注力社工",
    *,
    expires: str = "3 days",
    score: float = 0.82,
) -> int:
    """A pending proposal of ``community``'s first open need with ``partner``, as a round makes.

    It expires beyond the reminder's lead time (48 hours): at exactly two days, the in-process
    worker's next housekeeping pass reminded both sides of it in the middle of tests counting
    their notifications."""
    round_id = await conn.fetchval(
        "INSERT INTO rounds (algorithm, status) VALUES ('optimal', 'succeeded') RETURNING id"
    )
    return int(
        await conn.fetchval(
            """INSERT INTO proposals (round_id, demand_id, actor_id, score, status, expires_at)
               VALUES ($1, $2, $3, $4, 'pending', now() + $5::text::interval) RETURNING id""",
            round_id,
            await open_need(conn, community),
            await actor(conn, partner),
            score,
            expires,
        )
    )


async def partnership(conn: Any, community: str = "渔箭社区", partner: str = "注力社工") -> int:
    """An active partnership opened directly (as a coordinator would from an interest)."""
    return int(
        await conn.fetchval(
            """INSERT INTO partnerships (demand_id, actor_id, origin)
               VALUES ($1, $2, 'direct') RETURNING id""",
            await open_need(conn, community),
            await actor(conn, partner),
        )
    )


async def interest(conn: Any, community: str, partner: str, note: str) -> int:
    need = await open_need(conn, community)
    await conn.execute(
        "INSERT INTO interests (demand_id, actor_id, note) VALUES ($1, $2, $3)",
        need,
        await actor(conn, partner),
        note,
    )
    return need


async def proposal_row(conn: Any, proposal_id: int) -> dict[str, Any]:
    row = await conn.fetchrow(
        """SELECT status, community_accepted_at, partner_accepted_at, decline_reason
           FROM proposals WHERE id = $1""",
        proposal_id,
    )
    return dict(row)


def section(page: str, anchor: str) -> str:
    """The HTML of one inbox section."""
    found = re.search(rf'<section id="{anchor}".*?</section>', page, re.S)
    assert found, f"the page has no #{anchor} section"
    return found[0]


async def test_the_community_inbox_shows_its_own_rows_and_no_other_communitys(
    client: Client, seeded: Any, page_login: Any
) -> None:
    own = await proposal(seeded, score=0.87)
    other = await proposal(seeded, "直台村", "西华大学")
    await interest(seeded, "渔箭社区", "西华大学", "我们有社工专业学生可以参与")
    await interest(seeded, "直台村", "春泉酒业", "别的社区的意向")
    active = await partnership(seeded)
    await page_login("staff")
    page = (await client.get("/inbox")).text
    received = section(page, "interests")
    assert "西华大学" in received and "我们有社工专业学生可以参与" in received
    assert "别的社区的意向" not in page
    proposals = section(page, "proposals")
    assert f'id="proposal-{own}"' in proposals and f'id="proposal-{other}"' not in page
    assert "注力社工" in proposals and "87%" in proposals and "回复截止" in proposals
    assert f'action="/inbox/proposals/{own}/accept"' in proposals
    assert f'id="partnership-{active}"' in section(page, "partnerships")
    assert "还没有已完成的合作" in section(page, "completed")
    for anchor in ("#interests", "#proposals", "#partnerships", "#completed"):
        assert f'href="{anchor}"' in page


async def test_the_partner_inbox_shows_proposals_interests_partnerships_and_outcomes(
    client: Client, seeded: Any, page_login: Any
) -> None:
    mine = await proposal(seeded)
    theirs = await proposal(seeded, "直台村", "西华大学")
    need = await interest(seeded, "渔箭社区", "注力社工", "可派两名持证社工")
    done = await partnership(seeded, "和美社区", "注力社工")
    await seeded.execute(
        """UPDATE partnerships SET status = 'completed', ended_at = now(),
           beneficiaries_served = 150, rating = 4, feedback = '孩子们很喜欢暑期课堂' WHERE id = $1""",
        done,
    )
    await page_login("partner")
    page = (await client.get("/inbox")).text
    assert f'id="proposal-{mine}"' in section(page, "proposals")
    assert f'id="proposal-{theirs}"' not in page
    interests = section(page, "interests")
    assert "可派两名持证社工" in interests and f"/inbox/interests/{need}/withdraw" in interests
    assert "和美社区" in section(page, "partnerships")
    outcomes = section(page, "completed")
    assert "孩子们很喜欢暑期课堂" in outcomes and "4/5" in outcomes and "150" in outcomes


async def test_both_sides_accept_through_the_forms_and_the_partnership_appears_for_both(
    client: Client, seeded: Any, page_login: Any
) -> None:
    proposal_id = await proposal(seeded)
    token = await page_login("staff")
    first = await client.post(
        f"/inbox/proposals/{proposal_id}/accept",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert first.status_code == 303
    assert first.headers["location"] == "/inbox?done=accepted#proposals"
    row = await proposal_row(seeded, proposal_id)
    assert row["status"] == "community_accepted" and row["partner_accepted_at"] is None
    shown = (await client.get("/inbox?done=accepted")).text
    assert "已接受，等待对方确认" in shown
    assert f'action="/inbox/proposals/{proposal_id}/accept"' not in shown  # answered already

    token = await page_login("partner")
    second = await client.post(
        f"/inbox/proposals/{proposal_id}/accept",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert second.headers["location"] == "/inbox?done=confirmed#proposals"
    assert (await proposal_row(seeded, proposal_id))["status"] == "confirmed"
    created = await seeded.fetchval(
        "SELECT id FROM partnerships WHERE proposal_id = $1 AND status = 'active'", proposal_id
    )
    assert created is not None
    assert f'id="partnership-{created}"' in section(
        (await client.get("/inbox")).text, "partnerships"
    )
    await page_login("staff")
    assert f'id="partnership-{created}"' in section(
        (await client.get("/inbox")).text, "partnerships"
    )


async def test_declining_needs_a_reason_kept_next_to_the_field(
    client: Client, seeded: Any, page_login: Any
) -> None:
    proposal_id = await proposal(seeded)
    token = await page_login("partner")
    url = f"/inbox/proposals/{proposal_id}/decline"
    empty = await client.post(url, data={"reason": "  ", "_csrf_token": token})
    assert empty.status_code == 422
    error = f'<p class="field-error" id="decline-reason-{proposal_id}-error">请写明原因</p>'
    assert error in empty.text and 'aria-invalid="true"' in empty.text
    assert (await proposal_row(seeded, proposal_id))["status"] == "pending"
    too_long = await client.post(url, data={"reason": "忙" * 1001, "_csrf_token": token})
    assert too_long.status_code == 422 and "忙" * 1001 in too_long.text  # kept to correct
    assert "最多 1000 个字" in too_long.text
    declined = await client.post(
        url, data={"reason": "本季度档期已满", "_csrf_token": token}, follow_redirects=False
    )
    assert declined.headers["location"] == "/inbox?done=declined#proposals"
    row = await proposal_row(seeded, proposal_id)
    assert row["status"] == "declined" and row["decline_reason"] == "本季度档期已满"
    assert f'id="proposal-{proposal_id}"' not in (await client.get("/inbox")).text


async def test_someone_elses_proposal_is_refused_and_nothing_changes(
    client: Client, seeded: Any, page_login: Any
) -> None:
    proposal_id = await proposal(seeded)
    for username in ("staff_zhitai", "partner_xihua"):
        token = await page_login(username)
        answer = await client.post(
            f"/inbox/proposals/{proposal_id}/accept", data={"_csrf_token": token}
        )
        assert answer.status_code == 403 and "不属于您的社区或机构" in answer.text
        refused = await client.post(
            f"/inbox/proposals/{proposal_id}/decline",
            data={"reason": "不是我的", "_csrf_token": token},
        )
        assert refused.status_code == 403 and "不是我的" not in section(refused.text, "proposals")
    row = await proposal_row(seeded, proposal_id)
    assert row == {
        "status": "pending",
        "community_accepted_at": None,
        "partner_accepted_at": None,
        "decline_reason": None,
    }
    missing = await client.post("/inbox/proposals/999999/accept", data={"_csrf_token": token})
    assert missing.status_code == 404 and "找不到这条记录" in missing.text
    coordinator_token = await page_login("coordinator")
    answer = await client.post(
        f"/inbox/proposals/{proposal_id}/accept", data={"_csrf_token": coordinator_token}
    )
    assert answer.status_code == 403
    assert (await proposal_row(seeded, proposal_id))["status"] == "pending"


async def test_an_answer_after_the_other_side_declined_or_after_expiry_is_a_plain_conflict(
    client: Client, seeded: Any, page_login: Any, login: Any
) -> None:
    proposal_id = await proposal(seeded)
    declined = await client.post(
        f"/api/v1/proposals/{proposal_id}/decline",
        json={"reason": "档期冲突"},
        headers=await login("partner"),
    )
    assert declined.status_code == 200
    token = await page_login("staff")
    late = await client.post(f"/inbox/proposals/{proposal_id}/accept", data={"_csrf_token": token})
    assert late.status_code == 409
    assert "已经有人回复过了（已拒绝）" in late.text and "没有做任何更改" in late.text
    assert (await proposal_row(seeded, proposal_id))["community_accepted_at"] is None

    stale = await proposal(seeded, expires="-1 minute")
    expired = await client.post(f"/inbox/proposals/{stale}/accept", data={"_csrf_token": token})
    assert expired.status_code == 409 and "已经过期" in expired.text
    assert (await proposal_row(seeded, stale))["community_accepted_at"] is None
    page = (await client.get("/inbox")).text
    assert f'action="/inbox/proposals/{stale}/accept"' not in page and "已过期" in page


async def test_a_double_accept_by_the_same_side_stays_one_acceptance(
    client: Client, seeded: Any, page_login: Any
) -> None:
    proposal_id = await proposal(seeded)
    token = await page_login("staff")
    for _ in range(2):
        answer = await client.post(
            f"/inbox/proposals/{proposal_id}/accept",
            data={"_csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    assert (await proposal_row(seeded, proposal_id))["status"] == "community_accepted"
    assert await seeded.fetchval("SELECT count(*) FROM partnerships") == 0


async def test_closing_a_partnership_records_the_outcome_and_publishes_the_case(
    client: Client, seeded: Any, page_login: Any
) -> None:
    partnership_id = await partnership(seeded)
    token = await page_login("staff")
    url = f"/inbox/partnerships/{partnership_id}/complete"
    missing = await client.post(
        url,
        data={
            "beneficiaries_served": "",
            "feedback": "暑期托管服务了 180 名儿童",
            "publish_case": ["false", "true"],
            "_csrf_token": token,
        },
    )
    assert missing.status_code == 422
    assert f'id="served-{partnership_id}-error"' in missing.text
    assert f'id="rating-{partnership_id}-error"' in missing.text
    assert "暑期托管服务了 180 名儿童</textarea>" in missing.text  # what was typed is kept
    assert (
        await seeded.fetchval("SELECT status FROM partnerships WHERE id = $1", partnership_id)
        == "active"
    )

    closed = await client.post(
        url,
        data={
            "beneficiaries_served": "180",
            "feedback": "暑期托管服务了 180 名儿童",
            "rating": "5",
            "publish_case": ["false", "true"],
            "case_title": "渔箭社区暑期托管",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert closed.status_code == 303
    row = await seeded.fetchrow(
        "SELECT status, rating, beneficiaries_served, feedback FROM partnerships WHERE id = $1",
        partnership_id,
    )
    assert dict(row) == {
        "status": "completed",
        "rating": 5,
        "beneficiaries_served": 180,
        "feedback": "暑期托管服务了 180 名儿童",
    }
    case_id = await seeded.fetchval(
        "SELECT id FROM cases WHERE partnership_id = $1 AND title = '渔箭社区暑期托管'",
        partnership_id,
    )
    assert closed.headers["location"] == f"/inbox?done=completed&case={case_id}#completed"
    page = (await client.get(closed.headers["location"].split("#")[0])).text
    assert f'href="/libraries/cases/{case_id}"' in page and "已发布到案例库" in page
    assert "★★★★★" in section(page, "completed")
    again = await client.post(
        url, data={"beneficiaries_served": "1", "rating": "1", "_csrf_token": token}
    )
    assert again.status_code == 409 and "已经结束" in again.text
    assert (
        await seeded.fetchval("SELECT rating FROM partnerships WHERE id = $1", partnership_id) == 5
    )


async def test_closing_without_publishing_makes_no_case(
    client: Client, seeded: Any, page_login: Any
) -> None:
    partnership_id = await partnership(seeded)
    token = await page_login("staff")
    answer = await client.post(
        f"/inbox/partnerships/{partnership_id}/complete",
        data={
            "beneficiaries_served": "20",
            "rating": "3",
            "publish_case": "false",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/inbox?done=completed#completed"
    assert await seeded.fetchval("SELECT count(*) FROM cases WHERE partnership_id = $1",
                                 partnership_id) == 0  # fmt: skip


async def test_cancelling_needs_a_reason_and_only_the_two_sides_may(
    client: Client, seeded: Any, page_login: Any
) -> None:
    partnership_id = await partnership(seeded)
    url = f"/inbox/partnerships/{partnership_id}/cancel"
    token = await page_login("staff_hemei")
    foreign = await client.post(url, data={"reason": "试试", "_csrf_token": token})
    assert foreign.status_code == 403 and "这项合作不属于您" in foreign.text
    token = await page_login("partner")
    empty = await client.post(url, data={"reason": "", "_csrf_token": token})
    assert empty.status_code == 422
    assert f'id="cancel-reason-{partnership_id}-error"' in empty.text
    assert (
        await seeded.fetchval("SELECT status FROM partnerships WHERE id = $1", partnership_id)
        == "active"
    )
    done = await client.post(
        url, data={"reason": "项目负责人调离", "_csrf_token": token}, follow_redirects=False
    )
    assert done.headers["location"] == "/inbox?done=cancelled#partnerships"
    row = await seeded.fetchrow(
        "SELECT status, cancel_reason FROM partnerships WHERE id = $1", partnership_id
    )
    assert dict(row) == {"status": "cancelled", "cancel_reason": "项目负责人调离"}


async def test_a_partner_withdraws_interest_from_the_inbox(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await interest(seeded, "渔箭社区", "注力社工", "有兴趣")
    token = await page_login("partner")
    answer = await client.post(
        f"/inbox/interests/{need}/withdraw", data={"_csrf_token": token}, follow_redirects=False
    )
    assert answer.headers["location"] == "/inbox?done=withdrawn#interests"
    assert await seeded.fetchval("SELECT count(*) FROM interests WHERE demand_id = $1", need) == 0
    page = (await client.get("/inbox?done=withdrawn")).text
    assert "已撤回意向" in page and "您还没有对任何需求表达意向" in page


async def test_htmx_answers_swap_the_inbox_in_place(
    client: Client, seeded: Any, page_login: Any
) -> None:
    proposal_id = await proposal(seeded)
    token = await page_login("staff")
    headers = {"HX-Request": "true", "x-csrftoken": token}
    answer = await client.post(f"/inbox/proposals/{proposal_id}/accept", headers=headers)
    assert answer.status_code == 200 and 'id="inbox"' in answer.text
    assert "已接受，等待对方确认" in answer.text
    empty = await client.post(
        f"/inbox/proposals/{proposal_id}/decline", data={"reason": ""}, headers=headers
    )
    assert empty.status_code == 422 and "请写明原因" in empty.text
    assert (await proposal_row(seeded, proposal_id))["status"] == "community_accepted"


async def test_others_get_a_pointer_and_anonymous_visitors_sign_in_first(
    client: Client, seeded: Any, page_login: Any
) -> None:
    anonymous = await client.get("/inbox", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login?next=" in anonymous.headers["location"]
    await page_login("coordinator")
    page = await client.get("/inbox")
    assert (
        page.status_code == 200 and 'href="/rounds"' in page.text and 'href="/board"' in page.text
    )
    assert 'id="proposals"' not in page.text


async def test_the_inbox_speaks_english_too(client: Client, seeded: Any, page_login: Any) -> None:
    await proposal(seeded)
    await page_login("partner")
    page = (await client.get("/inbox", params={"lang": "en"})).text
    assert "Proposals to answer" in page and "Outcome reports" in page and "Decline" in page
