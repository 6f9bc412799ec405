"""The new-round form: one flat Struct a browser can send, turned into the API's ``RoundRequest``.

``RoundRequest`` nests its scope and weights; an HTML form is flat, so the weights travel as
``w_<component>`` fields and the scope as one district (by name, so the service itself refuses a
name it does not know) and one optional category. The limits are the same as the API's: each
weight 0–10, ``min_score`` 0–1, ``max_per_community`` 1–1000.

>>> form = RoundForm(district="邛崃市", w_text=0.5, dry_run=True)
>>> request = form.request()
>>> request.scope.districts, request.weights.text, request.dry_run
(['邛崃市'], 0.5, True)
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from matchmaker.matching.score import COMPONENTS, DEFAULT_MIN_SCORE, Weights
from matchmaker.models.rounds import Round, RoundRequest, Scope
from matchmaker.vocab import Algorithm, Category

__all__ = ["DEFAULT_WEIGHTS", "RoundForm", "again", "form_defaults"]

_W = Weights()
#: Each score component's documented default weight, in the engine's order.
DEFAULT_WEIGHTS: dict[str, float] = {name: getattr(_W, name) for name in COMPONENTS}
Weight = Annotated[float, msgspec.Meta(ge=0, le=10)]


class RoundForm(msgspec.Struct, kw_only=True):
    """What the new-round form sends (blank district = every district)."""

    district: Annotated[str, msgspec.Meta(max_length=100)] = ""
    category: Category | None = None
    algorithm: Algorithm = "optimal"
    min_score: Annotated[float, msgspec.Meta(ge=0, le=1)] = DEFAULT_MIN_SCORE
    max_per_community: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    dry_run: bool = False
    include_unverified: bool = False
    #: solve district by district on the workers (``RoundRequest.split = "district"``)
    split_by_district: bool = False
    w_category: Weight = _W.category
    w_resources: Weight = _W.resources
    w_text: Weight = _W.text
    w_proximity: Weight = _W.proximity
    w_track_record: Weight = _W.track_record
    w_interest: Weight = _W.interest
    w_policy: Weight = _W.policy
    w_urgency: Weight = _W.urgency

    def request(self) -> RoundRequest:
        """The same request the JSON API takes."""
        weights = Weights(**{name: getattr(self, f"w_{name}") for name in COMPONENTS})
        scope = Scope(
            districts=[self.district] if self.district else [],
            categories=[self.category] if self.category else [],
        )
        return RoundRequest(
            scope=scope,
            algorithm=self.algorithm,
            weights=weights,
            min_score=self.min_score,
            max_per_community=self.max_per_community,
            dry_run=self.dry_run,
            include_unverified=self.include_unverified,
            split="district" if self.split_by_district else "whole",
        )


def form_defaults() -> dict[str, str]:
    """The blank form's values as the inputs show them: defaults, and a dry run ticked."""
    values = {f"w_{name}": _number(weight) for name, weight in DEFAULT_WEIGHTS.items()}
    return values | {
        "district": "",
        "category": "",
        "algorithm": "optimal",
        "min_score": _number(RoundForm().min_score),
        "max_per_community": "",
        "dry_run": "true",
        "include_unverified": "",
        "split_by_district": "",
    }


def _number(value: float) -> str:
    """0.25 → "0.25", 1.0 → "1" (as a person would type it)."""
    return f"{value:g}"


def again(round_: Round) -> RoundRequest:
    """A dry run's exact parameters, this time for real (its scope as the ids it resolved to).

    The same seed too: the real round breaks ties as the dry run did.
    """
    params: dict[str, Any] = round_.params
    scope = msgspec.convert(round_.scope, Scope)
    return RoundRequest(
        scope=scope,
        algorithm=round_.algorithm,
        weights=msgspec.convert(params["weights"], Weights),
        min_score=params["min_score"],
        max_per_community=params["max_per_community"],
        dry_run=False,
        include_unverified=bool(params.get("include_unverified", False)),
        seed=params.get("seed"),
        split=params.get("split", "whole"),
    )
