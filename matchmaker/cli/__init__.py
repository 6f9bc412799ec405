"""The ``matchmaker`` command.

Every command turns a foreseen failure (database unreachable, folder not writable, port taken, bad
seed row) into one line on stderr and exit status 2, never a traceback.

    matchmaker serve                 # embedded PostgreSQL + demo data on http://127.0.0.1:8000
    matchmaker migrate               # apply pending migrations
    matchmaker seed                  # load the demo data (idempotent)
    matchmaker seed --synthetic --demands 100000 --seed 7
    matchmaker user add NAME --role coordinator
    matchmaker export demands --format xlsx      matchmaker import demands FILE.xlsx
    matchmaker backup FILE.dump                   matchmaker restore FILE.dump [--replace]
    matchmaker round --district 邛崃市 --dry-run
    matchmaker bench api | bench match
"""

from __future__ import annotations

import click

from matchmaker.cli.backup import backup_command, restore_command
from matchmaker.cli.bench import bench
from matchmaker.cli.database import migrate, reindex, seed
from matchmaker.cli.rounds import round_command
from matchmaker.cli.serve import serve
from matchmaker.cli.sheets import export, import_
from matchmaker.cli.users import user
from matchmaker.cli.worker import worker_command

__all__ = ["main"]


@click.group()
@click.version_option(package_name="matchmaker")
def main() -> None:
    """matchmaker — 社区资源对接平台: match community needs with partners."""


for command in (
    serve,
    worker_command,
    migrate,
    reindex,
    seed,
    user,
    export,
    import_,
    backup_command,
    restore_command,
    round_command,
    bench,
):
    main.add_command(command)
