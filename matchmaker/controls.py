"""Control characters in text: which ones no stored text may hold, and what the edges do about them.

Tab, line feed and carriage return are text (a description has lines); every other C0 control
character is not — nobody types one, and a spreadsheet cannot hold one (openpyxl refuses to write
it, so one such need broke the Excel export for everyone). The JSON API refuses a body holding one,
naming the field (:func:`find`); a form or an imported spreadsheet cell has them removed
(:func:`clean`), as a paste from another program brings them in unseen.

>>> find({"title": "托管", "skills": ["ok", "bad\\x0b"]})
'skills[1]'
>>> clean("老年\\x00食堂\\n")
'老年食堂\\n'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FORBIDDEN", "clean", "find"]

#: C0 controls but tab, line feed and carriage return (the characters XML 1.0 cannot hold).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def find(value: Any, at: str = "") -> str | None:
    """Where in a decoded JSON value a string (or a key) holds a forbidden character, else None."""
    if isinstance(value, str):
        return (at or "body") if FORBIDDEN.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{at}.{key}" if at else str(key)
            if isinstance(key, str) and FORBIDDEN.search(key):
                return at or "body"
            found = find(item, name)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find(item, f"{at}[{index}]")
            if found:
                return found
    return None


def clean(text: str) -> str:
    """``text`` without forbidden control characters."""
    return FORBIDDEN.sub("", text)
