"""The ``matchmaker`` command as a user runs it: real processes, real ports, real folders."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from matchmaker.db import CONNECT_DEADLINE_SECONDS
from matchmaker.seedfiles import SEEDS_DIR

#: the command line: its flags, messages and signals — run once, on the embedded server (CI's second pass skips them)
pytestmark = pytest.mark.commands

COMMAND = [sys.executable, "-m", "matchmaker"]


def _env(**extra: str) -> dict[str, str]:
    """The test's environment without any database settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(
    args: list[str], env: dict[str, str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("command", [["serve"], ["migrate"], ["seed"]])
def test_unreachable_database_fails_fast_with_one_line(command: list[str], tmp_path: Path) -> None:
    env = _env(
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/matchmaker",
        MATCHMAKER_DATA_DIR=str(tmp_path),
        MATCHMAKER_PORT=str(_free_port()),
    )
    # it gives up at its own deadline and says so (the 30 s subprocess timeout catches a hang);
    # how long the machine took to get there is not this test's business
    result = _run(command, env)
    _assert_one_clear_line(
        result,
        "cannot reach the database at 127.0.0.1:1/matchmaker",
        f"within {CONNECT_DEADLINE_SECONDS:.0f} s",
    )


def test_unwritable_data_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "data"
    result = _run(["serve", "--port", str(_free_port())], _env(MATCHMAKER_DATA_DIR=str(folder)))
    _assert_one_clear_line(result, f"data folder {folder} is not writable")


def test_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(["serve", "--port", str(port)], _env(MATCHMAKER_DATA_DIR=str(tmp_path)))
    _assert_one_clear_line(result, f"port {port} on 127.0.0.1 is already in use")


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("MATCHMAKER_PORT", "eighty", "MATCHMAKER_PORT must be a whole number"),
        ("MATCHMAKER_SECRET_KEY", "x", "MATCHMAKER_SECRET_KEY must be at least 32 bytes long"),
    ],
)
def test_bad_setting_is_named(tmp_path: Path, name: str, value: str, says: str) -> None:
    result = _run(["serve"], _env(MATCHMAKER_DATA_DIR=str(tmp_path), **{name: value}))
    _assert_one_clear_line(result, says)


def _get(url: str) -> tuple[int, dict[str, object]]:
    # a deadline for an answer, not a measure of speed: the first /schema after a cold start
    # builds the OpenAPI document, which took over 2 s on a loaded machine
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """Starts ``matchmaker serve`` on the embedded server; gives (process, url, seconds to ready)."""
    processes: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> tuple[subprocess.Popen[str], str, float]:
        port = _free_port()
        env = _env(MATCHMAKER_DATA_DIR=str(tmp_path / "data"), MATCHMAKER_PORT=str(port))
        started = time.monotonic()
        # its output goes to a file: a pipe nobody reads fills up and stops the server mid-write
        log = tmp_path / f"serve-{len(processes)}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [*COMMAND, "serve", *extra],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        process.log = log  # type: ignore[attr-defined]
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        while time.monotonic() - started < 90:
            if process.poll() is not None:
                pytest.fail(f"serve exited early: {_output(process)}")
            try:
                if _get(f"{url}/ready")[0] == 200:
                    return process, url, time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("serve did not become ready within 90 s")

    yield start
    for process in processes:
        _stop(process)


