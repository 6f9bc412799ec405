"""Sharing a need through HTTP: the page's preview tags, its share link and its QR code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any

import pytest
import segno
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.app import create_app
from matchmaker.settings import Settings
from matchmaker.web.share import SUMMARY_CHARS, qr_svg
from tests.conftest import SECRET

Client = AsyncTestClient[Litestar]
BASE = "http://testserver.local"  # where the test client sends its requests
SVG = "{http://www.w3.org/2000/svg}"


class _Head(HTMLParser):
    """The page's ``<title>`` and its meta tags (by name or property), their contents unescaped."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (key := values.get("property") or values.get("name")):
            self.meta[key] = values.get("content") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _head(page: str) -> _Head:
    parsed = _Head()
    parsed.feed(page.split("</head>")[0])
    return parsed


def _dark_modules(svg: bytes) -> set[tuple[int, int]]:
    """The dark modules an SVG QR code draws, as (row, column) from its top-left finder pattern.

    segno draws each row's dark runs as horizontal strokes (``M x y``, ``m dx dy``, ``h n``) in
    module units; reading them back needs no QR decoder."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    path = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "qrline")
    x = y = 0.0
    cells: set[tuple[int, int]] = set()
    for command, args in re.findall(r"([MmHh])([-\d.\s]+)", path.get("d", "")):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            cells |= {(int(y), int(column)) for column in range(int(x), int(end))}
            x = end
    top, left = min(r for r, _ in cells), min(c for _, c in cells)
    return {(r - top, c - left) for r, c in cells}


def _modules_of(url: str) -> set[tuple[int, int]]:
    """The dark modules of segno's own QR code of ``url``."""
    matrix = segno.make_qr(url, error="m").matrix
    return {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}


async def _need(conn: Any, title_part: str) -> dict[str, Any]:
    row = await conn.fetchrow(
        "SELECT * FROM demands WHERE title LIKE '%' || $1 || '%' ORDER BY id LIMIT 1", title_part
    )
    assert row is not None, title_part
    return dict(row)


# ------------------------------------------------------------------------------ the page's tags


async def test_the_need_page_has_a_title_description_and_open_graph_tags(
    client: Client, seeded: Any
) -> None:
    need = await _need(seeded, "暑期托管")  # 渔箭社区, 邛崃市, child care; a long description
    page = await client.get(f"/needs/{need['id']}")
    assert page.status_code == 200
    head = _head(page.text)
    url = f"{BASE}/needs/{need['id']}"
    assert head.title == f"{need['title']} · 社区资源对接平台"
    assert head.meta["og:title"] == need["title"] and head.meta["og:type"] == "website"
    assert head.meta["og:url"] == url and f'<link rel="canonical" href="{url}">' in page.text
    summary = head.meta["description"]
    assert head.meta["og:description"] == summary
    assert summary.startswith("渔箭社区 · 邛崃市 · 儿童关爱：")
    assert " ".join(need["description"].split())[:30] in summary
    assert len(summary) <= SUMMARY_CHARS and "\n" not in summary
    if len(need["description"]) > SUMMARY_CHARS:
        assert summary.endswith("…")
    # the share box: the address to copy, and the QR code of the same address
    assert re.search(
        rf'<input id="share-url" type="url" value="{re.escape(url)}" readonly', page.text
    )
    assert f'<img class="qr" src="/needs/{need["id"]}/qr.svg"' in page.text
    assert "/static/share.js" in page.text
    english = _head((await client.get(f"/needs/{need['id']}", params={"lang": "en"})).text)
    assert english.meta["description"].startswith("渔箭社区 · 邛崃市 · Child care: ")
    assert english.meta["og:url"] == url  # the same address whatever the language


