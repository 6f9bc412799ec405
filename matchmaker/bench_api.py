"""``matchmaker bench api``: the read API under load, next to ``/health`` as the floor.

It prepares a bench database beside the configured one (``<name>_bench``, never the user's data),
fills it with synthetic demands once, starts the real server (uvicorn, the same app) in a child
process, and drives each scenario from ``clients`` concurrent connections for a fixed time. Every
loop is bounded by that time and only 127.0.0.1 is ever contacted.

    $ matchmaker bench api --demands 100000 --clients 32 --seconds 10
    scenario              requests    req/s   p50 ms   p95 ms   p99 ms   p95 / health
    health                    ...
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import numpy as np

from matchmaker import db
from matchmaker.migrate import migrate
from matchmaker.queries import sql
from matchmaker.settings import Settings

__all__ = ["Result", "prepare_bench_database", "run_api_bench"]

Q = sql("bench")


@dataclass
class Result:
    """Latencies of one scenario."""

    name: str
    latencies_ms: list[float]
    errors: int
    seconds: float

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        return float(np.percentile(self.latencies_ms, p)) if self.latencies_ms else float("nan")


async def prepare_bench_database(
    settings: Settings, demands: int, progress: Callable[[str], None]
) -> str:
    """A migrated ``<db>_bench`` database holding ``demands`` synthetic demands; its DSN."""
    from matchmaker.services.bootstrap import resolve_dsn
    from matchmaker.synthetic import generate

    dsn, _ = await resolve_dsn(settings)
    bench_dsn = await db.ensure_database(dsn, f"{db.database_name(dsn)}_bench")
    conn = await db.connect(bench_dsn)
    try:
        await migrate(conn)
        have = await conn.fetchval(Q["open_count"])
        if have < demands * 0.9:
            progress(f"loading {demands:,} synthetic demands into {db.describe_dsn(bench_dsn)} …")
            await conn.execute(Q["empty_all"])
            report = await generate(conn, demands=demands, seed=20261121, progress=progress)
            progress(report.summary())
            await conn.execute(Q["analyze"])
        else:
            progress(f"reusing {have:,} open synthetic demands in {db.describe_dsn(bench_dsn)}")
    finally:
        await conn.close()
    return bench_dsn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(dsn: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=dsn,
        MATCHMAKER_PORT=str(port),
        MATCHMAKER_HOST="127.0.0.1",
        MATCHMAKER_LOG_LEVEL="WARNING",
        MATCHMAKER_POOL_MAX="20",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "matchmaker", "serve", "--no-seed"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_ready(base: str, process: subprocess.Popen[bytes], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the bench server exited during start-up")
            try:
                if (await client.get("/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the bench server did not become ready within 60 s")


async def _drive(
    base: str, name: str, make_url: Callable[[random.Random], str], clients: int, seconds: float
) -> Result:
    """``clients`` workers request ``make_url()`` back to back until ``seconds`` have passed."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(seed: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(seed)  # noqa: S311 (load pattern, not security)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                response = await client.get(make_url(rng))
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        began = time.monotonic()
        await asyncio.gather(*(worker(i, client) for i in range(clients)))
        elapsed = time.monotonic() - began
    return Result(name, latencies, errors, elapsed)


async def _scenarios(dsn: str) -> dict[str, Callable[[random.Random], str]]:
    """URL makers over ids, districts and words that exist in the bench data."""
    conn = await db.connect(dsn)
    try:
        open_ids = [r["id"] for r in await conn.fetch(Q["sample_open_ids"])]
        districts = [r["id"] for r in await conn.fetch(Q["district_ids"])]
        categories = [r["category"] for r in await conn.fetch(Q["categories_in_use"])]
    finally:
        await conn.close()
    words = ["养老", "儿童", "志愿", "培训", "社区", "文旅", "助餐", "法律"]
    return {
        "health": lambda r: "/health",
        "opportunities": lambda r: "/api/v1/opportunities",
        "opportunities q": lambda r: f"/api/v1/opportunities?q={r.choice(words)}",
        "opportunities filters": lambda r: (
            f"/api/v1/opportunities?district_id={r.choice(districts)}&category={r.choice(categories)}"
        ),
        "demand by id": lambda r: f"/api/v1/demands/{r.choice(open_ids)}",
    }


def _table(results: list[Result]) -> str:
    floor = results[0].percentile(95)
    lines = [
        f"{'scenario':<24}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'p95/health':>12}"
    ]
    for r in results:
        lines.append(
            f"{r.name:<24}{r.requests:>9,}{r.errors:>8}{r.requests / r.seconds:>9.0f}"
            f"{r.percentile(50):>9.1f}{r.percentile(95):>9.1f}{r.percentile(99):>9.1f}"
            f"{r.percentile(95) / floor:>11.1f}x"
        )
    return "\n".join(lines)


async def run_api_bench(
    settings: Settings,
    *,
    demands: int,
    clients: int,
    seconds: float,
    progress: Callable[[str], None],
) -> str:
    """Run every scenario; return the results table."""
    dsn = await prepare_bench_database(settings, demands, progress)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start_server(dsn, port)
    try:
        await _wait_ready(base, process)
        scenarios = await _scenarios(dsn)
        results = []
        for name, make_url in scenarios.items():
            await _drive(base, name, make_url, clients, min(2.0, seconds))  # warm-up
            result = await _drive(base, name, make_url, clients, seconds)
            progress(f"{name}: {result.requests / result.seconds:,.0f} req/s")
            results.append(result)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    header = f"{demands:,} demands · {clients} concurrent clients · {seconds:g} s per scenario"
    return f"{header}\n{_table(results)}"
