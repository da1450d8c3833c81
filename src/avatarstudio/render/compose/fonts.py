"""Finding font files by family name, for text overlays (Pillow) and burned-in captions (libass).

Two sources, in this order:

- bundled families: Python packages registered with `fontpkg` (the project depends on ``fontpkg-roboto`` and
  ``fontpkg-noto-sans``; installing any other ``fontpkg-*`` package adds its family);
- installed fonts: ``*.ttf`` / ``*.otf`` / ``*.ttc`` (a collection's first face) under the usual system and user
  font folders (`FONT_DIRS`); `make install` adds Debian's WenQuanYi Micro Hei (CJK) and DejaVu (Arabic, Hebrew).

A family matches by its name with spaces, dashes and case ignored ("noto sans" == "NotoSans"). Bundled families
are variable fonts: bold selects their "Bold" named instance. A text whose characters the chosen font lacks
(CJK in Roboto, say) is drawn with the first bundled or installed font that has them all, and a note says so.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

DEFAULT_FAMILY = "Roboto"
"""Used when a request names no family, and for captions."""
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path.home() / ".local/share/fonts")


@dataclass(frozen=True)
class FontChoice:
    """The file a text is drawn with; `note` says, for the status notes, where it is not what was asked for."""

    path: Path
    family: str
    """The family name inside the file: what libass matches `Fontname` against."""
    note: str | None = None


def _squash(name: str) -> str:
    return name.lower().replace(" ", "").replace("-", "").replace("_", "")


@lru_cache(maxsize=1)
def bundled_families() -> dict[str, Path]:
    """Family name -> the upright (non-italic) file of each fontpkg family installed in this environment."""
    found: dict[str, Path] = {}
    for family in fontpkg.families().values():
        upright = [file.path for file in family.files if file.style == "normal"]
        if upright:
            found[family.name] = upright[0]
    return found


@lru_cache(maxsize=1)
def installed_files() -> tuple[Path, ...]:
    """Every TrueType / OpenType file or collection in the system and user font folders, sorted by path."""
    return tuple(sorted(path for root in FONT_DIRS if root.is_dir() for path in root.rglob("*")
                        if path.suffix.lower() in (".ttf", ".otf", ".ttc")))


@lru_cache(maxsize=64)
def find_font(family: str, bold: bool = False) -> Path | None:
    """A bundled or installed file of `family` (its bold file when asked and there is one), else None."""
    wanted = _squash(family)
    for name, path in bundled_families().items():
        if _squash(name) == wanted:
            return path
    candidates = [path for path in installed_files() if _squash(path.stem).startswith(wanted)]
    candidates.sort(key=lambda path: (("bold" in path.stem.lower()) != bold,
                                      any(style in path.stem.lower() for style in ("oblique", "italic")),
                                      len(path.stem)))
    return candidates[0] if candidates else None


@lru_cache(maxsize=128)
def _coverage(path: Path) -> frozenset[int]:
    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return frozenset((font.getBestCmap() or {}).keys())
    except (TTLibError, OSError, KeyError):
        return frozenset()


@lru_cache(maxsize=128)
def family_name(path: Path) -> str:
    """The family name recorded in the font file (name ID 1), or its file stem when it has none."""
    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return font["name"].getDebugName(1) or path.stem
    except (TTLibError, OSError, KeyError):
        return path.stem


def missing_characters(path: Path, text: str) -> str:
    """The distinct printable characters of `text` that the font has no glyph for, in order of appearance."""
    covered = _coverage(path)
    missing = dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in covered and ch.isprintable())
    return "".join(missing)


def choose_font(family: str | None, bold: bool, text: str) -> FontChoice:
    """The font to draw `text` with: `family` if found (else DEFAULT_FAMILY), or one that has all its glyphs."""
    note = None
    path = find_font(family, bold) if family else None
    if path is None:
        if family:
            note = f"font_family {family!r} is not installed; {DEFAULT_FAMILY} was used"
        path = find_font(DEFAULT_FAMILY, bold)
        assert path is not None, "the bundled default font is missing: reinstall fontpkg-roboto"
    missing = missing_characters(path, text)
    if missing:
        fallback = next((other for other in (*bundled_families().values(), *installed_files())
                         if not missing_characters(other, missing)), None)
        if fallback is None:
            note = f"no installed font has glyphs for {missing[:20]!r}; they are drawn as boxes"
        else:
            note = f"{family_name(path)} has no glyphs for {missing[:20]!r}; {family_name(fallback)} was used"
            path = fallback
    return FontChoice(path, family_name(path), note)


def load_font(path: Path, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """A Pillow font of `size` pixels; a variable font is set to its Bold (or Regular) named instance."""
    font = ImageFont.truetype(str(path), size)
    try:
        names = font.get_variation_names()
    except OSError:  # not a variable font
        return font
    instance = b"Bold" if bold else b"Regular"
    if instance in names:
        font.set_variation_by_name(instance)
    return font


def link_fonts_into(folder: Path, extra: tuple[Path, ...] = ()) -> Path:
    """`folder` filled with links to every bundled font file plus `extra`: a fontsdir= for libass."""
    folder.mkdir(parents=True, exist_ok=True)
    for family in fontpkg.families().values():
        for file in family.files:
            _link(file.path, folder)
    for path in extra:
        _link(path, folder)
    return folder


def _link(path: Path, folder: Path) -> None:
    link = folder / path.name
    if not link.exists():
        os.symlink(path, link)
