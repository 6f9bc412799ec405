"""Each library's spreadsheet columns, described once: the reader, the writer and the template use them.

A :class:`Col` names its Chinese header (the English one is accepted on import too), the create
Struct's field it fills, how its cells read and write (``kind``), the vocabulary or reference
table behind it (``source``: drop-downs in the template, names resolved to ids on import), and the
read model's attribute an export takes it from. A :class:`SheetKind` adds the library's list
query, its create Struct and service (so every rule of a form holds for a sheet row as well),
who sees contacts, and how a coordinator's area narrows an export.

>>> [c.header for c in SHEETS["products"].columns][:3]
['产品名称', '所属机构', '类别']
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.actors import ActorCreate
from matchmaker.models.cases import CaseCreate
from matchmaker.models.communities import CommunityCreate
from matchmaker.models.policies import PolicyCreate
from matchmaker.models.products import ProductCreate
from matchmaker.models.talent import TalentCreate
from matchmaker.queries import actors as actor_q
from matchmaker.queries import cases as case_q
from matchmaker.queries import communities as community_q
from matchmaker.queries import policies as policy_q
from matchmaker.queries import products as product_q
from matchmaker.queries import talent as talent_q
from matchmaker.services import actors as actor_service
from matchmaker.services import cases as case_service
from matchmaker.services import communities as community_service
from matchmaker.services import contacts
from matchmaker.services import policies as policy_service
from matchmaker.services import products as product_service
from matchmaker.services import talent as talent_service
from matchmaker.sheets.workbook import Cell

__all__ = ["SHEETS", "Col", "ColKind", "SheetKind"]

#: How a column's cells read and write: ``enum``/``enums`` a vocabulary's labels (several joined
#: with 、), ``list`` free items joined with 、, ``ref``/``refs`` rows of another table by name.
ColKind = Literal[
    "text", "int", "decimal", "money", "date", "bool", "enum", "enums", "list", "ref", "refs"
]


@dataclass(frozen=True)
class Col:
    """One column of a library's sheet."""

    header: str
    english: str
    field: str
    kind: ColKind = "text"
    source: str | None = (
        None  # a vocabulary, or for ref/refs: districts, towns, actors, communities
    )
    attr: str | None = None  # the read model's attribute when it is not ``field``
    required: bool = False
    width: int = 14
    contact: bool = False  # shown only to whom :mod:`matchmaker.services.contacts` allows
    example: Cell = None  # the template's example row

    @property
    def read_attr(self) -> str:
        return self.attr or self.field


Lister = Callable[..., Awaitable[tuple[list[Any], str | None]]]


def _everyone(_user: CurrentUser | None, row: Any) -> Any:
    return row


@dataclass(frozen=True)
class SheetKind:
    """One library as a spreadsheet."""

    name: str
    title: str
    columns: tuple[Col, ...]
    create: type[msgspec.Struct]
    filters: type[msgspec.Struct]
    list_rows: Lister
    service_create: Callable[..., Awaitable[Any]]
    #: A row as a list shows it to the viewer (contacts hidden unless the rule allows).
    view: Callable[[CurrentUser | None, Any], Any] = _everyone
    #: The districts a row lies in, for a coordinator's export (None: the library has no areas).
    districts: Callable[[Any], list[int]] | None = None
    signed_in_only: bool = False


def _contacts(example_name: str) -> tuple[Col, ...]:
    return (
        Col("联系人", "Contact", "contact_name", contact=True, example=example_name),
        Col("联系电话", "Phone", "contact_phone", contact=True, example="028-88776655"),
        Col("电子邮箱", "E-mail", "contact_email", contact=True, width=22),
    )


def _ids(refs: list[Any]) -> list[int]:
    return [r.id for r in refs]


COMMUNITIES = SheetKind(
    "communities", "社区库",
    (
        Col("社区名称", "Name", "name", required=True, width=18, example="渔箭社区"),
        Col("区县", "District", "district_id", "ref", "districts", "district_name", True,
            example="邛崃市"),
        Col("镇街", "Town", "town_id", "ref", "towns", "town_name", True, example="文君街道"),
        Col("类型", "Type", "kind", "enum", "community_kind", required=True, example="城市社区"),
        Col("社区主题", "Theme", "theme", example="文化传承"),
        Col("人口", "Population", "population", "int", required=True, example=8600),
        Col("纬度", "Latitude", "lat", "decimal", required=True, example=30.41),
        Col("经度", "Longitude", "lon", "decimal", required=True, example=103.46),
        Col("社工室", "Social-work rooms", "social_work_rooms", "int", example=1),
        Col("社工", "Social workers", "social_workers", "int", example=2),
        Col("社区社会组织", "Community organisations", "community_orgs", "int", example=5),
        Col("志愿服务队", "Volunteer teams", "volunteer_teams", "int", example=7),
        Col("慈善资源", "Charity resources", "charity_resources", "int", example=1),
        Col("简介", "Description", "description", width=40),
        *_contacts("王主任"),
    ),
    CommunityCreate, community_q.CommunityFilters, community_q.list_communities,
    community_service.create, contacts.community_in_list, lambda row: [row.district_id],
)  # fmt: skip