async def test_the_summary_is_plain_text_and_short_and_markup_stays_text(
    client: Client, seeded: Any, login: Any
) -> None:
    description = "第一行  说明\n\n<b>第二行</b> & “引号”" + "很长的描述" * 40
    made = await client.post(
        "/api/v1/demands",
        json={"title": "<i>分享</i>测试", "category": "education", "status": "open",
              "description": description},
        headers=await login("staff"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    page = (await client.get(f"/needs/{made.json()['id']}")).text
    head = _head(page)
    summary = head.meta["description"]
    assert summary.startswith(
        "渔箭社区 · 邛崃市 · 教育培训：第一行 说明 <b>第二行</b> & “引号”很长"
    )
    assert len(summary) == SUMMARY_CHARS and summary.endswith("…")
    assert head.meta["og:title"] == "<i>分享</i>测试"
    assert "<b>第二行" not in page and "<i>分享" not in page  # escaped in the page, never markup


async def test_a_need_without_description_is_summarised_by_where_and_what(
    client: Client, seeded: Any, login: Any
) -> None:
    made = await client.post(
        "/api/v1/demands", json={"title": "无描述的需求", "category": "education", "status": "open"},
        headers=await login("staff"),
    )  # fmt: skip
    head = _head((await client.get(f"/needs/{made.json()['id']}")).text)
    assert head.meta["description"] == "渔箭社区 · 邛崃市 · 教育培训"


# ------------------------------------------------------------------------------- the QR code


async def test_the_qr_code_is_an_svg_of_the_need_pages_address(client: Client, seeded: Any) -> None:
    need = await _need(seeded, "暑期托管")
    answer = await client.get(f"/needs/{need['id']}/qr.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.headers["cache-control"] == "public, max-age=86400"
    url = f"{BASE}/needs/{need['id']}"
    root = ET.fromstring(answer.content)  # well-formed XML, an SVG document
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    assert _dark_modules(answer.content) == _modules_of(url)
    assert _dark_modules(answer.content) != _modules_of(f"{BASE}/needs/{need['id'] + 1}")
    assert answer.content == qr_svg(url)


@pytest.fixture
async def public_client(database_dsn: str, conn: Any) -> AsyncIterator[Client]:
    """A client of the app deployed at a public address (``MATCHMAKER_PUBLIC_URL``)."""
    settings = Settings(
        database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=2,
        public_url="https://mm.example.cn",
    )  # fmt: skip
    async with AsyncTestClient(app=create_app(settings, dsn=database_dsn)) as test_client:
        yield test_client


async def test_with_a_public_address_the_links_and_the_qr_code_use_it(
    public_client: Client, seeded: Any
) -> None:
    need = await _need(seeded, "暑期托管")
    url = f"https://mm.example.cn/needs/{need['id']}"
    page = (await public_client.get(f"/needs/{need['id']}")).text
    assert _head(page).meta["og:url"] == url and f'value="{url}"' in page
    assert BASE not in page
    qr = await public_client.get(f"/needs/{need['id']}/qr.svg")
    assert _dark_modules(qr.content) == _modules_of(url)


async def test_a_draft_has_a_qr_code_only_for_whoever_may_see_it(
    client: Client, seeded: Any, page_login: Any
) -> None:
    draft = await _need(seeded, "四方公司")  # a draft of 靖口村
    url = f"/needs/{draft['id']}/qr.svg"
    anonymous = await client.get(url)
    assert anonymous.status_code == 404 and "找不到" in anonymous.text
    assert "image/svg" not in anonymous.headers["content-type"]
    await page_login("staff_zhitai")  # another community's staff
    assert (await client.get(url)).status_code == 404
    await page_login("coordinator")
    seen = await client.get(url)
    assert seen.status_code == 200 and seen.headers["cache-control"].startswith("private")
    assert _dark_modules(seen.content) == _modules_of(f"{BASE}/needs/{draft['id']}")
    page = (await client.get(f"/needs/{draft['id']}")).text
    assert "这是草稿：只有本社区工作人员和协调员能打开这个链接" in page


async def test_bad_ids_answer_404_clearly(client: Client, seeded: Any) -> None:
    biggest = await seeded.fetchval("SELECT max(id) FROM demands")
    archived = await _need(seeded, "暑期托管")
    await seeded.execute("UPDATE demands SET archived_at = now() WHERE id = $1", archived["id"])
    for bad in (biggest + 1, 0, -1, "abc", 2**70, archived["id"]):
        answer = await client.get(f"/needs/{bad}/qr.svg")
        assert answer.status_code == 404, bad
        assert "找不到这个页面或记录" in answer.text and "<svg" not in answer.text, bad
    assert (await client.get(f"/needs/{biggest + 1}")).status_code == 404
