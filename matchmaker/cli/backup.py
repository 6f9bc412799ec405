"""``matchmaker backup FILE`` and ``matchmaker restore FILE``: the whole database to a file and back.

    matchmaker backup matchmaker-2026-12-01.dump      # pg_dump's custom format
    matchmaker restore matchmaker-2026-12-01.dump     # into an empty database only
    matchmaker restore FILE --replace                 # drop what it holds, in the same transaction

With no ``DATABASE_URL`` both work on the embedded server with its own pg_dump/pg_restore; with
one, on that server with the system's tools (the embedded ones when the system's are too old).
What they are doing goes to stderr, the summary to stdout. How it is done: :mod:`matchmaker.backup`.
"""

from __future__ import annotations

from pathlib import Path

import click

from matchmaker import db, pgtools
from matchmaker.backup import (
    BackupError,
    Contents,
    check_target,
    contents,
    dump,
    human_size,
    read_archive,
    restore,
    server_major,
)
from matchmaker.cli.running import guard, run, settings_from_env

__all__ = ["backup_command", "restore_command"]


def _say(text: str) -> None:
    click.echo(text, err=True)


async def _look(dsn: str) -> tuple[int, Contents]:
    """The server's major version and what the database holds."""
    conn = await db.connect(dsn)
    try:
        return await server_major(conn), await contents(conn)
    finally:
        await conn.close()


@click.command(name="backup")
@click.argument("file", type=click.Path(path_type=Path))
@guard
def backup_command(file: Path) -> None:
    """Write the whole database to FILE (pg_dump's custom format); FILE is replaced only when done."""
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()
    check_target(file)

    async def work() -> None:
        dsn, embedded = await resolve_dsn(settings)
        where = db.describe_dsn(dsn)
        major, held = await _look(dsn)
        if "schema_migrations" not in held.rows:
            raise BackupError(
                f"the database at {where} holds no matchmaker data: nothing to back up"
            )
        tool = pgtools.pick(
            "pg_dump",
            embedded=embedded,
            at_least=major,
            why=f"the server at {where} (PostgreSQL {major})",
        )
        _say(f"backing up {where} (PostgreSQL {major}; {held.summary()}) with {tool.describe()}")
        size = dump(dsn, file, tool, _say)
        click.echo(f"wrote {file} ({human_size(size)}): {held.summary()}")

    run(work())


@click.command(name="restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Restore into a database that is not empty: drop everything it holds first "
    "(in the same transaction, so a failed restore keeps it).",
)
@guard
def restore_command(file: Path, replace: bool) -> None:
    """Restore a backup FILE into an empty database (or, with --replace, instead of its contents)."""
    from matchmaker.migrate import migrate
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()
    # the file is read before the database is touched: a bad file changes nothing
    archive = read_archive(file, embedded=settings.database_url is None)

    async def work() -> None:
        dsn, _ = await resolve_dsn(settings)
        where = db.describe_dsn(dsn)
        major, held = await _look(dsn)
        if held.objects and not replace:
            raise BackupError(
                f"refusing to restore into {where}: it is not empty ({held.summary()}); "
                "restore into an empty database, or pass --replace to drop what it holds"
            )
        _say(
            f"restoring {file} ({human_size(archive.size)}; made {archive.created} by pg_dump "
            f"{archive.dumped_by_major} from PostgreSQL {archive.server_version}) into {where} "
            f"(PostgreSQL {major}) with {archive.reader.describe()}"
        )
        if archive.server_major > major:
            _say(
                f"warning: the backup comes from PostgreSQL {archive.server_major} and this server is "
                f"{major}; PostgreSQL does not promise an older server can take it (if it cannot, "
                "nothing is restored)"
            )
        if held.objects:
            _say(f"replacing what {where} holds ({held.summary()}), in the same transaction")
        restore(dsn, archive, replace=replace, progress=_say)
        conn = await db.connect(dsn)
        try:
            applied = await migrate(conn)
            after = await contents(conn)
        finally:
            await conn.close()
        migrated = (
            f"applied {len(applied)} newer migration(s): {', '.join(applied)}"
            if applied
            else "its migrations are up to date"
        )
        click.echo(f"restored {file} into {where}: {after.summary()}; {migrated}")

    run(work())
