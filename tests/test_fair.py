"""The matching fair through HTTP: the needs handbook as a PDF (its text layer, its fonts, a page
drawn to PNG), who may print which district's, the 503 without a Chinese font, the need page the
QR codes open, and a round's proposals sheet."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from matchmaker.app import create_app
from matchmaker.settings import Settings
from matchmaker.web.fair import shorten
from matchmaker.web.i18n import label
from tests.conftest import SECRET
from tests.test_round_pages import finished, start

Client = AsyncTestClient[Litestar]
ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://fair.example.cn"
FAIR_DAY = "2026-06-01"
DAY = dt.date(2026, 6, 1)
HOSTILE = '#panic("ran") *粗* [链接] $x^2$ \\ `代码` <b> 养老'

#: the subject is not the database server (see pyproject's markers): the second CI pass skips it
pytestmark = pytest.mark.once

OPEN_ON_DAY = """
SELECT d.title, d.category FROM demands d JOIN communities c ON c.id = d.community_id
JOIN districts x ON x.id = c.district_id
WHERE x.name = $1 AND d.status = 'open' AND (d.window_end IS NULL OR d.window_end >= $2::date)
"""


def text_of(pdf: bytes) -> str:
    """The PDF's text layer with the line breaks and spaces Typst put in removed."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts whose program is embedded in the PDF."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for child in font.get("/DescendantFonts", [font]):
                descriptor = child.get_object().get("/FontDescriptor")
                if descriptor and any(k in descriptor.get_object() for k in
                                      ("/FontFile", "/FontFile2", "/FontFile3")):  # fmt: skip
                    names.add(str(child.get_object()["/BaseFont"]))
    return names


@pytest.fixture
async def public_client(database_dsn: str, conn: Any) -> AsyncIterator[Client]:
    """A client of an app whose links are on ``MATCHMAKER_PUBLIC_URL``."""
    settings = Settings(
        database_url=database_dsn, secret_key=SECRET, public_url=PUBLIC, secure_cookies=False
    )
    async with AsyncTestClient(app=create_app(settings, dsn=database_dsn)) as client:
        yield client


async def test_the_handbook_lists_the_districts_open_needs_by_category_with_fonts_embedded(
    public_client: Client, seeded: Any, tmp_path: Path
) -> None:
    client = public_client
    token = (await client.get("/login")).text
    from tests.conftest import csrf_of

    await client.post(
        "/login", data={"username": "coordinator", "password": "matchmaker-demo",
                        "_csrf_token": csrf_of(token)},
    )  # fmt: skip
    page = await client.get("/fair")
    assert page.status_code == 200 and 'value="邛崃市"' in page.text
    assert 'value="成华区"' not in page.text  # not this coordinator's area
    answer = await client.get(
        "/fair/handbook.pdf", params={"district": "邛崃市", "date": FAIR_DAY, "title": "春季双选会"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    pdf = answer.content
    text = text_of(pdf)
    rows = await seeded.fetch(OPEN_ON_DAY, "邛崃市", DAY)
    expected = [r["title"] for r in rows]
    assert len(expected) >= 5
    for title in expected:
        assert re.sub(r"\s+", "", title) in text, title
    # a need of another district, and one ended before the fair, are not in it
    others = await seeded.fetch(
        "SELECT d.title FROM demands d JOIN communities c ON c.id = d.community_id "
        "JOIN districts x ON x.id = c.district_id WHERE x.name = '成华区' AND d.status = 'open'"
    )
    assert others and all(re.sub(r"\s+", "", r["title"]) not in text for r in others)
    # the cover: title, district, date, counts
    assert "春季双选会" in text and "2026年6月1日" in text and f"{len(expected)}条需求" in text
    # grouped by category: the contents name each category with its count of needs
    per_category = Counter(r["category"] for r in rows)
    assert f"{len(per_category)}个类别" in text
    for code, n in per_category.items():
        assert f"{label('zh', 'category', code)}{n}条" in text, code
    # every need's link is on the public address
    ids = await seeded.fetch(
        "SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id "
        "JOIN districts x ON x.id = c.district_id WHERE x.name = '邛崃市' AND d.status = 'open' "
        "AND (d.window_end IS NULL OR d.window_end >= $1::date)", DAY
    )  # fmt: skip
    for row in ids:
        assert f"{PUBLIC}/needs/{row['id']}" in text
    # a Chinese font is embedded (subset), so it prints the same on any printer
    fonts = embedded_fonts(pdf)
    assert any("CJK" in name for name in fonts), fonts
    # drawn to PNG, a page is mostly white paper with ink on it (not blank, not boxes of black)
    if shutil.which("pdftoppm"):
        (tmp_path / "h.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(tmp_path / "h.pdf"),
             str(tmp_path / "page")], check=True, timeout=60,
        )  # fmt: skip
        png = next(tmp_path.glob("page*.png"))
        assert png.stat().st_size > 5000
        shots = ROOT / "docs" / "screenshots"
        if shots.is_dir():
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "2", "-l", "2", "-singlefile",
                 str(tmp_path / "h.pdf"), str(shots / "handbook_page")], check=True, timeout=60,
            )  # fmt: skip


