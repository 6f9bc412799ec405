"""A partner's own pages: its organisation's profile (/profile) and its products (/products/...).

The profile form offers only what an organisation's staff may change (``services.actors`` refuses
``verified``, ``grade`` and ``kind`` — a curator vouches for those; they are shown, not edited).
Products go through ``services.products``, which keeps a partner to its own catalogue. Every form
re-renders with status 422 and what was typed when a field is wrong, the message next to it.
Both edit forms carry the version they were drawn from: saving over a newer one changes nothing
and says someone else changed it (412, ``services.versions``).
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Conflict, Forbidden, Invalid, PreconditionFailed
from matchmaker.models import CurrentUser
from matchmaker.models.actors import PARTNER_FIXED_FIELDS, Actor, ActorPatch
from matchmaker.models.products import Product, ProductCreate, ProductPatch
from matchmaker.queries import actors as actor_queries
from matchmaker.queries import communities as community_queries
from matchmaker.queries import products as product_queries
from matchmaker.queries.communities import districts as districts_of
from matchmaker.services import actors as actor_service
from matchmaker.services import products as product_service
from matchmaker.services import versions
from matchmaker.services.access import require_actor
from matchmaker.web import places
from matchmaker.web.forms import FormValues, errors_of, parse, read, typed
from matchmaker.web.i18n import say
from matchmaker.web.page import Req, lang_of, render, see_other, user_of
from matchmaker.web.profile_words import WORDS

__all__ = [
    "archive_product",
    "edit_product",
    "my_products",
    "new_product",
    "profile_form",
    "profile_save",
    "save_new_product",
    "save_product",
]

PARTNER = roles("partner")
Answer = Response[Any] | Template
Conn = NamedDependency[asyncpg.Connection]
Id = Annotated[int, PathParameter(ge=1, le=2**62)]
Done = Annotated[str | None, QueryParameter(max_length=20)]

#: What a partner's form never sends: a curator sets these.
FIXED = frozenset(PARTNER_FIXED_FIELDS)
#: Profile fields a form may leave blank to clear them (they are nullable).
CLEARABLE = ("website", "contact_name", "contact_phone", "contact_email")
#: Fields that take several values (checkbox rows).
PROFILE_LISTS = ("categories", "resource_types", "district_ids", "remote_resource_types")

#: Fields whose rule is a pattern, and the word that explains it (msgspec only names the regex).
PATTERN_WORDS = {"website": "bad_website", "contact_email": "bad_email"}


def _explained(request: Req, errors: dict[str, str]) -> dict[str, str]:
    """Pattern errors said as what to type instead of as a regular expression."""
    lang = lang_of(request)
    return {
        field: say(lang, WORDS[PATTERN_WORDS[field]])
        if field in PATTERN_WORDS and "regex" in message
        else message
        for field, message in errors.items()
    }


def _status_of(exc: AppError) -> int:
    """A form refused by a service: 422 for a bad value, else the refusal's own status."""
    return 422 if isinstance(exc, Invalid) else exc.status


def _product_errors(request: Req, exc: AppError) -> dict[str, str]:
    """A product refusal next to its field, a taken name said in the reader's words."""
    if isinstance(exc, Conflict) and exc.field == "name":
        return {"name": say(lang_of(request), WORDS["name_taken"])}
    return errors_of(exc, lang_of(request))


def _actor_values(actor: Actor) -> dict[str, Any]:
    """An organisation as the profile form shows it (strings, and lists of codes/ids)."""
    values = msgspec.structs.asdict(actor)
    shown = {k: ("" if v is None or v is msgspec.UNSET else v) for k, v in values.items()}
    shown["district_ids"] = [str(d.id) for d in actor.districts]
    shown["remote"] = "true" if actor.remote else "false"
    shown["_version"] = versions.version(actor.updated_at)
    return shown


def _version_of(values: FormValues) -> str | None:
    """The version the edit form was drawn from (None: a form without one writes regardless)."""
    return (values.get("_version") or [""])[-1] or None


