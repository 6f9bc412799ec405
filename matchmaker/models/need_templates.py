"""Need templates: what a need of a kind usually asks, as the new-need form is pre-filled with.

A template is a starting point, not a link: the need copies its fields and keeps no reference.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from matchmaker.models import ShortList, Text, Timestamp
from matchmaker.vocab import Category, Delivery, ResourceType, TargetGroup

__all__ = ["NeedTemplate", "NeedTemplateCreate", "NeedTemplatePatch"]

TemplateName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
TemplateTitle = Annotated[str, msgspec.Meta(max_length=200)]


class NeedTemplate(msgspec.Struct):
    """A template as everyone may read it (the form shows it to staff; the API to anyone)."""

    id: int
    name: str
    category: Category
    title: str
    outline: str
    resource_types: list[ResourceType]
    target_groups: list[TargetGroup]
    skills: list[str]
    delivery: Delivery | None
    created_at: Timestamp
    updated_at: Timestamp


class NeedTemplateCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new template: its name (shown in the picker, unique) and what it pre-fills."""

    name: TemplateName
    category: Category
    title: TemplateTitle = ""
    outline: Text = ""
    resource_types: list[ResourceType] = []
    target_groups: list[TargetGroup] = []
    skills: ShortList = []
    delivery: Delivery | None = None


class NeedTemplatePatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is."""

    name: TemplateName | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    title: TemplateTitle | msgspec.UnsetType = msgspec.UNSET
    outline: Text | msgspec.UnsetType = msgspec.UNSET
    resource_types: list[ResourceType] | msgspec.UnsetType = msgspec.UNSET
    target_groups: list[TargetGroup] | msgspec.UnsetType = msgspec.UNSET
    skills: ShortList | msgspec.UnsetType = msgspec.UNSET
    delivery: Delivery | msgspec.UnsetType | None = msgspec.UNSET
