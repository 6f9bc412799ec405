"""The six resource libraries, each described once (六大资源库, the needs aside).

A :class:`~matchmaker.libraries.shape.Library` names each field of a library once — its label in
Chinese and English, its type, vocabulary or reference table, whether it is required, and what
its form and its spreadsheet column add — with what the library's pages show, filter and sort by.
Everything derives from it: the pages (``web.library_kinds``), the sheets (``sheets.columns``),
the queries' checks (``queries.library``). This package sits at the models' level: it imports only
:mod:`matchmaker.models`, so every layer may import it.

>>> list(LIBRARIES)
['communities', 'actors', 'talent', 'policies', 'cases', 'products']
>>> WORDS["f_name"], WORDS["lib_cases"][0]
(('名称', 'Name'), '案例库')
"""

from __future__ import annotations

from matchmaker.libraries.actors import ACTORS
from matchmaker.libraries.cases import CASES
from matchmaker.libraries.common import ATTR_WORDS, SORT_WORDS
from matchmaker.libraries.communities import COMMUNITIES
from matchmaker.libraries.policies import POLICIES
from matchmaker.libraries.products import PRODUCTS
from matchmaker.libraries.shape import Library
from matchmaker.libraries.talent import TALENT

__all__ = ["LIBRARIES", "WORDS", "Library"]

#: By URL name, in the order they must be imported into an empty database (a talent row or a
#: product names an organisation, a case a community).
LIBRARIES: dict[str, Library] = {
    lib.name: lib for lib in (COMMUNITIES, ACTORS, TALENT, POLICIES, CASES, PRODUCTS)
}


def _words() -> dict[str, tuple[str, str]]:
    """Every library's name, description and field labels, keyed as the pages look them up
    (``lib_<name>``, ``lib_<name>_about``, ``f_<field>``); one field name has one label."""
    words: dict[str, tuple[str, str]] = {}
    for lib in LIBRARIES.values():
        words[f"lib_{lib.name}"] = lib.title
        words[f"lib_{lib.name}_about"] = lib.about
        for field in lib.fields:
            key = f"f_{field.name}"
            if words.setdefault(key, field.label) != field.label:
                raise ValueError(f"{lib.name}.{field.name}: a label other than {words[key]}")
    return words | ATTR_WORDS | SORT_WORDS


#: The libraries' words for their pages: key → (Chinese, English).
WORDS: dict[str, tuple[str, str]] = _words()
