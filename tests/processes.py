"""Real ``matchmaker`` processes (and the programs beside them) for the tests that start them.

The tests that run web instances, workers or the deployment's reverse proxy as an operator does
share these: a free port, starting a web instance and waiting until it is ready, and polling a
condition with a deadline instead of sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from matchmaker import db
from matchmaker.seed import load_demo

COMMAND = [sys.executable, "-m", "matchmaker"]
#: Short enough for a test to see a lease lapse, long enough to be renewed on a busy machine.
LEASE_SECONDS = "3"
#: The housekeeping interval the processes are given.
SWEEP_SECONDS = 2

Spawn = Callable[..., subprocess.Popen[str]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(spawn: Spawn, *flags: str, **env: str) -> str:
    """Start a web instance and wait until it answers /ready; its base URL."""
    port = free_port()
    process = spawn("serve", "--port", str(port), *flags, **env)
    url = f"http://127.0.0.1:{port}"
    until(lambda: ready(url, process), "the web instance became ready", limit=90)
    return url


def ready(url: str, process: subprocess.Popen[str], what: str = "serve") -> bool:
    """Whether ``url``/ready answers 200; fails at once (with its output) if the process exited."""
    if process.poll() is not None:
        pytest.fail(f"{what} exited early: {process.stdout.read() if process.stdout else ''}")
    try:
        return httpx.get(f"{url}/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def until(check: Callable[[], Any], what: str, limit: float = 60) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``limit`` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"never saw: {what}")


async def until_true(check: Callable[[], Awaitable[Any]], what: str, limit: float = 60) -> Any:
    """:func:`until` for a check that awaits (a query): real processes, so real time."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.1)
    pytest.fail(f"never saw: {what}")


@pytest.fixture
async def shared_db(database_factory: Any) -> str:
    """A fresh database with the demo data, for processes to share."""
    dsn: str = await database_factory()
    conn = await db.connect(dsn)
    try:
        await load_demo(conn)
    finally:
        await conn.close()
    return dsn


@pytest.fixture
def spawn(shared_db: str, tmp_path: Path) -> Iterator[Spawn]:
    """Start matchmaker processes on the shared database; every one is stopped at the end."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, **extra: str) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
        env.update(
            DATABASE_URL=shared_db,
            MATCHMAKER_DATA_DIR=str(tmp_path / "data"),
            MATCHMAKER_SECRET_KEY="test-secret-key-shared-by-all-instances-0123",
            MATCHMAKER_ROUND_LEASE_SECONDS=LEASE_SECONDS,
            MATCHMAKER_SWEEP_SECONDS=str(SWEEP_SECONDS),
            **extra,
        )
        process = subprocess.Popen(
            [*COMMAND, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        started.append(process)
        return process

    yield start
    stop(started)


def stop(processes: list[subprocess.Popen[str]]) -> None:
    """Ask each process to stop (SIGINT, as Ctrl-C would), then kill what is left after 30 s."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
