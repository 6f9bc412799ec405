"""``matchmaker user``: add and list users from the command line (e.g. the first admin).

The same rules as ``POST /api/v1/users`` apply (:mod:`matchmaker.services.users`); a refusal is one
line on stderr and exit status 2.

    matchmaker user add li.na --role community_staff --community 渔箭社区 --display-name 李娜
    printf '%s\\n' "$PASSWORD" | matchmaker user add ops --role admin --password-stdin
    matchmaker user add wang --role coordinator --area 成华区 --area 广安市
    matchmaker user list --role partner
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import click

from matchmaker import db
from matchmaker.cli.running import run, settings_from_env
from matchmaker.vocab import Role, codes

__all__ = ["user"]

T = TypeVar("T")


def _with_database(work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Connect like the other commands do, migrate, run ``work``; a refusal exits 2 in one line."""
    from matchmaker.migrate import migrate
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()

    async def work_on_database() -> T:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            await migrate(conn)
            return await work(conn)
        finally:
            await conn.close()

    return run(work_on_database())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    password: str = click.prompt(
        "Password", hide_input=True, confirmation_prompt=True, show_default=False
    )
    return password


@click.group()
def user() -> None:
    """Add and list the people who sign in."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(codes(Role)), help="The user's role.")
@click.option("--community", metavar="NAME|ID", help="Community of a community_staff user.")
@click.option("--actor", metavar="NAME|ID", help="Organisation of a partner user.")
@click.option("--display-name", metavar="TEXT", help="Name shown in the app [default: USERNAME].")
@click.option(
    "--area",
    "areas",
    multiple=True,
    metavar="NAME|ID",
    help="A coordinator's district or whole city (repeat for more).",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of prompting."
)
def add(
    username: str,
    role: str,
    community: str | None,
    actor: str | None,
    display_name: str | None,
    areas: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Create USERNAME (the password is asked twice, hidden)."""
    from matchmaker.services import users as service

    password = _read_password(password_stdin)

    async def work(conn: asyncpg.Connection) -> str:
        community_id = await service.resolve_community(conn, community) if community else None
        actor_id = await service.resolve_actor(conn, actor) if actor else None
        body = service.parse_create(
            {
                "username": username,
                "display_name": display_name or username,
                "role": role,
                "password": password,
                "community_id": community_id,
                "actor_id": actor_id,
                "areas": [int(a) if a.isdigit() else a for a in areas],
            }
        )
        account = await service.create(conn, None, body)
        bound = account.community_name or account.actor_name
        return (
            f"created user {account.username} (id {account.id}, {account.role}"
            + (f", {bound}" if bound else "")
            + ")"
        )

    click.echo(_with_database(work))


@user.command("list")
@click.option("--role", type=click.Choice(codes(Role)), help="Only users with this role.")
def list_(role: str | None) -> None:
    """List users: id, username, role, binding, active, display name."""
    from matchmaker.queries import users as q

    async def work(conn: asyncpg.Connection) -> list[str]:
        lines, cursor = [], None
        while True:
            page, cursor = await q.list_accounts(
                conn, role=role, active=None, limit=200, cursor=cursor
            )
            for a in page:
                bound = a.community_name or a.actor_name or "-"
                state = "active" if a.active else "inactive"
                lines.append(f"{a.id}\t{a.username}\t{a.role}\t{bound}\t{state}\t{a.display_name}")
            if cursor is None:
                return lines

    lines = _with_database(work)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no users", err=True)
