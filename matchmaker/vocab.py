"""The enumerated vocabularies of matchmaker, with their Chinese and English labels.

Each vocabulary is a SQL domain in ``sql/migrations`` (so PostgreSQL refuses an unknown code) and a
``Literal`` here (so msgspec refuses it at the edge). ``tests/test_schema.py`` holds the two equal.

>>> LABELS["category"]["elderly_care"]
('养老服务', 'Elderly care')
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "LABELS",
    "RELATED_CATEGORIES",
    "ActorKind",
    "Algorithm",
    "Category",
    "CommunityKind",
    "Delivery",
    "DeliveryMode",
    "DemandStatus",
    "Grade",
    "IntakeChannel",
    "InterestStatus",
    "PartnershipOrigin",
    "PartnershipStatus",
    "PolicyLevel",
    "ProposalOrigin",
    "ProposalStatus",
    "ResourceType",
    "Role",
    "RoundStatus",
    "TalentRole",
    "TargetGroup",
    "TownKind",
    "Urgency",
    "codes",
    "related_pairs",
]

CommunityKind = Literal[
    "urban",
    "rural",
    "industrial",
    "resettlement",
    "soe_residential",
    "old_neighbourhood",
    "new_commercial",
]
ActorKind = Literal[
    "enterprise",
    "university",
    "social_org",
    "foundation",
    "social_enterprise",
    "volunteer_team",
    "think_tank",
    "association",
    "cooperative",
    "government",
]
Grade = Literal["5A", "4A", "3A"]
TownKind = Literal["street", "town", "township"]
Category = Literal[
    "elderly_care",
    "child_care",
    "youth_development",
    "worker_services",
    "new_employment",
    "disability_support",
    "social_assistance",
    "meal_service",
    "education",
    "health",
    "culture_tourism",
    "heritage",
    "arts_culture",
    "environment",
    "community_planning",
    "governance",
    "legal_services",
    "property_management",
    "employment",
    "charity",
    "volunteering",
    "smart_community",
    "rural_industry",
]
#: Categories close enough that an organisation doing one can often do the other: a partner of
#: a related category is a candidate, scored lower than one of the category itself (its texts
#: then decide). Symmetric; each pair once.
RELATED_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("heritage", "arts_culture"),
    ("heritage", "culture_tourism"),
    ("arts_culture", "culture_tourism"),
    ("culture_tourism", "rural_industry"),
    ("meal_service", "elderly_care"),
    ("health", "elderly_care"),
    ("education", "child_care"),
    ("education", "youth_development"),
    ("education", "culture_tourism"),  # 研学: study tours
    ("employment", "new_employment"),
    ("employment", "worker_services"),
    ("new_employment", "worker_services"),
    ("charity", "social_assistance"),
    ("disability_support", "social_assistance"),
    ("governance", "community_planning"),
    ("governance", "property_management"),
    ("environment", "community_planning"),
)


def related_pairs() -> tuple[list[str], list[str]]:
    """Both directions of every related pair, as two parallel lists (for SQL's ``unnest``)."""
    a = [x for x, _ in RELATED_CATEGORIES] + [y for _, y in RELATED_CATEGORIES]
    b = [y for _, y in RELATED_CATEGORIES] + [x for x, _ in RELATED_CATEGORIES]
    return a, b


ResourceType = Literal[
    "funding", "expertise", "volunteers", "venue", "materials", "products", "training"
]
TargetGroup = Literal[
    "youth",
    "elderly",
    "children",
    "workers",
    "new_employment",
    "disabled",
    "hardship",
    "residents",
]
Urgency = Literal["low", "normal", "high", "urgent"]
IntakeChannel = Literal["suggestion_point", "council", "grid_worker", "hotline", "online"]
DemandStatus = Literal["draft", "open", "matched", "in_progress", "fulfilled", "cancelled"]
TalentRole = Literal[
    "social_worker", "community_planner", "expert", "craftsman", "lawyer", "volunteer"
]
PolicyLevel = Literal["national", "province", "city", "county"]
DeliveryMode = Literal["onsite", "online", "hybrid"]
#: How a need can be met: someone on site, from afar, or either.
Delivery = Literal["onsite", "remote", "either"]
Algorithm = Literal["optimal", "coverage", "stable", "greedy"]
RoundStatus = Literal["queued", "running", "succeeded", "failed"]
ProposalStatus = Literal[
    "pending", "community_accepted", "partner_accepted", "confirmed", "declined", "expired"
]
#: Where a proposal came from: a match round, or the community inviting an interested partner.
ProposalOrigin = Literal["round", "invitation"]
#: A partner's interest as the need's community answered it (once).
InterestStatus = Literal["open", "invited", "declined"]
PartnershipOrigin = Literal["proposal", "direct"]
PartnershipStatus = Literal["active", "completed", "cancelled"]
Role = Literal["community_staff", "partner", "coordinator", "admin"]


def codes(vocabulary: object) -> tuple[str, ...]:
    """The codes of a ``Literal`` vocabulary, in declaration order."""
    return tuple(get_args(vocabulary))


#: Chinese and English label of every code, by vocabulary name (the SQL domain's name less ``_code``).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "community_kind": {
        "urban": ("城市社区", "Urban community"),
        "rural": ("涉农村(社区)", "Rural village"),
        "industrial": ("产业社区", "Industrial community"),
        "resettlement": ("拆迁安置社区", "Resettlement community"),
        "soe_residential": ("国企生活区", "State-enterprise residential area"),
        "old_neighbourhood": ("老旧社区", "Old neighbourhood"),
        "new_commercial": ("新建商住社区", "New commercial-residential community"),
    },
    "actor_kind": {
        "enterprise": ("企业", "Enterprise"),
        "university": ("高校", "University"),
        "social_org": ("社会组织", "Social organisation"),
        "foundation": ("基金会", "Foundation"),
        "social_enterprise": ("社会企业", "Social enterprise"),
        "volunteer_team": ("志愿服务队", "Volunteer team"),
        "think_tank": ("智库", "Think tank"),
        "association": ("行业协会商会", "Association"),
        "cooperative": ("合作社", "Cooperative"),
        "government": ("政府部门", "Government body"),
    },
    "grade": {
        "5A": ("5A级", "Grade 5A"),
        "4A": ("4A级", "Grade 4A"),
        "3A": ("3A级", "Grade 3A"),
    },
    "town_kind": {
        "street": ("街道", "Sub-district"),
        "town": ("镇", "Town"),
        "township": ("乡", "Township"),
    },
    "category": {
        "elderly_care": ("养老服务", "Elderly care"),
        "child_care": ("儿童关爱", "Child care"),
        "youth_development": ("青年发展", "Youth development"),
        "worker_services": ("职工服务", "Services for workers"),
        "new_employment": ("新就业群体服务", "New-employment groups"),
        "disability_support": ("助残服务", "Disability support"),
        "social_assistance": ("困难帮扶", "Social assistance"),
        "meal_service": ("助餐服务", "Meal service"),
        "education": ("教育培训", "Education and training"),
        "health": ("健康服务", "Health"),
        "culture_tourism": ("文旅融合", "Culture and tourism"),
        "heritage": ("非遗传承", "Intangible heritage"),
        "arts_culture": ("文化艺术", "Arts and culture"),
        "environment": ("生态环境", "Environment"),
        "community_planning": ("社区规划与微更新", "Community planning and renewal"),
        "governance": ("议事协商与自治", "Deliberation and self-governance"),
        "legal_services": ("法律服务与调解", "Legal services and mediation"),
        "property_management": ("物业治理", "Property management"),
        "employment": ("就业创业", "Employment and enterprise"),
        "charity": ("慈善与社区基金", "Charity and community funds"),
        "volunteering": ("志愿服务", "Volunteering"),
        "smart_community": ("智慧社区", "Smart community"),
        "rural_industry": ("乡村产业", "Rural industry"),
    },
    "resource_type": {
        "funding": ("资金", "Funding"),
        "expertise": ("专业支持", "Expertise"),
        "volunteers": ("志愿者", "Volunteers"),
        "venue": ("场地", "Venue"),
        "materials": ("物资", "Materials"),
        "products": ("服务产品", "Service products"),
        "training": ("培训", "Training"),
    },
    "target_group": {
        "youth": ("青年", "Young people"),
        "elderly": ("老年人", "Elderly people"),
        "children": ("儿童", "Children"),
        "workers": ("职工", "Workers"),
        "new_employment": ("新就业群体", "New-employment groups"),
        "disabled": ("残疾人", "People with disabilities"),
        "hardship": ("困难群众", "People in hardship"),
        "residents": ("全体居民", "All residents"),
    },
    "urgency": {
        "low": ("不急", "Low"),
        "normal": ("一般", "Normal"),
        "high": ("较急", "High"),
        "urgent": ("紧急", "Urgent"),
    },
    "intake_channel": {
        "suggestion_point": ("人民建议征集点", "Suggestion point"),
        "council": ("议事会", "Residents' council"),
        "grid_worker": ("网格员", "Grid worker"),
        "hotline": ("接诉即办", "Hotline (接诉即办)"),
        "online": ("线上", "Online"),
    },
    "demand_status": {
        "draft": ("草稿", "Draft"),
        "open": ("征集中", "Open"),
        "matched": ("已匹配", "Matched"),
        "in_progress": ("实施中", "In progress"),
        "fulfilled": ("已完成", "Fulfilled"),
        "cancelled": ("已取消", "Cancelled"),
    },
    "talent_role": {
        "social_worker": ("持证社工", "Licensed social worker"),
        "community_planner": ("社区规划师", "Community planner"),
        "expert": ("专家学者", "Expert"),
        "craftsman": ("社区匠人", "Craftsman"),
        "lawyer": ("律师", "Lawyer"),
        "volunteer": ("志愿者", "Volunteer"),
    },
    "policy_level": {
        "national": ("国家级", "National"),
        "province": ("省级", "Provincial"),
        "city": ("市级", "City"),
        "county": ("区县级", "County"),
    },
    "delivery_mode": {
        "onsite": ("上门/现场", "On site"),
        "online": ("线上", "Online"),
        "hybrid": ("线上线下结合", "Hybrid"),
    },
    "delivery": {
        "onsite": ("需要现场服务", "On site"),
        "remote": ("可远程提供", "From afar"),
        "either": ("现场或远程均可", "On site or from afar"),
    },
    "algorithm": {
        "optimal": ("最优匹配", "Optimal"),
        "coverage": ("覆盖优先", "Coverage first"),
        "stable": ("稳定匹配", "Stable"),
        "greedy": ("贪心基线", "Greedy baseline"),
    },
    "round_status": {
        "queued": ("排队中", "Queued"),
        "running": ("运行中", "Running"),
        "succeeded": ("已完成", "Succeeded"),
        "failed": ("失败", "Failed"),
    },
    "proposal_status": {
        "pending": ("待确认", "Pending"),
        "community_accepted": ("社区已接受", "Accepted by community"),
        "partner_accepted": ("伙伴已接受", "Accepted by partner"),
        "confirmed": ("已确认", "Confirmed"),
        "declined": ("已拒绝", "Declined"),
        "expired": ("已过期", "Expired"),
    },
    "proposal_origin": {
        "round": ("撮合轮次", "Match round"),
        "invitation": ("社区邀请", "Community's invitation"),
    },
    "interest_status": {
        "open": ("待答复", "Awaiting an answer"),
        "invited": ("已邀请", "Invited"),
        "declined": ("已婉拒", "Declined"),
    },
    "partnership_origin": {
        "proposal": ("匹配推荐", "Match proposal"),
        "direct": ("直接对接", "Direct"),
    },
    "partnership_status": {
        "active": ("合作中", "Active"),
        "completed": ("已完成", "Completed"),
        "cancelled": ("已取消", "Cancelled"),
    },
    "role": {
        "community_staff": ("社区工作者", "Community staff"),
        "partner": ("合作伙伴", "Partner"),
        "coordinator": ("统筹协调员", "Coordinator"),
        "admin": ("管理员", "Administrator"),
    },
}

#: The ``Literal`` behind each vocabulary name, for the schema test and the seed loader.
VOCABULARIES: dict[str, object] = {
    "community_kind": CommunityKind,
    "actor_kind": ActorKind,
    "grade": Grade,
    "town_kind": TownKind,
    "category": Category,
    "resource_type": ResourceType,
    "target_group": TargetGroup,
    "urgency": Urgency,
    "intake_channel": IntakeChannel,
    "demand_status": DemandStatus,
    "talent_role": TalentRole,
    "policy_level": PolicyLevel,
    "delivery_mode": DeliveryMode,
    "delivery": Delivery,
    "algorithm": Algorithm,
    "round_status": RoundStatus,
    "proposal_status": ProposalStatus,
    "proposal_origin": ProposalOrigin,
    "interest_status": InterestStatus,
    "partnership_origin": PartnershipOrigin,
    "partnership_status": PartnershipStatus,
    "role": Role,
}
