"""Printing to PDF with Typst: finding a Chinese font, and compiling a template with its data.

Typst (the ``typst`` package: the compiler as one self-contained wheel, no system libraries)
embeds and subsets OpenType/CFF fonts such as Noto CJK, which a printed handbook needs: a PDF
without an embedded Chinese font prints boxes on a machine that lacks it. The data goes in as
JSON through ``sys.inputs`` and the template reads it with ``json(bytes(...))``, so what users
typed is never Typst markup and needs no escaping: a title with ``#``, ``*`` or ``$`` prints as
it is and runs nothing.

The font is looked for in ``MATCHMAKER_FONT_DIR`` when set, else among the system's fonts
(``fc-list :lang=zh``, then the folders Debian, Fedora and Arch put Noto CJK in). Only the font's
own folder is given to Typst (the system's other fonts are ignored), so what prints is the same
on every machine that has the font.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typst

__all__ = ["FONT_HELP", "CjkFont", "NoCjkFont", "compile_pdf", "find_cjk_font"]

TEMPLATES = Path(__file__).resolve().parent / "typst"

#: Font files we know, by the start of their name, and the family Typst knows them by.
KNOWN_FONTS: tuple[tuple[str, str], ...] = (
    ("NotoSansCJK", "Noto Sans CJK SC"),
    ("NotoSansSC", "Noto Sans SC"),
    ("SourceHanSans", "Source Han Sans SC"),
    ("NotoSerifCJK", "Noto Serif CJK SC"),
    ("wqy-zenhei", "WenQuanYi Zen Hei"),
    ("wqy-microhei", "WenQuanYi Micro Hei"),
)
#: Where distributions install Noto CJK, for a machine without fontconfig.
SYSTEM_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/OTF",
    "/usr/share/fonts/truetype/wqy",
)
FONT_HELP = (
    "no Chinese font was found to print with: install one (Debian/Ubuntu: apt-get install "
    "fonts-noto-cjk; Fedora: dnf install google-noto-sans-cjk-fonts) or set MATCHMAKER_FONT_DIR "
    "to a folder holding NotoSansCJK-*.ttc"
)


class NoCjkFont(RuntimeError):
    """No Chinese font to print with; the message says what to install."""


@dataclass(frozen=True)
class CjkFont:
    family: str
    folder: Path


def _family(path: Path) -> str | None:
    for prefix, family in KNOWN_FONTS:
        if path.name.startswith(prefix) and path.suffix.lower() in (".ttc", ".otf", ".ttf"):
            return family
    return None


def _best(files: list[Path]) -> CjkFont | None:
    """The most preferred known font among ``files`` (KNOWN_FONTS order)."""
    found = [(f, _family(f)) for f in files]
    for _prefix, family in KNOWN_FONTS:
        for path, fam in found:
            if fam == family:
                return CjkFont(family, path.parent)
    return None


def _fontconfig_files() -> list[Path]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(  # noqa: S603 (fixed arguments)
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [Path(line.strip().rstrip(":")) for line in out.splitlines() if line.strip()]


@functools.cache
def find_cjk_font(font_dir: str = "") -> CjkFont | None:
    """A Chinese font to print with, or None. ``font_dir`` set: only that folder is searched."""
    if font_dir:
        folder = Path(font_dir)
        return _best(sorted(folder.iterdir())) if folder.is_dir() else None
    found = _best(_fontconfig_files())
    if found is not None:
        return found
    files = [f for d in SYSTEM_DIRS if Path(d).is_dir() for f in sorted(Path(d).iterdir())]
    return _best(files)


@functools.cache
def _fonts(folder: Path) -> typst.Fonts:
    """The font folder read once per process (a CJK collection is tens of megabytes)."""
    return typst.Fonts(include_system_fonts=False, font_paths=[str(folder)])


def compile_pdf(template: str, data: dict[str, Any], font_dir: str = "") -> bytes:
    """``typst/<template>.typ`` compiled with ``data`` (read there as ``sys.inputs.data``)."""
    font = find_cjk_font(font_dir)
    if font is None:
        raise NoCjkFont(FONT_HELP)
    source = (TEMPLATES / f"{template}.typ").read_bytes()
    inputs = {"data": json.dumps(data, ensure_ascii=False, default=str), "font": font.family}
    pdf = typst.compile(source, format="pdf", font_paths=_fonts(font.folder), sys_inputs=inputs)
    assert isinstance(pdf, bytes)
    return pdf
