"""The coordinators' round pages: the form, its errors, dry and real runs, progress, the result."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.matching.score import DEFAULT_MIN_SCORE
from matchmaker.models.rounds import RoundRequest, Scope
from matchmaker.queries import rounds as q
from matchmaker.services import rounds as service
from matchmaker.web.round_forms import DEFAULT_WEIGHTS

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}


def form(token: str, **values: str) -> dict[str, str]:
    """The new-round form as a browser sends it with its defaults, changed by ``values``."""
    sent = {
        "_csrf_token": token,
        "district": "成华区",
        "category": "",
        "algorithm": "optimal",
        "min_score": f"{DEFAULT_MIN_SCORE:g}",
        "max_per_community": "",
        "dry_run": "true",
        **{f"w_{name}": f"{weight:g}" for name, weight in DEFAULT_WEIGHTS.items()},
    }
    sent.update(values)
    return {k: v for k, v in sent.items() if v is not None}


async def start(client: Client, token: str, **values: str) -> int:
    """Post the form; expect a redirect to the new round's page; its id."""
    answer = await client.post("/rounds", data=form(token, **values), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/rounds/(\d+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found[1])


async def finished(client: Client, round_id: int) -> str:
    """Poll the progress fragment as the page does until it stops asking to be polled."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fragment = await client.get(f"/rounds/{round_id}/progress", headers=HTMX)
        assert fragment.status_code == 200, fragment.text
        if "hx-trigger" not in fragment.text:
            return fragment.text
        await asyncio.sleep(0.05)
    raise AssertionError(f"round {round_id} did not finish")


async def rounds_count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM rounds"))


async def test_the_form_offers_every_algorithm_the_weights_and_a_dry_run(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("coordinator_chenghua")
    page = await client.get("/rounds")
    assert page.status_code == 200
    html = page.text
    for name in ("最优匹配", "覆盖优先", "稳定匹配", "贪心基线"):
        assert name in html
    assert "使所有配对的总分最高" in html or "让所有配对的总分最高" in html
    assert f'name="w_category" value="{DEFAULT_WEIGHTS["category"]:g}"' in html
    assert f'name="w_urgency" value="{DEFAULT_WEIGHTS["urgency"]:g}"' in html
    assert '<label for="w_text">内容相似</label>' in html
    assert re.search(r'id="dry_run" name="dry_run" value="true" checked', html)
    # a coordinator chooses among the districts of their area; blank is the whole area
    assert '<option value="成华区">成华区</option>' in html and "我辖区的全部区县" in html
    assert '<option value="邛崃市">' not in html
    assert "还没有撮合轮次" in html  # the empty state, with the form to start one above


async def test_a_coordinator_runs_rounds_only_over_their_area_and_sees_only_those(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    refused = await client.post("/rounds", data=form(token, district="邛崃市"))
    assert refused.status_code == 422 and "outside your area" in refused.text
    assert await seeded.fetchval("SELECT count(*) FROM rounds") == 0
    whole = await client.post("/rounds", data=form(token, district=""), follow_redirects=False)
    assert whole.status_code == 303
    scope = await seeded.fetchval("SELECT scope FROM rounds")
    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    assert scope["districts"] == [chenghua]
    round_page = whole.headers["location"]
    assert (await client.get(round_page)).status_code == 200
    await page_login("coordinator")  # 邛崃市's coordinator: neither listed nor shown
    assert round_page not in (await client.get("/rounds")).text
    assert (await client.get(round_page)).status_code == 404
    await page_login("admin")
    admin_page = await client.get("/rounds")
    assert round_page in admin_page.text and "全部区县" in admin_page.text
    assert '<option value="邛崃市">' in admin_page.text


async def test_a_negative_weight_is_shown_next_to_its_field_and_starts_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    answer = await client.post("/rounds", data=form(token, w_text="-1", min_score="0.35"))
    assert answer.status_code == 422
    html = answer.text
    assert '<p class="field-error" id="w_text-error">不能小于 0</p>' in html
    assert re.search(r'id="w_text" name="w_text" value="-1"[^>]*aria-invalid="true"', html)
    assert 'name="min_score" value="0.35"' in html  # what was typed is kept
    assert '<option value="成华区" selected>' in html
    assert await rounds_count(seeded) == 0


async def test_an_unknown_district_is_refused_next_to_the_select(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    answer = await client.post("/rounds", data=form(token, district="不存在区"))
    assert answer.status_code == 422
    assert 'id="district-error">没有这个区县' in answer.text
    assert re.search(r'<select id="district" name="district" aria-invalid="true"', answer.text)
    assert await rounds_count(seeded) == 0


async def test_all_weights_zero_or_a_cap_with_stable_are_refused_by_the_service(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    zeros = {f"w_{n}": "0" for n in ("category", "resources", "text", "proximity")}
    zeros |= {f"w_{n}": "0" for n in ("track_record", "interest", "policy", "urgency")}
    answer = await client.post("/rounds", data=form(token, **zeros))
    assert answer.status_code == 422 and 'id="weights-error">至少要有一项权重大于 0' in answer.text
    answer = await client.post(
        "/rounds", data=form(token, algorithm="stable", max_per_community="2")
    )
    assert answer.status_code == 422
    assert 'id="max_per_community-error">稳定匹配不接受每社区上限' in answer.text
    assert 'value="stable" aria-describedby="algorithm-stable-hint" checked' in answer.text
    assert await rounds_count(seeded) == 0


async def test_a_dry_run_shows_its_result_but_writes_no_proposal_then_runs_for_real(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    dry_id = await start(client, token, district="成华区")
    result = await finished(client, dry_id)
    row = await seeded.fetchrow("SELECT dry_run, status, stats FROM rounds WHERE id = $1", dry_id)
    assert row["dry_run"] is True and row["status"] == "succeeded"
    assert await seeded.fetchval("SELECT count(*) FROM proposals") == 0
    assert "这是试运行" in result and "按相同参数正式运行" in result
    matched = row["stats"]["matched"]
    assert matched > 0 and f'data-stat="s_matched">{matched}<' in result
    # the proposals, each with its components as bars, and the picture's data
    assert result.count('class="proposal"') == min(matched, 100)
    for name in ("类别匹配", "资源覆盖", "内容相似", "距离近", "过往表现", "伙伴意向"):
        assert name in result
    # one scale: the score as a percentage, each part as weight × score, the parts summing to it
    first = result.split('class="proposal"')[1].split("</li>\n  \n    <li")[0]
    total = int(re.search(r'class="total"[^>]*><span>总分</span> (\d+)%', first).group(1))
    adds = [float(x) for x in re.findall(r"0\.\d\d × \d+% = ([\d.]+)%", first)]
    assert len(adds) == 8 and abs(sum(adds) - total) <= 1.5, (adds, total)
    assert "各项之和（权重 × 得分）" in first and not re.search(r">\s*0\.\d\d\s*<", first)
    assert 'data-chart="sankey"' in result and 'id="round-sankey-data"' in result
    page = await client.get(f"/rounds/{dry_id}")
    assert page.status_code == 200 and "成华区" in page.text and "试运行" in page.text
    # a finished round's page no longer polls its progress (the header's bell polls on every page)
    assert (
        "echarts-round-6.1.0.min.js" in page.text and f"/rounds/{dry_id}/progress" not in page.text
    )
    english = (await client.get(f"/rounds/{dry_id}", params={"lang": "en"})).text
    assert "This is a dry run" in english and "Why this score" in english
    assert "Category" in english and "Run it for real" in english
    await client.get("/rounds", params={"lang": "zh"})

    answer = await client.post(
        f"/rounds/{dry_id}/real", data={"_csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    real_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert real_id != dry_id
    result = await finished(client, real_id)
    real = await seeded.fetchrow("SELECT dry_run, params, scope FROM rounds WHERE id = $1", real_id)
    dry = await seeded.fetchrow("SELECT params, scope FROM rounds WHERE id = $1", dry_id)
    assert real["dry_run"] is False
    assert (real["params"], real["scope"]) == (dry["params"], dry["scope"])
    written = await seeded.fetchval("SELECT count(*) FROM proposals WHERE round_id = $1", real_id)
    assert written == matched and "推荐已发给双方" in result and "待确认" in result
    assert "按相同参数正式运行" not in result
    listed = (await client.get("/rounds")).text
    assert f'href="/rounds/{real_id}"' in listed and f'href="/rounds/{dry_id}"' in listed
    assert listed.count('<span class="tag tag-real">正式</span>') == 1
    best = await seeded.fetchrow(
        """SELECT d.title, a.name FROM proposals p JOIN demands d ON d.id = p.demand_id
           JOIN actors a ON a.id = p.actor_id WHERE p.round_id = $1
           ORDER BY p.score DESC, p.id LIMIT 1""",
        real_id,
    )
    shown = result.split('class="proposal"')[1]
    assert best["title"] in shown and best["name"] in shown  # best first, named


async def test_unmatched_needs_are_explained_in_plain_words(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    round_id = await start(client, token, district="成华区", min_score="0.5")
    result = await finished(client, round_id)
    report = await q.report(seeded, round_id)
    assert report is not None
    reasons = json.loads(report["unmatched"] or b"[]")
    assert reasons and result.count('class="reason reason-') == len(reasons)
    for reason in reasons:  # each need named, under the reason the engine gave
        title = await seeded.fetchval(
            "SELECT title FROM demands WHERE id = $1", reason["demand_id"]
        )
        pattern = rf'class="reason reason-{reason["reason"]}">\s*<h3><a href="/needs/{reason["demand_id"]}">'
        assert re.search(pattern, result) and title in result
    # scores as percentages, the field's own value beside them; never the engine's English
    assert "分数不够" in result and "低于本轮最低分 50%" in result
    assert re.search(r"把最低分填为 0\.\d\d（即 \d+%）", result)
    assert "the best candidate" not in result and "引擎原文" not in result


async def test_the_progress_fragment_polls_until_the_round_has_finished(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("coordinator_chenghua")
    # no job: the test moves the round through its states itself, as a worker would
    queued = await service.create(
        seeded, None, RoundRequest(scope=Scope(districts=["成华区"])), enqueue=False
    )
    worker = uuid.uuid4()
    fragment = (await client.get(f"/rounds/{queued.id}/progress", headers=HTMX)).text
    assert f'hx-get="/rounds/{queued.id}/progress" hx-trigger="every 1s"' in fragment
    assert "已排队" in fragment and "<progress" in fragment
    assert await q.claim(seeded, queued.id, worker, 30)
    await q.set_progress(seeded, queued.id, worker, "scoring", 30)
    fragment = (await client.get(f"/rounds/{queued.id}/progress", headers=HTMX)).text
    assert "逐对打分" in fragment and 'value="30"' in fragment and "hx-trigger" in fragment
    page = (await client.get(f"/rounds/{queued.id}")).text
    assert "<html" in page and 'hx-trigger="every 1s"' in page
    assert await q.set_failed(seeded, queued.id, worker, "ValueError: the solver gave up")
    fragment = (await client.get(f"/rounds/{queued.id}/progress", headers=HTMX)).text
    assert "hx-trigger" not in fragment and "<progress" not in fragment
    assert "这一轮没有完成" in fragment and "ValueError: the solver gave up" in fragment


async def test_only_coordinators_and_admins_see_the_round_pages(
    client: Client, seeded: Any, page_login: Any
) -> None:
    round_ = await service.create(seeded, None, RoundRequest(scope=Scope(), dry_run=True))
    anonymous = await client.get("/rounds", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    for who in ("staff", "partner"):
        token = await page_login(who)
        for url in ("/rounds", f"/rounds/{round_.id}", f"/rounds/{round_.id}/progress"):
            answer = await client.get(url)
            assert answer.status_code == 403 and "没有权限" in answer.text, (who, url)
        answer = await client.post("/rounds", data=form(token))
        assert answer.status_code == 403
        answer = await client.post(f"/rounds/{round_.id}/real", data={"_csrf_token": token})
        assert answer.status_code == 403
    assert await rounds_count(seeded) == 1
    await page_login("admin")
    assert (await client.get("/rounds")).status_code == 200
    assert (await client.get("/rounds/999999")).status_code == 404


async def test_a_round_split_by_district_from_the_form_runs_and_shows_its_result(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("admin")  # every district, so the split has parts
    round_id = await start(client, token, district="", split_by_district="true")
    await finished(client, round_id)
    round_ = await q.get_round(seeded, round_id)
    assert round_.status == "succeeded" and round_.params["split"] == "district"
    assert len(round_.stats["parts"]) > 1
    page = (await client.get(f"/rounds/{round_id}")).text
    assert "推荐配对" in page
    again = (await client.get("/rounds")).text
    assert 'name="split_by_district"' in again and "按区县分区并行求解" in again
