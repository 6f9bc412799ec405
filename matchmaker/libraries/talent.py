"""人才库: people who lend their skills, shown pseudonymously and to signed-in users only."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED, districts_served
from matchmaker.libraries.shape import Field, Library, ListFilter, Show
from matchmaker.models.talent import TalentCreate, TalentPatch

__all__ = ["TALENT"]

#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("display_name", ("称呼（可用化名）", "Name (a pseudonym is fine)"), required=True,
          maxlength=100, header=("称呼", "Name"), example="张老师"),
    Field("roles", ("人才类型", "Roles"), "enums", "talent_role", True, width=18,
          example="持证社工"),
    Field("skills", ("技能", "Skills"), "list", width=24, example="个案辅导、小组活动"),
    Field("certificates", ("证书", "Certificates"), "list", width=20,
          example="中级社会工作师"),
    Field("actor_id", ("所属机构", "Organisation"), "ref", "actors", names="actor_name",
          width=20),
    districts_served(),
    Field("hours_per_month", ("每月可投入小时", "Hours per month"), "int", example=20),
    Field("bio", ("个人简介", "About"), "long", maxlength=5000, width=40),
)  # fmt: skip

TALENT = Library(
    name="talent",
    entity="talent",
    title=("人才库", "Talent"),
    about=(
        "社工、社区规划师、专家、匠人、律师与志愿者（化名展示）。",
        "Social workers, planners, experts, craftspeople, lawyers, volunteers (pseudonymous).",
    ),
    title_attr="display_name",
    fields=_FIELDS,
    create=TalentCreate,
    patch=TalentPatch,
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
        UPDATED,
    ),
    filters=(
        ListFilter("role", "talent_role"),
        ListFilter("district_id", "districts"),
        ListFilter("actor_id", "actors"),
    ),
    sorts=("newest", "oldest", "name", "hours"),
    signed_in_only=True,
)
