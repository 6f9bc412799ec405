"""Products (产品库): service products a partner organisation offers; price 0 means 公益 (free).

>>> msgspec.convert({"name": "法律咨询进社区", "category": "legal_services"}, ProductCreate).price
0.0
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import Count, Name, Text, Timestamp
from matchmaker.vocab import Category, DeliveryMode, TargetGroup

__all__ = ["Product", "ProductCreate", "ProductPatch", "ProductSort"]

#: ``numeric(12, 2)`` holds at most 9 999 999 999.99.
Price = Annotated[float, msgspec.Meta(ge=0, le=9_999_999_999, description="CNY; 0 = 公益 (free)")]
ProductSort = Literal["newest", "relevance", "oldest", "price", "capacity"]


class Product(msgspec.Struct):
    """A product as everyone may read it, with the organisation that offers it."""

    id: int
    actor_id: int
    actor_name: str
    name: str
    category: Category
    description: str
    target_groups: list[TargetGroup]
    delivery_mode: DeliveryMode
    price: float
    free: bool
    capacity_per_month: int
    created_at: Timestamp
    updated_at: Timestamp


class ProductCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new product. A partner may leave ``actor_id`` out: it is their own organisation."""

    name: Name
    category: Category
    actor_id: Annotated[int, msgspec.Meta(ge=1, le=2**62)] | None = None
    description: Text = ""
    target_groups: list[TargetGroup] = []
    delivery_mode: DeliveryMode = "onsite"
    price: Price = 0.0
    capacity_per_month: Count = 0


class ProductPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. A product stays with its organisation."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    target_groups: list[TargetGroup] | msgspec.UnsetType = msgspec.UNSET
    delivery_mode: DeliveryMode | msgspec.UnsetType = msgspec.UNSET
    price: Price | msgspec.UnsetType = msgspec.UNSET
    capacity_per_month: Count | msgspec.UnsetType = msgspec.UNSET
