"""The ``matchmaker`` command.

Every command turns a foreseen failure (database unreachable, folder not writable, port taken, bad
seed row) into one line on stderr and exit status 2, never a traceback.

    matchmaker serve                 # embedded PostgreSQL + demo data on http://127.0.0.1:8000
    matchmaker migrate               # apply pending migrations
    matchmaker seed                  # load the demo data (idempotent)
    matchmaker seed --synthetic --demands 100000 --seed 7
    matchmaker user add NAME --role coordinator
    matchmaker export demands --format xlsx      matchmaker import demands FILE.xlsx
    matchmaker round --district 邛崃市 --dry-run
    matchmaker bench api | bench match
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import socket
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, NoReturn, TypeVar

import click
import msgspec
import structlog

from matchmaker import db, logs
from matchmaker.benchcli import bench
from matchmaker.errors import AppError, Invalid
from matchmaker.roundcli import round_command
from matchmaker.settings import Settings
from matchmaker.sheetcli import export, import_
from matchmaker.usercli import user

__all__ = ["main"]

T = TypeVar("T")
log = structlog.get_logger()


def _fail(message: str) -> NoReturn:
    click.echo(f"matchmaker: error: {message}", err=True)
    sys.exit(2)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a foreseen error becomes one line and exit status 2."""
    try:
        return asyncio.run(coro)
    except AppError as exc:
        _fail(exc.message)


def _settings(**overrides: Any) -> Settings:
    try:
        settings = Settings.from_env()
    except AppError as exc:
        _fail(exc.message)
    values = {k: v for k, v in overrides.items() if v is not None}
    settings = msgspec.structs.replace(settings, **values)
    logs.configure(settings)
    return settings


def _guard(fn: Callable[..., None]) -> Callable[..., None]:
    """Catch foreseen errors raised outside :func:`_run` too."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except AppError as exc:
            _fail(exc.message)

    return wrapper


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
        """

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

    return GracefulServer


@click.group()
@click.version_option(package_name="matchmaker")
def main() -> None:
    """matchmaker — 社区资源对接平台: match community needs with partners."""


@main.command()
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
@_guard
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
    settings = _settings(host=host, port=port, workers=workers, worker=worker)
    if not settings.database_url:
        settings.ensure_data_dir()
    sock = bind_socket(settings.host, settings.port)
    dsn = _run(prepare_database(settings, seed_demo=seed))
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
    Multiprocess(config, sockets=[sock]).run()


def _forwarding(settings: Settings) -> dict[str, Any]:
    """uvicorn believes ``X-Forwarded-*`` from the trusted proxies only (its default would trust
    127.0.0.1, so anything on the same machine could claim any address)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}


@main.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Rounds this process runs at once.",
)
@_guard
def worker_command(concurrency: int) -> None:
    """Run queued rounds and periodic housekeeping until stopped (Ctrl-C / SIGTERM)."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.services.bootstrap import resolve_dsn
    from matchmaker.worker import run as work_queue

    settings = _settings()

    async def work() -> None:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            await apply(conn)
        finally:
            await conn.close()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        pool = await db.create_pool(dsn, min_size=1, max_size=concurrency + 2)
        try:
            log.info("worker", database=db.describe_dsn(dsn), concurrency=concurrency)
            await work_queue(pool, dsn, settings, concurrency=concurrency, stop=stop)
        finally:
            await pool.close()

    _run(work())


@main.command()
@_guard
def migrate() -> None:
    """Apply pending migrations from sql/migrations."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.services.bootstrap import resolve_dsn

    settings = _settings()

    async def work() -> list[str]:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            return await apply(conn)
        finally:
            await conn.close()

    applied = _run(work())
    click.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@main.command()
@click.option("--synthetic", is_flag=True, help="Generate synthetic data for scale instead.")
@click.option("--demands", type=click.IntRange(1, 5_000_000), default=100_000, show_default=True)
@click.option("--communities", type=click.IntRange(1, 1_000_000), help="Default: demands / 50.")
@click.option("--partners", type=click.IntRange(1, 1_000_000), help="Default: demands / 10.")
@click.option("--seed", "rng_seed", type=int, default=0, show_default=True, help="Random seed.")
@_guard
def seed(
    synthetic: bool, demands: int, communities: int | None, partners: int | None, rng_seed: int
) -> None:
    """Load the demo data from seeds/ (idempotent), or --synthetic data for benchmarks."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.seed import load_demo
    from matchmaker.services.bootstrap import resolve_dsn

    settings = _settings()

    async def work() -> None:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            await apply(conn)
            if synthetic:
                from matchmaker.synthetic import generate

                report = await generate(
                    conn,
                    demands=demands,
                    communities=communities,
                    partners=partners,
                    seed=rng_seed,
                    progress=lambda text: click.echo(text, err=True),
                )
                click.echo(report.summary())
            else:
                added = await load_demo(conn)
                click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))
        finally:
            await conn.close()

    _run(work())


main.add_command(user)
main.add_command(export)
main.add_command(import_)
main.add_command(round_command)
main.add_command(bench)