def _output(process: subprocess.Popen[str]) -> str:
    """What a server started by the ``serve`` fixture has written so far."""
    return str(process.log.read_text())  # type: ignore[attr-defined]


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop a server as Ctrl-C does, and make sure it exits cleanly."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def _embedded_counts(data_dir: Path) -> dict[str, int]:
    """Row counts read straight from the embedded server's data folder."""
    script = (
        "import asyncio, json, sys\n"
        "from pathlib import Path\n"
        "from matchmaker import db\n"
        "from matchmaker.seed import table_counts\n"
        "async def main():\n"
        "    server = db.start_embedded(Path(sys.argv[1]))\n"
        "    conn = await db.connect(db.with_database(server, db.EMBEDDED_DATABASE))\n"
        "    print(json.dumps(await table_counts(conn)))\n"
        "    await conn.close()\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True, text=True, timeout=60, check=True, env=_env(),
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_serve_starts_embedded_with_demo_data_and_a_restart_duplicates_nothing(
    serve: object, tmp_path: Path
) -> None:
    first, url, seconds = serve()  # type: ignore[operator]
    print(f"cold start to first /ready 200: {seconds:.2f} s")
    assert _get(f"{url}/health") == (200, {"status": "ok", "database": None})
    schema_status, _ = _get(f"{url}/schema/openapi.json")
    assert schema_status == 200
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0

    _stop(first)
    _, url_again, seconds_again = serve()  # type: ignore[operator]
    print(f"warm start to first /ready 200: {seconds_again:.2f} s")
    assert _get(f"{url_again}/ready")[0] == 200

    communities = json.loads((SEEDS_DIR / "communities.json").read_text())
    demands = json.loads((SEEDS_DIR / "demands.json").read_text())
    counts = _embedded_counts(tmp_path / "data")
    assert counts["communities"] == len(communities)
    assert counts["demands"] == len(demands)


def test_serve_with_two_workers_answers_and_stops_cleanly(serve: object) -> None:
    process, url, _ = serve("--workers", "2")  # type: ignore[operator]
    for _ in range(20):  # requests land on both workers
        assert _get(f"{url}/ready")[0] == 200
    assert _get(f"{url}/api/v1/opportunities?limit=1")[0] == 200
    _stop(process)


def test_one_ctrl_c_delivered_twice_still_stops_cleanly(serve: object) -> None:
    """Under ``uv run`` one Ctrl-C reaches the server twice (the terminal's and uv's copy)."""
    process, url, _ = serve()  # type: ignore[operator]
    assert _get(f"{url}/ready")[0] == 200
    # by the way: a newline in a path is refused and forges no line of the log
    forged = "2026-01-01T00:00:00Z [error    ] forged"
    assert _get(f"{url}/static/x%0A{urllib.parse.quote(forged)}")[0] == 400
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    output = _output(process)
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-2000:]
    assert not any(line.startswith(forged[:20]) for line in output.splitlines()), output[-2000:]


def _send(url: str, body: object, token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        return dict(json.loads(response.read()))


def _round_finishes(url: str) -> bool:
    """A coordinator's round, queued now, is carried out by the server's job worker."""
    login = {"username": "coordinator", "password": "matchmaker-demo"}
    token = str(_send(f"{url}/api/v1/auth/login", login)["access_token"])
    round_id = _send(f"{url}/api/v1/rounds", {"scope": {"districts": ["邛崃市"]}}, token)["id"]
    deadline = time.monotonic() + 60  # a bound on waiting, not a measure of speed
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{url}/api/v1/rounds/{round_id}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            if json.loads(response.read())["status"] == "succeeded":
                return True
        time.sleep(0.2)
    return False


def _our_postgres(pgdata: Path) -> list[int]:
    """Ids of the PostgreSQL processes working in ``pgdata`` (the server and its backends)."""
    from matchmaker.embedded import server_processes

    return [process.pid for process in server_processes(pgdata)]


def test_the_embedded_server_is_adopted_after_a_kill_restarted_when_it_dies_and_stopped_on_exit(
    serve: object, tmp_path: Path
) -> None:
    from matchmaker.embedded import postmaster

    pgdata = (tmp_path / "data" / "pgdata").resolve()
    killed, _, _ = serve()  # type: ignore[operator]
    killed.kill()  # SIGKILL: no exit handler runs, its server outlives it
    killed.wait(timeout=30)
    stale = postmaster(pgdata)
    assert stale is not None, "the killed run's server should still be running"
    try:
        second, url, _ = serve()  # type: ignore[operator]
        adopted = postmaster(pgdata)
        assert adopted is not None and adopted.pid == stale.pid  # reused, not a second server

        adopted.kill()  # the server dies under a running app
        seen: set[int] = set()
        deadline = time.monotonic() + 60  # a bound on waiting, not a measure of speed
        while time.monotonic() < deadline:
            status = _get(f"{url}/api/v1/opportunities?limit=1")[0]
            seen.add(status)
            restarted = postmaster(pgdata)
            if status == 200 and restarted is not None and restarted.pid != stale.pid:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the embedded server was not started again; answers seen: {seen}")
        assert _get(f"{url}/ready")[0] == 200
        assert _round_finishes(url)  # the job worker inside serve came back too
        _stop(second)
        output = _output(second)
        assert seen <= {200, 503}, output[-5000:]  # while it was down: 503, never 500
        assert "starting it again" in output and "running again" in output, output[-3000:]
        assert postmaster(pgdata) is None
        assert _our_postgres(pgdata) == []  # nothing of its data folder is left running
    finally:
        for pid in _our_postgres(pgdata):
            os.kill(pid, signal.SIGKILL)
