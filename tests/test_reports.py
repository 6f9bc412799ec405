"""Reports for 社治委 through HTTP: each place's figures are its children's sums and the database's
counts; the workbook holds every section; areas outside a coordinator's are refused."""

from __future__ import annotations

import io
import random
import re
import zipfile
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.models.reports import FIELDS, Area, Figures
from matchmaker.services.reports import Leaf, roll_up
from tests.test_rounds import run_round

Client = AsyncTestClient[Litestar]
WIDE = {"from": "2000-01-01", "to": "2100-12-31"}


def assert_sums_agree(places: list[dict[str, Any]]) -> None:
    """Every place's figures equal the sum of its children's, field by field."""
    children: dict[str, list[dict[str, Any]]] = {}
    for place in places:
        children.setdefault(place["parent"] or "", []).append(place)
    parents = [p for p in places if p["key"] in children]
    assert parents, "no place has children"
    for place in parents:
        for field in FIELDS:
            below = sum(c["figures"][field] for c in children[place["key"]])
            assert place["figures"][field] == below, (place["key"], field)


async def generate(conn: Any, seed: int) -> None:
    """Needs and partnerships of every status in random communities, on top of the demo data."""
    rng = random.Random(seed)
    communities = [r["id"] for r in await conn.fetch("SELECT id FROM communities")]
    actors = [r["id"] for r in await conn.fetch("SELECT id FROM actors")]
    for i in range(60):
        status = rng.choice(["draft", "open", "matched", "in_progress", "fulfilled", "cancelled"])
        demand = await conn.fetchval(
            """INSERT INTO demands (community_id, title, category, status, created_at)
               VALUES ($1, $2, $3, $4, now() - make_interval(days => $5)) RETURNING id""",
            rng.choice(communities),
            f"生成的需求 {i}",
            rng.choice(["elderly_care", "child_care", "charity", "employment"]),
            status,
            rng.randrange(0, 400),
        )
        if status in ("in_progress", "fulfilled", "cancelled"):
            ended = {"in_progress": "active", "fulfilled": "completed", "cancelled": "cancelled"}
            state = ended[status]
            await conn.execute(
                """INSERT INTO partnerships (demand_id, actor_id, origin, status, started_at,
                       ended_at, beneficiaries_served, rating)
                   VALUES ($1, $2, 'direct', $3::partnership_status_code, now() - make_interval(days => $4),
                           CASE WHEN $3::text = 'active' THEN NULL ELSE now() END,
                           CASE WHEN $3::text = 'completed' THEN $5::int END,
                           CASE WHEN $3::text = 'completed' THEN $6::smallint END)""",
                demand,
                rng.choice(actors),
                state,
                rng.randrange(1, 300),
                rng.randrange(0, 500),
                rng.randrange(1, 6),
            )


