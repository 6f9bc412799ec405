"""社区库: communities and villages, their 1257N indicators and their contact person."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED, contacts, description
from matchmaker.libraries.shape import Field, Library, ListFilter, Related, Show
from matchmaker.models.communities import CONTACT_FIELDS, CommunityCreate, CommunityPatch

__all__ = ["COMMUNITIES"]


def _count(name: str, label: tuple[str, str], example: int) -> Field:
    return Field(name, label, "int", example=example)


#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("name", ("名称", "Name"), required=True, maxlength=200,
          header=("社区名称", "Name"), width=18, example="渔箭社区"),
    Field("district_id", ("区县", "District"), "ref", "districts", True,
          names="district_name", example="邛崃市"),
    Field("town_id", ("镇街", "Town"), "ref", "towns", True, names="town_name",
          example="文君街道"),
    Field("kind", ("类型", "Type"), "enum", "community_kind", True, example="城市社区"),
    Field("theme", ("社区主题", "Theme"), maxlength=50, example="文化传承"),
    Field("population", ("人口", "Population"), "int", required=True, example=8600),
    Field("lat", ("纬度", "Latitude"), "decimal", required=True, example=30.41),
    Field("lon", ("经度", "Longitude"), "decimal", required=True, example=103.46),
    _count("social_work_rooms", ("社工室", "Social-work rooms"), 1),
    _count("social_workers", ("社工", "Social workers"), 2),
    _count("community_orgs", ("社区社会组织", "Community organisations"), 5),
    _count("volunteer_teams", ("志愿服务队", "Volunteer teams"), 7),
    _count("charity_resources", ("慈善资源", "Charity resources"), 1),
    description(),
    *contacts("王主任"),
)  # fmt: skip

COMMUNITIES = Library(
    name="communities",
    entity="community",
    title=("社区库", "Communities"),
    about=(
        "社区与村的基本情况及“1257N”达标情况。",
        "Communities and villages, and how they meet the “1257N” standard.",
    ),
    title_attr="name",
    fields=_FIELDS,
    create=CommunityCreate,
    patch=CommunityPatch,
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
        UPDATED,
    ),
    filters=(ListFilter("district_id", "districts"), ListFilter("kind", "community_kind")),
    sorts=("newest", "oldest", "name", "population"),
    related=(Related("its_cases", "cases", "community_id"),),
    own_fields=CONTACT_FIELDS,
)
