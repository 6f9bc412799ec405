"""``matchmaker export`` and ``matchmaker import``: the spreadsheets staff keep, from the command line.

    matchmaker export demands                          # demands-<today>.xlsx here
    matchmaker export demands --format csv -o 需求.csv  # UTF-8 with BOM
    matchmaker import demands 需求.xlsx                 # every row checked; all or nothing
    matchmaker export actors 主体库.xlsx                # any library: communities, actors, talent …
    matchmaker import actors 主体库.xlsx --as admin     # added as that curator (audit, area)

The command line acts at coordinator level: rows may name any community and any status. A file with
bad rows prints each (row, column, reason) on stderr and exits 2 having loaded nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import get_args

import asyncpg
import click

from matchmaker import db
from matchmaker.cli.running import run, settings_from_env
from matchmaker.errors import from_postgres
from matchmaker.sheets.workbook import RowError, SheetFormat, SheetRejected

__all__ = ["export", "import_"]

FORMATS = get_args(SheetFormat)


async def _connect() -> asyncpg.Connection:
    """A migrated database connection, as the other commands find it."""
    from matchmaker.migrate import migrate
    from matchmaker.services.bootstrap import resolve_dsn

    dsn, _ = await resolve_dsn(settings_from_env())
    conn = await db.connect(dsn)
    try:
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


@click.group()
def export() -> None:
    """Export records as spreadsheets (xlsx or csv) with Chinese headers."""


@export.command(name="demands")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="xlsx or csv [default: from --output's extension, else xlsx].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write, '-' for stdout [default: demands-<today>.<format>].",
)
def export_demands(fmt: str | None, output: Path | None) -> None:
    """Every non-archived demand of every community, as staff keep them in Excel."""
    from matchmaker.queries import demand_sheets
    from matchmaker.queries.demands import DemandFilters
    from matchmaker.sheets.needs import demands_csv, demands_xlsx

    fmt, target = _target("demands", output, fmt)

    async def work() -> bytes:
        conn = await _connect()
        try:
            demands = await demand_sheets.export(conn, DemandFilters())
        finally:
            await conn.close()
        click.echo(f"exported {len(demands)} demand(s)", err=str(target) == "-")
        return demands_xlsx(demands) if fmt == "xlsx" else demands_csv(demands)

    content = run(work())
    if str(target) == "-":
        sys.stdout.buffer.write(content)
        return
    try:
        target.write_bytes(content)
    except OSError as exc:
        click.echo(f"matchmaker: error: cannot write {target}: {exc.strerror}", err=True)
        sys.exit(2)
    click.echo(f"wrote {target}")


@click.group(name="import")
def import_() -> None:
    """Import records from spreadsheets (xlsx or csv)."""


@import_.command(name="demands")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_demands(file: Path) -> None:
    """Add the demands in FILE (.xlsx or .csv): all of them, or none when a row is bad."""
    from matchmaker.services.demand_import import ImportResult
    from matchmaker.services.demand_import import import_demands as load
    from matchmaker.sheets.workbook import read_sheet

    try:
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"matchmaker: error: cannot read {file}: {exc.strerror}", err=True)
        sys.exit(2)

    async def work() -> ImportResult | list[RowError]:
        sheet = read_sheet(data, file.name)
        conn = await _connect()
        try:
            return await load(conn, sheet, None, any_community=True)
        except SheetRejected as exc:
            return exc.errors
        except asyncpg.PostgresError as exc:  # the schema's last line of defence: one clear line
            raise (from_postgres(exc) or exc) from None
        finally:
            await conn.close()

    result = run(work())
    _refuse_rows(file, result)
    click.echo(f"imported {result.count} demand(s) from {file.name}")


def _library_commands(name: str) -> None:
    """``matchmaker export <library>`` and ``matchmaker import <library>`` for one library."""
    from matchmaker.sheets.columns import SHEETS

    kind = SHEETS[name]

    @export.command(name=name, help=f"Every row of the {name} library (contacts included).")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
    @click.option("--format", "fmt", type=click.Choice(FORMATS), help="xlsx or csv [default: from FILE's extension, else xlsx].")  # fmt: skip
    def export_library(file: Path | None, fmt: str | None) -> None:
        from matchmaker.sheets import libraries

        fmt, target = _target(name, file, fmt)

        async def work() -> bytes:
            conn = await _connect()
            try:
                rows = await libraries.export_rows(conn, kind, None, everything=True)
            finally:
                await conn.close()
            click.echo(f"exported {len(rows)} row(s) of {name}", err=str(target) == "-")
            return libraries.write(kind, rows, "csv" if fmt == "csv" else "xlsx")

        content = run(work())
        if str(target) == "-":
            sys.stdout.buffer.write(content)
            return
        try:
            target.write_bytes(content)
        except OSError as exc:
            click.echo(f"matchmaker: error: cannot write {target}: {exc.strerror}", err=True)
            sys.exit(2)
        click.echo(f"wrote {target}")

    @import_.command(name=name, help=f"Add the rows in FILE to the {name} library: all or none.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--as", "username", default="admin", show_default=True, help="The coordinator or admin the rows are added as (audit log, area).")  # fmt: skip
    def import_library(file: Path, username: str) -> None:
        from matchmaker.queries.users import by_username
        from matchmaker.sheets import libraries
        from matchmaker.sheets.workbook import read_sheet

        data = file.read_bytes()

        async def work() -> libraries.ImportResult | list[RowError]:
            sheet = read_sheet(data, file.name)
            conn = await _connect()
            try:
                found = await by_username(conn, username)
                if found is None:
                    raise click.UsageError(f"--as: no active user is named {username!r}")
                return await libraries.import_rows(conn, kind, sheet, found[0])
            except SheetRejected as exc:
                return exc.errors
            finally:
                await conn.close()

        result = run(work())
        _refuse_rows(file, result)
        click.echo(f"imported {result.count} row(s) of {name} from {file.name}")


for _name in ("communities", "actors", "talent", "policies", "cases", "products"):
    _library_commands(_name)


def _refuse_rows(file: Path, result: object) -> None:
    """A refused import's every bad row on stderr, then exit 2 (nothing was imported)."""
    if not isinstance(result, list):
        return
    for error in result:
        click.echo(f"row {error.row}, {error.column}: {error.reason}", err=True)
    rows = len({e.row for e in result})
    click.echo(
        f"matchmaker: error: {file.name}: {rows} row(s) have errors; nothing was imported",
        err=True,
    )
    sys.exit(2)


def _target(name: str, file: Path | None, fmt: str | None) -> tuple[str, Path]:
    """The format (given, else FILE's extension, else xlsx) and the file an export writes."""
    if fmt is None:
        suffix = file.suffix.lower().lstrip(".") if file else ""
        fmt = suffix if suffix in FORMATS else "xlsx"
    return fmt, file or Path(f"{name}-{dt.date.today().isoformat()}.{fmt}")
