"""``matchmaker serve``: the web server (with a job worker in each process unless told otherwise)."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import click
import structlog

from matchmaker import db, embedded
from matchmaker.cli.running import guard, run, settings_from_env
from matchmaker.errors import Invalid
from matchmaker.settings import Settings

__all__ = ["bind_socket", "serve"]

log = structlog.get_logger()


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket now, so a taken port is reported before anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == 98:  # EADDRINUSE
            raise Invalid(
                f"port {port} on {host} is already in use; stop the other program or choose "
                "another port with --port or MATCHMAKER_PORT",
                field="port",
            ) from None
        raise Invalid(f"cannot listen on {host}:{port}: {exc.strerror}", field="host") from None
    sock.set_inheritable(True)
    return sock


def _graceful_server_class() -> type[Any]:
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """A uvicorn server for which SIGINT/SIGTERM mean "stop cleanly and exit 0".

        uvicorn re-raises the signal after its graceful shutdown, which makes click print
        "Aborted!" for Ctrl-C and makes SIGTERM skip ``atexit`` — leaving the embedded
        PostgreSQL running. Here the handlers are restored without re-raising.

        One Ctrl-C in a terminal reaches the server twice under ``uv run`` (from the terminal
        and forwarded by uv); uvicorn would take the second for "force quit" and cut the
        shutdown short, stopping the job worker and the embedded server mid-way. A signal within
        a second of the first is the same request, so it is ignored; a later one still forces.
        """

        first_signal_at = 0.0

        def handle_exit(self, sig: int, frame: Any) -> None:
            embedded.quiesce()  # stopping: the embedded server's stop is not a death to undo
            now = time.monotonic()
            if self.should_exit and now - self.first_signal_at < 1.0:
                return
            if not self.should_exit:
                self.first_signal_at = now
            super().handle_exit(sig, frame)

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)
                if self.should_exit:  # on the way out: a late copy of that Ctrl-C must not
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # break the database's stop

    return GracefulServer


@click.command()
@click.option("--host", help="Address to listen on [MATCHMAKER_HOST, default 127.0.0.1].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [MATCHMAKER_PORT, default 8000].")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes [MATCHMAKER_WORKERS, default 1]; one per core serves the most.",
)
@click.option(
    "--seed/--no-seed",
    default=None,
    help="Load the demo data into an empty database (default: only for the embedded server).",
)
@click.option(
    "--worker/--no-worker",
    "in_process",
    default=None,
    help="Run a job worker in each web process [MATCHMAKER_WORKER, default in-process]; "
    "--no-worker leaves rounds to separate `matchmaker worker` processes.",
)
@guard
def serve(
    host: str | None,
    port: int | None,
    workers: int | None,
    seed: bool | None,
    in_process: bool | None,
) -> None:
    """Start the marketplace (embedded PostgreSQL when DATABASE_URL is unset)."""
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from matchmaker.app import create_app
    from matchmaker.services.bootstrap import prepare_database

    worker = None if in_process is None else "in-process" if in_process else "none"
    settings = settings_from_env(host=host, port=port, workers=workers, worker=worker)
    if not settings.database_url:
        settings.ensure_data_dir()
    sock = bind_socket(settings.host, settings.port)
    dsn = run(prepare_database(settings, seed_demo=seed))
    log.info(
        "serving",
        url=f"http://{settings.host}:{settings.port}",
        database=db.describe_dsn(dsn),
        workers=settings.workers,
    )
    server_class = _graceful_server_class()
    if settings.workers == 1:
        config = uvicorn.Config(
            create_app(settings, dsn=dsn),
            log_config=None,
            access_log=False,
            lifespan="on",
            **_forwarding(settings),
        )
        server_class(config).run(sockets=[sock])
        return
    # Workers build the app from the environment: hand them the database this process prepared
    # (the embedded server stays in this process) and the one secret key.
    os.environ["DATABASE_URL"] = dsn
    os.environ["MATCHMAKER_SECRET_KEY"] = settings.resolved_secret_key()
    os.environ["MATCHMAKER_WORKER"] = settings.worker
    config = uvicorn.Config(
        "matchmaker.app:create_app",
        factory=True,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        lifespan="on",
        **_forwarding(settings),
    )
    _quiescing(Multiprocess)(config, sockets=[sock]).run()


def _quiescing(supervisor: type[Any]) -> type[Any]:
    """uvicorn's worker supervisor, telling the embedded server's watcher when it stops."""

    class Quiescing(supervisor):  # type: ignore[misc]
        def handle_int(self) -> None:
            embedded.quiesce()
            super().handle_int()

        def handle_term(self) -> None:
            embedded.quiesce()
            super().handle_term()

    return Quiescing


def _forwarding(settings: Settings) -> dict[str, Any]:
    """uvicorn believes ``X-Forwarded-*`` from the trusted proxies only (its default would trust
    127.0.0.1, so anything on the same machine could claim any address)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}
