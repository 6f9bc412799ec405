"""The board's cards, kept by the server for readers who see them alike (``web/card_memo.py``):
the same cards as a server that has kept none, after every change a card shows."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.app import create_app
from matchmaker.settings import Settings
from tests.conftest import SECRET

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def fresh(database_dsn: str, client: Client) -> AsyncIterator[Client]:
    """Another server on the same database, keeping nothing yet: it draws each card anew."""
    app = create_app(Settings(database_url=database_dsn, secret_key=SECRET), dsn=database_dsn)

    async def ask(url: str, **params: Any) -> str:
        async with AsyncTestClient(app=app) as anew:
            return _cards((await anew.get(url, params=params)).text)

    yield ask  # type: ignore[misc]


def _cards(page: str) -> str:
    """The card list of a board page."""
    match = re.search(r'<ul class="cards" id="card-list">.*?</ul>\s*(?=<)', page, re.S)
    assert match, page[:300]
    return match.group(0)


async def test_kept_cards_follow_every_change_they_show(
    client: Client, fresh: Any, seeded: Any, login: Any
) -> None:
    # the language asked each time (a ?lang= is remembered in a cookie)
    views = [("/board", {"lang": "zh"}), ("/board", {"q": "老人", "lang": "zh"}),
             ("/board", {"lang": "en"})]  # fmt: skip

    async def same() -> list[str]:
        seen = []
        for url, params in views:
            kept = _cards((await client.get(url, params=params)).text)
            assert kept == _cards((await client.get(url, params=params)).text)  # read kept
            assert kept == await fresh(url, **params)  # as drawn anew
            seen.append(kept)
        return seen

    before = await same()
    need = await seeded.fetchval(
        "SELECT id FROM demands WHERE status = 'open' AND title LIKE '%老人%' ORDER BY id DESC"
        " LIMIT 1"
    )
    partner = await login("partner")
    interest = await client.post(f"/api/v1/demands/{need}/interest", headers=partner, json={})
    assert interest.status_code == 200, interest.text
    counted = await same()
    assert counted != before  # the interest count is on the card
    staff = await login("admin")
    edited = await client.patch(
        f"/api/v1/demands/{need}", headers=staff, json={"description": "每周三次上门陪伴独居老人"}
    )
    assert edited.status_code == 200, edited.text
    described = await same()
    assert all("每周三次上门陪伴" in cards for cards in described[:2])


async def test_a_partner_gets_its_own_cards_never_kept_ones(
    client: Client, seeded: Any, login: Any
) -> None:
    anonymous = _cards((await client.get("/board", params={"sort": "newest"})).text)
    assert "card-actions" not in anonymous
    partner = await login("partner")
    mine = (await client.get("/board", params={"sort": "newest"}, headers=partner)).text
    assert "card-actions" in _cards(mine) and "_csrf_token" in _cards(mine)
