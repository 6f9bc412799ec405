"""Who may change what: every mutating route × every role × own and foreign resource.

The matrix is checked against the OpenAPI description, so a new mutating route without a row here
fails. Each refusal must leave every data table exactly as it was (a hash of all rows before and
after); each allowed call gets a fresh target, so calls cannot interfere with one another.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]

#: The roles, with the demo user who plays each (own = 渔箭社区 / 注力社工, foreign = another's).
ROLES = {
    "anonymous": None,
    "staff": "staff",
    "partner": "partner",
    "coordinator": "coordinator",
    "admin": "admin",
}
TABLES = (
    "districts", "towns", "communities", "actors", "actor_districts", "talent", "talent_districts",
    "policies", "demands", "cases", "case_actors", "products", "users", "interests", "rounds",
    "proposals", "partnerships", "round_reports", "round_graphs", "messages",
)  # fmt: skip
#: Mutating routes tested in full elsewhere, and where.
ELSEWHERE = {
    (
        "POST",
        "/api/v1/auth/login",
    ): "tests/test_auth.py (signing in changes no data but the login time)",
    ("POST", "/api/v1/auth/logout"): "tests/test_sessions.py (ends one's own token only)",
    ("POST", "/api/v1/demands/import"): "tests/test_spreadsheets.py (multipart upload, per role)",
    **{
        ("POST", f"/api/v1/{library}/import"): "tests/test_library_sheets.py (curators, their area)"
        for library in ("communities", "actors", "talent", "policies", "cases", "products")
    },
    (
        "POST",
        "/api/v1/notifications/read",
    ): "tests/test_notifications.py (one's own only, per user)",
    ("PUT", "/api/v1/notifications/settings"): "tests/test_notifications.py (one's own only)",
    ("POST", "/api/v1/webhooks"): "tests/test_delivery.py (robots: coordinators only, per role)",
    ("POST", "/api/v1/search/synonyms"): "tests/test_search.py (curators only, per role)",
    ("DELETE", "/api/v1/search/synonyms/{id}"): "tests/test_search.py (curators only, per role)",
    (
        "PATCH",
        "/api/v1/webhooks/{id}",
    ): "tests/test_delivery.py (robots: coordinators only, per role)",
    # applications and verification: decided by coordinators of the area (another area's: 403)
    ("POST", "/api/v1/registrations"): "tests/test_verification.py (anyone applies, per address)",
    ("POST", "/api/v1/registrations/{id}/approve"): "tests/test_verification.py (the area's)",
    ("POST", "/api/v1/registrations/{id}/refuse"): "tests/test_verification.py (the area's)",
    ("POST", "/api/v1/verification/actors/{id}/evidence"): "tests/test_verification.py (own org)",
    ("POST", "/api/v1/need-templates"): "tests/test_need_templates.py (curators only, per role)",
    ("PATCH", "/api/v1/need-templates/{id}"): "tests/test_need_templates.py (curators only)",
    ("DELETE", "/api/v1/need-templates/{id}"): "tests/test_need_templates.py (curators only)",
    (
        "POST",
        "/api/v1/verification/requests/{id}/verify",
    ): "tests/test_verification.py (the area's)",
    (
        "POST",
        "/api/v1/verification/requests/{id}/refuse",
    ): "tests/test_verification.py (the area's)",
}


async def fingerprint(conn: Any) -> dict[str, str]:
    """A hash of every row of every data table (the audit log is append-only and checked apart)."""
    out = {}
    for table in TABLES:
        out[table] = await conn.fetchval(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"
        )
    out["audit_log"] = str(await conn.fetchval("SELECT count(*) FROM audit_log"))
    return out


@dataclass
class World:
    """Ids in the demo data and makers of fresh rows to act on."""

    conn: Any
    ids: dict[str, int] = field(default_factory=dict)
    serial: itertools.count[int] = field(default_factory=itertools.count)

    async def setup(self) -> None:
        one = self.conn.fetchval
        self.ids = {
            "own_community": await one("SELECT id FROM communities WHERE name = '渔箭社区'"),
            "foreign_community": await one("SELECT id FROM communities WHERE name = '直台村'"),
            "own_actor": await one("SELECT id FROM actors WHERE name = '注力社工'"),
            "foreign_actor": await one("SELECT id FROM actors WHERE name = '春泉酒业'"),
            "district": await one("SELECT id FROM districts WHERE name = '邛崃市'"),
            "town": await one("SELECT t.id FROM towns t JOIN districts d ON d.id = t.district_id WHERE d.name = '邛崃市' LIMIT 1"),
            "user": await one("SELECT id FROM users WHERE username = 'staff_hemei'"),
            "own_user": await one("SELECT id FROM users WHERE username = 'staff_zhitai'"),
        }  # fmt: skip

    def n(self) -> int:
        return next(self.serial)

    async def demand(self, owner: str, status: str = "open") -> int:
        return int(await self.conn.fetchval(
            "INSERT INTO demands (community_id, title, category, status) VALUES ($1, $2, 'child_care', $3) RETURNING id",
            self.ids[f"{owner}_community"], f"矩阵需求{self.n()}", status,
        ))  # fmt: skip

    async def row(self, table: str) -> int:
        """A fresh row of a library table to change or archive."""
        n, one = self.n(), self.conn.fetchval
        if table == "communities":
            return int(await one(
                "INSERT INTO communities (name, district_id, town_id, kind, population, lat, lon) VALUES ($1, $2, $3, 'urban', 100, 30.4, 103.4) RETURNING id",
                f"矩阵社区{n}", self.ids["district"], self.ids["town"],
            ))  # fmt: skip
        if table == "actors":  # serving 邛崃市, the coordinator's area
            return int(await one(
                "WITH a AS (INSERT INTO actors (name, kind, lat, lon) VALUES ($1, 'enterprise', 30.4, 103.4) RETURNING id), "
                "d AS (INSERT INTO actor_districts (actor_id, district_id) SELECT id, $2 FROM a) SELECT id FROM a",
                f"矩阵机构{n}", self.ids["district"],
            ))  # fmt: skip
        if table == "talent":
            return int(await one(
                "WITH t AS (INSERT INTO talent (display_name, roles) VALUES ($1, '{volunteer}') RETURNING id), "
                "d AS (INSERT INTO talent_districts (talent_id, district_id) SELECT id, $2 FROM t) SELECT id FROM t",
                f"矩阵人才{n}", self.ids["district"],
            ))  # fmt: skip
        if table == "policies":
            return int(
                await one(
                    "INSERT INTO policies (title, issuer, level, valid_from) VALUES ($1, '测试', 'county', '2026-01-01') RETURNING id",
                    f"矩阵政策{n}",
                )
            )
        if table == "cases":
            return int(
                await one(
                    "INSERT INTO cases (community_id, title, category) VALUES ($1, $2, 'health') RETURNING id",
                    self.ids["own_community"],
                    f"矩阵案例{n}",
                )
            )
        raise AssertionError(table)

    async def product(self, owner: str) -> int:
        return int(await self.conn.fetchval(
            "INSERT INTO products (actor_id, name, category) VALUES ($1, $2, 'child_care') RETURNING id",
            self.ids[f"{owner}_actor"], f"矩阵产品{self.n()}",
        ))  # fmt: skip

    async def proposal(self, community: str, actor: str) -> int:
        demand = await self.demand(community)
        round_id = await self.conn.fetchval(
            "INSERT INTO rounds (algorithm, status) VALUES ('optimal', 'succeeded') RETURNING id"
        )
        await self.conn.execute(
            "UPDATE actors SET capacity = capacity + 1 WHERE id = $1", self.ids[f"{actor}_actor"]
        )
        return int(await self.conn.fetchval(
            "INSERT INTO proposals (round_id, demand_id, actor_id, score) VALUES ($1, $2, $3, 0.5) RETURNING id",
            round_id, demand, self.ids[f"{actor}_actor"],
        ))  # fmt: skip

    async def partnership(self, community: str, actor: str) -> int:
        demand = await self.demand(community)
        return int(await self.conn.fetchval(
            "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct') RETURNING id",
            demand, self.ids[f"{actor}_actor"],
        ))  # fmt: skip


# (role, side) → expected status; side is "own" or "foreign" where ownership applies, else "-".
Expect = dict[tuple[str, str], int]
Call = Callable[[World, str, str], Awaitable[tuple[str, Any]]]


def parties_of(role: str, side: str) -> tuple[str, str]:
    """(community, actor) of a proposal or partnership that makes ``role`` its ``side`` party:
    staff act for the community, partners for the actor; curators get one of the demo pair's."""
    if role == "staff":
        return side, "foreign"
    if role == "partner":
        return "foreign", side
    return "own", "own"


