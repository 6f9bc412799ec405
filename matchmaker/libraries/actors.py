"""主体库: organisations ready to partner — what they do, where, and how to reach them."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED, contacts, description, districts_served
from matchmaker.libraries.shape import Field, Library, ListFilter, Related, Show
from matchmaker.models.actors import ActorCreate, ActorPatch

__all__ = ["ACTORS"]

#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("name", ("名称", "Name"), required=True, maxlength=200,
          header=("机构名称", "Name"), width=24, example="邛崃市阳光社工服务中心"),
    Field("kind", ("类型", "Type"), "enum", "actor_kind", True, example="社会组织"),
    Field("grade", ("评估等级", "Grade"), "enum", "grade", example="4A级"),
    Field("verified", ("已认证", "Verified"), "bool", example="是"),
    Field("categories", ("服务领域", "Fields of work"), "enums", "category", width=20,
          example="养老服务、教育培训"),
    Field("resource_types", ("可提供资源", "Resources offered"), "enums", "resource_type",
          width=20, example="志愿者、专业支持"),
    districts_served(),
    Field("remote", ("可远程服务", "Works remotely"), "bool", example="否"),
    Field("remote_resource_types", ("可远程提供的资源", "Resources delivered remotely"),
          "enums", "resource_type", form=False, width=20),
    Field("service_radius_km", ("服务半径(公里)", "Service radius (km)"), "int", form=False,
          example=20),
    Field("capacity", ("可同时承接项目数", "Partnerships at once"), "int", example=3),
    Field("lat", ("纬度", "Latitude"), "decimal", required=True, example=30.41),
    Field("lon", ("经度", "Longitude"), "decimal", required=True, example=103.46),
    description(),
    Field("website", ("网站", "Website"), maxlength=300, input_type="url", width=24),
    *contacts("李社工"),
)  # fmt: skip

ACTORS = Library(
    name="actors",
    entity="actor",
    title=("主体库", "Organisations"),
    about=(
        "企业、高校、社会组织、基金会等可以对接的合作主体。",
        "Enterprises, universities, social organisations and foundations ready to partner.",
    ),
    title_attr="name",
    fields=_FIELDS,
    create=ActorCreate,
    patch=ActorPatch,
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
        UPDATED,
    ),
    filters=(
        ListFilter("kind", "actor_kind"),
        ListFilter("category", "category"),
        ListFilter("resource_type", "resource_type"),
        ListFilter("district_id", "districts"),
        ListFilter("verified", "bool"),
    ),
    sorts=("newest", "oldest", "name", "capacity"),
    related=(
        Related("its_products", "products", "actor_id"),
        Related("its_cases", "cases", "actor_id"),
        Related("its_talent", "talent", "actor_id"),
    ),
)
