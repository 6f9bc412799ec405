"""How a score adds up, said the same way wherever one is shown: each component with its weight
and what it brings, summing to the total, as percentages.

The board (a partner's fit with a need) and a round's proposals both draw their breakdown from
:func:`parts`, so the same pair reads the same on both pages (the score is Σ wᵢ·cᵢ / Σ wᵢ, see
:func:`matchmaker.matching.score.combine`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.web.i18n import Lang, text
from matchmaker.web.round_words import WORDS

__all__ = ["parts", "percent", "weights_of"]


def percent(value: float | None) -> str:
    """A score in 0–1 as a whole percentage ("83%"), the one scale pages show."""
    return "" if value is None else f"{round(value * 100)}%"


def weights_of(params: Mapping[str, Any] | None) -> Weights:
    """The weights a round used (its parameters), or the defaults (the board's fit uses them)."""
    given = (params or {}).get("weights") or {}
    return Weights(**{c: float(given[c]) for c in COMPONENTS if c in given})


def parts(components: Mapping[str, float], weights: Weights, lang: Lang) -> list[dict[str, Any]]:
    """Each component: its label, its one-line meaning, its share of the weights, its value and
    what it adds to the total (share × value), in the engine's order."""
    said = text(lang, WORDS)
    total = weights.total() or 1.0
    rows = []
    for name in COMPONENTS:
        share = getattr(weights, name) / total
        value = float(components.get(name, 0.0))
        rows.append(
            {
                "key": name,
                "label": said[f"c_{name}"],
                "hint": said[f"ch_{name}"],
                "value": value,
                "weight": f"{share:.2f}",
                "adds": share * value,
            }
        )
    return rows
