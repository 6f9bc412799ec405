"""The names people read for a round's score components and for the reasons a need was left open,
in Chinese and English — one table for the round pages, the reports and their workbooks.

>>> COMPONENT_LABELS["text"][0], REASON_LABELS["below_threshold"][1]
('内容相似', 'Scores too low')
"""

from __future__ import annotations

__all__ = ["COMPONENT_LABELS", "REASON_LABELS"]

#: Each score component (``matching.score.COMPONENTS``, in that order): (Chinese, English).
COMPONENT_LABELS: dict[str, tuple[str, str]] = {
    "category": ("类别匹配", "Category"),
    "resources": ("资源覆盖", "Resources"),
    "text": ("内容相似", "Text"),
    "proximity": ("距离近", "Proximity"),
    "track_record": ("过往表现", "Track record"),
    "interest": ("伙伴意向", "Interest"),
    "policy": ("政策支持", "Policy"),
    "urgency": ("紧急程度", "Urgency"),
}

#: Each reason a round leaves a need open (``models.rounds.Unmatched.reason``): (Chinese, English).
REASON_LABELS: dict[str, tuple[str, str]] = {
    "no_candidate": ("没有合适的伙伴", "No suitable partner"),
    "below_threshold": ("分数不够", "Scores too low"),
    "partners_full": ("伙伴已满", "Partners full"),
    "community_cap": ("社区已达上限", "Community cap reached"),
    "lost_to_others": ("被其他需求优先", "Lost to another need"),
    "not_chosen": ("算法未选", "Not chosen"),
}