def _me(request: Req) -> CurrentUser:
    user = user_of(request)
    assert user is not None  # the role guard let only signed-in partners through
    return user


def _actor_id(user: CurrentUser) -> int:
    """The organisation a partner speaks for (the database binds every partner to one)."""
    if user.role != "partner" or user.actor_id is None:
        raise Forbidden("only staff of this organisation may do this")
    assert user.actor_id is not None
    return user.actor_id


async def _profile_page(
    request: Req,
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Template:
    districts = await districts_of(conn)
    lat, lon = (values.get(k) for k in ("lat", "lon"))
    point = places.at(lat, lon)
    lying = None if point is None else await community_queries.district_at(conn, *point)
    served = [d.id for d in actor.districts] + ([] if lying is None else [lying])
    shown = places.listed(served, lat, lon, districts)
    known = await community_queries.places(conn, shown)
    place = places.chosen(lat, lon, known)
    return render(
        request, "profile.html", words=WORDS | places.WORDS, status=status, actor=actor, v=values,
        errors=errors or {}, saved=saved, districts=districts, stale=status == 412,
        places=places.grouped(known), place=place,
        near=None if place else places.nearest(lat, lon, known),
    )  # fmt: skip


@get("/profile", name="profile", include_in_schema=False, guards=[PARTNER])
async def profile_form(request: Req, conn: Conn, saved: Done = None) -> Template:
    """The organisation's profile, ready to edit."""
    actor = await actor_queries.get(conn, _actor_id(_me(request)))
    return await _profile_page(request, conn, actor, values=_actor_values(actor), saved=bool(saved))


def _cleared(body: ActorPatch, values: FormValues) -> ActorPatch:
    """A nullable field sent blank means "remove it" (the form parser reads blank as not given)."""
    blank = {
        name: None for name in CLEARABLE if name in values and not "".join(values[name]).strip()
    }
    return msgspec.structs.replace(body, **blank) if blank else body


@post("/profile", name="profile_save", include_in_schema=False, guards=[PARTNER], status_code=200)
async def profile_save(request: Req, conn: Conn) -> Answer:
    """Save the profile through ``services.actors.patch``; refusals show next to their fields."""
    user = _me(request)
    actor_id = _actor_id(user)
    values = read(await request.form())
    values = places.with_place(values, await community_queries.place(conn, places.picked(values)))
    body, errors = parse(values, ActorPatch, lang=lang_of(request), skip=FIXED)
    errors = _explained(request, errors)
    status = 422
    if body is not None:
        try:
            async with versions.expecting(conn, "actors", actor_id, _version_of(values)):
                await actor_service.patch(conn, user, actor_id, _cleared(body, values))
        except PreconditionFailed:
            status = 412
        except AppError as exc:
            errors, status = errors_of(exc, lang_of(request)), _status_of(exc)
            if exc.field == "remote_resource_types":
                errors = {exc.field: say(lang_of(request), WORDS["remote_not_offered"])}
        else:
            return see_other(request, "/profile?saved=1")
    actor = await actor_queries.get(conn, actor_id)
    shown = _actor_values(actor) | typed(values, PROFILE_LISTS)
    return await _profile_page(request, conn, actor, values=shown, errors=errors, status=status)


# products ------------------------------------------------------------------------------------

PRODUCT_LISTS = ("target_groups",)


@get("/products/mine", name="my_products", include_in_schema=False, guards=[PARTNER])
async def my_products(request: Req, conn: Conn, done: Done = None) -> Template:
    """The organisation's own products, newest first."""
    filters = product_queries.ProductFilters(actor_id=_actor_id(_me(request)))
    items, _ = await product_queries.list_products(
        conn, filters, sort="newest", limit=200, cursor=None
    )
    notice = f"done_{done}" if done in ("created", "saved", "archived") else None
    return render(request, "products_mine.html", words=WORDS, items=items, notice=notice)


def _product_page(
    request: Req,
    *,
    product: Product | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request, "product_form.html", words=WORDS, status=status, product=product, v=values,
        errors=errors or {}, stale=status == 412,
    )  # fmt: skip


@get("/products/new", name="new_product", include_in_schema=False, guards=[PARTNER])
async def new_product(request: Req) -> Template:
    """An empty product form (公益 by default: price 0)."""
    _actor_id(_me(request))
    values = {"delivery_mode": "onsite", "price": "0", "capacity_per_month": "0"}
    return _product_page(request, product=None, values=values)


@post(
    "/products/new", name="save_new_product", include_in_schema=False, guards=[PARTNER],
    status_code=200,
)  # fmt: skip
async def save_new_product(request: Req, conn: Conn) -> Answer:
    """Add a product to the organisation's catalogue."""
    user = _me(request)
    values = read(await request.form())
    body, errors = parse(values, ProductCreate, lang=lang_of(request), skip=frozenset({"actor_id"}))
    status = 422
    if body is not None:
        try:
            await product_service.create(conn, user, body)
        except AppError as exc:
            errors, status = _product_errors(request, exc), _status_of(exc)
        else:
            return see_other(request, "/products/mine?done=created")
    return _product_page(
        request, product=None, values=typed(values, PRODUCT_LISTS), errors=errors, status=status
    )


async def _own_product(conn: asyncpg.Connection, user: CurrentUser, product_id: int) -> Product:
    """The product, when it is the user's organisation's (403 otherwise, 404 when gone)."""
    product = await product_queries.get(conn, product_id)
    await require_actor(conn, user, product.actor_id)
    return product


def _product_values(product: Product) -> dict[str, Any]:
    values = msgspec.structs.asdict(product)
    values["price"] = f"{product.price:g}"
    values["_version"] = versions.version(product.updated_at)
    return values


@get("/products/{product_id:int}/edit", name="edit_product", include_in_schema=False,
     guards=[PARTNER])  # fmt: skip
async def edit_product(request: Req, conn: Conn, product_id: Id) -> Template:
    """The product's form, filled in."""
    product = await _own_product(conn, _me(request), product_id)
    return _product_page(request, product=product, values=_product_values(product))


@post(
    "/products/{product_id:int}/edit", name="save_product", include_in_schema=False,
    guards=[PARTNER], status_code=200,
)  # fmt: skip
async def save_product(request: Req, conn: Conn, product_id: Id) -> Answer:
    """Save changes through ``services.products.patch``."""
    user = _me(request)
    product = await _own_product(conn, user, product_id)
    values = read(await request.form())
    body, errors = parse(values, ProductPatch, lang=lang_of(request))
    status = 422
    if body is not None:
        try:
            async with versions.expecting(conn, "products", product_id, _version_of(values)):
                await product_service.patch(conn, user, product_id, body)
        except PreconditionFailed:
            status = 412
        except AppError as exc:
            errors, status = _product_errors(request, exc), _status_of(exc)
        else:
            return see_other(request, "/products/mine?done=saved")
    shown = _product_values(product) | typed(values, PRODUCT_LISTS)
    return _product_page(request, product=product, values=shown, errors=errors, status=status)


@post(
    "/products/{product_id:int}/archive", name="archive_product", include_in_schema=False,
    guards=[PARTNER], status_code=200,
)  # fmt: skip
async def archive_product(request: Req, conn: Conn, product_id: Id) -> Answer:
    """Archive the product once the confirmation box is ticked."""
    user = _me(request)
    product = await _own_product(conn, user, product_id)
    values = read(await request.form())
    if "yes" not in values.get("confirm", []):
        message = say(lang_of(request), WORDS["archive_needs_confirm"])
        return _product_page(
            request, product=product, values=_product_values(product),
            errors={"confirm": message}, status=422,
        )  # fmt: skip
    await product_service.archive(conn, user, product_id)
    return see_other(request, "/products/mine?done=archived")