ACTORS = SheetKind(
    "actors", "主体库",
    (
        Col("机构名称", "Name", "name", required=True, width=24, example="邛崃市阳光社工服务中心"),
        Col("类型", "Type", "kind", "enum", "actor_kind", required=True, example="社会组织"),
        Col("评估等级", "Grade", "grade", "enum", "grade", example="4A级"),
        Col("已认证", "Verified", "verified", "bool", example="是"),
        Col("服务领域", "Fields of work", "categories", "enums", "category", width=20,
            example="养老服务、教育培训"),
        Col("可提供资源", "Resources offered", "resource_types", "enums", "resource_type",
            width=20, example="志愿者、专业支持"),
        Col("服务区县", "Districts served", "district_ids", "refs", "districts", "districts",
            width=18, example="邛崃市"),
        Col("可远程服务", "Works remotely", "remote", "bool", example="否"),
        Col("可远程提供的资源", "Resources delivered remotely", "remote_resource_types", "enums",
            "resource_type", width=20),
        Col("服务半径(公里)", "Service radius (km)", "service_radius_km", "int", example=20),
        Col("可同时承接项目数", "Partnerships at once", "capacity", "int", example=3),
        Col("纬度", "Latitude", "lat", "decimal", required=True, example=30.41),
        Col("经度", "Longitude", "lon", "decimal", required=True, example=103.46),
        Col("简介", "Description", "description", width=40),
        Col("网站", "Website", "website", width=24),
        *_contacts("李社工"),
    ),
    ActorCreate, actor_q.ActorFilters, actor_q.list_actors, actor_service.create,
    contacts.actor_in_list, lambda row: _ids(row.districts),
)  # fmt: skip

TALENT = SheetKind(
    "talent", "人才库",
    (
        Col("称呼", "Name", "display_name", required=True, example="张老师"),
        Col("人才类型", "Roles", "roles", "enums", "talent_role", required=True, width=18,
            example="持证社工"),
        Col("技能", "Skills", "skills", "list", width=24, example="个案辅导、小组活动"),
        Col("证书", "Certificates", "certificates", "list", width=20, example="中级社会工作师"),
        Col("所属机构", "Organisation", "actor_id", "ref", "actors", "actor_name", width=20),
        Col("服务区县", "Districts served", "district_ids", "refs", "districts", "districts",
            width=18, example="邛崃市"),
        Col("每月可投入小时", "Hours per month", "hours_per_month", "int", example=20),
        Col("个人简介", "About", "bio", width=40),
    ),
    TalentCreate, talent_q.TalentFilters, talent_q.list_talent, talent_service.create,
    districts=lambda row: _ids(row.districts), signed_in_only=True,
)  # fmt: skip

POLICIES = SheetKind(
    "policies", "政策库",
    (
        Col("政策标题", "Title", "title", required=True, width=30,
            example="关于推进城乡社区发展治理的实施意见"),
        Col("发文单位", "Issuer", "issuer", required=True, width=20, example="成都市委社治委"),
        Col("层级", "Level", "level", "enum", "policy_level", required=True, example="市级"),
        Col("文号", "Document number", "doc_number", example="成社治发〔2026〕1号"),
        Col("生效日期", "Valid from", "valid_from", "date", required=True, example="2026-01-01"),
        Col("截止日期", "Valid to", "valid_to", "date"),
        Col("适用领域", "Categories", "categories", "enums", "category", width=20,
            example="议事协商与自治"),
        Col("适用社区类型", "Open to communities", "eligible_community_kinds", "enums",
            "community_kind", width=18),
        Col("适用主体类型", "Open to organisations", "eligible_actor_kinds", "enums",
            "actor_kind", width=18, example="社会组织"),
        Col("补贴上限(元)", "Subsidy ceiling (CNY)", "subsidy_ceiling", "money", example=200000),
        Col("摘要", "Summary", "summary", width=40),
    ),
    PolicyCreate, policy_q.PolicyFilters, policy_q.list_policies, policy_service.create,
)  # fmt: skip

CASES = SheetKind(
    "cases", "案例库",
    (
        Col("案例标题", "Title", "title", required=True, width=30, example="院落微更新共建花园"),
        Col("社区", "Community", "community_id", "ref", "communities", "community_name", True,
            width=16, example="渔箭社区"),
        Col("类别", "Category", "category", "enum", "category", required=True,
            example="社区规划与微更新"),
        Col("摘要", "Summary", "summary", width=40),
        Col("模式标签", "Model tags", "model_tags", "list", width=20, example="居民自治、微更新"),
        Col("参与伙伴", "Partners", "actor_ids", "refs", "actors", "actors", width=24),
        Col("受益人次", "Beneficiaries", "beneficiaries", "int", example=300),
        Col("持续月数", "Months", "duration_months", "int", example=6),
        Col("评分(1-5)", "Rating (1-5)", "rating", "int", example=5),
        Col("年份", "Year", "year", "int", example=2026),
    ),
    CaseCreate, case_q.CaseFilters, case_q.list_cases, case_service.create,
    districts=lambda row: [row.district_id],
)  # fmt: skip

PRODUCTS = SheetKind(
    "products", "产品库",
    (
        Col("产品名称", "Name", "name", required=True, width=24, example="长者助餐配送"),
        Col("所属机构", "Organisation", "actor_id", "ref", "actors", "actor_name", True,
            width=22, example="邛崃市阳光社工服务中心"),
        Col("类别", "Category", "category", "enum", "category", required=True,
            example="养老服务"),
        Col("简介", "Description", "description", width=40),
        Col("服务对象", "For", "target_groups", "enums", "target_group", width=18,
            example="老年人"),
        Col("服务方式", "Delivery", "delivery_mode", "enum", "delivery_mode", example="上门/现场"),
        Col("价格(元,0为公益)", "Price (CNY, 0 = free)", "price", "money", example=0),
        Col("每月服务量", "Capacity per month", "capacity_per_month", "int", example=200),
    ),
    ProductCreate, product_q.ProductFilters, product_q.list_products, product_service.create,
)  # fmt: skip

#: The libraries as sheets, by URL name, in the order they must be imported into an empty
#: database (a talent row or a product names an organisation, a case a community).
SHEETS: dict[str, SheetKind] = {
    k.name: k for k in (COMMUNITIES, ACTORS, TALENT, POLICIES, CASES, PRODUCTS)
}
