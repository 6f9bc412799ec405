"""案例库: completed work worth copying — its community, partners and outcome."""

from __future__ import annotations

from matchmaker.libraries.common import UPDATED
from matchmaker.libraries.shape import Field, Library, ListFilter, Show
from matchmaker.models.cases import CaseCreate, CasePatch

__all__ = ["CASES"]

#: Each field once: its form and its sheet column.
_FIELDS = (
    Field("title", ("标题", "Title"), required=True, maxlength=200,
          header=("案例标题", "Title"), width=30, example="院落微更新共建花园"),
    Field("community_id", ("社区", "Community"), "ref", "communities", True,
          names="community_name", width=16, example="渔箭社区"),
    Field("category", ("类别", "Category"), "enum", "category", True,
          example="社区规划与微更新"),
    Field("summary", ("摘要", "Summary"), "long", maxlength=5000, width=40),
    Field("model_tags", ("模式标签", "Model tags"), "list", width=20,
          example="居民自治、微更新"),
    Field("actor_ids", ("参与伙伴", "Partners"), "refs", "actors", names="actors",
          width=24),
    Field("beneficiaries", ("受益人次", "Beneficiaries"), "int", example=300),
    Field("duration_months", ("持续月数", "Months"), "int", example=6),
    Field("rating", ("评分（1–5）", "Rating (1–5)"), "int",
          header=("评分(1-5)", "Rating (1-5)"), example=5),
    Field("year", ("年份", "Year"), "int", example=2026),
    Field("partnership_id", ("来源对接编号", "From partnership no."), "int", sheet=False),
)  # fmt: skip

CASES = Library(
    name="cases",
    entity="case",
    title=("案例库", "Cases"),
    about=(
        "已完成、可复制的对接案例：社区、伙伴与成效。",
        "Completed work worth copying: community, partners and outcome.",
    ),
    title_attr="title",
    fields=_FIELDS,
    create=CaseCreate,
    patch=CasePatch,
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
        UPDATED,
    ),
    filters=(
        ListFilter("district_id", "districts"),
        ListFilter("community_id", "communities"),
        ListFilter("category", "category"),
        ListFilter("actor_id", "actors", "f_actors"),
    ),
    sorts=("newest", "oldest", "rating", "year", "beneficiaries"),
)
