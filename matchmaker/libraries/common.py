"""What several libraries share: the contact fields, a districts-served field, shown-only words.

>>> [f.name for f in contacts("王主任")]
['contact_name', 'contact_phone', 'contact_email']
"""

from __future__ import annotations

from matchmaker.libraries.shape import Example, Field, Show

__all__ = ["ATTR_WORDS", "SORT_WORDS", "UPDATED", "contacts", "description", "districts_served"]

UPDATED = Show("updated_at", "when")


def contacts(example_name: Example) -> tuple[Field, ...]:
    """A contact person: shown as ``services.contacts`` decides, in forms and sheets alike."""
    return (
        Field("contact_name", ("联系人", "Contact"), maxlength=100, contact=True,
              example=example_name),
        Field("contact_phone", ("联系电话", "Phone"), maxlength=50, input_type="tel",
              contact=True, example="028-88776655"),
        Field("contact_email", ("电子邮箱", "E-mail"), maxlength=200, input_type="email",
              contact=True, width=22),
    )  # fmt: skip


def districts_served() -> Field:
    return Field("district_ids", ("服务区县", "Districts served"), "refs", "districts",
                 names="districts", width=18, example="邛崃市")  # fmt: skip


def description(label: tuple[str, str] = ("简介", "Description")) -> Field:
    return Field("description", label, "long", maxlength=5000, width=40)


#: Labels of what pages show or filter by that is no field of a form (read-model attributes).
ATTR_WORDS: dict[str, tuple[str, str]] = {
    "f_districts": ("服务区县", "Districts served"),
    "f_actor_name": ("所属机构", "Organisation"),
    "f_community_name": ("社区", "Community"),
    "f_district_name": ("区县", "District"),
    "f_town_name": ("镇街", "Town"),
    "f_actors": ("参与伙伴", "Partners"),
    "f_active": ("当前有效", "In force"),
    "f_meets_1257n": ("“1257N”达标", "Meets “1257N”"),
    "f_updated_at": ("更新于", "Updated"),
    # list filters that are not form fields
    "f_resource_type": ("可提供资源", "Resource"),
    "f_role": ("人才类型", "Role"),
    "f_community_kind": ("适用社区类型", "Open to community type"),
    "f_actor_kind": ("适用主体类型", "Open to organisation type"),
    "f_target_group": ("服务对象", "For"),
    "f_free": ("公益（免费）", "Free (公益)"),
    # related lists on a detail page
    "its_products": ("该机构的产品", "Its products"),
    "its_cases": ("相关案例", "Its cases"),
    "its_talent": ("该机构的人才", "Its people"),
}

#: The sorts' names on a list page.
SORT_WORDS: dict[str, tuple[str, str]] = {
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
}
