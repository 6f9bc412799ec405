"""Reading an HTML form into the same msgspec Structs the JSON API takes, with errors per field.

A form sends strings; :func:`parse` drops empty fields (a blank input means "not given"), gathers
repeated names into lists (checkboxes), converts with msgspec's lax string rules (``"3"`` → 3) and
answers either the Struct or ``{field: message}`` to show next to the inputs. Services may still
refuse (a rule in the database, a foreign community): :func:`errors_of` turns that
:class:`~matchmaker.errors.AppError` into the same shape, so the page re-renders with what the user
typed kept.

>>> import msgspec
>>> class Need(msgspec.Struct):
...     title: str
...     slots: int = 1
>>> parse({"title": ["托管"], "slots": ["2"]}, Need)
(Need(title='托管', slots=2), {})
>>> parse({"title": [""], "slots": ["x"]}, Need, lang="en")[1]
{'title': 'Required', 'slots': 'Enter a whole number'}
"""

from __future__ import annotations

import re
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec
from litestar.datastructures import FormMultiDict

from matchmaker import controls
from matchmaker.errors import AppError

__all__ = ["FormValues", "errors_of", "friendly", "parse", "read", "typed"]

T = TypeVar("T", bound=msgspec.Struct)
#: Every submitted name with all its values (as strings), in submission order.
FormValues = dict[str, list[str]]

_AT_FIELD = re.compile(r"`\$\.(\w+)")


def read(form: FormMultiDict) -> FormValues:
    """All values of every field (``request.form()`` keeps only the last of a repeated name),
    without the control characters no text may hold (a paste brings them in unseen)."""
    values: FormValues = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(controls.clean(value))
    return values


def typed(values: FormValues, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the user sent, to put back into a refused form: the chosen values of the ``lists``
    (checkboxes, multi-selects), else the last value typed; never the CSRF token."""
    shown: dict[str, Any] = {}
    for name, given in values.items():
        if name in lists:
            shown[name] = [v for v in given if v]
        elif given and name != "_csrf_token":
            shown[name] = given[-1]
    return shown


def _is_list(tp: Any) -> bool:
    """True when a field takes several values (``list[...]``, maybe Annotated or Optional)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _is_list(get_args(tp)[0])
    if origin in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(tp) if arg is not type(None))
    return origin in (list, tuple, set, frozenset)


def _plain(values: FormValues, fields: dict[str, Any]) -> dict[str, Any]:
    """Form strings as the Struct's fields expect them: lists stay lists, blanks are dropped."""
    plain: dict[str, Any] = {}
    for name, field in fields.items():
        given = [v.strip() for v in values.get(name, [])]
        if _is_list(field.type):
            kept = [v for v in given if v]
            if kept or name in values:
                plain[name] = kept
        elif given and given[-1]:
            plain[name] = given[-1]
    return plain


#: msgspec's messages, said plainly: (pattern, Chinese, English); ``{n}`` is the number matched.
_FRIENDLY: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^required$"), "必填", "Required"),
    (re.compile(r"Expected `int`, got"), "请填写整数", "Enter a whole number"),
    (re.compile(r"Expected `(float|number)`, got"), "请填写数字", "Enter a number"),
    (re.compile(r"date"), "请按 年-月-日 填写日期，例如 2026-12-01", "Enter a date as YYYY-MM-DD"),
    (re.compile(r"length >= (?P<n>\d+)"), "至少 {n} 个字", "At least {n} characters"),
    (re.compile(r"length <= (?P<n>\d+)"), "最多 {n} 个字", "At most {n} characters"),
    (re.compile(r">= (?P<n>[\d.]+)"), "不能小于 {n}", "Must be at least {n}"),
    (re.compile(r"<= (?P<n>[\d.]+)"), "不能大于 {n}", "Must be at most {n}"),
    (re.compile(r"Invalid enum value"), "请从列表中选择", "Choose one of the listed values"),
)


#: msgspec states a float bound as "0.0"; a person writes "0".
_WHOLE = re.compile(r"(\d)\.0\b")


def friendly(message: str, lang: str = "zh") -> str:
    """A validation message in plain words (the original when no rule fits)."""
    for pattern, zh, en in _FRIENDLY:
        found = pattern.search(message)
        if found:
            numbers = {k: _WHOLE.sub(r"\1", v) for k, v in found.groupdict().items()}
            return (zh if lang == "zh" else en).format(**numbers)
    return message


def parse(
    values: FormValues, kind: type[T], *, lang: str = "zh", skip: frozenset[str] = frozenset()
) -> tuple[T | None, dict[str, str]]:
    """(the Struct, {}) or (None, {field: message}) — every field's problem at once.

    ``skip`` names fields the form never sends (set by the server, such as ``community_id``).
    """
    fields = {f.name: f for f in msgspec.structs.fields(kind) if f.name not in skip}
    plain = _plain(values, fields)
    errors: dict[str, str] = {}
    for name, field in fields.items():
        if name in plain:
            try:
                msgspec.convert(plain[name], field.type, strict=False)
            except msgspec.ValidationError as exc:
                errors[name] = friendly(str(exc).split(" - at ")[0], lang)
        elif field.required:
            errors[name] = friendly("required", lang)
    if errors:
        return None, errors
    try:
        return msgspec.convert(plain, kind, strict=False), {}
    except msgspec.ValidationError as exc:  # a rule across fields (``__post_init__``)
        named = _AT_FIELD.search(str(exc))
        return None, {named[1] if named else "form": friendly(str(exc).split(" - at ")[0], lang)}


#: The database's refusals (see ``errors.from_postgres``), said plainly: (pattern, zh, en).
_REFUSALS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"already (taken|exists)"), "已被占用，请换一个", "Already taken; choose another"),
    (re.compile(r"does not exist"), "所选的记录不存在", "The chosen record does not exist"),
    (re.compile(r"breaks the rule"), "这个值不符合规则", "This value breaks a rule"),
    (
        re.compile(r"changed at the same time"),
        "数据刚被别人改过，请再提交一次",
        "The data just changed; submit again",
    ),
)


def errors_of(exc: AppError, lang: str = "zh") -> dict[str, str]:
    """A service's refusal as ``{field: message}`` (``"form"`` when no field is named)."""
    message = exc.message
    for pattern, zh, en in _REFUSALS:
        if pattern.search(message):
            message = zh if lang == "zh" else en
            break
    return {exc.field.split(".")[0] if exc.field else "form": message}
