"""The embedded PostgreSQL: started (or a stale one adopted), watched while we run, stopped on exit.

pgserver runs the server in ``<data dir>/pgdata`` and stops it when the last process that asked for
it exits, counting those processes in ``pgdata/.handle_pids.json``. A process killed with SIGKILL
never takes itself off that list, so every later run left the server running; and a server that
died (killed, out of memory) stayed dead under a running app. Here:

- before the server is started and again at exit, processes that are gone are struck off the
  list, so the last live process stops the server — also one a killed run left behind, which is
  adopted: a server whose ``postmaster.pid`` names it and whose command line names this folder is
  this folder's (PostgreSQL lets one server run on a folder), so reusing it is safe;
- a ``postmaster.pid`` that names anything else (an id the system gave to another process) is
  removed, and leftover server processes of a killed server are given a moment to go, then ended;
- a watcher thread looks every :data:`WATCH_SECONDS`; when the server died it is started again (on
  the same socket, so the pool reconnects by itself; requests meanwhile answer 503). A process that
  is shutting down calls :func:`quiesce` first, so that its own stop is not undone.

>>> dsn = start(Path(".matchmaker"))  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import contextlib
import json
import subprocess
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import psutil
import structlog

from matchmaker.errors import Unavailable

__all__ = ["WATCH_SECONDS", "postmaster", "quiesce", "server_processes", "start"]

#: How often the watcher looks at the server.
WATCH_SECONDS = 1.0
#: How long leftover processes of a dead server get to exit before they are ended.
LEFTOVER_GRACE_SECONDS = 5.0

log = structlog.get_logger()
_watchers: dict[Path, _Watcher] = {}


def _pgserver() -> Any:
    """pgserver's module, imported late: importing it makes a lock file."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver import postgres_server

    return postgres_server


def server_processes(pgdata: Path) -> list[psutil.Process]:
    """Every PostgreSQL process working in ``pgdata``: the server, its backends, a dead one's orphans.

    A server changes into its data folder, and its children inherit that.
    """
    folder = str(pgdata.resolve())
    return [
        process
        for process in psutil.process_iter(["name", "cwd", "status"])
        if process.info["name"] == "postgres"
        and process.info["cwd"] == folder
        and process.info["status"] != psutil.STATUS_ZOMBIE
    ]


def postmaster(pgdata: Path) -> psutil.Process | None:
    """The running server of ``pgdata`` (the process its ``postmaster.pid`` names), or None."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
        folder = str(pgdata.resolve())
        if (
            process.name() == "postgres"
            and process.status() != psutil.STATUS_ZOMBIE
            and (process.cwd() == folder or folder in process.cmdline())
        ):
            return process
    except (OSError, ValueError, psutil.Error):
        pass
    return None


def _alive(pid: int, listed_at: float) -> bool:
    """``pid`` runs and already ran when the list was last written (not an id given out again)."""
    try:
        process = psutil.Process(pid)
        started = float(process.create_time())
        return bool(process.status() != psutil.STATUS_ZOMBIE and started <= listed_at + 1)
    except psutil.Error:
        return False


def _strike_off_the_dead(pgdata: Path) -> None:
    """Take processes that are gone off pgserver's list of the server's users (under its lock)."""
    listing = pgdata / ".handle_pids.json"
    try:
        pids = [int(pid) for pid in json.loads(listing.read_text())]
        listed_at = listing.stat().st_mtime
    except (OSError, ValueError, TypeError):
        return
    alive = [pid for pid in pids if _alive(pid, listed_at)]
    if alive != pids:
        listing.write_text(json.dumps(alive))
        log.info(
            "embedded PostgreSQL: struck off processes that are gone", pids=len(pids) - len(alive)
        )


def _clear_leftovers(pgdata: Path) -> None:
    """With no server running on ``pgdata``: end a dead server's orphans, remove a foreign pid file."""
    if postmaster(pgdata) is not None:
        return
    deadline = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while (left := server_processes(pgdata)) and time.monotonic() < deadline:
        time.sleep(0.2)  # backends leave by themselves soon after their server died
    for process in left:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(left, timeout=5)
    # PostgreSQL refuses to start while its lock files name a process that exists (a zombie of
    # the killed server, or another program given that id): no server runs here, so they go
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return
    socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4].strip() else pgdata
    for lock in [pid_file, *socket_dir.glob(".s.PGSQL.*.lock")]:
        with contextlib.suppress(OSError, ValueError, IndexError):
            if psutil.pid_exists(int(lock.read_text().split("\n", 1)[0])):
                lock.unlink()


class _Watcher(threading.Thread):
    """Starts the server again when it dies, until :func:`quiesce`."""

    def __init__(self, server: Any) -> None:
        super().__init__(name="embedded-postgres-watcher", daemon=True)
        self.server = server
        self.pgdata = Path(server.pgdata)
        self.stopping = threading.Event()

    def run(self) -> None:
        wait = WATCH_SECONDS
        while not self.stopping.wait(wait):
            if postmaster(self.pgdata) is not None:
                wait = WATCH_SECONDS
                continue
            wait = WATCH_SECONDS if self._restart() else min(wait * 2, 30.0)

    def _restart(self) -> bool:
        log.warning("embedded PostgreSQL stopped; starting it again", folder=str(self.pgdata))
        try:
            with _pgserver().PostgresServer._lock:
                if self.stopping.is_set():
                    return True
                _clear_leftovers(self.pgdata)
                self.server.ensure_postgres_running()
        except Exception as exc:  # a watcher that dies protects nothing: say why, try again
            log.error(
                "embedded PostgreSQL did not start again; will retry",
                reason=type(exc).__name__,
                log=str(self.pgdata / "log"),
            )
            return False
        log.info("embedded PostgreSQL running again", pid=self.server.get_pid())
        return True


def quiesce() -> None:
    """Stop watching: this process is shutting down (its server's stop must not be undone)."""
    for watcher in _watchers.values():
        watcher.stopping.set()


def _at_exit(pgdata: Path) -> None:
    """Before pgserver's own exit handler: stop watching (a restart under way finishes first, so
    that the stop which follows is the last word); strike off processes killed meanwhile."""
    quiesce()
    _watchers[pgdata].join(timeout=30)
    with _pgserver().PostgresServer._lock:
        _strike_off_the_dead(pgdata)


def start(data_dir: Path) -> str:
    """Start (or adopt) the server in ``data_dir/pgdata``, watch it; return the server's DSN.

    The server stops when the last process using it exits. A second start on the same folder in
    this process returns the same server.
    """
    pgserver = _pgserver()
    pgdata = (data_dir / "pgdata").expanduser().resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        with pgserver.PostgresServer._lock:
            _strike_off_the_dead(pgdata)
            _clear_leftovers(pgdata)
            running = postmaster(pgdata)
        if running is not None and pgdata not in _watchers:
            log.info("embedded PostgreSQL: using the server already running", pid=running.pid)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise Unavailable(
            f"the embedded PostgreSQL in {pgdata} did not start ({type(exc).__name__}); "
            f"its log is {pgdata / 'log'}"
        ) from None
    if pgdata not in _watchers:
        watcher = _Watcher(server)
        _watchers[pgdata] = watcher
        atexit.register(_at_exit, pgdata)  # after pgserver's handler, so it runs before it
        watcher.start()
    return str(server.get_uri())
