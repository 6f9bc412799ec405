"""The OpenAPI description at /schema documents every route with its request and response shapes."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

#: Routes that answer files or nothing rather than JSON.
NON_JSON = {"exportDemands", "verificationFile", "getReportWorkbook"} | {
    f"{verb}{library}Sheet"
    for verb in ("export", "template")
    for library in ("Communities", "Actors", "Talent", "Policies", "Cases", "Products")
}


async def test_every_route_is_documented_with_shapes(client: AsyncTestClient[Litestar]) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]
    assert len(operations) >= 40
    problems: list[str] = []
    for path, method, op in operations:
        name = f"{method.upper()} {path}"
        if not op.get("operationId"):
            problems.append(f"{name}: no operationId")
        if not (op.get("summary") or op.get("description")):
            problems.append(f"{name}: no description")
        ok = {code: r for code, r in op.get("responses", {}).items() if code.startswith("2")}
        if not ok:
            problems.append(f"{name}: no success response")
        elif op["operationId"] not in NON_JSON:
            for code, response in ok.items():
                if code != "204" and "application/json" not in response.get("content", {}):
                    problems.append(f"{name}: {code} has no JSON shape")
        body: dict[str, Any] | None = op.get("requestBody")
        if method in {"post", "patch"} and body is not None and not body.get("content"):
            problems.append(f"{name}: request body without a shape")
    assert problems == []


async def test_core_routes_of_the_design_are_present(client: AsyncTestClient[Litestar]) -> None:
    paths = set((await client.get("/schema/openapi.json")).json()["paths"])
    for resource in ("communities", "actors", "talent", "policies", "demands", "cases", "products"):
        assert f"/api/v1/{resource}" in paths, resource
        assert (
            f"/api/v1/{resource}/{{{resource[:-1] if resource != 'talent' else 'talent'}_id}}"
            in paths
            or any(p.startswith(f"/api/v1/{resource}/{{") for p in paths)
        ), resource
    for path in ("/api/v1/auth/login", "/api/v1/opportunities", "/api/v1/stats", "/api/v1/audit",
                 "/api/v1/demands/{demand_id}/interest", "/health", "/ready"):  # fmt: skip
        assert path in paths, path


async def test_every_operation_documents_what_its_guards_answer(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    """Each guard is asked, as the anonymous caller and as every role, and each refusal it gives
    (401, 403, …) must be among the operation's documented answers."""
    from types import SimpleNamespace
    from typing import get_args

    from litestar.exceptions import HTTPException
    from litestar.routes import HTTPRoute

    from matchmaker.errors import AppError
    from matchmaker.models import CurrentUser
    from matchmaker.vocab import Role

    schema = (await client.get("/schema/openapi.json")).json()
    callers = [None] + [
        CurrentUser(id=1, username=role, display_name=role, role=role, community_id=1, actor_id=1)
        for role in get_args(Role)
    ]
    missing: list[str] = []
    guarded = 0
    for route in app.routes:
        path = re.sub(r":\w+}", "}", route.path)  # /demands/{demand_id:int} → {demand_id}
        if not isinstance(route, HTTPRoute) or path not in schema["paths"]:
            continue
        for method, (handler, _) in route.route_handler_map.items():
            documented = schema["paths"][path].get(method.lower(), {}).get("responses")
            if documented is None or not handler.resolve_guards():
                continue
            guarded += 1
            for caller in callers:
                for guard in handler.resolve_guards():
                    try:
                        asking = SimpleNamespace(
                            user=caller, scope={"method": method, "user": caller}
                        )
                        await guard(asking, handler)  # type: ignore[arg-type]
                    except (HTTPException, AppError) as refusal:
                        status = getattr(refusal, "status_code", getattr(refusal, "status", 0))
                        if str(status) not in documented:
                            missing.append(f"{method} {path}: {status}")
    assert guarded >= 40
    assert sorted(set(missing)) == []


async def test_a_patch_that_takes_if_match_documents_412(client: AsyncTestClient[Litestar]) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    patches = [
        (path, operation)
        for path, item in schema["paths"].items()
        if (operation := item.get("patch"))
        and any(p["name"] == "If-Match" for p in operation.get("parameters", []))
    ]
    assert len(patches) >= 7  # the seven libraries
    assert [path for path, operation in patches if "412" not in operation["responses"]] == []
    ready = schema["paths"]["/ready"]["get"]["responses"]["503"]
    assert ready["headers"]["Retry-After"]["required"] is True
