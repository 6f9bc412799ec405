"""The coordinators' dashboard: its numbers are the database's, its charts have their data."""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.test_round_pages import finished, start

Client = AsyncTestClient[Litestar]


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table of the page, as cell texts (tags stripped)."""
    body = html.split(f'id="{table_id}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def chart_data(html: str, source: str) -> Any:
    """The JSON a chart draws, as the page hands it to charts.js."""
    found = re.search(rf'<script type="application/json" id="{source}">(.*?)</script>', html, re.S)
    assert found, source
    return json.loads(found[1])


async def test_the_dashboard_shows_the_databases_numbers(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("admin")  # every district's numbers (a coordinator's: their area's, below)
    html = (await client.get("/dashboard")).text
    open_needs = await seeded.fetchval(
        "SELECT count(*) FROM demands WHERE status = 'open' AND archived_at IS NULL"
    )
    assert open_needs > 0 and f'data-stat="k_open">{open_needs}<' in html

    by_district = {
        r["name"]: [str(r["open"]), str(r["fulfilled"])]
        for r in await seeded.fetch(
            """SELECT di.name,
                      count(d.id) FILTER (WHERE d.status = 'open') AS open,
                      count(d.id) FILTER (WHERE d.status = 'fulfilled') AS fulfilled
               FROM districts di LEFT JOIN communities c ON c.district_id = di.id
               LEFT JOIN demands d ON d.community_id = c.id AND d.archived_at IS NULL
               GROUP BY di.name"""
        )
    }
    rows = table(html, "districts-table")
    assert {r[0]: r[1:] for r in rows} == by_district
    drawn = chart_data(html, "districts-data")
    assert drawn["categories"] == [r[0] for r in rows]
    assert drawn["series"][0]["data"] == [int(r[1]) for r in rows]

    meeting = await seeded.fetchval(
        """SELECT count(*) FROM communities WHERE archived_at IS NULL AND social_work_rooms >= 1
           AND social_workers >= 2 AND community_orgs >= 5 AND volunteer_teams >= 7
           AND charity_resources >= 1"""
    )
    total = await seeded.fetchval("SELECT count(*) FROM communities WHERE archived_at IS NULL")
    assert f'data-stat="k_meeting">{meeting} / {total}<' in html
    assert len(table(html, "gaps-table")) == total - meeting
    pie = chart_data(html, "standard-data")
    assert [i["value"] for i in pie["items"]] == [meeting, total - meeting]

    this_month = await seeded.fetchrow(
        """SELECT to_char(date_trunc('month', now()), 'YYYY-MM') AS month,
                  count(*) FILTER (WHERE status <> 'draft') AS opened
           FROM demands WHERE archived_at IS NULL AND date_trunc('month', created_at) = date_trunc('month', now())"""
    )
    months = table(html, "months-table")
    assert len(months) == 12 and months[-1][:2] == [this_month["month"], str(this_month["opened"])]

    categories = table(html, "categories-table")
    open_in_categories = sum(int(r[1]) for r in categories)
    assert open_in_categories == open_needs
    # no partner activity in the demo data yet: the empty state points to the rounds
    assert "还没有伙伴表达意向或收到推荐" in html and 'href="/rounds"' in html

    await page_login("coordinator_chenghua")
    theirs = (await client.get("/dashboard")).text
    assert [r[0] for r in table(theirs, "districts-table")] == ["成华区"]
    assert [r[1:] for r in table(theirs, "districts-table")] == [by_district["成华区"]]
    in_chenghua = await seeded.fetchval(
        "SELECT count(*) FROM communities c JOIN districts di ON di.id = c.district_id "
        "WHERE di.name = '成华区' AND c.archived_at IS NULL"
    )
    assert re.search(rf'data-stat="k_meeting">\d+ / {in_chenghua}<', theirs)


async def test_partner_activity_counts_a_real_rounds_proposals(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    await finished(client, await start(client, token, district="邛崃市", dry_run=""))
    html = (await client.get("/dashboard")).text
    rows = table(html, "partners-table")
    assert 0 < len(rows) <= 10
    counts = {
        r["name"]: r["n"]
        for r in await seeded.fetch(
            "SELECT a.name, count(*) AS n FROM proposals p JOIN actors a ON a.id = p.actor_id GROUP BY a.name"
        )
    }
    for name, interests, proposals, accepted, completed in rows:
        assert int(proposals) == counts[name]
        assert (interests, accepted, completed) == ("0", "0", "0")
    assert chart_data(html, "partners-data")["categories"] == [r[0] for r in rows]


async def test_only_coordinators_and_admins_see_the_dashboard(
    client: Client, seeded: Any, page_login: Any
) -> None:
    anonymous = await client.get("/dashboard", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    await page_login("staff")
    answer = await client.get("/dashboard")
    assert answer.status_code == 403 and "没有权限" in answer.text
    await page_login("admin")
    assert (await client.get("/dashboard")).status_code == 200
    english = (await client.get("/dashboard", params={"lang": "en"})).text
    assert "Needs by district" in english
    assert re.search(r'"[A-Z][a-z]{2}\\n20\d\d"', english)  # "Dec\n2025": the months in English
