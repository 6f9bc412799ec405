"""``matchmaker backup`` and ``restore``: the whole database in one file, with PostgreSQL's own tools.

A backup is pg_dump's custom format (``-Fc``: compressed, and pg_restore can read it selectively),
written beside its final name and renamed into place only when complete, so a failed backup never
replaces a good one. A restore

- reads the file's table of contents first (a missing, unreadable or foreign file is refused
  before the database is touched);
- refuses a database that holds anything (a migrated schema, with or without rows) unless told to
  ``replace`` it, which drops the schema and recreates it in the same transaction as the restore;
- runs pg_restore's script through psql in **one transaction**: a failure anywhere (a bad row, a
  truncated file) leaves the database exactly as it was. pg_restore's output is relayed here, not
  piped, so that when pg_restore fails psql is stopped before it could commit a part;
- then migrates, as ``serve`` would, so the app starts on the restored database.

Owners and grants are left out (``--no-owner --no-privileges``): a backup of the embedded server
(user ``postgres``) restores under whichever user ``DATABASE_URL`` names.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import asyncpg
import msgspec

from matchmaker import pgtools
from matchmaker.errors import AppError
from matchmaker.queries import sql

__all__ = [
    "Archive",
    "BackupError",
    "Contents",
    "check_target",
    "contents",
    "dump",
    "human_size",
    "read_archive",
    "restore",
    "server_major",
]

Q = sql("backup")
Progress = Callable[[str], None]

#: The first bytes of every pg_dump custom-format archive.
MAGIC = b"PGDMP"
#: How long a restore waits for a lock (an open transaction of a running app holds one) before it fails.
LOCK_TIMEOUT = "10s"

_TABLE_STEP = re.compile(r'(?:dumping contents of|processing data for) table "([^"]+)"')
_HEADER = re.compile(
    r"^;\s+(Archive created at|Dumped from database version:|Dumped by pg_dump version:)\s*(.*)$",
    re.MULTILINE,
)


class BackupError(AppError):
    """A backup or restore that could not be done; the message says why and what was left as it was."""


class Contents(msgspec.Struct, frozen=True):
    """What a database holds: its relations, and each table's exact number of rows."""

    objects: int
    rows: dict[str, int]

    def summary(self) -> str:
        total = sum(self.rows.values())
        return f"{len(self.rows)} tables, {total:,} rows"


class Archive(msgspec.Struct, frozen=True):
    """A backup file's header, as pg_restore read it."""

    path: Path
    size: int
    created: str
    server_version: str
    dumped_by_major: int
    reader: pgtools.Tool

    @property
    def server_major(self) -> int:
        return int(self.server_version.split(".")[0])


async def server_major(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(Q["server_version"]))


async def contents(conn: asyncpg.Connection) -> Contents:
    """What the database holds now (exact counts: a summary a person checks a restore against)."""
    counting = await conn.fetchval(Q["table_rows_statement"])
    rows = {r["name"]: int(r["rows"]) for r in await conn.fetch(counting)}
    return Contents(objects=int(await conn.fetchval(Q["schema_objects"])), rows=rows)


