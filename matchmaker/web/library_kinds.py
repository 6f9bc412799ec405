"""The resource libraries described once each: what a list shows, filters, and what a form edits.

Every library page (list, detail, new, edit, archive) is one generic handler in
:mod:`matchmaker.web.libraries` / :mod:`matchmaker.web.library_forms`; a :class:`Kind` here tells
it which query lists and reads the rows, which filters the list offers, which attributes a card
and the detail page show, which form fields map to the API's create Struct, and which service
functions create, patch and archive (so the rules stay in the services, never here). Contacts are
shown as :mod:`matchmaker.services.contacts` decides (``view_in_list`` on lists, ``view_one`` on a
detail page); a row's own people (a community's staff) may edit its ``own_fields`` on the edit page.

>>> KINDS["policies"].create.__name__, KINDS["cases"].sorts[0]
('PolicyCreate', 'newest')
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.actors import ActorCreate, ActorPatch
from matchmaker.models.cases import CaseCreate, CasePatch
from matchmaker.models.communities import CONTACT_FIELDS, CommunityCreate, CommunityPatch
from matchmaker.models.policies import PolicyCreate, PolicyPatch
from matchmaker.models.products import ProductCreate, ProductPatch
from matchmaker.models.talent import TalentCreate, TalentPatch
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
from matchmaker.services.access import is_staff_of
from matchmaker.web.i18n import Words

__all__ = ["KINDS", "WORDS", "FormField", "Kind", "ListFilter", "Related", "Show"]

#: How a form field is drawn: ``lines`` is a textarea read one item per line; ``ref``/``refs``
#: pick rows of another table (``source``: actors, communities, districts, towns).
Widget = Literal[
    "text", "textarea", "number", "decimal", "date", "select", "checks", "bool", "lines", "ref",
    "refs",
]  # fmt: skip
#: How a shown attribute is written out (see ``libraries.shown``).
Format = Literal[
    "text", "long", "vocab", "vocabs", "names", "links", "link", "bool", "money", "price", "date",
    "lines", "number", "url", "when",
]  # fmt: skip


@dataclass(frozen=True)
class FormField:
    """One input of a create/edit form, named as the create Struct's field."""

    name: str
    widget: Widget
    source: str | None = None  # a vocabulary (select/checks) or a reference table (ref/refs)
    required: bool = False
    maxlength: int | None = None
    create_only: bool = False  # not in the patch Struct (a product stays with its organisation)
    read_from: str | None = None  # read model attribute holding {id, name} rows (district_ids …)
    input_type: str = "text"  # for ``text``: url, email, tel


@dataclass(frozen=True)
class Show:
    """One attribute of a read model, how to write it, and (for links) which library it names."""

    attr: str
    fmt: Format = "text"
    vocabulary: str | None = None
    link_kind: str | None = None
    link_id: str | None = None  # for ``link``: the attribute holding the linked row's id


@dataclass(frozen=True)
class ListFilter:
    """A select above a list; ``source`` is a vocabulary, ``bool`` or a reference table."""

    name: str
    source: str
    words_key: str | None = None  # the label's key when not ``f_<name>``

    @property
    def label_key(self) -> str:
        return self.words_key or f"f_{self.name}"


@dataclass(frozen=True)
class Related:
    """A link on a detail page to another library's list narrowed to this row."""

    words_key: str
    kind: str
    param: str


Lister = Callable[..., Awaitable[tuple[list[Any], str | None]]]
Getter = Callable[[Any, int], Awaitable[Any]]


def _everyone(_user: CurrentUser | None, item: Any) -> Any:
    return item


async def _everyone_one(_conn: Any, _user: CurrentUser | None, item: Any) -> Any:
    return item


def _nobody(_user: CurrentUser | None, _item_id: int) -> bool:
    return False