async def report(client: Client, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = await client.get("/api/v1/reports", params={**WIDE, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_every_level_sums_its_children_and_the_communities_match_the_database(
    client: Client, seeded: Any, login: Any
) -> None:
    await generate(seeded, 14)
    admin = await login("admin")
    whole = await report(client, admin)
    places = whole["places"]
    assert [p["level"] for p in places[:2]] == ["all", "city"]
    assert {p["level"] for p in places} == {"all", "city", "district", "town", "community"}
    assert_sums_agree(places)

    # each community's figures are the database's own counts
    counts = {
        r["community_id"]: r
        for r in await seeded.fetch(
            """SELECT community_id, count(*) AS posted,
                      count(*) FILTER (WHERE status = 'fulfilled') AS fulfilled,
                      count(*) FILTER (WHERE status = 'open') AS open
               FROM demands WHERE status <> 'draft' AND archived_at IS NULL GROUP BY 1"""
        )
    }
    served = dict(
        await seeded.fetch(
            """SELECT d.community_id, sum(s.beneficiaries_served)::int
               FROM partnerships s JOIN demands d ON d.id = s.demand_id
               WHERE s.status = 'completed' GROUP BY 1"""
        )
    )
    leaves = [p for p in places if p["level"] == "community"]
    assert len(leaves) == await seeded.fetchval("SELECT count(*) FROM communities")
    for leaf in leaves:
        cid = int(leaf["key"].split(":")[1])
        row = counts.get(cid)
        assert leaf["figures"]["needs_posted"] == (row["posted"] if row else 0)
        assert leaf["figures"]["needs_fulfilled"] == (row["fulfilled"] if row else 0)
        assert leaf["figures"]["needs_open"] == (row["open"] if row else 0)
        assert leaf["figures"]["beneficiaries_served"] == served.get(cid, 0)
    assert whole["places"][0]["figures"]["beneficiaries_served"] == sum(served.values()) > 0

    # a city's report is its districts' reports, each asked for on its own
    city = next(p for p in places if p["level"] == "city")
    districts = [p for p in places if p["level"] == "district" and p["parent"] == city["key"]]
    alone = [
        (await report(client, admin, area=d["key"]))["places"][0]["figures"] for d in districts
    ]
    city_alone = (await report(client, admin, area=city["key"]))["places"][0]["figures"]
    for field in FIELDS:
        assert city_alone[field] == sum(a[field] for a in alone) == city["figures"][field], field

    # needs by category add up to the needs posted
    assert sum(c["posted"] for c in whole["categories"]) == places[0]["figures"]["needs_posted"]


async def test_the_period_counts_only_what_happened_in_it(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    community = await seeded.fetchval("SELECT id FROM communities ORDER BY id LIMIT 1")
    await seeded.execute(
        """INSERT INTO demands (community_id, title, category, status, created_at) VALUES
           ($1, '二〇二四年的需求', 'elderly_care', 'open', '2024-03-10 10:00+08'),
           ($1, '二〇二四年底的需求', 'elderly_care', 'open', '2024-12-31 23:30+08'),
           ($1, '二〇二五年的需求', 'elderly_care', 'open', '2025-01-01 00:10+08')""",
        community,
    )
    year = await report(
        client, admin, area=f"community:{community}", **{"from": "2024-01-01", "to": "2024-12-31"}
    )
    assert year["area"] == {
        "key": f"community:{community}",
        "level": "community",
        "name": year["area"]["name"],
    }
    assert [p["level"] for p in year["places"]] == ["community"]
    assert year["places"][0]["figures"]["needs_posted"] == 2
    assert year["categories"][0]["label"] == "养老服务" or year["categories"][0]["posted"] == 2


async def test_rounds_proposals_and_needs_left_open_are_reported_by_area(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    done = await run_round(client, coordinator)
    assert done["status"] == "succeeded"
    qionglai = await seeded.fetchval("SELECT id FROM districts WHERE name = '邛崃市'")
    body = await report(client, coordinator, area=f"district:{qionglai}")
    made = await seeded.fetchval("SELECT count(*) FROM proposals WHERE round_id = $1", done["id"])
    assert made > 0 and body["proposals_total"] == made == len(body["proposals"])
    assert body["rounds"][0]["round_id"] == done["id"]
    assert body["rounds"][0]["proposals"] == made
    first = body["proposals"][0]
    assert set(first["components"]) >= {"category", "text", "proximity"}
    assert body["rounds"][0]["left_open"] == len(body["left_open"])
    assert body["places"][0]["figures"]["left_open"] == len(body["left_open"])
    assert all(u["reason_label"] for u in body["left_open"])
    assert_sums_agree(body["places"])


async def test_a_coordinator_reads_only_their_area_and_bad_input_names_its_field(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")  # 邛崃市
    chenghua = await seeded.fetchrow(
        "SELECT c.id, c.district_id FROM communities c JOIN districts d ON d.id = c.district_id "
        "WHERE d.name = '成华区' LIMIT 1"
    )
    for area in (
        f"district:{chenghua['district_id']}",
        f"community:{chenghua['id']}",
        "city:成都市",
    ):
        response = await client.get("/api/v1/reports", params={"area": area}, headers=coordinator)
        assert response.status_code == 403, (area, response.text)
        assert "places" not in response.text
        assert response.json()["field"] == "area"
    mine = await report(client, coordinator)
    governed = await seeded.fetchval(
        "SELECT count(*) FROM communities c JOIN districts d ON d.id = c.district_id "
        "WHERE d.city = '邛崃市' OR d.name = '邛崃市'"
    )
    assert mine["places"][0]["figures"]["communities"] == governed

    for params, field in (
        ({"area": "district:999999"}, "area"),
        ({"area": "planet:1"}, "area"),
        ({"area": "town:abc"}, "area"),
        ({"area": "city:没有这个市"}, "area"),
        ({"area": "city:成都\x00市"}, "area"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-30"}, "to"),
    ):
        response = await client.get("/api/v1/reports", params=params, headers=coordinator)
        assert response.status_code == 400, (params, response.text)
        assert response.json()["field"] == field, params

    partner = await login("partner")
    assert (await client.get("/api/v1/reports", headers=partner)).status_code == 403
    assert (await client.get("/api/v1/reports")).status_code == 401


async def test_the_workbook_has_a_sheet_per_section_with_chinese_headers_and_no_formulas(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    from openpyxl import load_workbook

    community = await seeded.fetchval("SELECT id FROM communities ORDER BY id LIMIT 1")
    await seeded.execute("UPDATE communities SET name = '=1+2' WHERE id = $1", community)
    admin = await login("admin")
    await page_login("admin")  # the page's 下载 Excel answers the same workbook
    for path, params in (("/api/v1/reports.xlsx", WIDE), ("/reports.xlsx", WIDE)):
        response = await client.get(path, params=params, headers=admin)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response.headers["content-disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [
            "概览", "需求", "合作", "撮合", "1257N", "五社联动",
            "需求类别", "推荐明细", "未对接需求", "1257N社区",
        ]  # fmt: skip
        needs = list(book["需求"].iter_rows(values_only=True))
        assert needs[0][:4] == ("层级", "地区", "上级", "发布")
        assert needs[1][0] == "合计"
        body = await report(client, admin)
        assert needs[1][3] == body["places"][0]["figures"]["needs_posted"]
        assert (
            list(book["合作"].iter_rows(values_only=True))[1][7]
            == (body["places"][0]["figures"]["beneficiaries_served"])
        )
        names = [row[1] for row in book["需求"].iter_rows(values_only=True)]
        assert "=1+2" in names
        for sheet in book:  # printed: one landscape page wide, the headers on every page
            assert sheet.page_setup.orientation == "landscape", sheet.title
            assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert sheet.print_title_rows == "$1:$1", sheet.title
        with zipfile.ZipFile(io.BytesIO(response.content)) as files:
            for name in files.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in files.read(name), name


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),  # district
            st.integers(1, 3),  # town within it
            st.integers(0, 40),  # needs posted
            st.integers(0, 500),  # beneficiaries served
            st.integers(0, 9),  # ratings given
        ),
        max_size=30,
    )
)
def test_roll_up_sums_every_field_of_its_children(
    rows: list[tuple[int, int, int, int, int]],
) -> None:
    leaves = [
        Leaf(
            "成都市" if d < 3 else "广安市", d, f"区{d}", d * 10 + t, f"街道{d}{t}", i, f"社区{i}",
            Figures(communities=1, needs_posted=n, beneficiaries_served=b, rated=r, rating_sum=4 * r),
        )
        for i, (d, t, n, b, r) in enumerate(rows)
    ]  # fmt: skip
    places = roll_up(Area("all", "all", "全部"), leaves)
    as_dicts = [
        {"key": p.key, "parent": p.parent, "figures": {f: getattr(p.figures, f) for f in FIELDS}}
        for p in places
    ]
    if leaves:
        assert_sums_agree(as_dicts)
    assert places[0].figures.communities == len(leaves)
    assert sum(1 for p in places if p.level == "community") == len(leaves)
    assert places[0].average_rating == (4.0 if any(r for *_, r in rows) else None)


async def test_the_page_shows_the_report_and_says_what_is_wrong_in_its_language(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("coordinator")
    town = await seeded.fetchrow(
        "SELECT t.id, t.name FROM towns t JOIN communities c ON c.town_id = t.id "
        "JOIN districts d ON d.id = t.district_id WHERE d.name = '邛崃市' LIMIT 1"
    )
    page = await client.get("/reports", params={"area": f"town:{town['id']}", **WIDE})
    assert page.status_code == 200, page.text
    posted = await seeded.fetchval(
        "SELECT count(*) FROM demands d JOIN communities c ON c.id = d.community_id "
        "WHERE c.town_id = $1 AND d.status <> 'draft'",
        town["id"],
    )
    assert f'data-stat="needs_posted">{posted}<' in page.text
    assert town["name"] in page.text and 'id="table-五社联动"' in page.text
    assert 'href="/reports.xlsx?area=town%3A' in page.text
    workbook = await client.get("/reports.xlsx", params={"area": f"town:{town['id']}", **WIDE})
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"

    bad = await client.get("/reports", params={"from": "2026-05-02", "to": "2026-05-01"})
    assert bad.status_code == 400 and "截止日期不能早于起始日期" in bad.text
    bad = await client.get("/reports", params={"area": "town:99999", "lang": "en"})
    assert bad.status_code == 400 and "No such area: pick one from the list." in bad.text
    assert 'aria-invalid="true"' in bad.text

    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    refused = await client.get("/reports", params={"area": f"district:{chenghua}"})
    assert refused.status_code == 403 and "table-需求" not in refused.text


async def test_the_dashboard_takes_the_same_area_and_period_filters(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("coordinator")
    town = await seeded.fetchval(
        "SELECT c.town_id FROM communities c JOIN districts d ON d.id = c.district_id "
        "WHERE d.name = '邛崃市' GROUP BY c.town_id ORDER BY count(*) DESC LIMIT 1"
    )
    community = await seeded.fetchval("SELECT min(id) FROM communities WHERE town_id = $1", town)
    await seeded.execute(
        """INSERT INTO demands (community_id, title, category, status, created_at) VALUES
           ($1, '去年的开放需求', 'elderly_care', 'open', '2025-06-01 10:00+08')""",
        community,
    )

    async def open_needs(**params: str) -> int:
        page = await client.get("/dashboard", params=params)
        assert page.status_code == 200, page.text
        return int(page.text.split('data-stat="k_open">')[1].split("<")[0])

    in_town = await seeded.fetchval(
        "SELECT count(*) FROM demands d JOIN communities c ON c.id = d.community_id "
        "WHERE c.town_id = $1 AND d.status = 'open'",
        town,
    )
    assert await open_needs(area=f"town:{town}") == in_town
    assert await open_needs(area=f"town:{town}", **{"from": "2025-01-01", "to": "2025-12-31"}) == 1
    assert await open_needs(area=f"community:{community}", **{"to": "2024-12-31"}) == 0

    bad = await client.get("/dashboard", params={"from": "2025-02-30"})
    assert bad.status_code == 400 and "请按 年-月-日 填写日期。" in bad.text
    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    assert (
        await client.get("/dashboard", params={"area": f"district:{chenghua}"})
    ).status_code == 403


async def test_a_province_sized_area_stops_the_page_tables_a_level_up_and_lists_the_first_gaps(
    client: Client, seeded: Any, page_login: Any, login: Any
) -> None:
    """Down to every community a province's report page was 50 MB: the page's place tables stop
    at the level that would pass 400 rows and say so, the communities falling short are listed
    fifty at a time (the dashboard's too), and the API and the workbook keep every place."""
    from matchmaker.synthetic import generate

    await generate(seeded, demands=600, communities=450, partners=40, seed=4, districts=3)
    communities = await seeded.fetchval(
        "SELECT count(*) FROM communities WHERE archived_at IS NULL"
    )
    await page_login("admin")
    page = (await client.get("/reports", params=WIDE)).text
    cut = re.search(r'data-testid="places-cut">([^<]+)<', page)
    assert cut and f"社区共 {communities} 个" in cut[1], cut
    assert 'class="level-community"' not in page and 'class="level-town"' in page
    gaps = page.split('id="table-gaps"')[1].split("</table>")[0]
    assert gaps.count("<tr>") == 1 + 50  # the header and the first fifty
    short = int(re.search(r"只列出前 50 条，共 (\d+) 条", page)[1])
    assert short > 50

    whole = (await client.get("/api/v1/reports", params=WIDE, headers=await login("admin"))).json()
    assert sum(p["level"] == "community" for p in whole["places"]) == communities

    board = (await client.get("/dashboard")).text
    listed = board.split('id="gaps-table"')[1].split("</table>")[0]
    assert listed.count("<tr>") == 1 + 50
    assert f"只列出前 50 个，共 {short} 个" in board and 'href="/reports#h-gaps"' in board
