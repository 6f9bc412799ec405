"""The inbox's words (我的对接), Chinese and English, for :mod:`matchmaker.web.inbox` and its
actions (:mod:`matchmaker.web.inbox_actions`).
"""

from __future__ import annotations

from matchmaker.web.i18n import Words

__all__ = ["WORDS"]

WORDS: Words = {
    "inbox_title": ("我的对接", "Inbox"),
    "community_intro": (
        "合作方对本社区需求的意向、撮合推荐的对接，以及正在进行和已经完成的合作。",
        "Partners' interest in your needs, proposals from match rounds, and your partnerships.",
    ),
    "partner_intro": (
        "推荐给本机构的对接、本机构表达过的意向、合作项目以及社区反馈的成效。",
        "Proposals for your organisation, your interests, partnerships and reported outcomes.",
    ),
    "sections": ("分类", "Sections"),
    "tab_interests_received": ("收到的意向", "Interest received"),
    "tab_proposals": ("待回复的推荐", "Proposals to answer"),
    "tab_partnerships": ("合作中", "Active partnerships"),
    "tab_completed": ("已完成", "Completed"),
    "tab_my_interests": ("我的意向", "My interests"),
    "tab_partner_partnerships": ("合作项目", "Partnerships"),
    "tab_outcomes": ("成效反馈", "Outcome reports"),
    "not_for_you_title": ("我的对接", "Inbox"),
    "not_for_you": (
        "“我的对接”供社区工作者和合作伙伴回复推荐、管理合作。您可以在撮合轮次中查看全部推荐，或浏览需求大厅。",
        "The inbox is where community staff and partners answer proposals and run partnerships. "
        "You can see every proposal in the match rounds, or browse the board.",
    ),
    "go_rounds": ("查看撮合轮次", "Open match rounds"),
    "go_board": ("浏览需求大厅", "Browse the board"),
    # interest
    "no_interest_received": (
        "还没有合作方对本社区的需求表达意向。",
        "No partner has expressed interest in your needs yet.",
    ),
    "post_a_need": ("发布一个需求", "Post a need"),
    "answer_hint": (
        "邀请后，对方在“待回复的推荐”里确认即建立合作；邀请在答复截止前占用需求的一个名额和对方的一份承接能力。婉拒时请写明原因，对方会看到。",
        "An invitation becomes a partnership when the partner accepts it among its proposals; "
        "until it is answered or lapses it holds one of the need's slots and one unit of the "
        "partner's capacity. When you decline, say why: the partner reads it.",
    ),
    "invite": ("邀请对接", "Invite"),
    "decline_interest": ("婉拒", "Decline"),
    "decline_interest_reason": ("婉拒原因", "Why you decline"),
    "decline_interest_hint": ("对方会看到这个原因。", "The partner reads this reason."),
    "confirm_decline_interest": ("确认婉拒", "Decline this interest"),
    "answer": ("答复", "Answer"),
    "invited_waiting": ("等待对方在推荐中确认", "waiting for the partner to accept"),
    "see_proposal": ("查看邀请", "See the invitation"),
    "answered_at": ("答复时间", "Answered"),
    "not_open_to_invite": (
        "需求已不在征集中，不能再邀请。",
        "The need is no longer open; it takes no invitation.",
    ),
    "your_answer_invited": (
        "社区已邀请贵机构对接，请在“待回复的推荐”中确认。",
        "The community invited you: accept or decline it among your proposals.",
    ),
    "your_answer_declined": ("社区婉拒了这个意向：", "The community declined this interest: "),
    "see_partnership": ("查看合作", "See the partnership"),
    "thread": ("对话", "Messages"),
    "thread_with_partner": ("与合作方对话", "Write to the partner"),
    "thread_with_community": ("与社区对话", "Write to the community"),
    "invitation": ("社区邀请", "Community's invitation"),
    "interested_in": ("意向需求", "Interested in"),
    "note": ("留言", "Note"),
    "expressed_at": ("表达时间", "Expressed"),
    "no_my_interests": (
        "您还没有对任何需求表达意向。",
        "You have not expressed interest in any need.",
    ),
    "find_needs": ("去需求大厅看看", "Find needs on the board"),
    "withdraw": ("撤回意向", "Withdraw interest"),
    # proposals
    "no_proposals": ("暂时没有待回复的推荐。", "No proposals wait for your answer."),
    "proposals_come_from_rounds": (
        "统筹协调员运行撮合轮次后，推荐会出现在这里。",
        "Proposals appear here after a coordinator runs a match round.",
    ),
    "need": ("需求", "Need"),
    "partner": ("合作方", "Partner"),
    "community": ("社区", "Community"),
    "score": ("匹配度", "Match score"),
    "expires": ("回复截止", "Answer by"),
    "no_expiry": ("不限", "No limit"),
    "expired": ("已过期", "Expired"),
    "status": ("状态", "Status"),
    "you_accepted": ("您已接受，等待对方确认。", "You accepted; waiting for the other side."),
    "other_accepted": (
        "对方已接受，等您确认。",
        "The other side accepted; your answer is awaited.",
    ),
    "accept": ("接受", "Accept"),
    "decline": ("拒绝", "Decline"),
    "decline_reason": ("拒绝原因", "Reason for declining"),
    "decline_hint": (
        "对方会看到原因；被拒绝的组合不会再被推荐。",
        "The other side sees the reason; a declined pair is never proposed again.",
    ),
    "confirm_decline": ("确认拒绝", "Decline this proposal"),
    # partnerships
    "no_partnerships": ("还没有进行中的合作。", "No active partnerships."),
    "no_completed": ("还没有已完成的合作。", "No completed partnerships yet."),
    "no_outcomes": ("社区还没有反馈任何合作成效。", "No community has reported an outcome yet."),
    "started": ("开始于", "Started"),
    "ended": ("结束于", "Ended"),
    "origin": ("来源", "Origin"),
    "close": ("结项并评价", "Close with outcome"),
    "beneficiaries_served": ("服务人次", "People served"),
    "outcome": ("成效说明", "Outcome"),
    "outcome_hint": (
        "做了什么、效果如何；会写进案例库。",
        "What was done and how it went; it goes into the case library.",
    ),
    "rating": ("评价（1–5 星）", "Rating (1–5)"),
    "stars": ("星", "stars"),
    "rated": ("评价", "Rating"),
    "publish_case": (
        "同时把这次合作公开发布到案例库（可不选）",
        "Also publish this partnership in the public case library (optional)",
    ),
    "case_preview": ("预览将公开的内容", "Preview what would be published"),
    "case_preview_hint": (
        "勾选后，任何人都能在案例库看到以下内容（不含联系方式）：",
        "Ticked, anyone can see this in the case library (no contact details):",
    ),
    "case_as_typed": ("上面填写的内容", "as typed above"),
    "case_title": ("案例标题（可不填，默认用需求标题）", "Case title (optional: the need's title)"),
    "confirm_close": ("确认结项", "Close the partnership"),
    "cancel_partnership": ("终止合作", "Cancel partnership"),
    "cancel_reason": ("终止原因", "Reason for cancelling"),
    "confirm_cancel": ("确认终止", "Cancel this partnership"),
    "case": ("案例", "Case"),
    "see_case": ("查看案例", "See the case"),
    "feedback_none": ("（未填写成效说明）", "(no outcome written)"),
    "contact": ("联系方式", "Contact"),
    "contact_none": ("对方还没有填写联系方式", "The other side has not given a contact yet"),
    "rate_community": ("评价社区", "Rate the community"),
    "your_review": ("我方对社区的评价", "Your rating of the community"),
    "review_hint": (
        "只评价一次，社区看不到；协调员会看到。",
        "Once only; coordinators see it, the community does not.",
    ),
    "confirm_review": ("提交评价", "Send the rating"),
    "done_reviewed": ("已记录您对社区的评价。", "Your rating of the community was recorded."),
    "err_reviewed": (
        "您已经评价过这个社区了。没有做任何更改。",
        "You already rated this community; nothing was changed.",
    ),
    "err_own_rating": (
        "合作方不能为自己的合作结项或评分，由社区结项并评价。没有做任何更改。",
        "A partner cannot close or rate its own partnership; the community does. Nothing was changed.",
    ),
    # notices
    "done_accepted": ("已接受，等待对方确认。", "Accepted; waiting for the other side."),
    "done_confirmed": (
        "双方都已接受：合作已建立，见“合作中”。",
        "Both sides accepted: the partnership has started (see Active partnerships).",
    ),
    "done_declined": ("已拒绝这个推荐。", "You declined the proposal."),
    "done_completed": (
        "合作已结项，成效已记录。",
        "The partnership is closed and its outcome recorded.",
    ),
    "done_case": ("已发布到案例库：", "Published to the case library: "),
    "done_cancelled": ("合作已终止。", "The partnership was cancelled."),
    "done_withdrawn": ("已撤回意向。", "Your interest was withdrawn."),
    "done_invited": (
        "已发出邀请：对方确认后即建立合作，见“待回复的推荐”。",
        "Invitation sent: the partnership starts when the partner accepts (see Proposals).",
    ),
    "done_interest_declined": (
        "已婉拒这个意向，对方会看到原因。",
        "You declined the interest; the partner sees why.",
    ),
    # refusals in plain language
    "err_proposal_forbidden": (
        "这个推荐不属于您的社区或机构，您不能回复它。没有做任何更改。",
        "This proposal is not for your community or organisation; nothing was changed.",
    ),
    "err_partnership_forbidden": (
        "这项合作不属于您的社区或机构。没有做任何更改。",
        "This partnership is not yours; nothing was changed.",
    ),
    "err_interest_forbidden": (
        "只有合作方机构的工作人员可以撤回意向。没有做任何更改。",
        "Only a partner organisation's staff can withdraw interest; nothing was changed.",
    ),
    "err_answer_forbidden": (
        "这个意向不属于本社区的需求，您不能答复它。没有做任何更改。",
        "This interest is not in a need of your community; nothing was changed.",
    ),
    "err_interest_answered": (
        "这个意向已经答复过了，不能再答复。没有做任何更改。",
        "This interest was answered already; nothing was changed.",
    ),
    "err_paired": (
        "这个需求和这个合作方已经有待回复的推荐或合作了。没有做任何更改。",
        "The need and the partner already have a live proposal or a partnership; nothing was "
        "changed.",
    ),
    "err_not_found": ("找不到这条记录，可能已被删除。", "That record no longer exists."),
    "err_expired": (
        "这个推荐已经过期，不能再回复。没有做任何更改。",
        "This proposal has expired and can no longer be answered; nothing was changed.",
    ),
    "err_answered": (
        "这个推荐已经有人回复过了（{status}），不能再回复。没有做任何更改。",
        "Someone already answered this proposal ({status}); nothing was changed.",
    ),
    "err_capacity": (
        "合作方已没有余力承接更多合作，暂时无法确认。没有做任何更改。",
        "The partner has no capacity left for another partnership; nothing was changed.",
    ),
    "err_slots": (
        "这个需求的名额已满，无法再确认新的合作。没有做任何更改。",
        "The need has no open slot left; nothing was changed.",
    ),
    "err_need_closed": (
        "这个需求已不再接受新的合作方。没有做任何更改。",
        "The need takes no new partner any more; nothing was changed.",
    ),
    "err_partnership_over": (
        "这项合作已经结束（已结项或已终止），不能再操作。没有做任何更改。",
        "This partnership has already ended; nothing was changed.",
    ),
    "reason_required": ("请写明原因", "Please give a reason"),
}
