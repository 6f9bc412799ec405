"""产品库: service products partners offer, free (公益) ones included."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED, description
from matchmaker.libraries.shape import Field, Library, ListFilter, Show
from matchmaker.models.products import ProductCreate, ProductPatch

__all__ = ["PRODUCTS"]

#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("name", ("名称", "Name"), required=True, maxlength=200,
          header=("产品名称", "Name"), width=24, example="长者助餐配送"),
    Field("actor_id", ("所属机构", "Organisation"), "ref", "actors", True,
          names="actor_name", create_only=True, width=22, example="邛崃市阳光社工服务中心"),
    Field("category", ("类别", "Category"), "enum", "category", True, example="养老服务"),
    description(),
    Field("target_groups", ("服务对象", "For"), "enums", "target_group", width=18,
          example="老年人"),
    Field("delivery_mode", ("服务方式", "Delivery"), "enum", "delivery_mode", True,
          sheet_optional=True, example="上门/现场"),
    Field("price", ("价格（元，0 为公益）", "Price (CNY, 0 = free)"), "money",
          header=("价格(元,0为公益)", "Price (CNY, 0 = free)"), example=0),
    Field("capacity_per_month", ("每月服务量", "Capacity per month"), "int", example=200),
)  # fmt: skip

PRODUCTS = Library(
    name="products",
    entity="product",
    title=("产品库", "Products"),
    about=(
        "合作伙伴提供的服务产品，含公益（免费）产品。",
        "Service products partners offer, free (公益) ones included.",
    ),
    title_attr="name",
    fields=_FIELDS,
    create=ProductCreate,
    patch=ProductPatch,
    subtitle=(
        Show("actor_name", "link", link_kind="actors", link_id="actor_id"),
        Show("category", "vocab", "category"),
    ),
    card=(
        Show("price", "price"),
        Show("target_groups", "vocabs", "target_group"),
        Show("delivery_mode", "vocab", "delivery_mode"),
        Show("capacity_per_month", "number"),
    ),
    detail=(
        Show("actor_name", "link", link_kind="actors", link_id="actor_id"),
        Show("category", "vocab", "category"),
        Show("price", "price"),
        Show("target_groups", "vocabs", "target_group"),
        Show("delivery_mode", "vocab", "delivery_mode"),
        Show("capacity_per_month", "number"),
        Show("description", "long"),
        UPDATED,
    ),
    filters=(
        ListFilter("category", "category"),
        ListFilter("target_group", "target_group"),
        ListFilter("delivery_mode", "delivery_mode"),
        ListFilter("free", "bool"),
        ListFilter("actor_id", "actors"),
    ),
    sorts=("newest", "oldest", "price", "capacity"),
)