@dataclass(frozen=True)
class Kind:
    """Everything the generic library pages need to know about one library."""

    name: str
    title_attr: str
    subtitle: tuple[Show, ...]
    card: tuple[Show, ...]
    detail: tuple[Show, ...]
    filters: tuple[ListFilter, ...]
    sorts: tuple[str, ...]
    fields: tuple[FormField, ...]
    create: type[msgspec.Struct]
    patch: type[msgspec.Struct]
    filter_type: type[msgspec.Struct]
    list_rows: Lister
    get_row: Getter
    service_create: Callable[..., Awaitable[Any]]
    service_patch: Callable[..., Awaitable[Any]]
    service_archive: Callable[..., Awaitable[None]]
    signed_in_only: bool = False
    #: A row as a list shows it to the viewer (contacts: coordinators and admins only).
    view_in_list: Callable[[CurrentUser | None, Any], Any] = _everyone
    #: A row as its detail page shows it to the viewer (may ask the database, as contacts do).
    view_one: Callable[[Any, CurrentUser | None, Any], Awaitable[Any]] = _everyone_one
    related: tuple[Related, ...] = ()
    #: Fields a row's own people (``owns``) may edit on its edit page; curators edit all fields.
    own_fields: tuple[str, ...] = ()
    owns: Callable[[CurrentUser | None, int], bool] = _nobody


_DISTRICTS = FormField("district_ids", "refs", "districts", read_from="districts")
_UPDATED = Show("updated_at", "when")

ACTORS = Kind(
    name="actors",
    title_attr="name",
    subtitle=(Show("kind", "vocab", "actor_kind"), Show("grade", "vocab", "grade")),
    card=(
        Show("verified", "bool"),
        Show("categories", "vocabs", "category"),
        Show("resource_types", "vocabs", "resource_type"),
        Show("districts", "names"),
        Show("capacity", "number"),
    ),
    detail=(
        Show("kind", "vocab", "actor_kind"),
        Show("grade", "vocab", "grade"),
        Show("verified", "bool"),
        Show("categories", "vocabs", "category"),
        Show("resource_types", "vocabs", "resource_type"),
        Show("districts", "names"),
        Show("remote", "bool"),
        Show("capacity", "number"),
        Show("description", "long"),
        Show("website", "url"),
        Show("contact_name"),
        Show("contact_phone"),
        Show("contact_email"),
        Show("lat", "number"),
        Show("lon", "number"),
        _UPDATED,
    ),
    filters=(
        ListFilter("kind", "actor_kind"),
        ListFilter("category", "category"),
        ListFilter("resource_type", "resource_type"),
        ListFilter("district_id", "districts"),
        ListFilter("verified", "bool"),
    ),
    sorts=("newest", "oldest", "name", "capacity"),
    fields=(
        FormField("name", "text", required=True, maxlength=200),
        FormField("kind", "select", "actor_kind", required=True),
        FormField("grade", "select", "grade"),
        FormField("verified", "bool"),
        FormField("categories", "checks", "category"),
        FormField("resource_types", "checks", "resource_type"),
        _DISTRICTS,
        FormField("remote", "bool"),
        FormField("capacity", "number"),
        FormField("lat", "decimal", required=True),
        FormField("lon", "decimal", required=True),
        FormField("description", "textarea", maxlength=5000),
        FormField("website", "text", maxlength=300, input_type="url"),
        FormField("contact_name", "text", maxlength=100),
        FormField("contact_phone", "text", maxlength=50, input_type="tel"),
        FormField("contact_email", "text", maxlength=200, input_type="email"),
    ),
    create=ActorCreate,
    patch=ActorPatch,
    filter_type=actor_q.ActorFilters,
    list_rows=actor_q.list_actors,
    get_row=actor_q.get,
    service_create=actor_service.create,
    service_patch=actor_service.patch,
    service_archive=actor_service.archive,
    view_in_list=contacts.actor_in_list,
    view_one=contacts.actor,
    related=(
        Related("its_products", "products", "actor_id"),
        Related("its_cases", "cases", "actor_id"),
        Related("its_talent", "talent", "actor_id"),
    ),
)

