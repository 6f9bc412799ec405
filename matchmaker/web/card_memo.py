"""A need's card drawn once for all the readers who see it alike, not once a view.

Drawing the board's twelve cards was a quarter of a board view's Python under load (the card
macro, its labels and escaping). A card is a function of what it is drawn from: the need's row as
read, its partners and their badges, the search words it marks and the language. Every reader who
is not a partner sees that same card (a partner's holds its fit and its interest buttons, with its
form token). So the server keeps each such card's HTML under all of its inputs: a need written,
a partner's badge lapsed or a new interest count makes a new key, and a kept card is never stale,
only unused until the least recently used are dropped.

In a template: ``{{ cards.drawn(d) or cards.keep(card(d)) }}`` — the macro runs only when the card
is not kept (Jinja's ``or`` evaluates its right side only then).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import msgspec
from markupsafe import Markup

from matchmaker.models.demands import Demand

__all__ = ["KEPT_CARDS", "CardMemo", "store_of"]

#: How many cards a server keeps (some 2 KB each: a few MB).
KEPT_CARDS = 4096

Store = OrderedDict[tuple[str, str, bytes], Markup]

_encode = msgspec.json.Encoder().encode


class CardMemo:
    """The cards of one view: kept ones read, drawn ones kept (unless ``active`` is false)."""

    def __init__(
        self,
        store: Store,
        *,
        lang: str,
        marked: str,
        partners: Mapping[int, Any],
        active: bool,
        size: int = KEPT_CARDS,
    ) -> None:
        self._store = store
        self._lang = lang
        self._marked = marked
        self._partners = partners
        self._active = active
        self._size = size
        self._key: tuple[str, str, bytes] | None = None

    def drawn(self, demand: Demand) -> Markup | None:
        """The card kept for ``demand`` as this view would draw it, or None (remembering which
        card :meth:`keep` is then given)."""
        if not self._active:
            return None
        key = (self._lang, self._marked, _encode((demand, self._partners.get(demand.id, ()))))
        found = self._store.get(key)
        if found is not None:
            self._store.move_to_end(key)
            return found
        self._key = key
        return None

    def keep(self, html: Markup) -> Markup:
        """The card just drawn for the demand :meth:`drawn` did not find, kept."""
        if self._key is not None:
            self._store[self._key] = html
            self._key = None
            while len(self._store) > self._size:
                self._store.popitem(last=False)
        return html


def store_of(kept: dict[str, Any]) -> Store:
    """The app's card store (in its lifespan's ``kept``), made on first use."""
    store = kept.get("cards")
    if store is None:
        store = kept["cards"] = OrderedDict()
    return store
