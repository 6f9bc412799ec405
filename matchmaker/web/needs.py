"""A need's page: everything about it, its community against "1257N", cases and policies like it.

Anyone may read an open or finished need; a draft only those :func:`services.demands.get_visible`
lets see it. The community's own staff (and coordinators) also get the buttons that move its status
— through :func:`services.demands.change_status`, which alone decides what is allowed. A partner
expresses interest here with an optional note, or withdraws it (:mod:`matchmaker.web.need_interest`,
the board's service). Posting,
editing and importing needs are in :mod:`matchmaker.web.need_forms` and
:mod:`matchmaker.web.need_import`.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Conflict, Forbidden
from matchmaker.models import CurrentUser
from matchmaker.models.demands import DEMAND_TRANSITIONS, Demand, StatusChange
from matchmaker.models.stats import STANDARD_1257N
from matchmaker.queries import cases as cases_q
from matchmaker.queries import communities as communities_q
from matchmaker.queries import policies as policies_q
from matchmaker.queries import rounds as rounds_q
from matchmaker.segment import query_text
from matchmaker.services import demands as service
from matchmaker.services import verification
from matchmaker.services.access import can_manage_community
from matchmaker.web.forms import parse, read
from matchmaker.web.i18n import Lang, Words, label, say
from matchmaker.web.page import Req, lang_of, render, see_other, user_of
from matchmaker.web.share import absolute_url, need_path, need_summary

__all__ = ["MANAGERS", "WORDS", "DemandId", "need_detail", "need_status", "refusal"]

#: Who may change needs at all; which needs is the services' rule (their own community's).
MANAGERS = roles("community_staff", "coordinator", "admin")
SIMILAR_CASES = 4
ELIGIBLE_POLICIES = 5
#: Notices a page may be sent to after a change (``?notice=…``); anything else is ignored.
NOTICES = ("created_open", "created_draft", "saved", "status_open", "status_draft",
           "status_matched", "status_in_progress", "status_fulfilled", "status_cancelled",
           "interest_expressed", "interest_updated", "interest_withdrawn")  # fmt: skip

WORDS: Words = {
    "back_board": ("← 返回需求大厅", "← Back to the board"),
    "status": ("状态", "Status"),
    "community": ("社区", "Community"),
    "description": ("需求描述", "Description"),
    "no_description": ("（没有填写描述）", "(no description)"),
    "skills": ("所需技能", "Skills"),
    "beneficiaries": ("受益人数", "Beneficiaries"),
    "budget": ("预算", "Budget"),
    "yuan": ("元", "CNY"),
    "intake_channel": ("需求来源", "Where the need came from"),
    "delivery": ("服务方式", "How it is delivered"),
    "delivery_by_default": ("（按类别判断）", "(by its category)"),
    "beneficiary_orgs": ("受益方", "For the group"),
    "interest_count": ("已表达意向的伙伴", "Partners interested"),
    "your_interest": ("贵机构的意向", "Your organisation's interest"),
    "interest_intro": (
        "表达意向后，社区工作人员会收到通知，可以邀请贵机构对接或婉拒。",
        "Once you express interest the community's staff are told; they may invite you or decline.",
    ),
    "interest_note": ("留言（选填）", "Note (optional)"),
    "interest_note_hint": (
        "例如能投入的人手、时间或经验；最多 1000 字。",
        "For instance the people, time or experience you can offer; at most 1000 characters.",
    ),
    "express_interest": ("我有意向", "We're interested"),
    "interest_sign_in": (
        "合作伙伴登录后即可对这条需求表达意向。",
        "Partners sign in to express interest in this need.",
    ),
    "interest_sign_in_button": ("登录并表达意向", "Sign in to express interest"),
    "update_note": ("更新留言", "Update the note"),
    "withdraw_interest": ("撤回意向", "Withdraw interest"),
    "interested_since": ("贵机构已于 {when} 表达意向。", "You expressed interest on {when}."),
    "interest_invited": (
        "社区已邀请贵机构对接，请到“我的对接”确认。",
        "The community invited you: answer it in your inbox.",
    ),
    "interest_declined": ("社区婉拒了这个意向：", "The community declined this interest: "),
    "go_inbox": ("去我的对接", "Open the inbox"),
    "interest_closed": (
        "这条需求已不再征集伙伴，不能表达意向。",
        "This need is no longer open; it takes no interest.",
    ),
    "notice_interest_expressed": (
        "已表达意向，社区工作人员会收到通知。",
        "Interest expressed; the community's staff are told.",
    ),
    "notice_interest_updated": ("留言已更新。", "Your note is updated."),
    "notice_interest_withdrawn": ("已撤回意向。", "Your interest was withdrawn."),
    "posted": ("发布时间", "Posted"),
    "details": ("需求详情", "About this need"),
    "profile": ("社区概况", "The community"),
    "population": ("人口", "Population"),
    "kind": ("社区类型", "Kind"),
    "theme": ("特色", "Theme"),
    "standard": ("“1257N”五社联动标准", "The “1257N” standard"),
    "standard_intro": (
        "每个社区至少需要 1 个社工室、2 名社工、5 个社区社会组织、7 支志愿服务队和 1 项慈善资源。",
        "Every community needs at least 1 social-work room, 2 social workers, 5 community "
        "organisations, 7 volunteer teams and 1 charity resource.",
    ),
    "meets": ("这个社区达到了“1257N”标准。", "This community meets the “1257N” standard."),
    "falls_short": (
        "这个社区有 {n} 项没有达到“1257N”标准，合作伙伴可以在这些方面帮忙。",
        "This community falls short on {n} of the “1257N” indicators; partners can help there.",
    ),
    "indicator": ("指标", "Indicator"),
    "has": ("现有", "Has"),
    "needs": ("标准", "Needs"),
    "standing": ("情况", "Standing"),
    "met": ("✓ 达标", "✓ Met"),
    "short_by": ("✗ 还差 {n}", "✗ Short by {n}"),
    "at_least": ("至少 {n}", "at least {n}"),
    "cases": ("可借鉴的案例", "Similar past cases"),
    "cases_intro": (
        "同类或相关的已完成项目。",
        "Completed work in the same field or on the same theme.",
    ),
    "no_cases": ("案例库里还没有相近的案例。", "The case library has no similar case yet."),
    "all_cases": ("浏览案例库", "Browse the case library"),
    "rating": ("评分", "Rating"),
    "policies": ("可申请的政策", "Policies that may apply"),
    "policies_intro": (
        "现行有效、覆盖这个类别和这类社区的政策。",
        "Policies in force that cover this category and this kind of community.",
    ),
    "no_policies": (
        "政策库里没有适用于这个类别和社区类型的现行政策。",
        "No policy in force covers this category and kind of community.",
    ),
    "all_policies": ("浏览政策库", "Browse the policy library"),
    "issuer": ("发布单位", "Issuer"),
    "subsidy": ("补贴上限", "Subsidy up to"),
    "valid": ("有效期", "Valid"),
    "open_ended": ("长期", "open-ended"),
    "manage": ("管理这条需求", "Manage this need"),
    "edit": ("修改需求", "Edit the need"),
    "move_open": ("发布，开始征集", "Publish: start looking for partners"),
    "move_draft": ("撤回为草稿", "Take back to draft"),
    "move_matched": ("标记为已匹配", "Mark as matched"),
    "move_in_progress": ("标记为实施中", "Mark as in progress"),
    "move_fulfilled": ("标记为已完成", "Mark as fulfilled"),
    "cancel_title": ("取消这条需求", "Cancel this need"),
    "cancel_reason": ("取消原因（选填）", "Why (optional)"),
    "cancel_confirm": ("确认取消（取消后不能恢复）", "Yes, cancel it (this cannot be undone)"),
    "cancel_button": ("取消需求", "Cancel the need"),
    "confirm_needed": ("请勾选“确认取消”后再提交。", "Tick the confirmation box first."),
    "final": (
        "这条需求的状态是“{status}”，不能再修改。什么都没有改变。",
        "This need is {status}; it can no longer change. Nothing was changed.",
    ),
    "not_owner": (
        "只有这个社区的工作人员或协调员可以修改这条需求。什么都没有改变。",
        "Only this community's staff or a coordinator may change this need. Nothing was changed.",
    ),
    "bad_move": (
        "这条需求现在是“{now}”，不能改为“{to}”。什么都没有改变。",
        "This need is {now} now and cannot become {to}. Nothing was changed.",
    ),
    "import": ("从 Excel 导入需求", "Import needs from Excel"),
    "notice_created_open": ("需求已发布，正在征集合作伙伴。", "The need is published."),
    "notice_created_draft": (
        "已保存为草稿。只有本社区工作人员和协调员能看到它，准备好后请点“发布”。",
        "Saved as a draft: only your community's staff and coordinators see it. Publish it when ready.",
    ),
    "notice_saved": ("修改已保存。", "Your changes are saved."),
    "notice_status_open": ("需求已发布，正在征集合作伙伴。", "The need is open for partners."),
    "notice_status_draft": ("需求已撤回为草稿。", "The need is back to draft."),
    "notice_status_matched": ("需求已标记为已匹配。", "The need is marked as matched."),
    "notice_status_in_progress": ("需求已标记为实施中。", "The need is marked as in progress."),
    "notice_status_fulfilled": ("需求已标记为已完成。", "The need is marked as fulfilled."),
    "notice_status_cancelled": ("需求已取消。", "The need is cancelled."),
    "see_mine": (
        "本社区的全部需求（包括草稿）都在“我的需求”里。",
        "All your community's needs, drafts included, are in My needs.",
    ),
    "share": ("分享这条需求", "Share this need"),
    "share_link": ("链接", "Link"),
    "share_hint": (
        "复制链接发到微信群，或让对方用微信扫一扫二维码。",
        "Copy the link into a chat group, or let someone scan the QR code with WeChat.",
    ),
    "share_draft": (
        "这是草稿：只有本社区工作人员和协调员能打开这个链接，发布后再分享。",
        "This is a draft: only your community's staff and coordinators can open this link. "
        "Publish it before sharing.",
    ),
    "copy_link": ("复制链接", "Copy link"),
    "copied": ("已复制。", "Copied."),
    "qr_alt": ("这条需求页面的二维码", "QR code of this need's page"),
    "qr_download": ("下载二维码（SVG）", "Download the QR code (SVG)"),
}

Notice = Annotated[str | None, QueryParameter(max_length=40)]
DemandId = Annotated[int, PathParameter(ge=1, le=2**62)]


def indicators(community: Any, lang: Lang) -> list[dict[str, Any]]:
    """Each "1257N" indicator in plain words: its name, what the community has, what it needs."""
    rows = []
    for requirement in STANDARD_1257N:
        has = int(getattr(community, requirement.indicator))
        rows.append(
            {
                "name": requirement.label if lang == "zh" else requirement.label_en,
                "has": has,
                "needs": requirement.needs,
                "met": has >= requirement.needs,
                "short": max(requirement.needs - has, 0),
            }
        )
    return rows


def need_words(demand: Demand) -> list[str]:
    """The need's title and skills as search words (one-character words match too much)."""
    text = " ".join([demand.title, *demand.skills])
    return [word for word in query_text(text).split() if len(word) > 1][:20]


