"""What runs for each resource library: its list and read queries, its services, who sees what.

The description of a library (:mod:`matchmaker.libraries`) says what it holds; a :class:`Runs`
here says which query lists and reads its rows, which service creates, patches and archives them
(so every rule stays in the services), how contacts are shown (:mod:`.contacts`), which districts
place a row in a coordinator's area, and whose own row it is. The pages and the sheets take both.

>>> RUNS["cases"].create.__module__
'matchmaker.services.cases'
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from matchmaker.models import CurrentUser
from matchmaker.queries import actors as actor_q
from matchmaker.queries import cases as case_q
from matchmaker.queries import communities as community_q
from matchmaker.queries import policies as policy_q
from matchmaker.queries import products as product_q
from matchmaker.queries import talent as talent_q
from matchmaker.services import actors as actor_service
from matchmaker.services import cases as case_service
from matchmaker.services import communities as community_service
from matchmaker.services import contacts
from matchmaker.services import policies as policy_service
from matchmaker.services import products as product_service
from matchmaker.services import talent as talent_service
from matchmaker.services.access import is_staff_of

__all__ = ["RUNS", "Getter", "Lister", "Runs"]

Lister = Callable[..., Awaitable[tuple[list[Any], str | None]]]
Getter = Callable[[Any, int], Awaitable[Any]]


def _everyone(_user: CurrentUser | None, item: Any) -> Any:
    return item


async def _everyone_one(_conn: Any, _user: CurrentUser | None, item: Any) -> Any:
    return item


def _nobody(_user: CurrentUser | None, _item_id: int) -> bool:
    return False


def _ids(refs: list[Any]) -> list[int]:
    return [r.id for r in refs]


@dataclass(frozen=True)
class Runs:
    """One library's queries and services."""

    filters: type[msgspec.Struct]
    list_rows: Lister
    get_row: Getter
    create: Callable[..., Awaitable[Any]]
    patch: Callable[..., Awaitable[Any]]
    archive: Callable[..., Awaitable[None]]
    #: A row as a list shows it to the viewer (contacts: coordinators and admins only).
    view_in_list: Callable[[CurrentUser | None, Any], Any] = _everyone
    #: A row as its detail page shows it to the viewer (may ask the database, as contacts do).
    view_one: Callable[[Any, CurrentUser | None, Any], Awaitable[Any]] = _everyone_one
    #: The districts a row lies in, for a coordinator's export (None: the library has no areas).
    districts: Callable[[Any], list[int]] | None = None
    #: Whether the user is one of the row's own people (who may edit its ``own_fields``).
    owns: Callable[[CurrentUser | None, int], bool] = _nobody


RUNS: dict[str, Runs] = {
    "communities": Runs(
        community_q.CommunityFilters, community_q.list_communities, community_q.get,
        community_service.create, community_service.patch, community_service.archive,
        view_in_list=contacts.community_in_list, view_one=contacts.community,
        districts=lambda row: [row.district_id], owns=is_staff_of,
    ),
    "actors": Runs(
        actor_q.ActorFilters, actor_q.list_actors, actor_q.get,
        actor_service.create, actor_service.patch, actor_service.archive,
        view_in_list=contacts.actor_in_list, view_one=contacts.actor,
        districts=lambda row: _ids(row.districts),
    ),
    "talent": Runs(
        talent_q.TalentFilters, talent_q.list_talent, talent_q.get,
        talent_service.create, talent_service.patch, talent_service.archive,
        districts=lambda row: _ids(row.districts),
    ),
    "policies": Runs(
        policy_q.PolicyFilters, policy_q.list_policies, policy_q.get,
        policy_service.create, policy_service.patch, policy_service.archive,
    ),
    "cases": Runs(
        case_q.CaseFilters, case_q.list_cases, case_q.get,
        case_service.create, case_service.patch, case_service.archive,
        districts=lambda row: [row.district_id],
    ),
    "products": Runs(
        product_q.ProductFilters, product_q.list_products, product_q.get,
        product_service.create, product_service.patch, product_service.archive,
    ),
}  # fmt: skip
