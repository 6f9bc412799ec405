"""The words of the coordinators' round pages, in Chinese and English: one table, read by
:mod:`matchmaker.web.rounds` (the form, the result, each unmatched reason said plainly)."""

from __future__ import annotations

from matchmaker.services.round_labels import COMPONENT_LABELS, REASON_LABELS
from matchmaker.web.i18n import Words

__all__ = ["WORDS"]

WORDS: Words = {
    "rounds_title": ("撮合轮次", "Match rounds"),
    "rounds_intro": (
        "在选定范围内，把开放的社区需求与有余力的合作伙伴配对。先试运行看看结果，满意再正式运行。",
        "Pair open community needs with partners that have room, within a scope. Try a dry run first, then run it for real.",
    ),
    "new_round": ("发起新一轮", "Start a new round"),
    "scope": ("范围", "Scope"),
    "all_districts": ("全部区县", "All districts"),
    "my_area": ("我辖区的全部区县", "Every district of my area"),
    "all_categories": ("全部类别", "All categories"),
    "category_hint": (
        "只撮合这一类别的需求（可不选）。",
        "Only needs of this category (optional).",
    ),
    "algorithm": ("算法", "Algorithm"),
    "algo_optimal": (
        "在名额和容量限制下，让所有配对的总分最高。",
        "The highest total score within slots and capacities.",
    ),
    "algo_coverage": (
        "先让尽量多的需求（和社区）得到伙伴，再比分数。",
        "Serve as many needs (and communities) as possible first, then score.",
    ),
    "algo_stable": (
        "双方按各自偏好互选，没有哪一对会都更想换对象。",
        "Both sides choose by their own preferences; no pair would rather swap.",
    ),
    "algo_greedy": (
        "从分数最高的配对开始依次选，简单快速，作对照用。",
        "Highest score first — simple and fast, the baseline.",
    ),
    "weights": ("评分权重", "Score weights"),
    "weights_hint": (
        "只看各项之间的比例（可填 0–10）。默认值合计为 1，已填好：内容相似 0.34 即占总分的 34%。",
        "Only their ratios matter (each may be 0–10). The defaults, filled in, add up to 1: "
        "Text 0.34 is 34% of the score.",
    ),
    "min_score": ("最低分", "Minimum score"),
    "min_score_hint": (
        "低于这个分数的配对不会推荐（0–1：0.3 即 30%）。",
        "Pairs scoring under this are never proposed (0–1: 0.3 is 30%).",
    ),
    "max_per_community": ("每个社区最多配对数", "Most pairs per community"),
    "max_per_community_hint": (
        "留空表示不限；稳定匹配不接受这个上限。",
        "Blank for no cap; the stable algorithm takes none.",
    ),
    "dry_run": ("试运行（只看结果，不发出推荐）", "Dry run (see the result, send no proposals)"),
    "include_unverified": ("也推荐未认证的组织", "Also propose organisations not yet verified"),
    "include_unverified_hint": (
        "默认只推荐已认证的组织；勾选后未认证的也会推荐，并标注「未认证」。",
        "By default only verified organisations are proposed; ticked, unverified ones are too, "
        "marked as such.",
    ),
    "split_by_district": ("按区县分区并行求解", "Solve district by district, in parallel"),
    "split_by_district_hint": (
        "每个区县单独求解、由各工作进程并行完成，适合全市、全省的大轮次。跨区县服务的伙伴若被几个区县同时选中，"
        "保存时会为落空的需求再求解一次，结果可能略逊于整体求解。",
        "Each district is solved on its own, by the workers in parallel: for city- or "
        "province-wide rounds. Where several districts pick the same partner beyond its "
        "capacity, the needs left out are solved again as the round is saved; the result can be "
        "a little below one whole solve.",
    ),
    "unverified": ("未认证", "Not verified"),
    "start": ("开始撮合", "Start the round"),
    "past_rounds": ("历史轮次", "Past rounds"),
    "no_rounds": (
        "还没有撮合轮次。用上面的表单发起第一轮。",
        "No rounds yet. Start the first with the form above.",
    ),
    "when": ("时间", "When"),
    "who": ("发起人", "Who"),
    "mode": ("方式", "Mode"),
    "status": ("状态", "Status"),
    "counts": ("配对 / 需求", "Pairs / needs"),
    "dry": ("试运行", "Dry run"),
    "real": ("正式", "Real"),
    "system": ("系统", "System"),
    "round_n": ("第 {n} 轮", "Round {n}"),
    "view": ("查看", "View"),
    "unknown_district": (
        "没有这个区县，请从列表中选择。",
        "No such district; choose one from the list.",
    ),
    "weights_zero": ("至少要有一项权重大于 0。", "At least one weight must be above 0."),
    "stable_no_cap": (
        "稳定匹配不接受每社区上限，请留空或换一种算法。",
        "The stable algorithm takes no cap: leave it blank or pick another algorithm.",
    ),
    # the round page
    "running": ("正在撮合…", "Running…"),
    "queued_note": ("已排队，马上开始。", "Queued; starting in a moment."),
    "phase": ("当前步骤", "Step"),
    "phase_candidates": ("找出每条需求可考虑的伙伴", "Finding the partners each need could have"),
    "phase_scoring": ("逐对打分", "Scoring the pairs"),
    "phase_graph": ("构建配对图", "Building the graph"),
    "phase_solving": ("求解", "Solving"),
    "phase_explaining": ("解释未匹配的需求", "Explaining unmatched needs"),
    "phase_writing": ("保存结果", "Saving the result"),
    "phase_parts": ("分区并行求解", "Solving district by district"),
    "phase_done": ("完成", "Done"),
    "failed_title": ("这一轮没有完成", "This round did not finish"),
    "failed_note": ("没有发出任何推荐。原因：", "No proposals were sent. The reason:"),
    "dry_note": (
        "这是试运行：下面是本轮会推荐的配对，但没有发给任何人，也没有占用名额。",
        "This is a dry run: these are the pairs it would propose; nothing was sent or held.",
    ),
    "real_note": (
        "推荐已发给双方，等待社区和伙伴确认。",
        "Proposals were sent; they wait for the community and the partner to accept.",
    ),
    "run_for_real": ("按相同参数正式运行", "Run it for real"),
    "summary": ("概况", "Summary"),
    "s_demands": ("范围内需求", "Needs in scope"),
    "s_partners": ("可用伙伴", "Partners with room"),
    "s_candidates": ("可考虑的配对（需求 × 伙伴）", "Pairs considered (need × partner)"),
    "s_matched": ("推荐配对", "Proposed pairs"),
    "s_served": ("得到伙伴的需求", "Needs served"),
    "s_communities": ("涉及社区", "Communities served"),
    "s_unmatched": ("仍有空缺的需求", "Needs left open"),
    "s_seconds": ("用时（秒）", "Time (s)"),
    "s_dropped": ("写入时已被占用而放弃", "Dropped: taken meanwhile"),
    "proposals": ("推荐配对", "Proposals"),
    "print_sheet": ("打印各社区的方案", "Print the proposals by community"),
    "no_proposals": (
        "这一轮没有推荐任何配对。看看下面未匹配的原因，或放宽最低分、扩大范围再试。",
        "This round proposed no pairs. See the reasons below, or lower the minimum score or widen the scope.",
    ),
    "need": ("需求", "Need"),
    "community": ("社区", "Community"),
    "partner": ("伙伴", "Partner"),
    "score": ("总分", "Score"),
    "why_score": ("分数构成", "Why this score"),
    "showing_first": ("只列出分数最高的 {n} 条。", "Showing the best {n} only."),
    "unmatched": ("仍有空缺的需求及原因", "Needs left open, and why"),
    "no_unmatched": ("每个需求的名额都配满了。", "Every need got all the partners it asked for."),
    "open_slots": ("空缺 {n} 个", "{n} open"),
    "sum_of_parts": ("各项之和（权重 × 得分）", "The sum of the parts (weight × score)"),
    "r_other_text": (
        "这轮没有为它找到配对；可放宽范围、降低最低分或稍后再试。",
        "This round found it no pair; widen the scope, lower the minimum score or try again later.",
    ),
    "picture": ("配对图：社区 → 伙伴", "The round: communities → partners"),
    "picture_label": (
        "桑基图：左边是社区，右边是合作伙伴，连线越粗推荐越多。数据见下表。",
        "Sankey chart: communities on the left, partners on the right; thicker links mean more proposals. Data below.",
    ),
    "picture_data": ("图表数据", "Chart data"),
    "flow_count": ("推荐数", "Proposals"),
    "back_to_rounds": ("返回撮合轮次", "Back to rounds"),
    "params": ("参数", "Parameters"),
    "c_category": COMPONENT_LABELS["category"],
    "c_resources": COMPONENT_LABELS["resources"],
    "c_text": COMPONENT_LABELS["text"],
    "c_proximity": COMPONENT_LABELS["proximity"],
    "c_track_record": COMPONENT_LABELS["track_record"],
    "c_interest": COMPONENT_LABELS["interest"],
    "c_policy": COMPONENT_LABELS["policy"],
    "c_urgency": COMPONENT_LABELS["urgency"],
    "ch_category": ("伙伴服务这一类别", "The partner serves the category"),
    "ch_resources": ("伙伴能提供所需资源的比例", "Share of the needed resources offered"),
    "ch_text": (
        "需求描述与伙伴简介、产品、案例的相似度",
        "Need text vs the partner's profile, products, cases",
    ),
    "ch_proximity": (
        "距离越近越高；可远程服务至少一半",
        "Closer is higher; remote partners at least half",
    ),
    "ch_track_record": ("过往合作的评分和完成率", "Ratings and completion of past work"),
    "ch_interest": ("伙伴表达过意向", "The partner said it is interested"),
    "ch_policy": ("有现行政策支持这类合作", "An active policy covers the pairing"),
    "ch_urgency": ("需求越紧急越高", "More urgent needs score higher"),
    # unmatched reasons, as a coordinator can act on them
    "r_no_candidate": REASON_LABELS["no_candidate"],
    "r_no_candidate_text": (
        "资源库里还没有做这类工作的组织。可以邀请相关伙伴入驻。",
        "No organisation in the library does this kind of work yet. Invite one.",
    ),
    "r_no_candidate_out_of_reach_text": (
        "服务范围内没有能做这件事的伙伴。最近能做的「{partner}」在 {km} 公里外，超出其服务范围。"
        "可以邀请本地伙伴入驻，或请它把这里纳入服务范围。",
        "No partner in reach does this. The nearest that does, “{partner}”, is {km} km away, "
        "outside its service area. Invite a local partner, or ask it to extend its area.",
    ),
    "r_no_candidate_unverified_text": (
        "能做这件事的「{partner}」（{km} 公里外）尚未认证。认证它，或勾选「也推荐未认证的组织」再试一次。",
        "“{partner}” ({km} km away) could do this but is not verified. Verify it, or run again "
        "with unverified organisations included.",
    ),
    "r_no_candidate_beneficiary_text": (
        "唯一能做这件事的「{partner}」正是这项需求的受益方，不能作为它的合作伙伴。",
        "The only organisation that does this, “{partner}”, is the group this need is for.",
    ),
    "r_no_candidate_unavailable_text": (
        "能做这件事的「{partner}」已满额、曾经拒绝过，或已在对接中。",
        "“{partner}”, which does this, is full, declined before, or is already paired with it.",
    ),
    "r_too_few_text": (
        "符合条件的伙伴比需要的名额少。",
        "Fewer eligible partners than the slots it asks for.",
    ),
    "r_below_threshold": REASON_LABELS["below_threshold"],
    "r_below_threshold_text": (
        "最合适的伙伴「{partner}」得分 {best}，低于本轮最低分 {min}；把最低分填为 {best_value}（即 {best}）就会推荐它。"
        "也可以完善需求描述。",
        "The best candidate, “{partner}”, scores {best}, under this round's minimum of {min}; a "
        "minimum of {best_value} ({best}) would propose it. Or describe the need better.",
    ),
    "r_partners_full": REASON_LABELS["partners_full"],
    "r_partners_full_text": (
        "候选伙伴的容量都已被之前的对接占满。",
        "Every candidate partner is full with earlier commitments.",
    ),
    "r_community_cap": REASON_LABELS["community_cap"],
    "r_community_cap_text": (
        "所在社区本轮已有 {cap} 个配对，达到每社区上限。",
        "Its community already has {cap} pair(s) this round, the cap.",
    ),
    "r_lost_to_others": REASON_LABELS["lost_to_others"],
    "r_lost_to_others_text": (
        "它最合适的伙伴「{partner}」分给了分数更高的需求「{rival}」。",
        "Its best partner “{partner}” went to the higher-scoring need “{rival}”.",
    ),
    "r_not_chosen": REASON_LABELS["not_chosen"],
    "r_not_chosen_text": (
        "伙伴「{partner}」还有空位，但{algorithm}的目标选择了别的配对。",
        "Partner “{partner}” had room, but the {algorithm} objective chose otherwise.",
    ),
}