TALENT = Kind(
    name="talent",
    title_attr="display_name",
    subtitle=(
        Show("roles", "vocabs", "talent_role"),
        Show("actor_name", "link", link_kind="actors", link_id="actor_id"),
    ),
    card=(
        Show("skills", "lines"),
        Show("districts", "names"),
        Show("hours_per_month", "number"),
    ),
    detail=(
        Show("roles", "vocabs", "talent_role"),
        Show("actor_name", "link", link_kind="actors", link_id="actor_id"),
        Show("skills", "lines"),
        Show("certificates", "lines"),
        Show("districts", "names"),
        Show("hours_per_month", "number"),
        Show("bio", "long"),
        _UPDATED,
    ),
    filters=(
        ListFilter("role", "talent_role"),
        ListFilter("district_id", "districts"),
        ListFilter("actor_id", "actors"),
    ),
    sorts=("newest", "oldest", "name", "hours"),
    fields=(
        FormField("display_name", "text", required=True, maxlength=100),
        FormField("roles", "checks", "talent_role", required=True),
        FormField("skills", "lines"),
        FormField("certificates", "lines"),
        FormField("actor_id", "ref", "actors"),
        _DISTRICTS,
        FormField("hours_per_month", "number"),
        FormField("bio", "textarea", maxlength=5000),
    ),
    create=TalentCreate,
    patch=TalentPatch,
    filter_type=talent_q.TalentFilters,
    list_rows=talent_q.list_talent,
    get_row=talent_q.get,
    service_create=talent_service.create,
    service_patch=talent_service.patch,
    service_archive=talent_service.archive,
    signed_in_only=True,
)

POLICIES = Kind(
    name="policies",
    title_attr="title",
    subtitle=(Show("issuer"), Show("level", "vocab", "policy_level")),
    card=(
        Show("active", "bool"),
        Show("categories", "vocabs", "category"),
        Show("valid_from", "date"),
        Show("valid_to", "date"),
        Show("subsidy_ceiling", "money"),
    ),
    detail=(
        Show("issuer"),
        Show("level", "vocab", "policy_level"),
        Show("doc_number"),
        Show("active", "bool"),
        Show("valid_from", "date"),
        Show("valid_to", "date"),
        Show("categories", "vocabs", "category"),
        Show("eligible_community_kinds", "vocabs", "community_kind"),
        Show("eligible_actor_kinds", "vocabs", "actor_kind"),
        Show("subsidy_ceiling", "money"),
        Show("summary", "long"),
        _UPDATED,
    ),
    filters=(
        ListFilter("level", "policy_level"),
        ListFilter("category", "category"),
        ListFilter("community_kind", "community_kind"),
        ListFilter("actor_kind", "actor_kind"),
        ListFilter("active", "bool"),
    ),
    sorts=("newest", "oldest", "expiring", "subsidy"),
    fields=(
        FormField("title", "text", required=True, maxlength=200),
        FormField("issuer", "text", required=True, maxlength=200),
        FormField("level", "select", "policy_level", required=True),
        FormField("doc_number", "text", maxlength=100),
        FormField("valid_from", "date", required=True),
        FormField("valid_to", "date"),
        FormField("categories", "checks", "category"),
        FormField("eligible_community_kinds", "checks", "community_kind"),
        FormField("eligible_actor_kinds", "checks", "actor_kind"),
        FormField("subsidy_ceiling", "decimal"),
        FormField("summary", "textarea", maxlength=5000),
    ),
    create=PolicyCreate,
    patch=PolicyPatch,
    filter_type=policy_q.PolicyFilters,
    list_rows=policy_q.list_policies,
    get_row=policy_q.get,
    service_create=policy_service.create,
    service_patch=policy_service.patch,
    service_archive=policy_service.archive,
)