def curators_only(ok: int) -> Expect:
    return {
        ("anonymous", "-"): 401,
        ("staff", "-"): 403,
        ("partner", "-"): 403,
        ("coordinator", "-"): ok,
        ("admin", "-"): ok,
    }


def admins_only(ok: int) -> Expect:
    return {
        ("anonymous", "-"): 401,
        ("staff", "-"): 403,
        ("partner", "-"): 403,
        ("coordinator", "-"): 403,
        ("admin", "-"): ok,
    }


def library(
    table: str, body: Callable[[int], dict[str, Any]]
) -> list[tuple[str, str, Call, Expect]]:
    """Create, change and archive rows of a library only curators edit."""
    base = f"/api/v1/{table}"

    async def create(w: World, role: str, side: str) -> tuple[str, Any]:
        return base, body(w.n())

    async def change(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"{base}/{await w.row(table)}", {
            "description"
            if table in ("communities", "actors")
            else "summary"
            if table in ("policies", "cases")
            else "bio": "改"
        }

    async def archive(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"{base}/{await w.row(table)}", None

    return [
        ("POST", base, create, curators_only(201)),
        ("PATCH", base + "/{id}", change, curators_only(200)),
        ("DELETE", base + "/{id}", archive, curators_only(204)),
    ]


def matrix() -> list[tuple[str, str, Call, Expect]]:
    rows: list[tuple[str, str, Call, Expect]] = []
    rows += library(
        "communities",
        lambda n: {
            "name": f"新社区{n}",
            "district_id": 0,
            "town_id": 0,
            "kind": "urban",
            "population": 10,
            "lat": 30.4,
            "lon": 103.4,
        },
    )

    # communities: curators change everything; a community's own staff its contact person only
    # (what else staff may not change: tests/test_contacts.py)
    async def community_contact(w: World, role: str, side: str) -> tuple[str, Any]:
        target = w.ids[f"{side}_community"] if side != "-" else await w.row("communities")
        return f"/api/v1/communities/{target}", {"contact_phone": f"028-0000-{w.n():04d}"}

    rows = [r for r in rows if r[:2] != ("PATCH", "/api/v1/communities/{id}")]
    rows.append((
        "PATCH", "/api/v1/communities/{id}", community_contact,
        {("anonymous", "-"): 401, ("staff", "own"): 200, ("staff", "foreign"): 403,
         ("partner", "-"): 403, ("coordinator", "-"): 200, ("admin", "-"): 200},
    ))  # fmt: skip
    rows += library(
        "talent",
        lambda n: {"display_name": f"新人才{n}", "roles": ["volunteer"], "district_ids": [0]},
    )
    rows += library(
        "policies",
        lambda n: {
            "title": f"新政策{n}",
            "issuer": "测试",
            "level": "county",
            "valid_from": "2026-01-01",
        },
    )
    rows += library(
        "cases", lambda n: {"title": f"新案例{n}", "community_id": 0, "category": "health"}
    )

    # actors: curators create and archive; a partner edits its own profile only
    async def actor_create(w: World, role: str, side: str) -> tuple[str, Any]:
        return "/api/v1/actors", {
            "name": f"新机构{w.n()}",
            "kind": "enterprise",
            "lat": 30.4,
            "lon": 103.4,
            "district_ids": [w.ids["district"]],
        }

    async def actor_change(w: World, role: str, side: str) -> tuple[str, Any]:
        target = w.ids[f"{side}_actor"] if side != "-" else await w.row("actors")
        return f"/api/v1/actors/{target}", {"description": "改"}

    async def actor_archive(w: World, role: str, side: str) -> tuple[str, Any]:
        target = w.ids[f"{side}_actor"] if side != "-" else await w.row("actors")
        return f"/api/v1/actors/{target}", None

    owned_by_partner = {
        ("anonymous", "-"): 401,
        ("staff", "-"): 403,
        ("partner", "own"): 200,
        ("partner", "foreign"): 403,
        ("coordinator", "-"): 200,
        ("admin", "-"): 200,
    }
    rows += [
        ("POST", "/api/v1/actors", actor_create, curators_only(201)),
        ("PATCH", "/api/v1/actors/{id}", actor_change, owned_by_partner),
        (
            "DELETE",
            "/api/v1/actors/{id}",
            actor_archive,
            {
                ("anonymous", "-"): 401,
                ("staff", "-"): 403,
                ("partner", "own"): 403,
                ("partner", "foreign"): 403,
                ("coordinator", "-"): 204,
                ("admin", "-"): 204,
            },
        ),
    ]

    # products: a partner manages its own actor's products
    async def product_create(w: World, role: str, side: str) -> tuple[str, Any]:
        actor = w.ids[f"{side}_actor"] if side != "-" else w.ids["foreign_actor"]
        return "/api/v1/products", {
            "actor_id": actor,
            "name": f"新产品{w.n()}",
            "category": "child_care",
        }

    async def product_change(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/products/{await w.product(side if side != '-' else 'foreign')}", {
            "description": "改"
        }

    async def product_archive(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/products/{await w.product(side if side != '-' else 'foreign')}", None

    rows += [
        (
            "POST",
            "/api/v1/products",
            product_create,
            owned_by_partner
            | {("partner", "own"): 201, ("coordinator", "-"): 201, ("admin", "-"): 201},
        ),
        ("PATCH", "/api/v1/products/{id}", product_change, owned_by_partner),
        (
            "DELETE",
            "/api/v1/products/{id}",
            product_archive,
            owned_by_partner
            | {("partner", "own"): 204, ("coordinator", "-"): 204, ("admin", "-"): 204},
        ),
    ]

    # demands: community staff for their own community
    def staffed(ok: int, foreign: int = 403) -> Expect:
        return {
            ("anonymous", "-"): 401,
            ("staff", "own"): ok,
            ("staff", "foreign"): foreign,
            ("partner", "-"): 403,
            ("coordinator", "-"): ok,
            ("admin", "-"): ok,
        }

    async def demand_create(w: World, role: str, side: str) -> tuple[str, Any]:
        community = w.ids[f"{side}_community"] if side != "-" else w.ids["foreign_community"]
        return "/api/v1/demands", {
            "title": f"新需求{w.n()}",
            "category": "education",
            "community_id": community,
        }

    async def demand_target(w: World, side: str, status: str = "open") -> int:
        return await w.demand(side if side != "-" else "foreign", status)

    async def demand_change(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/demands/{await demand_target(w, side)}", {"slots": 2}

    async def demand_archive(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/demands/{await demand_target(w, side)}", None

    async def demand_status(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/demands/{await demand_target(w, side, 'draft')}/status", {"status": "open"}

    async def interest(w: World, role: str, side: str) -> tuple[str, Any]:
        return f"/api/v1/demands/{await w.demand('foreign')}/interest", {"note": "愿意"}

    async def withdraw(w: World, role: str, side: str) -> tuple[str, Any]:
        demand = await w.demand("foreign")
        await w.conn.execute(
            "INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2)",
            demand,
            w.ids["own_actor"],
        )
        return f"/api/v1/demands/{demand}/interest", None

    partners_only = {
        ("anonymous", "-"): 401,
        ("staff", "-"): 403,
        ("partner", "-"): 200,
        ("coordinator", "-"): 403,
        ("admin", "-"): 403,
    }
    rows += [
        ("POST", "/api/v1/demands", demand_create, staffed(201)),
        ("PATCH", "/api/v1/demands/{id}", demand_change, staffed(200)),
        ("DELETE", "/api/v1/demands/{id}", demand_archive, staffed(204)),
        # another community's draft is not found, as to a read (a 403 would say it exists)
        ("POST", "/api/v1/demands/{id}/status", demand_status, staffed(200, foreign=404)),
        ("POST", "/api/v1/demands/{id}/interest", interest, partners_only),
        ("DELETE", "/api/v1/demands/{id}/interest", withdraw, partners_only),
    ]

    # users: admins; a coordinator their area's staff (邛崃市's 直台村; 和美社区's is hidden: 404)
    async def user_create(w: World, role: str, side: str) -> tuple[str, Any]:
        return "/api/v1/users", {
            "username": f"matrix{w.n()}",
            "display_name": "矩阵",
            "role": "coordinator",
            "password": "a-long-password-1",
        }

    async def user_change(w: World, role: str, side: str) -> tuple[str, Any]:
        target = w.ids["own_user"] if side == "own" else w.ids["user"]
        return f"/api/v1/users/{target}", {"display_name": f"改名{w.n()}"}

    area_staff = {**admins_only(200), ("coordinator", "own"): 200, ("coordinator", "-"): 404}
    rows += [
        ("POST", "/api/v1/users", user_create, admins_only(201)),
        ("PATCH", "/api/v1/users/{id}", user_change, area_staff),
    ]

    # rounds: curators
    async def round_create(w: World, role: str, side: str) -> tuple[str, Any]:
        return "/api/v1/rounds", {"scope": {"districts": ["邛崃市"]}, "dry_run": True}

    rows.append(("POST", "/api/v1/rounds", round_create, curators_only(202)))

    # proposals: each side answers its own
    def parties() -> Expect:
        return {
            ("anonymous", "-"): 401,
            ("staff", "own"): 200,
            ("staff", "foreign"): 403,
            ("partner", "own"): 200,
            ("partner", "foreign"): 403,
            ("coordinator", "-"): 403,
            ("admin", "-"): 403,
        }

    async def proposal_for(w: World, role: str, side: str, action: str) -> tuple[str, Any]:
        return f"/api/v1/proposals/{await w.proposal(*parties_of(role, side))}/{action}", None

    async def accept(w: World, role: str, side: str) -> tuple[str, Any]:
        return await proposal_for(w, role, side, "accept")

    async def decline(w: World, role: str, side: str) -> tuple[str, Any]:
        return await proposal_for(w, role, side, "decline")

    rows += [
        ("POST", "/api/v1/proposals/{id}/accept", accept, parties()),
        ("POST", "/api/v1/proposals/{id}/decline", decline, parties()),
    ]

    # interest: the need's community staff (and curators) answer it, once
    async def interest_answer(w: World, role: str, side: str, answer: str) -> tuple[str, Any]:
        demand = await demand_target(w, side)
        actor = w.ids["foreign_actor"]
        await w.conn.execute("UPDATE actors SET capacity = capacity + 1 WHERE id = $1", actor)
        await w.conn.execute(
            "INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2)", demand, actor
        )
        body = {"reason": "测试"} if answer == "decline" else None
        return f"/api/v1/demands/{demand}/interests/{actor}/{answer}", body

    async def invite(w: World, role: str, side: str) -> tuple[str, Any]:
        return await interest_answer(w, role, side, "invite")

    async def decline_interest(w: World, role: str, side: str) -> tuple[str, Any]:
        return await interest_answer(w, role, side, "decline")

    # threads: the two sides of a proposal, and curators, write in it
    async def message(w: World, role: str, side: str) -> tuple[str, Any]:
        community, actor = parties_of(role, side)
        proposal = await w.proposal(community, actor)
        demand = await w.conn.fetchval("SELECT demand_id FROM proposals WHERE id = $1", proposal)
        return f"/api/v1/threads/{demand}/{w.ids[f'{actor}_actor']}/messages", {"body": "你好"}

    rows += [
        ("POST", "/api/v1/demands/{demand_id}/interests/{id}/invite", invite, staffed(200)),
        (
            "POST",
            "/api/v1/demands/{demand_id}/interests/{id}/decline",
            decline_interest,
            staffed(200),
        ),
        (
            "POST",
            "/api/v1/threads/{demand_id}/{id}/messages",
            message,
            {
                **parties(),
                ("staff", "own"): 201,
                ("partner", "own"): 201,
                ("coordinator", "-"): 201,
                ("admin", "-"): 201,
            },
        ),
    ]

    # partnerships: curators open direct ones; both sides and curators close them
    async def direct(w: World, role: str, side: str) -> tuple[str, Any]:
        demand = await w.demand("own")
        await w.conn.execute(
            "INSERT INTO interests (demand_id, actor_id) VALUES ($1, $2)",
            demand,
            w.ids["own_actor"],
        )
        return "/api/v1/partnerships", {"demand_id": demand, "actor_id": w.ids["own_actor"]}

    async def closing(
        w: World, role: str, side: str, action: str, body: dict[str, Any]
    ) -> tuple[str, Any]:
        return f"/api/v1/partnerships/{await w.partnership(*parties_of(role, side))}/{action}", body

    async def complete(w: World, role: str, side: str) -> tuple[str, Any]:
        return await closing(w, role, side, "complete", {"beneficiaries_served": 5, "rating": 4})

    async def cancel(w: World, role: str, side: str) -> tuple[str, Any]:
        return await closing(w, role, side, "cancel", {"reason": "测试"})

    async def review(w: World, role: str, side: str) -> tuple[str, Any]:
        url, body = await closing(w, role, side, "review", {"rating": 3})
        await w.conn.execute(
            """UPDATE partnerships SET status = 'completed', ended_at = now(),
               beneficiaries_served = 5, rating = 4 WHERE id = $1""",
            int(url.split("/")[-2]),
        )
        return url, body

    both_sides = parties() | {("coordinator", "-"): 200, ("admin", "-"): 200}
    # the community side completes and rates the partner; the partner rates the community
    community_side = both_sides | {("partner", "own"): 403}
    partner_side = parties() | {("staff", "own"): 403}
    rows += [
        ("POST", "/api/v1/partnerships", direct, curators_only(201)),
        ("POST", "/api/v1/partnerships/{id}/complete", complete, community_side),
        ("POST", "/api/v1/partnerships/{id}/review", review, partner_side),
        ("POST", "/api/v1/partnerships/{id}/cancel", cancel, both_sides),
    ]
    return rows


MATRIX = matrix()


async def test_the_matrix_covers_every_mutating_route(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    routes = {
        (
            method.upper(),
            path.replace("{" + path.rsplit("{", 1)[-1].split("}")[0] + "}", "{id}")
            if "{" in path
            else path,
        )
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "patch", "put", "delete")
    }
    covered = {(method, path) for method, path, _, _ in MATRIX} | set(ELSEWHERE)
    assert routes - covered == set()
    assert covered - routes == set()


@pytest.mark.parametrize(
    ("method", "path", "make", "expect"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
async def test_each_role_gets_its_answer_and_a_refusal_changes_nothing(
    client: Client, seeded: Any, login: Any, method: str, path: str, make: Call, expect: Expect
) -> None:
    world = World(seeded)
    await world.setup()
    headers = {role: (await login(user)) if user else {} for role, user in ROLES.items()}
    for (role, side), status in expect.items():
        url, body = await make(world, role, side)
        if isinstance(body, dict):  # fill ids a body needs from the demo data
            if body.get("district_ids") == [0]:
                body["district_ids"] = [world.ids["district"]]
            for key in ("district_id", "town_id", "community_id"):
                if body.get(key) == 0:  # (the coordinator's area holds 邛崃市)
                    body[key] = world.ids[
                        "district"
                        if key == "district_id"
                        else "town"
                        if key == "town_id"
                        else "own_community"
                    ]
        before = await fingerprint(seeded)
        response = await client.request(method, url, json=body, headers=headers[role])
        assert response.status_code == status, (role, side, url, response.text)
        if status >= 400:
            assert await fingerprint(seeded) == before, (role, side, url, "a refusal changed data")