def moves(user: CurrentUser | None, demand: Demand) -> list[str]:
    """The status changes to offer as buttons (cancelling has its own confirming form)."""
    if not can_manage_community(user, demand.community_id, demand.district_id):
        return []
    return [s for s in DEMAND_TRANSITIONS[demand.status] if s != "cancelled"]


def refusal(exc: AppError, demand: Demand, target: str | None, lang: Lang) -> str:
    """A service's refusal in plain words, saying that nothing changed."""
    if isinstance(exc, Forbidden):
        return say(lang, WORDS["not_owner"])
    if isinstance(exc, Conflict) and target:
        return say(lang, WORDS["bad_move"]).format(
            now=label(lang, "demand_status", demand.status), to=label(lang, "demand_status", target)
        )
    if isinstance(exc, Conflict):
        return say(lang, WORDS["final"]).format(status=label(lang, "demand_status", demand.status))
    return exc.message


async def detail_page(
    request: Req,
    conn: asyncpg.Connection,
    demand: Demand,
    *,
    status: int = 200,
    **values: Any,
) -> Template:
    """The need's page with its community, similar cases and eligible policies."""
    user, lang = user_of(request), lang_of(request)
    values = {"interest": await service.interest_of(conn, user, demand.id)} | values
    community = await communities_q.get(conn, demand.community_id)
    cases = await cases_q.similar(conn, demand.category, need_words(demand), limit=SIMILAR_CASES)
    policies = await policies_q.eligible(
        conn, demand.category, demand.community_kind, ELIGIBLE_POLICIES
    )
    ids = demand.beneficiary_actor_ids
    beneficiaries = await rounds_q.actor_labels(conn, ids) if ids else {}
    share_url = absolute_url(request, need_path(demand.id))
    return render(
        request, "need_detail.html", words=WORDS, status=status,
        demand=demand, community=community, indicators=indicators(community, lang),
        beneficiary_names=[beneficiaries[i] for i in demand.beneficiary_actor_ids if i in beneficiaries],
        cases=cases, policies=policies, moves=moves(user, demand),
        manages=can_manage_community(user, demand.community_id, demand.district_id),
        can_cancel="cancelled" in DEMAND_TRANSITIONS[demand.status],
        share_url=share_url, summary=need_summary(demand, lang),
        partners=(await verification.partners(conn, [demand.id])).get(demand.id, []),
        **({"refused": None, "confirm_error": None, "reason": "", "ask_interest": False} | values),
    )  # fmt: skip


