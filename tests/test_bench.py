"""The benchmark commands run end to end at small sizes (their numbers are for the notes)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import asyncpg
import pytest

from matchmaker import db
from matchmaker.models.rounds import RoundRequest, Scope
from matchmaker.queries import rounds as rounds_q
from matchmaker.queries import sql
from matchmaker.services import rounds as round_service
from matchmaker.synthetic import generate

#: the benchmark commands, end to end at small sizes — run once, on the embedded server (CI's second pass skips them)
pytestmark = pytest.mark.commands


@pytest.fixture
def bench_env(database_dsn: str, server_dsn: str) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["DATABASE_URL"] = database_dsn
    yield env
    import asyncio

    async def drop() -> None:
        admin = await db.connect(server_dsn)
        try:
            for suffix in ("bench", "quality", "scale", "notify", "search"):
                await admin.execute(
                    f'DROP DATABASE IF EXISTS "{db.database_name(database_dsn)}_{suffix}" '
                    "WITH (FORCE)"
                )
        finally:
            await admin.close()

    asyncio.run(drop())


def _bench(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "matchmaker", "bench", *args],
        env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_bench_match_reports_phases_ratios_and_one_optimum(bench_env: dict[str, str]) -> None:
    out = _bench(["match", "--sizes", "600x120", "--repeat", "1"], bench_env)
    assert "candidate edges" in out and "round phases candidates" in out
    assert "optimal/bare" in out and "same optimum" in out
    for algorithm in ("optimal", "coverage", "stable", "greedy"):
        assert f"\n  {algorithm} " in out
    assert "100.00%" in out  # optimal against itself
    assert "text model fitted once per library revision, before the rounds" in out
    assert "per phase ÷ bare: candidates" in out


async def test_emptying_the_bench_rounds_leaves_the_library_revision_alone(
    conn: asyncpg.Connection, database_dsn: str
) -> None:
    # a round's rows go, the library's text stays: a real round after it would not refit either
    await generate(conn, demands=200, communities=10, partners=30, seed=3)
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        async with pool.acquire() as c:
            created = await round_service.create(
                c, None, RoundRequest(scope=Scope()), enqueue=False
            )
        assert (await round_service.run(pool, created.id)).status == "succeeded"
    finally:
        await pool.close()
    before = await rounds_q.library_revision(conn)
    await conn.execute(sql("bench")["empty_rounds"])
    await conn.execute(sql("bench")["vacuum_rounds"])
    assert await rounds_q.library_revision(conn) == before
    assert await conn.fetchval("SELECT count(*) FROM proposals") == 0


def test_bench_search_reports_recall_precision_and_the_statements_before_and_now(
    bench_env: dict[str, str],
) -> None:
    out = _bench(["search", "--demands", "1000"], bench_env)
    assert "| 养老 | short |" in out and "| 邛崃 | place |" in out
    overall = re.search(r"overall: recall \d+/\d+ = ([\d.]+)% · precision", out)
    assert overall and float(overall[1]) >= 95
    assert "| 养老 |" in out.split("before: found")[1] and "now ÷ before" in out
    assert "now: ranking + page ms" in out  # the cold search as the board makes it


def test_bench_notify_reports_telling_and_sending_against_their_baselines(
    bench_env: dict[str, str],
) -> None:
    out = _bench(
        ["notify", "--demands", "300", "--partners", "40", "--messages", "60", "--repeat", "1"],
        bench_env,
    )
    found = re.search(r"(\d[\d,]*) proposals → (\d[\d,]*) notifications", out)
    assert found and int(found[1].replace(",", "")) > 0
    # one staff member per community and one per organisation: two people told per proposal
    assert int(found[2].replace(",", "")) == 2 * int(found[1].replace(",", ""))
    assert re.search(r"telling both sides .*× the write\)", out)
    assert re.search(r"through the outbox .*× bare\)", out)


def test_bench_api_reports_each_scenario_against_the_health_floor(
    bench_env: dict[str, str],
) -> None:
    out = _bench(
        ["api", "--demands", "1000", "--clients", "2", "--seconds", "1", "--client", "httpx"],
        bench_env,
    )
    for scenario in (
        "health",
        "opportunities",
        "opportunities q",
        "opportunities filters",
        "demand by id",
        "board page",
        "board page q",
        "need page",
        "opportunities q, nothing kept",  # the searches on a server that keeps no ranking
        "board page q, nothing kept",
        "opportunities q, with writes",  # the searches while a writer edits needs
        "board page q, with writes",
    ):
        assert f"\n{scenario} " in out, out
    assert "p95/health" in out and "p99/p95" in out and "p95/json" in out
    # each page judged beside the JSON it is built from
    for page, json in (
        ("board page", "opportunities"),
        ("board page q", "opportunities q"),
        ("need page", "demand by id"),
        ("board page q, nothing kept", "opportunities q, nothing kept"),
        ("board page q, with writes", "opportunities q, with writes"),
    ):
        assert re.search(rf"\n{page} \(beside {json}\): (meets the aims|misses: )", out), out


def test_bench_quality_holds_the_default_round_to_the_judged_pairs(
    bench_env: dict[str, str],
) -> None:
    out = _bench(["quality", "--verbose"], bench_env)
    assert "judged pairs: 2016" in out and "every district, dry run, seed 1" in out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert {"dev", "test", "all", "aim"} <= set(rows)
    # every figure is a share with its counts, or the ranking accuracy
    assert re.search(r"\| all \| [0-9.]+% \(\d+/\d+\) \| [0-9.]+% \(\d+/\d+\) \|", rows["all"])
    assert "0 of pairs outside the set" in out  # the round proposed only judged pairs
    # a good pair left out says why: its components, the poor pairs scoring as high, the cause
    for line in (m for m in out.splitlines() if "no good partner proposed" in m):
        assert re.search(
            r"\d\.\d{3} \(text [0-9.e-]+ · category .+ poor pairs? score as high; why: "
            r"(no candidate|under min_score 0\.55|the need's slots went to |its capacity went to "
            r"|not chosen)",
            line,
        )


def test_a_good_pair_left_out_says_which_check_kept_it_out() -> None:
    from matchmaker.bench_quality import Judged, evaluate

    def pair(need: str, partner: str, judgement: str) -> Judged:
        return Judged(need, "c", partner, judgement, "why", "dev")

    judged = [
        pair("far", "A", "good"),  # no candidate
        pair("low", "B", "good"),  # a candidate under min_score
        pair("one slot", "C", "good"),  # outscored for the need's one slot
        pair("one slot", "D", "acceptable"),
        pair("busy", "E", "good"),  # its one unit of capacity went to another need
        pair("other", "E", "good"),
    ]
    scores = {("low", "B"): 0.4, ("one slot", "C"): 0.6, ("one slot", "D"): 0.7,
              ("busy", "E"): 0.6, ("other", "E"): 0.8}  # fmt: skip
    figures = evaluate(
        judged,
        [(("c", "one slot"), "D"), (("c", "other"), "E")],
        {},
        {},
        lambda key, partner: scores.get((key[1], partner), 0.0),
        min_score=0.55,
    )
    why = {m.split(" (good: ")[0].split(": ")[1]: m.split("why: ")[1].split(")")[0]
           for m in figures["all"].missed}  # fmt: skip
    assert why == {
        "far": "no candidate",
        "low": "under min_score 0.55",
        "one slot": "the need's slots went to D 0.700",
        "busy": "its capacity went to other 0.800",
    }
    assert (figures["all"].with_good, figures["all"].got_good) == (5, 1)


def test_the_judged_set_judges_every_open_need_against_every_organisation() -> None:
    import json

    from matchmaker.bench_quality import read_judged
    from matchmaker.seedfiles import SEEDS_DIR

    judged = read_judged()
    needs = {
        (d["community"], d["title"])
        for d in json.loads((SEEDS_DIR / "demands.json").read_text("utf-8"))
        if d.get("status", "open") == "open"
    }
    actors = {a["name"] for a in json.loads((SEEDS_DIR / "actors.json").read_text("utf-8"))}
    pairs = {(j.community, j.need, j.partner) for j in judged}
    assert len(pairs) == len(judged) == len(needs) * len(actors)
    assert {(c, n) for c, n, _ in pairs} == needs and {p for _, _, p in pairs} == actors
    assert all(j.reason for j in judged)


def test_bench_scale_runs_whole_and_split_on_worker_processes(bench_env: dict[str, str]) -> None:
    out = _bench(["scale", "--profile", "county"], bench_env)
    assert out.startswith("profile county: 3 districts")
    rows = [line for line in out.splitlines() if line.startswith("| whole") or "split by" in line]
    assert len(rows) == 3, out
    whole, split_one, split_two = (row.split(" | ") for row in rows)
    assert whole[1] == "1" and split_one[1] == "1" and split_two[1] == "2"
    assert whole[-2] == "100.00%"  # the whole round against itself
    assert "(3 parts" in split_one[0] and split_two[-1].rstrip(" |").endswith("×")
