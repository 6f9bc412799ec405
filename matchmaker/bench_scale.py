"""``matchmaker bench scale``: a city- or province-sized round, whole and split, on worker processes.

The synthetic marketplace of a profile (``synthetic.profiles``) is written into ``<db>_scale``.
Then the same round over everything runs three ways, each on real ``matchmaker worker``
processes started for it: whole on one worker; split by district on one worker; split by
district on two. For each the table gives the wall time from queueing to done, the per-phase times
(for a split round, summed over its parts: the work, not the wait), each worker's peak memory
(``VmHWM``), what was proposed, and the score written against the whole round's optimum.
Ratios are within this run, on this machine.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matchmaker import db
from matchmaker.bench_data import fresh_synthetic
from matchmaker.models.rounds import RoundRequest, Scope
from matchmaker.queries import rounds as q
from matchmaker.queries import sql
from matchmaker.services import rounds as round_service
from matchmaker.settings import Settings
from matchmaker.synthetic.profiles import PROFILES

__all__ = ["run_scale_bench"]

Q = sql("bench")
PHASES = ("candidates", "scoring", "graph", "solving", "explaining", "writing", "writing_round",
          "repair")  # fmt: skip
#: The bench round's threshold: low, so the solver has real work at every size.
MIN_SCORE = 0.2


def _peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux ``VmHWM``), in MB; 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _workers(dsn: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(DATABASE_URL=dsn, MATCHMAKER_LOG_LEVEL="WARNING")
    return [
        subprocess.Popen(
            [sys.executable, "-m", "matchmaker", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGINT)
    for w in workers:
        try:
            w.wait(timeout=60)
        except subprocess.TimeoutExpired:
            w.kill()


async def _one(dsn: str, split: str, workers: int) -> dict[str, Any]:
    """Run the round on ``workers`` fresh worker processes; its figures."""
    conn = await db.connect(dsn)
    procs = _workers(dsn, workers)
    try:
        await conn.execute(Q["empty_rounds"])
        request = RoundRequest(scope=Scope(), min_score=MIN_SCORE, seed=1, split=split)  # type: ignore[arg-type]
        started = time.perf_counter()
        created = await round_service.create(conn, None, request)
        while True:
            round_ = await q.get_round(conn, created.id)
            if round_.status in ("succeeded", "failed"):
                break
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a bench worker exited early")
            await asyncio.sleep(0.2)
        wall = time.perf_counter() - started
        peaks = [_peak_mb(p.pid) for p in procs]
    finally:
        await conn.close()
        _stop(procs)
    if round_.status != "succeeded":
        raise RuntimeError(f"the {split} round failed: {round_.error}")
    return {"split": split, "workers": workers, "wall": wall, "peaks": peaks, "stats": round_.stats}


def _split_label(parts: list[dict[str, Any]]) -> str:
    """ "split by district (18 parts + repair)"."""
    districts = sum(1 for p in parts if not p.get("repair"))
    repair = " + repair" if len(parts) > districts else ""
    return f"split by district ({districts} parts{repair})"


def _table(runs: list[dict[str, Any]], head: str) -> str:
    whole = next((r["stats"]["objective"] for r in runs if r["split"] == "whole"), None)
    one_split = next((r["wall"] for r in runs if r["split"] == "district" and r["workers"] == 1), 0)
    cols = ["round", "workers", "wall s", *PHASES, "peak MB / worker", "proposals",
            "dropped · repaired", "score written", "vs whole", "speed-up"]  # fmt: skip
    lines = [head, "| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for r in runs:
        s = r["stats"]
        speed = f"{one_split / r['wall']:.2f}×" if r["split"] == "district" and one_split else "—"
        cells = [
            "whole" if r["split"] == "whole" else _split_label(s["parts"]),
            str(r["workers"]),
            f"{r['wall']:.1f}",
            *(f"{s['timings'].get(p, 0):.1f}" for p in PHASES),
            " / ".join(f"{m:,.0f}" for m in r["peaks"]),
            f"{s['matched']:,}",
            f"{s['dropped_at_write']:,} · {s.get('repaired', 0):,}",
            f"{s['written_score']:,.1f}",
            f"{s['written_score'] / whole:.2%}" if whole else "—",
            speed,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


async def run_scale_bench(
    settings: Settings, *, profile: str, whole: bool, progress: Callable[[str], None]
) -> str:
    """Write the profile's marketplace, run the rounds, return the table.

    ``whole=False`` leaves out the whole solve (a province's would not fit in this machine's
    memory: the city's peak times ten).
    """
    shape = PROFILES[profile]
    scale_dsn, report = await fresh_synthetic(
        settings, "scale", demands=shape.demands, communities=shape.communities,
        partners=shape.partners, districts=shape.districts, remote_share=shape.remote_share,
        seed=11,
    )  # fmt: skip
    conn = await db.connect(scale_dsn)
    try:
        open_needs = await conn.fetchval("SELECT count(*) FROM demands WHERE status = 'open'")
    finally:
        await conn.close()
    progress(f"{profile}: {report.total_rows:,} rows in {report.total_seconds:.1f} s")
    runs = []
    plan = [("whole", 1)] if whole else []
    for split, workers in [*plan, ("district", 1), ("district", 2)]:
        runs.append(await _one(scale_dsn, split, workers))
        progress(f"{split} on {workers} worker(s): {runs[-1]['wall']:.1f} s")
    head = (
        f"profile {profile}: {shape.districts} districts, {shape.communities:,} communities, "
        f"{shape.partners:,} partners, {open_needs:,} open needs · "
        f"{runs[0]['stats']['candidate_edges']:,} candidate edges · min_score {MIN_SCORE} · "
        f"{os.cpu_count()} cores"
    )
    return _table(runs, head)
