"""Caption files (SRT, WebVTT, ASS) from word timings, for the API's caption_url and for burning in."""
from __future__ import annotations

from collections.abc import Callable

from avatarstudio.render.encode.cues import group_cues
from avatarstudio.render.vocabulary import Timed


def _clock(seconds: float, fraction_digits: int) -> tuple[int, int, int, int]:
    """(hours, minutes, seconds, fraction) of a non-negative time, rounded to `fraction_digits` decimals."""
    scale = 10**fraction_digits
    ticks = round(max(seconds, 0.0) * scale)
    whole, fraction = divmod(ticks, scale)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return hours, minutes, secs, fraction


def srt_time(seconds: float) -> str:
    """HH:MM:SS,mmm"""
    return "{:02d}:{:02d}:{:02d},{:03d}".format(*_clock(seconds, 3))


def vtt_time(seconds: float) -> str:
    """HH:MM:SS.mmm"""
    return "{:02d}:{:02d}:{:02d}.{:03d}".format(*_clock(seconds, 3))


def ass_time(seconds: float) -> str:
    """H:MM:SS.cc (centiseconds)"""
    return "{:d}:{:02d}:{:02d}.{:02d}".format(*_clock(seconds, 2))


def captions_srt(words: list[Timed]) -> str:
    """SubRip text: numbered cues separated by blank lines; no words gives an empty file."""
    return "".join(
        f"{number}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{cue.text}\n\n"
        for number, cue in enumerate(group_cues(words), start=1)
    )


def _vtt_escape(text: str) -> str:
    """WebVTT cue text treats & and < as markup, and a literal "-->" would end the cue's timing line."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def captions_vtt(words: list[Timed]) -> str:
    """WebVTT text: the WEBVTT header, then one block per cue; no words gives just the header."""
    blocks = [
        f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n{_vtt_escape(cue.text)}\n\n" for cue in group_cues(words)
    ]
    return "WEBVTT\n\n" + "".join(blocks)


ASS_STYLE_FIELDS = (
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding"
)
ASS_EVENT_FIELDS = "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"


def _ass_escape(text: str) -> str:
    """Braces open override blocks and backslashes start escapes (\\N, \\h) in ASS; spoken words need neither."""
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


CAPTION_SIZE = 0.058
"""Caption font size as a fraction of the frame's shorter side: 42 px at 720p, the same at 16:9 and 9:16."""
CAPTION_MARGIN = 0.06
"""Left, right and bottom margins as fractions of the frame width / height."""

TextWidth = Callable[[str, int], float]
"""(text, font size in pixels) -> its drawn width in pixels, with the caption font."""


def caption_size(width: int, height: int) -> int:
    return max(12, round(min(width, height) * CAPTION_SIZE))


def _ass_style(width: int, height: int, font: str) -> str:
    """White bold text with a black outline and soft shadow, bottom-centred, sized from the frame's shorter side."""
    size = caption_size(width, height)
    outline = max(1, round(min(width, height) / 360))
    margin_x = round(width * CAPTION_MARGIN)
    margin_v = round(height * CAPTION_MARGIN)
    return (
        f"Style: Default,{font},{size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,"
        f"-1,0,0,0,100,100,0,0,1,{outline},{outline // 2 or 1},2,{margin_x},{margin_x},{margin_v},1"
    )


def _fitted(text: str, width: int, height: int, text_width: TextWidth | None) -> str:
    """The cue text, with a smaller font size override when one of its words alone is wider than a line.

    libass wraps only at spaces, so without this a long word (or a run of CJK) would run off the frame.
    """
    if text_width is None:
        return _ass_escape(text)
    size = caption_size(width, height)
    room = width * (1 - 2 * CAPTION_MARGIN)
    widest = max((text_width(word, size) for word in text.split()), default=0.0)
    if widest <= room:
        return _ass_escape(text)
    return f"{{\\fs{max(1, int(size * room / widest))}}}{_ass_escape(text)}"


def captions_ass(words: list[Timed], width: int, height: int, font: str = "Roboto",
                 text_width: TextWidth | None = None) -> str:
    """Advanced SubStation text for libass, with PlayResX/Y = the video size so sizes are in output pixels.

    `font` names a family libass must find (pass fontsdir= to the subtitles filter); the text is bottom-centred
    and wraps smartly at spaces if a cue is wider than the frame less its margins; with `text_width`, a cue whose
    longest word alone is too wide is set smaller so that it fits. YCbCr Matrix is TV.709 to match the video.
    """
    events = [
        f"Dialogue: 0,{ass_time(cue.start)},{ass_time(cue.end)},Default,,0,0,0,,"
        f"{_fitted(cue.text, width, height, text_width)}"
        for cue in group_cues(words)
    ]
    lines = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        f"Format: {ASS_STYLE_FIELDS}",
        _ass_style(width, height, font),
        "",
        "[Events]",
        f"Format: {ASS_EVENT_FIELDS}",
        *events,
    ]
    return "\n".join(lines) + "\n"

