"""Why an imported row was refused, in the page's language.

The importers (``sheets.libraries``, ``services.demand_import``) and the services they call say
their reasons in English, as the API answers them; a Chinese page says each in Chinese: the cell
readers' reasons, the columns', a name that names no row, the create Struct's limits (through
:func:`~matchmaker.web.forms.friendly`), and the services' refusals (another's area, a name
already taken …). A reason no rule fits is shown as it is.

>>> reason_in("zh", "no district is named '火星区'; no district is named '月球'")
'没有叫“火星区”的区县；没有叫“月球”的区县'
>>> reason_in("zh", "Expected `float` <= 90.0 - at `$.lat`"), reason_in("en", "x")
('不能大于 90', 'x')
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matchmaker.models.actors import GRADED_KINDS
from matchmaker.vocab import LABELS
from matchmaker.web.forms import friendly
from matchmaker.web.i18n import Lang

__all__ = ["reason_in"]

Say = str | Callable[[dict[str, str]], str]


def _graded(_: dict[str, str]) -> str:
    kinds = "、".join(LABELS["actor_kind"][k][0] for k in GRADED_KINDS)
    return f"只有{kinds}才有评估等级"


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


#: The importers' English reasons, said in Chinese (the reason itself when no pattern fits).
_REASONS: tuple[tuple[re.Pattern[str], Say], ...] = (
    # a cell, as the readers take it
    (_p(r"^required; this cell is empty$"), "必填，这一格是空的"),
    (_p(r"^unknown value\(?s?\)? (?P<v>.+?); use (one|any) of: (?P<c>.+?)( \(joined with 、\))?$"),
     "无法识别“{v}”；请填写：{c}"),
    (_p(r"^not a date: (?P<v>.+); write it as 2026-06-20$"), "“{v}”不是日期，请写成 2026-06-20"),
    (_p(r"^must be a whole number, not (?P<v>.+)$"), "应为整数，不能是“{v}”"),
    (_p(r"^must be a whole number$"), "应为整数"),
    (_p(r"^must be a number, not (?P<v>.+)$"), "应为数字，不能是“{v}”"),
    (_p(r"^must be a number$"), "应为数字"),
    (_p(r"^must be an amount in yuan, not (?P<v>.+)$"), "应为金额（元），不能是“{v}”"),
    (_p(r"^must be between (?P<a>\S+) and (?P<b>\S+), not (?P<v>.+)$"), "应在 {a} 到 {b} 之间，不能是 {v}"),
    (_p(r"^write 是 or 否, not (?P<v>.+)$"), "请填写 是 或 否，不能是“{v}”"),
    (_p(r"^at most 50 items \((?P<n>\d+) given\)$"), "最多 50 项（现在 {n} 项）"),
    (_p(r"^an item is longer than 100 characters: (?P<v>.+)$"), "有一项超过 100 字：{v}"),
    (_p(r"^longer than (?P<n>\d+) characters \((?P<m>\d+)\)$"), "超过 {n} 字（现在 {m} 字）"),
    # a name that names no row, or several
    (_p(r"^no community is named (?P<v>.+)$"), "没有叫“{v}”的社区"),
    (_p(r"^no district is named (?P<v>.+)$"), "没有叫“{v}”的区县"),
    (_p(r"^no town is named (?P<v>.+)$"), "这个区县里没有叫“{v}”的镇街"),
    (_p(r"^no organisation is named (?P<v>.+)$"), "主体库里没有叫“{v}”的机构"),
    (_p(r"^(?P<n>\d+) are named (?P<v>.+?); write one of: (?P<c>.+)$"),
     "有 {n} 个都叫“{v}”，请写明是哪一个：{c}"),
    # the needs' own
    (_p(r"^you may import needs only for your own community, not (?P<v>.+)$"),
     "只能导入本社区的需求，不能导入“{v}”"),
    (_p(r"^(?P<e>\S+) is before the start date (?P<s>\S+)$"), "结束日期 {e} 早于开始日期 {s}"),
    (_p(r"^a new need can only be (?P<a>\S+), not (?P<v>.+)$"), "新需求的状态只能是 {a}，不能是 {v}"),
    # the header row and the file
    (_p(r"^unknown column in (?P<c>\w+); the columns are: (?P<h>.+)$"), "{c} 是不认识的列；可用的列：{h}"),
    (_p(r"^this column appears twice$"), "这一列出现了两次"),
    (_p(r"^required column is missing$"), "缺少这一必填列"),
    (_p(r"^a value in a column without a header$"), "这一列没有表头，却填了内容"),
    (_p(r"^must be an \.xlsx or \.csv spreadsheet, not (?P<v>.+?)( \(save .*\))?$"),
     "只能上传 .xlsx 或 .csv 表格，“{v}”不行（可在 Excel 里另存为 .xlsx）"),
    (_p(r"^cannot read this (?P<k>\w+) file"), "无法读取这个 {k} 文件，请用 Excel 重新保存后再试"),
    (_p(r"^there are no rows under the header"), "表头下面没有数据行，没有可导入的内容"),
    (_p(r"^the first row must hold the column headers"), "第一行必须是表头（社区、需求标题、类别 …）"),
    (_p(r"^more than (?P<n>\d+) rows"), "超过 {n} 行，请拆成几个文件"),
    # what the libraries' services refuse
    (_p(r"^only .+ carry a grade"), _graded),
    (_p(r"^must not be before valid_from$"), "截止日期不能早于生效日期"),
    (_p(r"^an actor named (?P<v>.+) is already in the library"), "主体库里已有叫“{v}”的机构（已归档的也算）"),
    (_p(r"^a person named (?P<v>.+) is already in the library"), "人才库里已有叫“{v}”的人（已归档的也算）"),
    (_p(r"^town \d+ already has a community named (?P<v>.+) \(archived"),
     "这个镇街已有叫“{v}”的社区（已归档的也算）"),
    (_p(r"^this community already has a case with this title$"), "这个社区已有同名的案例"),
    (_p(r"^another case already records this partnership$"), "已有别的案例记录了这次对接"),
    (_p(r"^this organisation already offers a product with this name$"), "这个机构已有同名的产品"),
    (_p(r"^a policy with this title already exists$"), "已有同名的政策"),
    (_p(r"already taken"), "已被占用，请换一个"),
    (_p(r"does not exist$"), "所选的记录不存在"),
    (_p(r"^only a coordinator of district \d+ \(or an admin\) may do this"),
     "这一行不在您的辖区：协调员只能在自己辖区的区县里添加"),
    (_p(r"^a coordinator's organisation must serve a district of their area$"),
     "协调员添加的机构须服务于其辖区内的区县"),
    (_p(r"^a coordinator curates only people who"),
     "协调员只能添加服务于其辖区（或所属机构服务于其辖区）的人才"),
    (_p(r"^only a coordinator of the case's community's district"),
     "只有该案例所在社区的区县协调员（或管理员）可以添加"),
    (_p(r"^only staff of this organisation, a coordinator whose area"),
     "只有该机构的工作人员、辖区包含其服务区县的协调员（或管理员）可以添加"),
    (_p(r"^only a coordinator or an admin may do this$"), "只有协调员或管理员可以这样做"),
)  # fmt: skip

#: A service's message names its field first (``grade: only …``); the page's column says it.
_FIELD_FIRST = re.compile(r"^[a-z_]+: ")


def _chinese(reason: str) -> str | None:
    for pattern, chinese in _REASONS:
        found = pattern.search(reason)
        if found:
            parts = {k: (v or "").strip("'\"") for k, v in found.groupdict().items()}
            return chinese(parts) if callable(chinese) else chinese.format(**parts)
    if reason.startswith("Expected") or " - at `$." in reason:  # the create Struct's limits
        said = friendly(reason.split(" - at ")[0], "zh")
        return None if said.startswith("Expected") else said
    return None


def reason_in(lang: Lang, reason: str) -> str:
    """A bad cell's reason in the page's language (several, joined with ``; ``, each said)."""
    if lang == "en":
        return reason
    bare = _FIELD_FIRST.sub("", reason)
    parts = [_chinese(part) for part in bare.split("; ")]
    if len(parts) > 1 and all(parts):  # a list cell's every unknown name
        return "；".join(p for p in parts if p)
    return _chinese(bare) or reason
