"""What synthetic rows are made of: the vocabularies' codes and how often each is drawn, the
Chinese fragments titles and descriptions are composed from, and the geography they live in.

Few enough fragments that jieba segments each once; varied enough to read like data.

>>> label("category", "elderly_care")
'养老服务'
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from matchmaker.vocab import (
    LABELS,
    ActorKind,
    Category,
    CommunityKind,
    IntakeChannel,
    ResourceType,
    TargetGroup,
    Urgency,
    codes,
)

CITY = "合成市"
#: The share of partners that also work remotely, unless a caller says otherwise.
DEFAULT_REMOTE_SHARE = 0.10
COMMUNITY_PREFIX = "合成社区"
PARTNER_PREFIX = "合成伙伴"
#: A Sichuan-like box (lat, lon), shrunk by a margin so communities around a district stay inside.
LAT_RANGE = (28.5, 32.5)
LON_RANGE = (102.5, 107.5)
DISTRICT_MARGIN = 0.3
SPREAD_DEGREES = 0.06
#: The share of partners that also serve on site within a radius of their base.
RADIUS_SHARE = 0.3


# The vocabularies, and how often each code is drawn. Categories fall off with their position, so
# elderly care and child care are common and rural industry is rare, as in the field.
CATEGORIES = codes(Category)
CATEGORY_WEIGHTS = 1.0 / np.arange(1, len(CATEGORIES) + 1) ** 0.8
COMMUNITY_KINDS = codes(CommunityKind)
COMMUNITY_KIND_WEIGHTS = (0.30, 0.20, 0.08, 0.10, 0.07, 0.15, 0.10)
ACTOR_KINDS = codes(ActorKind)
ACTOR_KIND_WEIGHTS = (0.15, 0.06, 0.30, 0.07, 0.08, 0.14, 0.03, 0.06, 0.06, 0.05)
#: Kinds the actors table lets carry a grade (its CHECK), and the grades with "none" last.
GRADED_KINDS = frozenset({"social_org", "foundation", "association", "social_enterprise"})
GRADES = ("5A", "4A", "3A", None)
GRADE_WEIGHTS = (0.10, 0.25, 0.30, 0.35)
RESOURCE_TYPES = codes(ResourceType)
TARGET_GROUPS = codes(TargetGroup)
URGENCIES = codes(Urgency)
URGENCY_WEIGHTS = (0.20, 0.50, 0.20, 0.10)
INTAKE_CHANNELS = codes(IntakeChannel)
INTAKE_WEIGHTS = (0.20, 0.25, 0.25, 0.10, 0.20)
#: The group a category's demands serve first; other categories serve a random group.
CATEGORY_GROUP = {
    "elderly_care": "elderly",
    "child_care": "children",
    "youth_development": "youth",
    "worker_services": "workers",
    "new_employment": "new_employment",
    "disability_support": "disabled",
    "social_assistance": "hardship",
    "meal_service": "elderly",
    "education": "children",
}

# Chinese fragments. Few enough that jieba segments each once; varied enough to read like data.
NICK_HEADS = "锦青金玉桂望龙凤翠柳梅兰竹松芙银星光新福安和祥瑞嘉宏盛康泰明"
NICK_TAILS = "华林溪江泉苑湖桥湾园山城坊里岭坝堰台门巷"
PROJECT_NOUNS = (
    "提升项目", "服务计划", "试点项目", "行动计划",
    "能力建设项目", "公益项目", "共建计划", "微项目",
)  # fmt: skip
REASONS = (
    "居民议事会反映",
    "网格员走访发现",
    "社区调研显示",
    "人民建议征集中多次提到",
    "辖区单位反映",
)
ACTIONS = (
    "拟联合专业机构开展常态化服务",
    "计划引入社会力量共建共治",
    "希望链接资源搭建服务阵地",
    "计划培育居民骨干共同参与",
    "拟以项目化方式分期推进",
)
#: The fixed words of the description templates, segmented once.
DEMAND_WORDS = "需求突出 预计惠及 希望获得"
SKILLS = (
    "活动策划", "社工督导", "心理疏导", "法律咨询", "康复护理", "营养配餐", "财务管理", "项目评估",
    "宣传摄影", "非遗技艺", "园艺种植", "急救培训", "数据分析", "课业辅导", "文艺排练", "电商直播",
)  # fmt: skip
TAGLINES = (
    "扎根社区多年，服务经验丰富",
    "拥有专业社工团队",
    "长期开展公益项目",
    "具备项目评估能力",
    "与多个街道建立合作",
    "擅长资源链接与整合",
)
COMMUNITY_WORDS = "片区 常住人口 特色"

#: Demand budgets in whole thousands of yuan; ``None`` (no budget given) for some.
BUDGETS: tuple[Decimal | None, ...] = (None, *(Decimal(k * 1000) for k in range(1, 101)))
BUDGET_WEIGHTS = (15.0, *([85.0 / 100] * 100))  # 15 % without a budget
#: Demand windows start this many days around ``today`` and last this many days.
WINDOW_START_DAYS = (-60, 60)
WINDOW_LENGTH_DAYS = (30, 365)


def label(vocabulary: str, code: str) -> str:
    """The Chinese label of a code: what people would write in a title."""
    return LABELS[vocabulary][code][0]
