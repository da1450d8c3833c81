"""The voices of the bundled espeak-ng, read from its data files: no engine is loaded to list them.

espeak-ng's voice files (`espeak-ng-data/lang/<family>/<voice>`) name the voice and its language tags with
priorities. `installed_voices` reads them as espeak's own `espeak_ListVoices` does (comments after `//` dropped,
a missing priority counting 5, sorted by first tag, its priority, then name), so the listing is the same as the
library's without loading it: the API process lists voices without any speech engine.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import espeakng_loader

DEFAULT_PRIORITY = 5
"""espeak's priority for a language line that gives none."""


@dataclass(frozen=True)
class EspeakVoice:
    """An installed espeak-ng voice: display name, identifier for SetVoiceByName, language tags by priority."""

    name: str
    identifier: str
    languages: tuple[str, ...]


@functools.cache
def installed_voices() -> list[EspeakVoice]:
    """Every voice (language or accent) of the bundled espeak-ng data that can speak, in espeak's order.

    espeak lists voices whose pronunciation dictionary is not shipped (they would say nothing); those are left out.
    """
    data = Path(espeakng_loader.get_data_path())
    read = [_read_voice(path, data / "lang") for path in sorted((data / "lang").rglob("*")) if path.is_file()]
    listed = sorted((voice for voice in read if voice is not None), key=lambda voice: voice[0])
    return [voice for _, voice in listed if _has_dictionary(data, voice)]


def _read_voice(path: Path, root: Path) -> tuple[tuple[str, int, str], EspeakVoice] | None:
    """The voice in one file with its sort key, or None for a file that names no language."""
    name = ""
    languages: list[tuple[str, int]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        words = line.split("//")[0].split()
        if len(words) > 1 and words[0] == "name" and not name:
            name = line.split("//")[0].split(None, 1)[1].strip()
        elif len(words) > 1 and words[0] == "language":
            languages.append((words[1], int(words[2]) if len(words) > 2 else DEFAULT_PRIORITY))
    if not languages:
        return None
    voice = EspeakVoice(name, path.relative_to(root).as_posix(), tuple(tag for tag, _ in languages))
    return (languages[0][0], languages[0][1], name), voice


def _has_dictionary(data: Path, voice: EspeakVoice) -> bool:
    """Whether the dictionary the voice file names (by default its language code) is in the data directory."""
    voice_file = data / "lang" / voice.identifier
    lines = voice_file.read_text(encoding="utf-8", errors="replace").splitlines() if voice_file.is_file() else []
    named = [line.split()[1] for line in lines if line.startswith("dictionary") and len(line.split()) > 1]
    dictionary = named[0] if named else voice.languages[0].split("-")[0] if voice.languages else voice.identifier
    return (data / f"{dictionary}_dict").is_file()
