"""``matchmaker bench notify``: what telling people costs, against the work it rides on.

Two ratios, each measured in one run on the synthetic marketplace with one staff member per
community and one per organisation (each with an e-mail address, e-mail at once):

- **telling a round**: writing the notifications, the summary e-mails and the group messages of a
  real round's proposals (``notify.tell_round``, in a transaction rolled back after) ÷ writing the
  round's proposals themselves (its ``writing`` phase);
- **sending through the outbox**: delivering N group-robot messages to a local HTTP receiver
  (claim under a lease, send, record each) ÷ N bare posts of the same bodies to the same receiver
  with the same concurrency.
"""

from __future__ import annotations

import asyncio
import http.server
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from matchmaker import db
from matchmaker.bench_data import fresh_synthetic
from matchmaker.models.rounds import RoundRequest, Scope
from matchmaker.queries import sql
from matchmaker.services import delivery, robots
from matchmaker.services import rounds as round_service
from matchmaker.services.notify import tell_round
from matchmaker.settings import Settings

__all__ = ["run_notify_bench"]

Q = sql("bench")


class _Receiver(http.server.BaseHTTPRequestHandler):
    """A group robot that takes every message (``{"errcode": 0}``)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = b'{"errcode":0}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # the sender opens up to a batch of connections at once
    daemon_threads = True


async def _tell_round(dsn: str, repeat: int) -> tuple[float, float, dict[str, int]]:
    """(median telling time, the round's writing phase, what was made) on a real round."""
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            await conn.execute(Q["people"])
            await conn.execute(Q["set_people_active"], False)  # the timed round tells no one
            created = await round_service.create(
                conn, None, RoundRequest(scope=Scope(), min_score=0.2), enqueue=False
            )
        done = await round_service.run(pool, created.id)
        if done.status != "succeeded":
            raise RuntimeError(f"bench round failed: {done.error}")
        times, made = [], 0
        async with pool.acquire() as conn:
            for _ in range(repeat):
                transaction = conn.transaction()
                await transaction.start()
                await conn.execute(Q["set_people_active"], True)
                start = time.perf_counter()
                made = await tell_round(conn, created.id)
                times.append(time.perf_counter() - start)
                mails = await conn.fetchval(Q["outbox_count"])
                await transaction.rollback()
    finally:
        await pool.close()
    counts = {"proposals": int(done.stats["matched"]), "notifications": made, "emails": int(mails)}
    return statistics.median(times), float(done.stats["timings"]["writing"]), counts


async def _send(dsn: str, url: str, messages: int) -> tuple[float, float]:
    """(outbox delivery, bare posts) of ``messages`` robot messages, in seconds."""
    body = '{"msgtype":"markdown","markdown":{"content":"bench"}}'
    start = time.perf_counter()
    async with robots.client() as http:
        for first in range(0, messages, delivery.BATCH):
            count = min(delivery.BATCH, messages - first)
            await asyncio.gather(
                *(robots.post(http, "wecom", url, None, body) for _ in range(count))
            )
    bare = time.perf_counter() - start
    pool = await db.create_pool(dsn, min_size=1, max_size=10)
    try:
        async with pool.acquire() as conn:
            robot = await conn.fetchval(Q["robot"], url)
            await conn.execute(Q["robot_messages"], robot, messages)
        start = time.perf_counter()
        result = await delivery.deliver(pool, Settings())
        outbox = time.perf_counter() - start
    finally:
        await pool.close()
    if result.sent != messages:
        raise RuntimeError(f"bench delivery sent {result.sent} of {messages}: {result}")
    return outbox, bare


async def run_notify_bench(
    settings: Settings,
    *,
    demands: int,
    partners: int,
    messages: int,
    repeat: int,
    progress: Callable[[str], None],
) -> str:
    """Both measurements; a table of what was measured and the two ratios."""
    dsn, report = await fresh_synthetic(
        settings, "notify", demands=demands, partners=partners, seed=7,
        districts=max(2, demands // 150), remote_share=min(1.0, 10 / partners),
    )  # fmt: skip
    progress(f"{demands:,} × {partners:,}: {report.total_rows:,} rows")
    telling, writing, counts = await _tell_round(dsn, repeat)
    server = _Server(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/robot"
        outbox, bare = await _send(dsn, url, messages)
    finally:
        server.shutdown()
        server.server_close()
    return "\n".join(
        [
            f"round over {demands:,} needs × {partners:,} partners: {counts['proposals']:,} proposals"
            f" → {counts['notifications']:,} notifications, {counts['emails']:,} e-mails queued",
            f"  writing the proposals      {writing:8.3f} s",
            f"  telling both sides         {telling:8.3f} s   ({telling / writing:.2f}× the write)",
            f"{messages:,} group-robot messages to a local receiver:",
            f"  bare posts                 {bare:8.3f} s   ({messages / bare:,.0f}/s)",
            f"  through the outbox         {outbox:8.3f} s   ({messages / outbox:,.0f}/s,"
            f" {outbox / bare:.2f}× bare)",
        ]
    )
