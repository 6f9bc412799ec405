"""Coordinators' match-round pages: past rounds, a new-round form, a round's progress and result.

A round runs in the background exactly as ``POST /api/v1/rounds`` runs it (the same service, the
same task set the app cancels on shutdown); its page polls a fragment every second through htmx
until the round has finished, then shows the result: counts, proposals with their score
components, the unmatched needs with the engine's reasons in plain words, and a Sankey picture of
communities → partners. A dry run offers to run the same parameters for real.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import Counter
from typing import Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import AppError
from matchmaker.matching.score import COMPONENTS
from matchmaker.models import CurrentUser
from matchmaker.models.rounds import Proposal, Round, Unmatched
from matchmaker.queries import rounds as q
from matchmaker.queries.communities import districts as districts_of
from matchmaker.services import rounds as service
from matchmaker.services.access import area_of
from matchmaker.vocab import LABELS
from matchmaker.web.forms import FormValues, parse, read, typed
from matchmaker.web.i18n import Lang, label, text
from matchmaker.web.page import PathId, Req, lang_of, render, see_other, user_of
from matchmaker.web.round_forms import DEFAULT_WEIGHTS, RoundForm, again, form_defaults
from matchmaker.web.round_words import WORDS
from matchmaker.web.score_parts import parts, percent, weights_of

__all__ = ["round_again", "round_page", "round_progress", "rounds_page", "rounds_submit"]

CURATORS = [curators]
#: Times on the pages are Sichuan's (UTC+8).
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The result page lists this many proposals and unmatched needs at most (the API pages the rest).
SHOWN = 100
#: The picture keeps the busiest community → partner flows; more would be unreadable.
FLOWS_DRAWN = 40


def _fmt_time(moment: dt.datetime | None) -> str:
    """A timestamp as Sichuan reads it, to the minute."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if moment else ""


def _words(lang: Lang) -> dict[str, str]:
    """This module's words in ``lang`` (for sentences built here rather than in a template)."""
    return text(lang, WORDS)


def _scope_text(scope: dict[str, Any], district_names: dict[int, str], lang: Lang) -> str:
    """ "成华区 · 养老服务" — the districts and categories a round looked at."""
    w = _words(lang)
    places = [district_names.get(i, str(i)) for i in scope.get("districts", [])]
    kinds = [label(lang, "category", c) for c in scope.get("categories", [])]
    parts = ["、".join(places) if places else w["all_districts"]]
    if kinds:
        parts.append("、".join(kinds))
    return " · ".join(parts)


# --- the list and the form --------------------------------------------------------------------


def _field_errors(exc: AppError, lang: Lang) -> dict[str, str]:
    """A service refusal next to the input it is about, in the page's words."""
    w = _words(lang)
    field = exc.field or ""
    if field.startswith("scope.districts"):
        return {"district": w["unknown_district"]}
    if field == "scope":
        return {"district": exc.message}
    if field == "weights":
        return {"weights": w["weights_zero"]}
    if field == "max_per_community":
        return {"max_per_community": w["stable_no_cap"]}
    return {"form": exc.message}


def _shown(values: FormValues) -> dict[str, str]:
    """What the user sent, as the inputs show it again (an unticked box sends nothing)."""
    blank = {"district": "", "category": "", "max_per_community": "", "dry_run": "",
             "include_unverified": "", "split_by_district": ""}  # fmt: skip
    return blank | typed(values)


async def _past(
    conn: asyncpg.Connection, user: CurrentUser | None, lang: Lang, names: dict[int, str]
) -> list[dict[str, Any]]:
    """The latest rounds as the list shows them (a coordinator's: those within their area)."""
    rows = [
        r for r in await q.recent_rounds(conn, 30) if await service.in_area(conn, user, r["scope"])
    ]
    return [
        {
            "id": r["id"],
            "when": _fmt_time(r["created_at"]),
            "who": r["created_by_name"],
            "scope": _scope_text(r["scope"], names, lang),
            "algorithm": r["algorithm"],
            "dry_run": r["dry_run"],
            "status": r["status"],
            "matched": r["stats"].get("matched"),
            "demands": r["stats"].get("demands"),
        }
        for r in rows
    ]


