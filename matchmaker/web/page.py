"""What every page shares: its language, its words, who is signed in, and how it answers.

A page handler gathers its data from the services and queries, then calls :func:`render` with a
template and its own :data:`~matchmaker.web.i18n.Words`; the template gets ``t`` (the words),
``lang``, ``label(vocabulary, code)``, ``options(vocabulary)``, ``user`` and ``path`` besides.

>>> safe_next("//evil.example/x"), safe_next("/inbox?tab=proposals")
('/', '/inbox?tab=proposals')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from jinja2 import Environment, FileSystemLoader
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.params import Parameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig

from matchmaker.models import CurrentUser
from matchmaker.vocab import LABELS
from matchmaker.web.i18n import LANG_COOKIE, Lang, Words, label, language, text

__all__ = [
    "PathId",
    "Req",
    "is_htmx",
    "lang_of",
    "page_context",
    "render",
    "safe_next",
    "see_other",
    "templates",
    "user_of",
]

Req = Request[Any, Any, Any]
#: An id in a page's path (``/needs/{demand_id:int}`` → ``demand_id: PathId``), bounded like the API's.
PathId = Annotated[int, Parameter(ge=1, le=2**62)]


def templates(directory: Path) -> TemplateConfig[JinjaTemplateEngine]:
    """The pages' Jinja templates, read from disk once per process.

    Jinja's default (``auto_reload``) looks at a template file's time on every use, and a board
    includes a card and its badges once per need: a profile of the board under load found those
    ``stat`` calls on the event loop among its top frames. Templates change only with a release.
    """
    env = Environment(loader=FileSystemLoader(directory), autoescape=True, auto_reload=False)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))


def lang_of(request: Req) -> Lang:
    """The language the request asks for: ``?lang=``, else the cookie, else Chinese."""
    return language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def user_of(request: Req) -> CurrentUser | None:
    """The signed-in user, or None."""
    user = request.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def is_htmx(request: Req) -> bool:
    """True for a request htmx made (it wants a fragment, not a whole page)."""
    return request.headers.get("hx-request") == "true"


def _options(lang: Lang) -> Callable[[str], list[tuple[str, str]]]:
    def options(vocabulary: str) -> list[tuple[str, str]]:
        """(code, label) of every value of a vocabulary, for a select or a row of checkboxes."""
        return [(code, label(lang, vocabulary, code)) for code in LABELS[vocabulary]]

    return options


def page_context(request: Req, words: Words | None = None, **values: Any) -> dict[str, Any]:
    """The context every template expects, plus the page's own ``values``."""
    lang = lang_of(request)
    return {
        "t": text(lang, words),
        "lang": lang,
        "label": lambda vocabulary, code: label(lang, vocabulary, code),
        "options": _options(lang),
        "user": user_of(request),
        "path": request.url.path,
        **values,
    }


def render(
    request: Req,
    template: str,
    *,
    words: Words | None = None,
    status: int = 200,
    **values: Any,
) -> Template:
    """A page (or fragment) in the request's language; remembers a ``?lang=`` switch."""
    chosen = request.query_params.get("lang")
    cookies = (
        [Cookie(key=LANG_COOKIE, value=lang_of(request), httponly=True, samesite="lax")]
        if chosen in ("zh", "en")
        else []
    )
    return Template(
        template_name=template,
        context=page_context(request, words, **values),
        status_code=status,
        cookies=cookies,
    )


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def see_other(request: Req, url: str) -> Response[Any]:
    """303 to ``url`` after a form post; to htmx, a 200 with ``HX-Redirect`` (it would follow a
    303 itself and swap the next page into the fragment)."""
    if is_htmx(request):
        return Response(content=b"", status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)
