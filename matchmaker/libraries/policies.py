"""政策库: policies backing community work, who they are open to and what they fund."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED
from matchmaker.libraries.shape import Field, Library, ListFilter, Show
from matchmaker.models.policies import PolicyCreate, PolicyPatch

__all__ = ["POLICIES"]

#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("title", ("标题", "Title"), required=True, maxlength=200,
          header=("政策标题", "Title"), width=30, example="关于推进城乡社区发展治理的实施意见"),
    Field("issuer", ("发文单位", "Issuer"), required=True, maxlength=200, width=20,
          example="成都市委社治委"),
    Field("level", ("层级", "Level"), "enum", "policy_level", True, example="市级"),
    Field("doc_number", ("文号", "Document number"), maxlength=100,
          example="成社治发〔2026〕1号"),
    Field("valid_from", ("生效日期", "Valid from"), "date", required=True,
          example="2026-01-01"),
    Field("valid_to", ("截止日期", "Valid to"), "date"),
    Field("categories", ("服务领域", "Fields of work"), "enums", "category",
          header=("适用领域", "Categories"), width=20, example="议事协商与自治"),
    Field("eligible_community_kinds", ("适用社区类型", "Open to communities"), "enums",
          "community_kind", width=18),
    Field("eligible_actor_kinds", ("适用主体类型", "Open to organisations"), "enums",
          "actor_kind", width=18, example="社会组织"),
    Field("subsidy_ceiling", ("补贴上限（元）", "Subsidy ceiling (CNY)"), "money",
          header=("补贴上限(元)", "Subsidy ceiling (CNY)"), example=200000),
    Field("summary", ("摘要", "Summary"), "long", maxlength=5000, width=40),
)  # fmt: skip

POLICIES = Library(
    name="policies",
    entity="policy",
    title=("政策库", "Policies"),
    about=(
        "支持社区发展治理的政策文件、适用对象与补贴上限。",
        "Policies backing community work: who they are open to and what they fund.",
    ),
    title_attr="title",
    fields=_FIELDS,
    create=PolicyCreate,
    patch=PolicyPatch,
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
        UPDATED,
    ),
    filters=(
        ListFilter("level", "policy_level"),
        ListFilter("category", "category"),
        ListFilter("community_kind", "community_kind"),
        ListFilter("actor_kind", "actor_kind"),
        ListFilter("active", "bool"),
    ),
    sorts=("newest", "oldest", "expiring", "subsidy"),
)
