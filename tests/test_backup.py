"""``matchmaker backup`` and ``restore`` as a user runs them: the real command, real PostgreSQL servers.

A round trip is proved table by table: every table of the schema has the same rows (an md5 over its
rows in a fixed order) and every sequence the same position, in the restored database as in the
original. On the embedded server (no ``DATABASE_URL``: pgserver's own pg_dump) and on an external
one (``DATABASE_URL``: the system's tools, or the embedded ones when those are too old): CI's
127.0.0.1:5432 when it answers, else the tests' own server addressed by URL.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from matchmaker import db, pgtools
from matchmaker.backup import BackupError, check_target, read_archive
from matchmaker.migrate import migrate, pending
from matchmaker.seed import load_demo

#: the command line through subprocesses — run once, in CI's embedded pass (which also reaches 5432)
pytestmark = pytest.mark.commands

COMMAND = [sys.executable, "-m", "matchmaker"]
CI_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit status 2 and one line saying why (no traceback)."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("matchmaker: error")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


async def digests(conn: asyncpg.Connection) -> dict[str, Any]:
    """Every table's row count and md5 of its rows, every sequence's position, pending migrations."""
    tables = await conn.fetch(
        "SELECT tablename, format('%I', tablename) AS quoted FROM pg_tables"
        " WHERE schemaname = 'public' ORDER BY tablename"
    )
    found: dict[str, Any] = {}
    for table in tables:
        row = await conn.fetchrow(
            f"SELECT count(*) AS n, md5(coalesce(string_agg(t::text, chr(10)"
            f" ORDER BY t::text COLLATE \"C\"), '')) AS md5 FROM {table['quoted']} t"
        )
        found[table["tablename"]] = [row["n"], row["md5"]]
    sequences = await conn.fetch(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
    )
    found["sequences"] = {s["sequencename"]: s["last_value"] for s in sequences}
    found["pending migrations"] = await pending(conn)
    return found


async def _seed(dsn: str) -> None:
    """The demo data, as ``matchmaker seed`` loads it."""
    conn = await db.connect(dsn)
    try:
        await migrate(conn)
        await load_demo(conn)
    finally:
        await conn.close()


async def _digests_of(dsn: str) -> dict[str, Any]:
    conn = await db.connect(dsn)
    try:
        return await digests(conn)
    finally:
        await conn.close()


#: Holds embedded servers up while a test runs commands on them (each command then adopts its
#: folder's running server instead of starting and stopping one), and reads their digests on asking.
HOLDER = """
import asyncio, json, sys
from pathlib import Path
from matchmaker import db, pgtools
from tests.test_backup import _digests_of, _seed
async def databases(folders):
    return [await db.ensure_database(db.start_embedded(Path(f)), db.EMBEDDED_DATABASE) for f in folders]
dsns = asyncio.run(databases(sys.argv[1:]))
asyncio.run(_seed(dsns[0]))
print("ready", flush=True)
for line in sys.stdin:
    print(json.dumps([asyncio.run(_digests_of(dsn)) for dsn in dsns]), flush=True)
"""


class Held:
    """Embedded servers kept running by a process of their own (which stops them as it exits)."""

    def __init__(self, *folders: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, *map(str, folders)],
            cwd=Path(__file__).resolve().parent.parent,
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the process holding the embedded servers stopped"
        return line.strip()

    def digests(self) -> list[dict[str, Any]]:
        assert self.process.stdin is not None
        self.process.stdin.write("digests\n")
        self.process.stdin.flush()
        return list(json.loads(self._line()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=120)


@pytest.fixture
def two_embedded(tmp_path: Path) -> Any:
    """Two embedded servers' folders, ``here`` (with the demo data) and ``there`` (new), running."""
    here, there = tmp_path / "here", tmp_path / "there"
    for folder in (here, there):
        folder.mkdir()
    held = Held(here, there)
    yield here, there, held
    held.close()


def _demo_is_there(found: dict[str, Any]) -> None:
    """The round trip carried data, not two empty schemas."""
    assert found["demands"][0] > 0 and found["communities"][0] > 0 and found["users"][0] > 0
    assert found["schema_migrations"][0] > 0
    assert found["pending migrations"] == []


def test_round_trip_on_the_embedded_server(two_embedded: Any, tmp_path: Path) -> None:
    here, there, held = two_embedded
    file = tmp_path / "matchmaker.dump"

    said = _run(["backup", str(file)], _env(MATCHMAKER_DATA_DIR=str(here)))
    assert said.stdout.startswith(f"wrote {file} ("), said.stderr
    assert "pg_dump 16" in said.stderr and "(embedded" in said.stderr  # the server's own tools
    assert "public.demands" in said.stderr  # progress, table by table

    restored = _ok(_run(["restore", str(file)], _env(MATCHMAKER_DATA_DIR=str(there))))
    assert "its migrations are up to date" in restored
    # a second restore finds the database full and leaves it alone
    again = _run(["restore", str(file)], _env(MATCHMAKER_DATA_DIR=str(there)))
    _refused(again, "refusing to restore into", "it is not empty", "--replace")

    original, copy = held.digests()
    _demo_is_there(original)
    assert copy == original
    assert said.stdout.split(": ", 1)[1].strip() in restored  # the same "N tables, M rows" summary