CASES = Kind(
    name="cases",
    title_attr="title",
    subtitle=(
        Show("community_name", "link", link_kind="communities", link_id="community_id"),
        Show("district_name"),
        Show("category", "vocab", "category"),
    ),
    card=(
        Show("summary", "text"),
        Show("actors", "links", link_kind="actors"),
        Show("year", "number"),
        Show("beneficiaries", "number"),
    ),
    detail=(
        Show("community_name", "link", link_kind="communities", link_id="community_id"),
        Show("district_name"),
        Show("category", "vocab", "category"),
        Show("actors", "links", link_kind="actors"),
        Show("model_tags", "lines"),
        Show("year", "number"),
        Show("duration_months", "number"),
        Show("beneficiaries", "number"),
        Show("rating", "number"),
        Show("summary", "long"),
        Show("partnership_id", "number"),
        _UPDATED,
    ),
    filters=(
        ListFilter("district_id", "districts"),
        ListFilter("community_id", "communities"),
        ListFilter("category", "category"),
        ListFilter("actor_id", "actors", "f_actors"),
    ),
    sorts=("newest", "oldest", "rating", "year", "beneficiaries"),
    fields=(
        FormField("title", "text", required=True, maxlength=200),
        FormField("community_id", "ref", "communities", required=True),
        FormField("category", "select", "category", required=True),
        FormField("summary", "textarea", maxlength=5000),
        FormField("model_tags", "lines"),
        FormField("actor_ids", "refs", "actors", read_from="actors"),
        FormField("beneficiaries", "number"),
        FormField("duration_months", "number"),
        FormField("rating", "number"),
        FormField("year", "number"),
        FormField("partnership_id", "number"),
    ),
    create=CaseCreate,
    patch=CasePatch,
    filter_type=case_q.CaseFilters,
    list_rows=case_q.list_cases,
    get_row=case_q.get,
    service_create=case_service.create,
    service_patch=case_service.patch,
    service_archive=case_service.archive,
)

PRODUCTS = Kind(
    name="products",
    title_attr="name",
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
        _UPDATED,
    ),
    filters=(
        ListFilter("category", "category"),
        ListFilter("target_group", "target_group"),
        ListFilter("delivery_mode", "delivery_mode"),
        ListFilter("free", "bool"),
        ListFilter("actor_id", "actors"),
    ),
    sorts=("newest", "oldest", "price", "capacity"),
    fields=(
        FormField("name", "text", required=True, maxlength=200),
        FormField("actor_id", "ref", "actors", required=True, create_only=True),
        FormField("category", "select", "category", required=True),
        FormField("description", "textarea", maxlength=5000),
        FormField("target_groups", "checks", "target_group"),
        FormField("delivery_mode", "select", "delivery_mode", required=True),
        FormField("price", "decimal"),
        FormField("capacity_per_month", "number"),
    ),
    create=ProductCreate,
    patch=ProductPatch,
    filter_type=product_q.ProductFilters,
    list_rows=product_q.list_products,
    get_row=product_q.get,
    service_create=product_service.create,
    service_patch=product_service.patch,
    service_archive=product_service.archive,
)

COMMUNITIES = Kind(
    name="communities",
    title_attr="name",
    subtitle=(
        Show("district_name"),
        Show("town_name"),
        Show("kind", "vocab", "community_kind"),
    ),
    card=(
        Show("theme"),
        Show("population", "number"),
        Show("meets_1257n", "bool"),
    ),
    detail=(
        Show("district_name"),
        Show("town_name"),
        Show("kind", "vocab", "community_kind"),
        Show("theme"),
        Show("population", "number"),
        Show("meets_1257n", "bool"),
        Show("description", "long"),
        Show("contact_name"),
        Show("contact_phone"),
        Show("contact_email"),
        Show("lat", "number"),
        Show("lon", "number"),
        _UPDATED,
    ),
    filters=(ListFilter("district_id", "districts"), ListFilter("kind", "community_kind")),
    sorts=("newest", "oldest", "name", "population"),
    fields=(
        FormField("name", "text", required=True, maxlength=200),
        FormField("district_id", "ref", "districts", required=True),
        FormField("town_id", "ref", "towns", required=True),
        FormField("kind", "select", "community_kind", required=True),
        FormField("theme", "text", maxlength=50),
        FormField("population", "number", required=True),
        FormField("lat", "decimal", required=True),
        FormField("lon", "decimal", required=True),
        FormField("social_work_rooms", "number"),
        FormField("social_workers", "number"),
        FormField("community_orgs", "number"),
        FormField("volunteer_teams", "number"),
        FormField("charity_resources", "number"),
        FormField("description", "textarea", maxlength=5000),
        FormField("contact_name", "text", maxlength=100),
        FormField("contact_phone", "text", maxlength=50, input_type="tel"),
        FormField("contact_email", "text", maxlength=200, input_type="email"),
    ),
    create=CommunityCreate,
    patch=CommunityPatch,
    filter_type=community_q.CommunityFilters,
    list_rows=community_q.list_communities,
    get_row=community_q.get,
    service_create=community_service.create,
    service_patch=community_service.patch,
    service_archive=community_service.archive,
    view_in_list=contacts.community_in_list,
    view_one=contacts.community,
    related=(Related("its_cases", "cases", "community_id"),),
    own_fields=CONTACT_FIELDS,
    owns=is_staff_of,
)

