"""The benchmark commands run end to end at small sizes (their numbers are for the notes)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from matchmaker import db


@pytest.fixture
def bench_env(database_dsn: str, server_dsn: str) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["DATABASE_URL"] = database_dsn
    yield env
    import asyncio

    async def drop() -> None:
        admin = await db.connect(server_dsn)
        try:
            await admin.execute(
                f'DROP DATABASE IF EXISTS "{db.database_name(database_dsn)}_bench" WITH (FORCE)'
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
    ):
        assert f"\n{scenario} " in out, out
    assert "p95/health" in out
