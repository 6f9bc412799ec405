"""PostgreSQL's client programs (pg_dump, pg_restore, psql): which copy to run, and at what version.

Two copies may be at hand: the embedded server's (the ``pgserver`` wheel ships a whole PostgreSQL
in ``pgserver/pginstall/bin``) and the system's on ``PATH``. The embedded server is always served
by its own copy, which is its version exactly. For an external server the system's copy comes
first (it is what its administrator installed), and the embedded copy stands in when the system's
is too old: pg_dump cannot dump a server newer than itself, and pg_restore cannot read an archive
written by a newer pg_dump.

>>> pick("pg_dump", embedded=False, at_least=15).path  # doctest: +SKIP
PosixPath('/usr/bin/pg_dump')
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import msgspec

from matchmaker.errors import AppError

__all__ = ["Tool", "ToolMissing", "candidates", "embedded_bin", "pick"]

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class ToolMissing(AppError):
    """No usable copy of a PostgreSQL client program: none installed, or all too old."""


class Tool(msgspec.Struct, frozen=True):
    """One copy of a client program: where it is, its version, and whose copy it is."""

    path: Path
    version: str
    major: int
    #: "embedded" (pgserver's) or "system" (found on PATH).
    origin: str

    def sibling(self, name: str) -> Path:
        """Another program of the same installation (psql beside pg_restore)."""
        beside = self.path.parent / name
        return beside if beside.exists() else Path(shutil.which(name) or name)

    def describe(self) -> str:
        return f"{self.path.name} {self.version} ({self.origin}, {self.path})"


def embedded_bin() -> Path | None:
    """pgserver's bin folder, found without importing pgserver (its import makes a lock file)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return folder if folder.is_dir() else None


def _tool(path: Path, origin: str) -> Tool | None:
    """The program at ``path`` with the version it reports, or None when it does not run."""
    try:
        said = subprocess.run(  # noqa: S603 (PostgreSQL's own program, no shell)
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    found = _VERSION.search(said)
    if found is None:
        return None
    version = found[1] + (f".{found[2]}" if found[2] else "")
    return Tool(path=path, version=version, major=int(found[1]), origin=origin)


def candidates(name: str, *, embedded: bool) -> list[Tool]:
    """The copies of ``name`` to try, in order of preference (see the module's docstring)."""
    paths: list[tuple[Path, str]] = []
    if not embedded:
        system = shutil.which(name)
        if system:
            paths.append((Path(system), "system"))
    folder = embedded_bin()
    if folder is not None and (folder / name).exists():
        paths.append((folder / name, "embedded"))
    tools = [_tool(path, origin) for path, origin in paths]
    return [tool for tool in tools if tool is not None]


def pick(name: str, *, embedded: bool, at_least: int, why: str = "") -> Tool:
    """The preferred copy of ``name`` whose major version is at least ``at_least``.

    ``why`` says what needs that version, for the message when no copy qualifies.
    """
    found = candidates(name, embedded=embedded)
    for tool in found:
        if tool.major >= at_least:
            return tool
    need = why or f"PostgreSQL {at_least}"
    if not found:
        raise ToolMissing(
            f"{name} was not found (not on PATH, and the embedded PostgreSQL has none); "
            f"install the PostgreSQL {at_least} client tools (Debian: apt install postgresql-client-{at_least})"
        )
    have = ", ".join(f"{tool.version} ({tool.origin}, {tool.path})" for tool in found)
    raise ToolMissing(
        f"{name} must be version {at_least} or newer for {need}, and the copies here are {have}; "
        f"install the PostgreSQL {at_least} client tools "
        f"(Debian: apt install postgresql-client-{at_least}) and put them first on PATH"
    )