#: The libraries by URL name, in the order the libraries page shows them.
KINDS: dict[str, Kind] = {
    k.name: k for k in (ACTORS, TALENT, POLICIES, CASES, PRODUCTS, COMMUNITIES)
}

#: The libraries' names, descriptions, field labels and sort names.
WORDS: Words = {
    # library names and one-line descriptions
    "lib_actors": ("主体库", "Organisations"),
    "lib_actors_about": (
        "企业、高校、社会组织、基金会等可以对接的合作主体。",
        "Enterprises, universities, social organisations and foundations ready to partner.",
    ),
    "lib_talent": ("人才库", "Talent"),
    "lib_talent_about": (
        "社工、社区规划师、专家、匠人、律师与志愿者（化名展示）。",
        "Social workers, planners, experts, craftspeople, lawyers, volunteers (pseudonymous).",
    ),
    "lib_policies": ("政策库", "Policies"),
    "lib_policies_about": (
        "支持社区发展治理的政策文件、适用对象与补贴上限。",
        "Policies backing community work: who they are open to and what they fund.",
    ),
    "lib_demands": ("需求库", "Needs"),
    "lib_demands_about": (
        "社区发布的需求，在需求大厅等待认领。",
        "Needs posted by communities, waiting on the board.",
    ),
    "lib_cases": ("案例库", "Cases"),
    "lib_cases_about": (
        "已完成、可复制的对接案例：社区、伙伴与成效。",
        "Completed work worth copying: community, partners and outcome.",
    ),
    "lib_products": ("产品库", "Products"),
    "lib_products_about": (
        "合作伙伴提供的服务产品，含公益（免费）产品。",
        "Service products partners offer, free (公益) ones included.",
    ),
    "lib_communities": ("社区库", "Communities"),
    "lib_communities_about": (
        "社区与村的基本情况及“1257N”达标情况。",
        "Communities and villages, and how they meet the “1257N” standard.",
    ),
    # field and attribute labels
    "f_name": ("名称", "Name"),
    "f_title": ("标题", "Title"),
    "f_display_name": ("称呼（可用化名）", "Name (a pseudonym is fine)"),
    "f_kind": ("类型", "Type"),
    "f_grade": ("评估等级", "Grade"),
    "f_verified": ("已认证", "Verified"),
    "f_categories": ("服务领域", "Fields of work"),
    "f_category": ("类别", "Category"),
    "f_resource_types": ("可提供资源", "Resources offered"),
    "f_districts": ("服务区县", "Districts served"),
    "f_district_ids": ("服务区县", "Districts served"),
    "f_remote": ("可远程服务", "Works remotely"),
    "f_capacity": ("可同时承接项目数", "Partnerships at once"),
    "f_lat": ("纬度", "Latitude"),
    "f_lon": ("经度", "Longitude"),
    "f_description": ("简介", "Description"),
    "f_website": ("网站", "Website"),
    "f_contact_name": ("联系人", "Contact"),
    "f_contact_phone": ("联系电话", "Phone"),
    "f_contact_email": ("电子邮箱", "E-mail"),
    "f_roles": ("人才类型", "Roles"),
    "f_skills": ("技能", "Skills"),
    "f_certificates": ("证书", "Certificates"),
    "f_actor_id": ("所属机构", "Organisation"),
    "f_actor_name": ("所属机构", "Organisation"),
    "f_hours_per_month": ("每月可投入小时", "Hours per month"),
    "f_bio": ("个人简介", "About"),
    "f_issuer": ("发文单位", "Issuer"),
    "f_level": ("层级", "Level"),
    "f_doc_number": ("文号", "Document number"),
    "f_eligible_community_kinds": ("适用社区类型", "Open to communities"),
    "f_eligible_actor_kinds": ("适用主体类型", "Open to organisations"),
    "f_subsidy_ceiling": ("补贴上限（元）", "Subsidy ceiling (CNY)"),
    "f_valid_from": ("生效日期", "Valid from"),
    "f_valid_to": ("截止日期", "Valid to"),
    "f_active": ("当前有效", "In force"),
    "f_summary": ("摘要", "Summary"),
    "f_community_id": ("社区", "Community"),
    "f_community_name": ("社区", "Community"),
    "f_district_name": ("区县", "District"),
    "f_town_name": ("镇街", "Town"),
    "f_model_tags": ("模式标签", "Model tags"),
    "f_actors": ("参与伙伴", "Partners"),
    "f_actor_ids": ("参与伙伴", "Partners"),
    "f_beneficiaries": ("受益人次", "Beneficiaries"),
    "f_duration_months": ("持续月数", "Months"),
    "f_rating": ("评分（1–5）", "Rating (1–5)"),
    "f_year": ("年份", "Year"),
    "f_partnership_id": ("来源对接编号", "From partnership no."),
    "f_target_groups": ("服务对象", "For"),
    "f_delivery_mode": ("服务方式", "Delivery"),
    "f_price": ("价格（元，0 为公益）", "Price (CNY, 0 = free)"),
    "f_capacity_per_month": ("每月服务量", "Capacity per month"),
    "f_district_id": ("区县", "District"),
    "f_town_id": ("镇街", "Town"),
    "f_theme": ("社区主题", "Theme"),
    "f_population": ("人口", "Population"),
    "f_social_work_rooms": ("社工室", "Social-work rooms"),
    "f_social_workers": ("社工", "Social workers"),
    "f_community_orgs": ("社区社会组织", "Community organisations"),
    "f_volunteer_teams": ("志愿服务队", "Volunteer teams"),
    "f_charity_resources": ("慈善资源", "Charity resources"),
    "f_meets_1257n": ("“1257N”达标", "Meets “1257N”"),
    "f_updated_at": ("更新于", "Updated"),
    # list filters that are not form fields
    "f_resource_type": ("可提供资源", "Resource"),
    "f_role": ("人才类型", "Role"),
    "f_community_kind": ("适用社区类型", "Open to community type"),
    "f_actor_kind": ("适用主体类型", "Open to organisation type"),
    "f_target_group": ("服务对象", "For"),
    "f_free": ("公益（免费）", "Free (公益)"),
    # sorts
    "sort_newest": ("最新", "Newest"),
    "sort_oldest": ("最早", "Oldest"),
    "sort_name": ("按名称", "By name"),
    "sort_capacity": ("承接能力最大", "Most capacity"),
    "sort_hours": ("可投入时间最多", "Most hours"),
    "sort_expiring": ("即将到期", "Expiring soonest"),
    "sort_subsidy": ("补贴最高", "Largest subsidy"),
    "sort_rating": ("评分最高", "Best rated"),
    "sort_year": ("年份最近", "Most recent year"),
    "sort_beneficiaries": ("受益最多", "Most beneficiaries"),
    "sort_price": ("价格最低", "Cheapest"),
    "sort_population": ("人口最多", "Largest population"),
    # related lists on a detail page
    "its_products": ("该机构的产品", "Its products"),
    "its_cases": ("相关案例", "Its cases"),
    "its_talent": ("该机构的人才", "Its people"),
}
