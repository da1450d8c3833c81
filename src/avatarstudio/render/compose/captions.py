"""Captions drawn into the video: the caption font, the fonts folder libass reads, and the ASS file it draws.

Captions use the bundled DEFAULT_FAMILY in bold, or the first bundled or installed font that has every character
of the spoken text (see fonts.choose_font). Layout is the ASS style's (encode/subtitles.py): bottom-centred,
wrapped at spaces inside side margins, a cue with a word too long for a line set smaller, so that no caption
leaves the frame at 16:9 or 9:16.
"""
from __future__ import annotations

from pathlib import Path

from avatarstudio.render.compose.fonts import DEFAULT_FAMILY, choose_font, link_fonts_into, load_font
from avatarstudio.render.encode import BurnIn, captions_ass
from avatarstudio.render.vocabulary import Timed


def prepare_burn_in(words: list[Timed], width: int, height: int, folder: Path, captioned: Path,
                    ass_name: str = "captions.ass") -> tuple[BurnIn, str | None]:
    """Writes `folder`/`ass_name` and a `folder`/fonts directory; returns the BurnIn for the encoder and a note
    when the caption font is not the default one."""
    choice = choose_font(DEFAULT_FAMILY, True, " ".join(word.label for word in words))
    fonts = link_fonts_into(folder / "fonts", (choice.path,))
    fonts_cache: dict[int, object] = {}

    def text_width(text: str, size: int) -> float:
        if size not in fonts_cache:
            fonts_cache[size] = load_font(choice.path, size, bold=True)
        return fonts_cache[size].getlength(text)

    ass = folder / ass_name
    ass.write_text(captions_ass(words, width, height, choice.family, text_width), encoding="utf-8")
    return BurnIn(captioned, ass, fonts), choice.note
