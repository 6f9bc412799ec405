"""Every page route, in one list the app mounts (one line per page module's handlers)."""

from __future__ import annotations

from typing import Any

from matchmaker.web.board import board, express_interest, withdraw_interest
from matchmaker.web.session import login_form, login_submit, logout

__all__ = ["PAGES"]

PAGES: list[Any] = [
    board,
    express_interest,
    withdraw_interest,
    login_form,
    login_submit,
    logout,
]
