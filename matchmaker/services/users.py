"""Managing users: create, change, deactivate — the same rules for the API and ``matchmaker user``.

A ``community_staff`` user is bound to one community, a ``partner`` to one organisation, and the
other roles to neither. Every change is written with its audit entry in one transaction; the audit
entry never holds a password or its hash (a new password shows as ``"password_changed": true``).

>>> body = parse_create({"username": "li.na", "display_name": "李娜", "role": "coordinator",
...                      "password": "long-enough-secret"})
>>> body.role
'coordinator'
>>> account = await create(conn, admin, body)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg
import msgspec

from matchmaker.auth import PasswordChecks
from matchmaker.errors import Conflict, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.users import UserAccount, UserCreate, UserPatch
from matchmaker.queries import audit
from matchmaker.queries import sessions as session_queries
from matchmaker.queries import users as q
from matchmaker.services import login_limits, user_areas

__all__ = [
    "authenticate",
    "check_binding",
    "create",
    "parse_create",
    "patch",
    "resolve_actor",
    "resolve_community",
]


#: How a service gets a connection for a moment (``functools.partial(db.pooled, app)``: bounded).
Connect = Callable[[], AbstractAsyncContextManager[asyncpg.Connection]]


async def authenticate(
    connect: Connect,
    passwords: PasswordChecks,
    username: str,
    password: str,
    *,
    address: str,
) -> CurrentUser | None:
    """The active user these credentials name (login recorded and audited), else None.

    The API's token login and the pages' form login both come here, so both answer a wrong
    password and an unknown user alike, and in the same time, and both count against the same
    limits (``login_limits``): raises :class:`~matchmaker.errors.TooManyAttempts` past them.
    No database connection is held while the password is verified (off the loop, bounded), so
    sign-ins waiting for a verification slot cannot starve the pool.
    """
    async with connect() as conn:
        await login_limits.check_address(conn, address)
        await login_limits.check_account(conn, username)
        found = await q.by_username(conn, username.strip().lower())
    user, password_hash = found if found else (None, None)
    right = await passwords.verify(password_hash, password)
    async with connect() as conn:
        if not right or user is None:
            await login_limits.failed(conn, username)
            return None
        await login_limits.succeeded(conn, username)
        async with conn.transaction():
            await q.touch_login(conn, user.id)
            await audit.record(conn, user, "user", user.id, "login")
    return user


EDITABLE = ("display_name", "role", "community_id", "actor_id", "active")

#: Where msgspec names the field: "… - at `$.password`" or "… missing required field `role`".
_AT_FIELD = re.compile(r" - at `\$\.(\w+)`")
_NAMED_FIELD = re.compile(r"field `(\w+)`")


def parse_create(values: dict[str, Any]) -> UserCreate:
    """``values`` as a :class:`UserCreate`, or :class:`Invalid` naming the field at fault."""
    try:
        return msgspec.convert(values, UserCreate)
    except msgspec.ValidationError as exc:
        text = str(exc)
        named = _AT_FIELD.search(text) or _NAMED_FIELD.search(text)
        if named is None:
            raise Invalid(text) from None
        raise Invalid(f"{named[1]}: {_AT_FIELD.sub('', text)}", field=named[1]) from None


async def check_binding(
    conn: asyncpg.Connection, role: str, community_id: int | None, actor_id: int | None
) -> None:
    """Refuse a binding the role does not take, a missing one, or one to nothing that exists."""
    if role == "community_staff":
        if community_id is None:
            raise Invalid(
                "community_id: required for the role community_staff", field="community_id"
            )
        if not await q.find_community(conn, community_id, None):
            raise Invalid(
                f"community_id: community {community_id} does not exist", field="community_id"
            )
    elif community_id is not None:
        raise Invalid(
            f"community_id: only a community_staff user is bound to a community, not a {role}",
            field="community_id",
        )
    if role == "partner":
        if actor_id is None:
            raise Invalid("actor_id: required for the role partner", field="actor_id")
        if not await q.find_actor(conn, actor_id, None):
            raise Invalid(f"actor_id: organisation {actor_id} does not exist", field="actor_id")
    elif actor_id is not None:
        raise Invalid(
            f"actor_id: only a partner user is bound to an organisation, not a {role}",
            field="actor_id",
        )


async def create(
    conn: asyncpg.Connection,
    by: CurrentUser | None,
    body: UserCreate,
    passwords: PasswordChecks | None = None,
) -> UserAccount:
    """A new, active user; ``by`` is the admin or coordinator creating it (None from the command
    line; a coordinator only staff of their area, see ``user_areas``)."""
    await check_binding(conn, body.role, body.community_id, body.actor_id)
    await user_areas.require_manages(conn, by, body.role, body.community_id, body.actor_id)
    password_hash = await (passwords or PasswordChecks(1)).hash(body.password)
    async with conn.transaction():
        user_id = await q.insert_account(
            conn,
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            community_id=body.community_id,
            actor_id=body.actor_id,
            password_hash=password_hash,
        )
        await user_areas.apply_areas(conn, by, user_id, body.role, body.areas)
        account = await q.account(conn, user_id)
        await audit.record(conn, by, "user", user_id, "create", None, account)
    return account


async def patch(
    conn: asyncpg.Connection,
    by: CurrentUser,
    user_id: int,
    body: UserPatch,
    passwords: PasswordChecks | None = None,
) -> UserAccount:
    """Change some fields of a user; an admin may neither deactivate nor re-role themself.

    A new password or a deactivation ends every session of the user (their tokens stop at once).
    """
    changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
    password = changes.pop("password", None)
    new_areas = changes.pop("areas", msgspec.UNSET)
    password_hash = (
        await (passwords or PasswordChecks(1)).hash(password) if password is not None else None
    )
    async with conn.transaction():
        before = await q.lock_account(conn, user_id)
        if by.role != "admin":
            await user_areas.visible(conn, by, before)
        role_changes = "role" in changes and changes["role"] != before.role
        if user_id == by.id:
            if changes.get("active") is False:
                raise Conflict(
                    "active: you cannot deactivate yourself; ask another admin", field="active"
                )
            if role_changes:
                raise Conflict(
                    "role: you cannot change your own role; ask another admin", field="role"
                )
        if role_changes:  # a binding the new role does not take goes, unless one is sent
            changes.setdefault("community_id", None)
            changes.setdefault("actor_id", None)
        after = {k: getattr(before, k) for k in EDITABLE} | changes
        msgspec.convert(after, UserPatch)
        await check_binding(conn, after["role"], after["community_id"], after["actor_id"])
        await user_areas.require_manages(
            conn, by, after["role"], after["community_id"], after["actor_id"]
        )
        await q.update_account(conn, user_id, after)
        await user_areas.apply_areas(
            conn, by, user_id, after["role"], new_areas, role_changed=role_changes
        )
        if password_hash is not None:
            await q.set_password(conn, user_id, password_hash)
        if password_hash is not None or (before.active and after["active"] is False):
            await session_queries.revoke_all(conn, user_id)
        account = await q.account(conn, user_id)
        entry: dict[str, Any] = msgspec.to_builtins(account)
        if password_hash is not None:
            entry["password_changed"] = True
        await audit.record(conn, by, "user", user_id, "update", before, entry)
    return account


def _reference(ref: str) -> tuple[int | None, str]:
    ref = ref.strip()
    return (int(ref) if ref.isascii() and ref.isdigit() else None), ref


async def resolve_community(conn: asyncpg.Connection, ref: str) -> int:
    """The id of the live community named or numbered ``ref``; refuses an unknown or ambiguous one."""
    ident, name = _reference(ref)
    found = await q.find_community(conn, ident, name)
    exact = [cid for cid, _ in found if cid == ident]
    if exact:
        return exact[0]
    if not found:
        raise Invalid(f"community: no community is called or numbered {name!r}", field="community")
    if len(found) > 1:
        ids = ", ".join(str(cid) for cid, _ in found)
        raise Invalid(
            f"community: {len(found)} communities are called {name!r} (ids {ids}); give the id",
            field="community",
        )
    return found[0][0]


async def resolve_actor(conn: asyncpg.Connection, ref: str) -> int:
    """The id of the live organisation named or numbered ``ref``; refuses an unknown one."""
    ident, name = _reference(ref)
    found = await q.find_actor(conn, ident, name)
    exact = [aid for aid, _ in found if aid == ident]
    if exact:
        return exact[0]
    if not found:
        raise Invalid(f"actor: no organisation is called or numbered {name!r}", field="actor")
    return found[0][0]