async def test_a_title_full_of_typst_markup_prints_as_it_is_and_runs_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    made = await client.post(
        "/api/v1/demands",
        json={"title": HOSTILE, "category": "elderly_care", "status": "open",
              "description": "#set page(width: 1cm) 描述里也有 #标记 和 ]"},
        headers=staff,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    coordinator = await login("coordinator")
    answer = await client.get(
        "/fair/handbook.pdf", params={"district": "邛崃市", "date": FAIR_DAY}, headers=coordinator
    )
    assert answer.status_code == 200, answer.text
    text = text_of(answer.content)
    assert re.sub(r"\s+", "", HOSTILE) in text
    assert "#set page(width: 1cm)".replace(" ", "") in text
    assert len(PdfReader(io.BytesIO(answer.content)).pages) >= 2


async def test_who_may_print_which_fair_and_bad_input(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    other = await client.get(
        "/fair/handbook.pdf", params={"district": "成华区", "date": FAIR_DAY}, headers=coordinator
    )
    assert other.status_code == 403
    unknown = await client.get(
        "/fair/handbook.pdf", params={"district": "火星区", "date": FAIR_DAY}, headers=coordinator
    )
    assert unknown.status_code == 400 and "火星区" in unknown.text
    for params in ({"district": "邛崃市"}, {"district": "邛崃市", "date": "2026-13-40"}):
        bad = await client.get("/fair/handbook.pdf", params=params, headers=coordinator)
        assert bad.status_code == 400, params
    partner = await login("partner")
    refused = await client.get(
        "/fair/handbook.pdf", params={"district": "邛崃市", "date": FAIR_DAY}, headers=partner
    )
    assert refused.status_code in (401, 403)
    admin = await login("admin")
    anywhere = await client.get(
        "/fair/handbook.pdf", params={"district": "成华区", "date": FAIR_DAY}, headers=admin
    )
    assert anywhere.status_code == 200 and anywhere.content.startswith(b"%PDF")


async def test_without_a_chinese_font_the_handbook_says_what_to_install(
    database_dsn: str, seeded: Any, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_dsn, secret_key=SECRET, font_dir=str(tmp_path))
    async with AsyncTestClient(app=create_app(settings, dsn=database_dsn)) as client:
        signed = await client.post(
            "/api/v1/auth/login", json={"username": "coordinator", "password": "matchmaker-demo"}
        )
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        answer = await client.get(
            "/fair/handbook.pdf", params={"district": "邛崃市", "date": FAIR_DAY}, headers=headers
        )
    assert answer.status_code == 503
    assert "text/html" in answer.headers["content-type"]
    assert "fonts-noto-cjk" in answer.text and "MATCHMAKER_FONT_DIR" in answer.text


async def test_the_qr_address_opens_the_need_at_its_interest_form(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await seeded.fetchval("SELECT id FROM demands WHERE status = 'open' ORDER BY id LIMIT 1")
    anonymous = await client.get(f"/needs/{need}", params={"interest": "1"})
    assert anonymous.status_code == 200 and 'data-testid="interest-sign-in"' in anonymous.text
    assert f"/login?next=/needs/{need}%3Finterest%3D1" in anonymous.text
    plain = await client.get(f"/needs/{need}")
    assert 'data-testid="interest-sign-in"' not in plain.text
    assert (await client.get(f"/needs/{need}", params={"interest": "7"})).status_code == 400
    await page_login("partner")
    ready = await client.get(f"/needs/{need}", params={"interest": "1"})
    assert re.search(r'<button type="submit" autofocus>\s*我有意向', ready.text)


async def test_a_rounds_proposals_print_as_one_sheet_per_community(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    round_id = await start(client, token, district="成华区")
    result = await finished(client, round_id)
    assert f'href="/rounds/{round_id}/sheet"' in result
    sheet = await client.get(f"/rounds/{round_id}/sheet")
    assert sheet.status_code == 200
    report = await seeded.fetchval("SELECT stats FROM rounds WHERE id = $1", round_id)
    rows = re.findall(r"<tr><td>", sheet.text)
    assert len(rows) == report["matched"] > 0
    communities = re.findall(r'<section class="sheet" data-testid="sheet"', sheet.text)
    names = {
        r["name"]
        for r in await seeded.fetch(
            "SELECT c.name FROM communities c JOIN districts x ON x.id = c.district_id "
            "WHERE x.name = '成华区'"
        )
    }
    headings = re.findall(r'<h2 id="sheet-\d+">([^<]+?) <small', sheet.text)
    assert len(headings) == len(communities) and set(headings) <= names
    assert len(set(headings)) == len(headings)  # each community once
    await page_login("coordinator")  # another area's coordinator: not found
    assert (await client.get(f"/rounds/{round_id}/sheet")).status_code in (403, 404)


def test_descriptions_are_cut_at_a_sentence_end_when_it_keeps_most_of_them() -> None:
    long = "社区有三百位老人需要助餐。" * 20
    cut = shorten(long, 100)
    assert cut.endswith("。…") and len(cut) <= 101
    assert shorten("一" * 300, 50) == "一" * 49 + "…"
    assert shorten("  两行\n文字  ") == "两行 文字"