@pytest.fixture
def external_server(server_dsn: str) -> str:
    """CI's PostgreSQL at 127.0.0.1:5432 when it answers (and no other server was chosen), else the
    tests' own server addressed by ``DATABASE_URL``, as an external server is."""
    if os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL"):
        return server_dsn
    try:
        socket.create_connection(("127.0.0.1", 5432), 3).close()
    except OSError:
        return server_dsn
    return CI_SERVER


@pytest.fixture
def databases(external_server: str) -> Any:
    """Makes empty databases on the external server; drops them afterwards."""
    made: list[str] = []

    async def admin(statement: str) -> None:
        conn = await db.connect(external_server)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    def make() -> str:
        name = f"mm_backup_{os.getpid()}_{len(made)}"
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return db.with_database(external_server, name)

    yield make
    for name in made:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_round_trip_on_an_external_server_and_a_failed_replace_keeps_the_data(
    databases: Any, tmp_path: Path
) -> None:
    source, target, file = databases(), databases(), tmp_path / "matchmaker.dump"
    asyncio.run(_seed(source))
    _ok(_run(["backup", str(file)], _env(DATABASE_URL=source)))
    _ok(_run(["restore", str(file)], _env(DATABASE_URL=target)))
    original = asyncio.run(_digests_of(source))
    _demo_is_there(original)
    assert asyncio.run(_digests_of(target)) == original

    # a file cut short fails part-way through the restore: the transaction keeps the old data
    cut = tmp_path / "cut.dump"
    cut.write_bytes(file.read_bytes()[: file.stat().st_size * 95 // 100])
    failed = _run(["restore", str(cut), "--replace"], _env(DATABASE_URL=target))
    _refused(failed, "restore failed, nothing was restored", "end of file")
    assert "replacing what" in failed.stderr  # it did get under way
    assert asyncio.run(_digests_of(target)) == original
    asyncio.run(_admin_change(target))
    assert "stray" in asyncio.run(_digests_of(target))

    # --replace drops what the database holds (a table of its own too) and restores cleanly
    _ok(_run(["restore", str(file), "--replace"], _env(DATABASE_URL=target)))
    assert asyncio.run(_digests_of(target)) == original


async def _admin_change(dsn: str) -> None:
    """Something the backup does not have: a stray table (with a row) that --replace must drop."""
    conn = await db.connect(dsn)
    try:
        await conn.execute("CREATE TABLE stray (x int); INSERT INTO stray VALUES (1)")
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: None, "does not exist"),
        (lambda path: path.mkdir(), "is a folder"),
        (lambda path: path.write_bytes(b"PGDMP" + bytes(40)), "is not a readable backup"),
        (lambda path: path.write_bytes(b"PGDMP\x01\x0f" + bytes(40)), "is not a readable backup"),
    ],
    ids=["missing", "a folder", "a broken header", "a broken table of contents"],
)
def test_a_file_that_is_no_backup_is_named(tmp_path: Path, make: Any, says: str) -> None:
    file = tmp_path / "backup.dump"
    make(file)
    with pytest.raises(BackupError, match=says):
        read_archive(file, embedded=True)


def test_a_bad_file_is_one_line_and_touches_no_database(tmp_path: Path) -> None:
    file = tmp_path / "backup.sql"
    file.write_text("-- a plain SQL file\nSELECT 1;\n")
    data = tmp_path / "data"
    _refused(
        _run(["restore", str(file)], _env(MATCHMAKER_DATA_DIR=str(data))),
        f"{file} is not a matchmaker backup",
    )
    assert not data.exists()  # no server was started, no database made


def test_no_pg_dump_new_enough_names_the_versions_found_and_needed() -> None:
    found = pgtools.candidates("pg_dump", embedded=False)
    assert found  # the embedded server's at least
    newest = max(tool.major for tool in found)
    with pytest.raises(pgtools.ToolMissing) as refused:
        pgtools.pick("pg_dump", embedded=False, at_least=newest + 1, why="a server from the future")
    message = refused.value.message
    assert f"version {newest + 1} or newer for a server from the future" in message
    for tool in found:
        assert f"{tool.version} ({tool.origin}, {tool.path})" in message
    assert f"postgresql-client-{newest + 1}" in message
    # and one new enough is taken, the system's before the embedded one
    assert pgtools.pick("pg_dump", embedded=False, at_least=0) == found[0]


def test_a_backup_is_not_started_without_a_folder_to_write_it_to(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"folder .* does not exist"):
        check_target(tmp_path / "missing" / "backup.dump")
    with pytest.raises(BackupError, match="it is a folder"):
        check_target(tmp_path)
