"""Reading one cell as staff write it: labels or codes, lists joined with 、, numbers, dates, 是/否.

Each reader takes a cell and returns the value or raises :class:`CellError` with the reason a
person sees; the column descriptions (:mod:`matchmaker.sheets.columns`,
:mod:`matchmaker.sheets.needs`) say which reader a column uses. Enumerated cells are their Chinese
labels from :data:`matchmaker.vocab.LABELS` (the code and the English label are accepted too).

>>> enum("category", "教育培训"), enum_list("target_group", "儿童、老年人"), boolean("是")
('education', ['children', 'elderly'], True)
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re

from matchmaker import controls
from matchmaker.sheets.workbook import Cell, CellError, header_key
from matchmaker.vocab import LABELS

__all__ = [
    "boolean",
    "date",
    "decimal",
    "enum",
    "enum_list",
    "integer",
    "items",
    "label",
    "money",
    "short_list",
    "text",
]

_LIST_SEPARATORS = re.compile(r"[、，,;；\n]")
_YES = {"是", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "×"}


def text(cell: Cell) -> str:
    """The cell as text (a whole float without ``.0``, a date as ISO), trimmed and cleaned."""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return controls.clean(str(cell)).strip() if cell is not None else ""


def _spelling(value: str) -> str:
    return header_key(value).casefold()


@functools.cache
def _codes(vocabulary: str) -> dict[str, str]:
    """Every accepted spelling of a vocabulary's codes: Chinese label, code, English label."""
    spellings: dict[str, str] = {}
    for code, (chinese, english) in LABELS[vocabulary].items():
        for spelling in (english, code, chinese):
            spellings[_spelling(spelling)] = code
    return spellings


def label(vocabulary: str, code: str) -> str:
    """The Chinese label of a code (the code itself when it has none)."""
    return LABELS[vocabulary].get(code, (code, code))[0]


def _choices(vocabulary: str) -> str:
    return "、".join(chinese for chinese, _ in LABELS[vocabulary].values())


def enum(vocabulary: str, value: str) -> str:
    """The code a label (or code) names."""
    code = _codes(vocabulary).get(_spelling(value))
    if code is None:
        raise CellError(f"unknown value {value!r}; use one of: {_choices(vocabulary)}")
    return code


def items(value: str) -> list[str]:
    """The items of a list cell (、，,;； or a line break between them)."""
    return [item.strip() for item in _LIST_SEPARATORS.split(value) if item.strip()]


def enum_list(vocabulary: str, value: str) -> list[str]:
    """The codes of a list of labels; every unknown one is named."""
    codes = _codes(vocabulary)
    unknown = [item for item in items(value) if _spelling(item) not in codes]
    if unknown:
        raise CellError(
            f"unknown value(s) {'、'.join(unknown)}; use any of: {_choices(vocabulary)} "
            "(joined with 、)"
        )
    return list(dict.fromkeys(codes[_spelling(item)] for item in items(value)))


def short_list(value: str) -> list[str]:
    """Free-text items (skills, tags): at most 50, each at most 100 characters."""
    found = items(value)
    if len(found) > 50:
        raise CellError(f"at most 50 items ({len(found)} given)")
    long = [item for item in found if len(item) > 100]
    if long:
        raise CellError(f"an item is longer than 100 characters: {long[0][:20]}…")
    return found


def integer(cell: Cell, low: int = -(2**31), high: int = 2**31 - 1) -> int:
    """A whole number between ``low`` and ``high`` (thousands separators allowed)."""
    if isinstance(cell, bool):
        raise CellError("must be a whole number")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise CellError(f"must be a whole number, not {cell}")
        value = int(cell)
    elif isinstance(cell, int):
        value = cell
    else:
        written = re.sub(r"[\s,，]", "", text(cell))
        if not re.fullmatch(r"[+-]?\d+(\.0*)?", written):
            raise CellError(f"must be a whole number, not {text(cell)!r}")
        value = int(written.split(".")[0])
    if not low <= value <= high:
        raise CellError(f"must be between {low} and {high}, not {value}")
    return value


def decimal(cell: Cell) -> float:
    """A finite number (coordinates, amounts)."""
    if isinstance(cell, bool):
        raise CellError("must be a number")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        written = re.sub(r"[\s,，¥￥]", "", text(cell)).removesuffix("元")
        try:
            value = float(written)
        except ValueError:
            raise CellError(f"must be a number, not {text(cell)!r}") from None
    if not math.isfinite(value):
        raise CellError(f"must be a number, not {text(cell)}")
    return value


def money(cell: Cell) -> float:
    """An amount in yuan, 0 to 999999999999.99, rounded to the fen."""
    try:
        value = decimal(cell)
    except CellError:
        raise CellError(f"must be an amount in yuan, not {text(cell)!r}") from None
    if not 0 <= value < 1e12:
        raise CellError(f"must be between 0 and 999999999999.99, not {text(cell)}")
    return round(value, 2)


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?"
)


def date(cell: Cell) -> dt.date:
    """An Excel date cell, or 2026-06-20 / 2026/6/20 / 2026年6月20日."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    written = text(cell)
    match = _DATE.fullmatch(written)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(f"not a date: {written!r}; write it as 2026-06-20")


def boolean(cell: Cell) -> bool:
    """是/否 (yes/no, true/false, 1/0)."""
    if isinstance(cell, bool):
        return cell
    written = text(cell).casefold()
    if written in _YES:
        return True
    if written in _NO:
        return False
    raise CellError(f"write 是 or 否, not {text(cell)!r}")
