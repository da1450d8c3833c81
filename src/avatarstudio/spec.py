"""The internal, engine-agnostic description of one video.

Every create endpoint is translated into a `VideoSpec`; the renderer reads nothing else. It knows no HTTP and no
HeyGen envelope, so a field only matters to the video if it survives into this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal


@dataclass(frozen=True)
class MediaRef:
    """A file the render needs: an uploaded asset (by id), a remote URL fetched under the safety rules, a
    prepared digital twin (by id; it resolves to a local directory of render/twin's files), or a file the
    rendering job made itself in its work dir (by name: a lipsync's cleaned audio, the default watermark; never in
    a stored spec, as no other process has that folder)."""

    kind: Literal["asset", "url", "twin", "local"]
    value: str


@dataclass(frozen=True, kw_only=True)
class VoiceTuning:
    """How a text is spoken, declared once: the speech stage's VoiceSettings checks and applies these fields
    (render/speech/settings.py says what each does); the wire models map each family's names onto them."""

    speed: float = 1.0
    pitch: float = 0.0
    locale: str | None = None
    emotion: str | None = None
    stability: float | None = None
    style: float | None = None


@dataclass(frozen=True)
class TextSpeech(VoiceTuning):
    text: str
    voice_id: str
    volume: float = 1.0
    pronunciations: tuple[tuple[str, str], ...] = ()
    """(term, spoken form) pairs of the pronunciation glossary, applied to `text` before synthesis; captions
    still show `text` as written."""


@dataclass(frozen=True)
class AudioSpeech:
    audio: MediaRef
    volume: float = 1.0
    language: str | None = None
    """The recording's locale when the request names one (voice_settings.locale); None is taken as English, which
    decides how its lips are timed and whether it can be transcribed for captions."""


@dataclass(frozen=True)
class Silence:
    seconds: float


Speech = TextSpeech | AudioSpeech | Silence


@dataclass(frozen=True)
class BuiltinLook:
    """One of the catalogue's own avatars (see catalog/avatars.py)."""

    avatar_id: str


@dataclass(frozen=True)
class PhotoLook:
    """A user's photo, animated as a talking photo."""

    image: MediaRef


@dataclass(frozen=True)
class TwinLook:
    """A digital twin made from the user's own footage (render/twin/)."""

    twin_id: str
    precision: bool = False
    """HeyGen's lipsync `mode: precision`: two real mouths are chosen for every frame, warped alike and averaged
    (render/twin/engine.py), slower than the default."""


Look = BuiltinLook | PhotoLook | TwinLook


@dataclass(frozen=True)
class Character:
    look: Look
    scale: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0
    style: Literal["normal", "closeUp", "circle"] = "normal"
    circle_background: str | None = None
    matting: bool = False
    expressiveness: Literal["low", "medium", "high"] = "low"
    talking_style: Literal["stable", "expressive"] = "stable"
    expression: Literal["default", "happy"] = "default"
    motion_prompt: str | None = None
    super_resolution: bool = False


@dataclass(frozen=True)
class Background:
    """`auto`: the request asked for none. A photo whose shape differs from the frame's then fills it
    (render/compose/fill.py); anything else stands on `color`."""

    kind: Literal["color", "image", "video", "transparent", "auto"] = "color"
    color: str = "#FFFFFF"
    media: MediaRef | None = None
    play_style: Literal["freeze", "loop", "fit_to_scene", "once"] = "loop"
    fit: Literal["crop", "cover", "contain", "none"] = "cover"


@dataclass(frozen=True)
class TextOverlay:
    text: str
    font_family: str | None = None
    font_size: float = 48.0
    bold: bool = False
    color: str = "#FFFFFF"
    x: float = 0.5
    y: float = 0.9
    align: Literal["left", "center", "right"] = "center"
    line_height: float = 1.2
    width: float | None = None


@dataclass(frozen=True)
class Scene:
    character: Character | None
    speech: Speech
    background: Background = field(default_factory=Background)
    text: TextOverlay | None = None


@dataclass(frozen=True)
class Output:
    width: int
    height: int
    container: Literal["mp4", "webm"] = "mp4"
    fps: int | Fraction = 25
    """Frames a second: a whole number, or the exact Fraction of a source's rate (30000/1001) that a lipsync keeps.
    The encoder takes it as it is; every other stage counts with `rate`."""
    captions: bool = False
    bitrate: int | None = None
    """Video bits a second to aim at (a lipsync keeping its source's encoding); None: the encoder's constant
    quality."""

    @property
    def rate(self) -> int | float:
        """`fps` as a plain number for arithmetic (numpy turns a Fraction into slow arrays of objects)."""
        return self.fps if isinstance(self.fps, int) else float(self.fps)


@dataclass(frozen=True)
class Watermark:
    """An image over every frame of the video, in a corner: `position` is top_left, top_right, bottom_left or
    bottom_right; offsets are fractions of the frame (+x right, +y down); `scale` 1 is the image's own pixel size."""

    image: MediaRef
    opacity: float = 1.0
    position: str = "bottom_right"
    offset_x: float = 0.0
    offset_y: float = 0.0
    scale: float = 1.0


@dataclass(frozen=True)
class VideoSpec:
    scenes: tuple[Scene, ...]
    output: Output
    title: str | None = None
    watermark: Watermark | None = None


SPEC_VERSION = 4
"""The stored form's version. A change that older readers would misread (a renamed field, a new meaning) raises
it, and from_dict converts each older version it still meets; records from before versions existed are 1.
2: TextSpeech.pronunciations (an older reader cannot build it; version 1 records read with none).
3: Output.fps may be a fraction, stored as "num/den", and Output.bitrate (an older reader cannot build either;
version 1 and 2 records have whole rates and no bitrate).
4: TwinLook.precision (an older reader cannot build it; older records read as False)."""

OUTPUT_ROLES = ("video", "thumbnail", "gif", "srt", "vtt", "ass", "captioned")
"""The files a render makes, by role; a video's stored files are keyed by these ("captioned" only when captions
were asked for)."""

_UNION_TYPES = {cls.__name__: cls for cls in (TextSpeech, AudioSpeech, Silence, BuiltinLook, PhotoLook, TwinLook,
                                               MediaRef)}


def to_dict(video: VideoSpec) -> dict:
    """A JSON-ready form of the spec (job records store it) with its version; union members carry their class
    name."""
    return {"version": SPEC_VERSION, **_encode(video)}


def _encode(value):
    if hasattr(value, "__dataclass_fields__"):
        fields = {name: _encode(getattr(value, name)) for name in value.__dataclass_fields__}
        if type(value).__name__ in _UNION_TYPES:
            fields["_kind"] = type(value).__name__
        return fields
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return value


def from_dict(data: dict) -> VideoSpec:
    """The spec that to_dict stored. A version newer than this code's is refused: a worker left on an older release
    must fail the video with that reason rather than render something the request did not ask for."""
    version = data.get("version", 1)
    if version > SPEC_VERSION:
        raise ValueError(f"the video was stored by a newer avatarstudio (spec version {version}; this one reads "
                         f"up to {SPEC_VERSION}); upgrade this worker")
    scenes = tuple(
        Scene(
            character=_character(scene["character"]),
            speech=_tagged(scene["speech"]),
            background=Background(**{**scene["background"], "media": _media(scene["background"]["media"])}),
            text=TextOverlay(**scene["text"]) if scene["text"] else None,
        )
        for scene in data["scenes"]
    )
    mark = data.get("watermark")
    watermark = Watermark(**{**mark, "image": _media(mark["image"])}) if mark else None
    output = data["output"]
    fps = Fraction(output["fps"]) if isinstance(output["fps"], str) else output["fps"]
    return VideoSpec(scenes, Output(**{**output, "fps": fps}), data.get("title"), watermark)


def _media(data: dict | None) -> MediaRef | None:
    return MediaRef(data["kind"], data["value"]) if data else None


def with_pronunciations(video: VideoSpec, pronunciations: tuple[tuple[str, str], ...]) -> VideoSpec:
    """The spec with the glossary's pairs on every scripted scene (a spec records them so that a later change to
    the glossary does not change a video already accepted)."""
    if not pronunciations:
        return video
    scenes = tuple(replace(scene, speech=replace(scene.speech, pronunciations=pronunciations))
                   if isinstance(scene.speech, TextSpeech) else scene for scene in video.scenes)
    return replace(video, scenes=scenes)


def _tagged(data: dict):
    fields = {key: value for key, value in data.items() if key != "_kind"}
    if "pronunciations" in fields:
        fields["pronunciations"] = tuple(tuple(pair) for pair in fields["pronunciations"])
    for key in ("audio", "image"):
        if isinstance(fields.get(key), dict):
            fields[key] = _media(fields[key])
    return _UNION_TYPES[data["_kind"]](**fields)


def _character(data: dict | None) -> Character | None:
    if data is None:
        return None
    return Character(**{**data, "look": _tagged(data["look"])})