async def _rounds_view(
    request: Req,
    conn: asyncpg.Connection,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    lang = lang_of(request)
    user = user_of(request)
    districts = await districts_of(conn)
    names = {d.id: d.name for d in districts}
    area = area_of(user)
    return render(
        request,
        "rounds.html",
        words=WORDS,
        status=status,
        values=values,
        errors=errors,
        districts=[d.name for d in districts if area is None or d.id in area],
        area_only=area is not None,
        algorithms=list(LABELS["algorithm"]),
        weights=[(name, DEFAULT_WEIGHTS[name]) for name in COMPONENTS],
        rounds=await _past(conn, user, lang, names),
    )


@get("/rounds", name="rounds_page", guards=CURATORS, include_in_schema=False)
async def rounds_page(request: Req, conn: NamedDependency[asyncpg.Connection]) -> Template:
    """Past rounds and the form to start one (a dry run by default)."""
    return await _rounds_view(request, conn, form_defaults(), {})


@post("/rounds", name="rounds_submit", guards=CURATORS, include_in_schema=False, status_code=303)
async def rounds_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    """Check the form, create (and queue) the round and go to its page; or show what to fix."""
    values = read(await request.form())
    lang = lang_of(request)
    form, errors = parse(values, RoundForm, lang=lang)
    round_: Round | None = None
    if form is not None:
        try:
            round_ = await service.create(conn, user_of(request), form.request())
        except AppError as exc:
            errors = _field_errors(exc, lang)
    if round_ is None:
        return await _rounds_view(request, conn, _shown(values), errors, 422)
    return see_other(request, f"/rounds/{round_.id}")


# --- one round --------------------------------------------------------------------------------


async def _proposals(
    conn: asyncpg.Connection, round_: Round, report: dict[str, bytes | None] | None
) -> tuple[list[Proposal], list[tuple[str, str, int]]]:
    """The best proposals (with names) and every community → partner flow with its count."""
    if not round_.dry_run:
        items, _ = await q.list_proposals(conn, round_.id, SHOWN, None)
        return items, await q.proposal_flows(conn, round_.id)
    dry = msgspec.json.decode((report or {}).get("dry_proposals") or b"[]", type=list[Proposal])
    names = await q.pair_names(conn, [(p.demand_id, p.actor_id) for p in dry])
    flows: Counter[tuple[str, str]] = Counter()
    for p in dry:
        title, community, actor = names.get((p.demand_id, p.actor_id), ("", "", ""))
        p.demand_title, p.community_name, p.actor_name = title, community, actor
        flows[(community, actor)] += 1
    ordered = sorted(flows.items(), key=lambda kv: (-kv[1], kv[0]))
    return dry[:SHOWN], [(c, a, n) for (c, a), n in ordered]


def _sankey(flows: list[tuple[str, str, int]]) -> dict[str, Any]:
    """ECharts Sankey data: communities on the left, partners on the right, busiest flows only.

    A partner named like a community gets a marker, since a Sankey's nodes are keyed by name.
    """
    drawn = flows[:FLOWS_DRAWN]
    communities = list(dict.fromkeys(c for c, _, _ in drawn))
    taken = set(communities)
    partner_node = {a: (a if a not in taken else f"{a} ·") for _, a, _ in drawn}
    nodes = [{"name": c, "depth": 0} for c in communities]
    nodes += [{"name": n, "depth": 1} for n in dict.fromkeys(partner_node.values())]
    links = [{"source": c, "target": partner_node[a], "value": n} for c, a, n in drawn]
    return {"nodes": nodes, "links": links}


def _height(sankey: dict[str, Any]) -> int:
    """Pixels for the picture: enough room for the longer column of names to stay readable."""
    left = sum(1 for n in sankey["nodes"] if n["depth"] == 0)
    right = len(sankey["nodes"]) - left
    return max(240, min(34 * max(left, right) + 24, 1400))


async def _unmatched(
    conn: asyncpg.Connection, round_: Round, report: dict[str, bytes | None] | None, lang: Lang
) -> list[dict[str, Any]]:
    """Each need left open, named, with the engine's reason said plainly."""
    raw = (report or {}).get("unmatched") or b"[]"
    reasons = msgspec.json.decode(raw, type=list[Unmatched])[:SHOWN]
    demand_ids = {r.demand_id for r in reasons} | {
        r.lost_to_demand_id for r in reasons if r.lost_to_demand_id
    }
    demands = await q.demand_labels(conn, sorted(demand_ids))
    actors = await q.actor_labels(conn, sorted({r.partner_id for r in reasons if r.partner_id}))
    return [
        {
            "demand_id": r.demand_id,
            "title": demands.get(r.demand_id, (str(r.demand_id), ""))[0],
            "community": demands.get(r.demand_id, ("", ""))[1],
            "open_slots": r.open_slots,
            "reason": r.reason,
            "text": _reason_text(r, round_, demands, actors, lang),
        }
        for r in reasons
    ]


def _reason_text(
    r: Unmatched,
    round_: Round,
    demands: dict[int, tuple[str, str]],
    actors: dict[int, str],
    lang: Lang,
) -> str:
    """One plain sentence for an unmatched reason, with names instead of ids."""
    w = _words(lang)
    partner = actors.get(r.partner_id or 0, str(r.partner_id))
    rival = demands.get(r.lost_to_demand_id or 0, (str(r.lost_to_demand_id), ""))[0]
    algorithm = label(lang, "algorithm", round_.algorithm)
    if r.reason == "no_candidate" and r.detail.startswith("every one of its"):
        return w["r_too_few_text"]
    cause = f"_{r.cause}" if r.reason == "no_candidate" and r.cause else ""
    template = w.get(f"r_{r.reason}{cause}_text")
    if template is None:  # a reason without its sentence: said plainly, never the engine's English
        return w["r_other_text"]
    return template.format(
        min=percent(float(round_.params.get("min_score", 0))),
        cap=round_.params.get("max_per_community"),
        partner=partner,
        rival=rival,
        algorithm=algorithm,
        # rounded down: a best score of 0.497 under a minimum of 0.5 reads 49%, and a minimum of
        # 0.49 typed in does propose it
        best=f"{math.floor(r.best_score * 100)}%" if r.best_score is not None else "",
        best_value=f"{math.floor(r.best_score * 100) / 100:.2f}"
        if r.best_score is not None
        else "",
        km=f"{r.km:.0f}" if r.km is not None else "",
    )


def _summary(stats: dict[str, Any]) -> list[tuple[str, Any]]:
    """The round's headline counts (word key, value)."""
    rows: list[tuple[str, Any]] = [
        ("s_demands", stats.get("demands", 0)),
        ("s_partners", stats.get("partners", 0)),
        ("s_candidates", stats.get("candidate_edges", 0)),
        ("s_matched", stats.get("matched", 0)),
        ("s_served", stats.get("demands_served", 0)),
        ("s_communities", stats.get("communities_served", 0)),
        ("s_unmatched", stats.get("unmatched_demands", 0)),
        ("s_seconds", f"{sum(stats.get('timings', {}).values()):.2f}"),
    ]
    if stats.get("dropped_at_write"):
        rows.append(("s_dropped", stats["dropped_at_write"]))
    return rows


async def _round_values(conn: asyncpg.Connection, round_: Round, lang: Lang) -> dict[str, Any]:
    """Everything the round's page shows, for its state (running, failed or done)."""
    names = {d.id: d.name for d in await districts_of(conn)}
    values: dict[str, Any] = {
        "round": round_,
        "scope_text": _scope_text(round_.scope, names, lang),
        "created": _fmt_time(round_.created_at),
        "finished": round_.status in ("succeeded", "failed"),
        "phase": round_.progress.get("phase", "queued") if round_.status != "queued" else "queued",
        "percent": int(round_.progress.get("percent", 0)),
    }
    if round_.status != "succeeded":
        return values
    report = await q.report(conn, round_.id)
    proposals, flows = await _proposals(conn, round_, report)
    sankey = _sankey(flows)
    return values | {
        "summary": _summary(round_.stats),
        "proposals": [(p, parts(p.components, weights_of(round_.params), lang)) for p in proposals],
        "total_proposals": round_.stats.get("matched", 0),
        "flows": flows,
        "sankey": sankey,
        "sankey_height": _height(sankey),
        "unmatched": await _unmatched(conn, round_, report, lang),
        "shown": SHOWN,
    }


@get("/rounds/{round_id:int}", name="round_page", guards=CURATORS, include_in_schema=False)
async def round_page(
    request: Req, conn: NamedDependency[asyncpg.Connection], round_id: PathId
) -> Template:
    """A round: its progress while it runs, its result when done."""
    round_ = await service.visible(conn, user_of(request), round_id)
    return render(
        request, "round.html", words=WORDS, **await _round_values(conn, round_, lang_of(request))
    )


@get(
    "/rounds/{round_id:int}/progress",
    name="round_progress",
    guards=CURATORS,
    include_in_schema=False,
)
async def round_progress(
    request: Req, conn: NamedDependency[asyncpg.Connection], round_id: PathId
) -> Template:
    """The live part of a round's page; once the round has finished it carries no poll trigger."""
    round_ = await service.visible(conn, user_of(request), round_id)
    return render(
        request,
        "_round_body.html",
        words=WORDS,
        **await _round_values(conn, round_, lang_of(request)),
    )


@post(
    "/rounds/{round_id:int}/real",
    name="round_again",
    guards=CURATORS,
    include_in_schema=False,
    status_code=303,
)
async def round_again(
    request: Req, conn: NamedDependency[asyncpg.Connection], round_id: PathId
) -> Response[Any]:
    """Run a dry run's parameters for real (a real round just shows itself again)."""
    round_ = await service.visible(conn, user_of(request), round_id)
    if not round_.dry_run:
        return see_other(request, f"/rounds/{round_id}")
    real = await service.create(conn, user_of(request), again(round_))
    return see_other(request, f"/rounds/{real.id}")
