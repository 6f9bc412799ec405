"""Marking what a search matched in titles and snippets, escaped.

The text is escaped piece by piece and only the ``<mark>`` tags are ours, so a title holding
``<script>`` stays text.

>>> str(Marker(("老人",)).text("<b>独居老人</b>"))
'&lt;b&gt;独居<mark>老人</mark>&lt;/b&gt;'
>>> str(Marker(("托管",)).snippet("甲" * 100 + "暑期托管" + "乙" * 100, width=10))
'…甲甲甲暑期<mark>托管</mark>乙乙乙…'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["Marker"]


class Marker:
    """Marks the words of one search (longest first, case-insensitive) in the texts shown."""

    def __init__(self, words: Sequence[str]) -> None:
        ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
        self._pattern = (
            re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE) if ordered else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    @property
    def key(self) -> str:
        """What it marks, as one string ("" for nothing): two Markers with one key mark alike."""
        return self._pattern.pattern if self._pattern is not None else ""

    def text(self, value: str) -> Markup:
        """``value`` escaped, each match in ``<mark>``."""
        if self._pattern is None:
            return escape(value)
        # plain strings joined once: Markup.format and Markup.join were a tenth of a search
        # page's Python time (a string.Formatter per match); each piece is still escaped
        out: list[str] = []
        last = 0
        for m in self._pattern.finditer(value):
            out += (escape(value[last : m.start()]), "<mark>", escape(m.group()), "</mark>")
            last = m.end()
        out.append(escape(value[last:]))
        return Markup("".join(out))  # noqa: S704 (every piece escaped above; only <mark> is ours)

    def snippet(self, value: str, width: int = 60) -> Markup:
        """The part of ``value`` around its first match (all of it when short or unmatched)."""
        found = self._pattern.search(value) if self._pattern else None
        if found is None or len(value) <= 2 * width:
            return self.text(value)
        start = max(0, found.start() - width // 2)
        end = min(len(value), start + width)
        head = escape("…" if start > 0 else "")
        tail = escape("…" if end < len(value) else "")
        return head + self.text(value[start:end]) + tail