@get("/needs/{demand_id:int}", include_in_schema=False, name="need_detail")
async def need_detail(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    demand_id: DemandId,
    notice: Notice = None,
    interest: Annotated[int | None, QueryParameter(ge=0, le=1)] = None,
) -> Template:
    """One need; a draft is "not found" for whoever may not see it. ``?interest=1`` (the fair
    handbook's QR codes) opens it at the interest form: its button takes the focus, and one not
    signed in is offered to sign in and come back to it."""
    demand = await service.get_visible(conn, user_of(request), demand_id)
    shown = notice if notice in NOTICES else None
    return await detail_page(request, conn, demand, notice=shown, ask_interest=interest == 1)


@post("/needs/{demand_id:int}/status", include_in_schema=False, guards=[MANAGERS],
      name="need_status", status_code=303)  # fmt: skip
async def need_status(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    demand_id: DemandId,
) -> Response[Any] | Template:
    """Move the need's status; cancelling needs the confirmation box ticked. A refusal changes
    nothing and says why on the need's page."""
    user = user_of(request)
    assert user is not None  # the guard let only signed-in users through
    demand = await service.get_visible(conn, user, demand_id)
    values = read(await request.form())
    reason = (values.get("reason") or [""])[-1][:1000]
    body, errors = parse(values, StatusChange, lang=lang_of(request))
    target = body.status if body else None
    if body is None:
        return await detail_page(
            request, conn, demand, status=422, refused=next(iter(errors.values()))
        )
    if target == "cancelled" and "confirm" not in values:
        return await detail_page(
            request,
            conn,
            demand,
            status=422,
            confirm_error=say(lang_of(request), WORDS["confirm_needed"]),
            reason=reason,
        )
    try:
        await service.change_status(conn, user, demand_id, body)
    except AppError as exc:
        message = refusal(exc, demand, target, lang_of(request))
        return await detail_page(request, conn, demand, status=exc.status, refused=message)
    if (values.get("back") or [""])[-1] == "mine":  # the change was made from "my needs"
        return see_other(request, f"/needs/mine?notice=status_{target}#need-{demand_id}")
    return see_other(request, f"/needs/{demand_id}?notice=status_{target}")