def _libpq(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and an environment carrying it (never on a command line)."""
    parts = urlsplit(dsn)
    env = dict(os.environ)
    if "@" not in parts.netloc:
        return dsn, env
    userinfo, hostport = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    if password:
        env["PGPASSWORD"] = unquote(password)
    return parts._replace(netloc=f"{user}@{hostport}").geturl(), env


def human_size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _last_error(text: str) -> str:
    """The line of a tool's stderr that says what went wrong (its first error), or its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "ERROR" in line or "error:" in line or "FATAL" in line:
            return line.replace(": error: ", ": ", 1)
    return lines[-1] if lines else "no message"


def _follow(stream: Iterator[str], progress: Progress, kept: list[str]) -> None:
    """Say which table a tool is at; keep its other lines for a failure's message."""
    for line in stream:
        step = _TABLE_STEP.search(line)
        if step:
            progress(f"  {step[1]}")
        elif "error" in line.lower() or "warning" in line.lower():
            kept.append(line)


def check_target(target: Path) -> None:
    """That a backup can be written to ``target`` (checked before any server is started)."""
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"cannot write {target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BackupError(f"cannot write {target}: folder {folder} is not writable")
    if target.is_dir():
        raise BackupError(f"cannot write {target}: it is a folder")


def dump(dsn: str, target: Path, tool: pgtools.Tool, progress: Progress) -> int:
    """Write the database to ``target`` with pg_dump; return the file's size in bytes."""
    check_target(target)
    partial = target.with_name(target.name + ".partial")
    uri, env = _libpq(dsn)
    kept: list[str] = []
    process = subprocess.Popen(  # noqa: S603 (PostgreSQL's own program, no shell)
        [str(tool.path), "--format=custom", "--verbose", f"--file={partial}", f"--dbname={uri}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    _follow(process.stderr, progress, kept)
    if process.wait() != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"pg_dump failed, no backup was written: {_last_error(chr(10).join(kept))}"
        )
    partial.replace(target)
    return target.stat().st_size


def read_archive(path: Path, *, embedded: bool) -> Archive:
    """The header of a backup file, or :class:`BackupError` in one line; reads nothing else."""
    try:
        with path.open("rb") as file:
            start = file.read(len(MAGIC) + 2)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if start[: len(MAGIC)] != MAGIC:
        raise BackupError(
            f"{path} is not a matchmaker backup (a backup is a pg_dump custom-format archive, "
            "made by `matchmaker backup`)"
        )
    readers = pgtools.candidates("pg_restore", embedded=embedded)
    if not readers:
        raise pgtools.ToolMissing("pg_restore was not found (not on PATH, nor embedded)")
    said = ""
    for reader in readers:
        listed = subprocess.run(  # noqa: S603 (PostgreSQL's own program, no shell)
            [str(reader.path), "--list", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if listed.returncode == 0:
            return _archive(path, listed.stdout, reader)
        said = _last_error(listed.stderr)
        if "unsupported version" not in said or not _plausible(start[len(MAGIC) :]):
            raise BackupError(f"{path} is not a readable backup: {said}")
    have = ", ".join(f"{r.version} ({r.origin})" for r in readers)
    raise pgtools.ToolMissing(
        f"{path} was written by a newer pg_dump than any pg_restore here can read ({have}): {said}; "
        "install newer PostgreSQL client tools and put them first on PATH"
    )


def _plausible(version: bytes) -> bool:
    """Whether an archive's format version could be a real one (1.x from PostgreSQL 9 on), so an
    unreadable one was written by a newer pg_dump rather than broken."""
    return len(version) == 2 and version[0] == 1 and 12 <= version[1] < 100


def _archive(path: Path, listing: str, reader: pgtools.Tool) -> Archive:
    header = {key: value.strip() for key, value in _HEADER.findall(listing)}
    if not re.search(r"^\d+; \d+ \d+ TABLE public schema_migrations ", listing, re.MULTILINE):
        raise BackupError(
            f"{path} is a PostgreSQL backup, but not of a matchmaker database "
            "(it has no schema_migrations table)"
        )
    by = header.get("Dumped by pg_dump version:", "0")
    return Archive(
        path=path,
        size=path.stat().st_size,
        created=header.get("Archive created at", "?"),
        server_version=header.get("Dumped from database version:", "?").split(" ")[0],
        dumped_by_major=int(by.split(".")[0]) if by[:1].isdigit() else 0,
        reader=reader,
    )


def restore(dsn: str, archive: Archive, *, replace: bool, progress: Progress) -> None:
    """Restore ``archive`` into the database in one transaction; :class:`BackupError` if it failed.

    With ``replace`` the same transaction first drops the schema (and all it holds) and creates it
    empty, so a failure leaves the old data in place too.
    """
    uri, env = _libpq(dsn)
    prologue = [f"SET lock_timeout = '{LOCK_TIMEOUT}'"]
    if replace:
        prologue += ["DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public"]
    psql_command = [str(archive.reader.sibling("psql")), "--no-psqlrc", "--quiet"]
    psql_command += ["--set=ON_ERROR_STOP=1", "--single-transaction", f"--dbname={uri}"]
    for statement in prologue:
        psql_command.append(f"--command={statement}")
    psql_command.append("--file=-")
    reader_command = [str(archive.reader.path), "--no-owner", "--no-privileges", "--verbose"]
    reader_command += ["--file=-", str(archive.path)]
    kept: list[str] = []
    with tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(  # noqa: S603 (PostgreSQL's own program, no shell)
            psql_command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        reader = subprocess.Popen(  # noqa: S603 (PostgreSQL's own program, no shell)
            reader_command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=False,
        )
        assert reader.stdout is not None and reader.stderr is not None and psql.stdin is not None
        lines = (line.decode("utf-8", "replace") for line in reader.stderr)
        follower = threading.Thread(target=_follow, args=(lines, progress, kept), daemon=True)
        follower.start()
        psql_gone = False
        while chunk := reader.stdout.read(1 << 16):
            try:
                psql.stdin.write(chunk)
            except BrokenPipeError:  # psql stopped at an error: its message says which
                psql_gone = True
                break
        if psql_gone:
            reader.kill()
        reader.wait()
        follower.join()
        if reader.returncode != 0 and not psql_gone:
            psql.kill()  # before it sees the end of its input: it must not commit a part
            psql.wait()
            raise BackupError(
                f"restore failed, nothing was restored (the database is as it was): "
                f"{archive.path} could not be read to its end: {_last_error(chr(10).join(kept))}"
            )
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.close()
        if psql.wait() != 0:
            psql_errors.seek(0)
            said = psql_errors.read().decode("utf-8", "replace")
            raise BackupError(
                f"restore failed, nothing was restored (the database is as it was): {_last_error(said)}"
            )
