"""The festival engine: the Debian `festival` program with the `festvox-us-slt-hts` voice (Slt, female en-US).

Each chunk runs one `festival --pipe` process (about 0.2 s of start-up) that synthesises the chunk, writes the
wave to a temporary file and prints every segment with its times and the index of the input token it belongs
to. Festival's tokens are the chunk's whitespace tokens, so written words are matched to them by name; the
words a token expands to ("$5" -> "five dollars") all count towards that token. Rate and pitch are the HTS
engine's `-r` option for rate; festival's HTS ignores `-fm`, so synthesize() shifts pitch afterwards.
"""
from __future__ import annotations

import difflib
import shutil
import tempfile
from pathlib import Path

import soundfile

from avatarstudio.render import processes
from avatarstudio.render.speech import alignment, arpabet, text
from avatarstudio.render.speech.errors import SpeechError
from avatarstudio.render.speech.settings import Prosody
from avatarstudio.render.vocabulary import SpeechTrack, Timed

INSTALL_HINT = "apt-get install festival festvox-us-slt-hts"
TIMEOUT_SECONDS = 60.0
_SEGMENT_PREFIX = "SEG\t"

_SCRIPT = """
(if (not (member_string "{voice}" (mapcar (lambda (v) (format nil "%s" v)) (voice.list))))
    (begin (format t "NOVOICE\\n") (exit 3)))
(voice_{voice})
(set! hts_engine_params (append hts_engine_params (list (list "-r" {rate}))))
(set! utt (Utterance Text "{text}"))
(utt.synth utt)
(set! token_index 0)
(set! token (utt.relation.first utt 'Token))
(while token
  (item.set_feat token "index" token_index)
  (set! token_index (+ token_index 1))
  (set! token (item.next token)))
(utt.save.wave utt "{wave}" 'riff)
(mapcar (lambda (seg)
          (format t "{prefix}%s\\t%f\\t%f\\t%s\\n" (item.name seg) (item.feat seg "segment_start")
                  (item.feat seg "end") (item.feat seg "R:SylStructure.parent.parent.R:Token.parent.index")))
        (utt.relation.items utt 'Segment))
"""


def festival_program() -> str | None:
    """The path of the festival program, or None when it is not installed."""
    return shutil.which("festival")


class FestivalEngine:
    """Engine over festival; engine_voice is a festival voice name ("cmu_us_slt_arctic_hts")."""

    shifts_pitch = False

    def speak(self, chunk: str, engine_voice: str, prosody: Prosody) -> SpeechTrack:
        program = festival_program()
        if program is None:
            raise SpeechError("VOICE_NOT_AVAILABLE", f"the festival voice needs the festival program: {INSTALL_HINT}")
        with tempfile.TemporaryDirectory(prefix="festival-") as folder:
            wave = Path(folder) / "speech.wav"
            script = _SCRIPT.format(voice=engine_voice, rate=f"{prosody.rate:.4f}", text=_scheme_string(chunk),
                                    wave=wave, prefix=_SEGMENT_PREFIX)
            ran = processes.run([program, "--pipe"], "festival speech synthesis", stdin=script.encode(),
                                timeout=TIMEOUT_SECONDS)
            said, complaint = ran.stdout.decode(errors="replace"), ran.stderr.decode(errors="replace")
            if "NOVOICE" in said:
                raise SpeechError("VOICE_NOT_AVAILABLE",
                                  f"festival has no voice {engine_voice!r}: {INSTALL_HINT}")
            if not wave.is_file():
                raise RuntimeError(f"festival produced no audio: {complaint.strip() or said.strip()}")
            samples, rate = soundfile.read(wave, dtype="float32")
        phonemes, tokens = _timed_phonemes(said)
        words = text.words_of(chunk)
        owners = _owners(words, chunk, tokens)
        spans = alignment.word_spans([word.label for word in words], phonemes, owners)
        return SpeechTrack(samples.reshape(-1), rate, spans, phonemes)

    def engine_voice_for_locale(self, engine_voice: str, locale: str) -> str:
        return engine_voice


def _scheme_string(chunk: str) -> str:
    """`chunk` inside a Scheme string literal: backslashes and quotes escaped, line breaks made spaces."""
    return " ".join(chunk.replace("\\", "\\\\").replace('"', '\\"').split())


def _timed_phonemes(output: str) -> tuple[list[Timed], list[int]]:
    """IPA phonemes (pauses dropped) and the festival token index of each, from the printed segment lines."""
    phonemes: list[Timed] = []
    tokens: list[int] = []
    for line in output.splitlines():
        if not line.startswith(_SEGMENT_PREFIX):
            continue
        name, start, end, token = line[len(_SEGMENT_PREFIX):].split("\t")
        if float(end) > float(start):
            sounds = arpabet.timed_ipa(name, float(start), float(end))
            phonemes.extend(sounds)
            tokens.extend([int(float(token))] * len(sounds))
    return phonemes, tokens


def _owners(words: list[text.Word], chunk: str, tokens: list[int]) -> list[int]:
    """The written word of each phoneme, from its festival token; never decreasing.

    Festival's tokens are the whitespace tokens of the chunk; they are matched to the written words by their
    text. A token matched to no word (punctuation spoken as a word, a split the two disagree on) goes with the
    word before it.
    """
    token_texts = [_bare(token) for token in chunk.split()]
    word_texts = [_bare(word.label) for word in words]
    word_of_token: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, token_texts, word_texts, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            word_of_token[block.a + offset] = block.b + offset
    owners: list[int] = []
    highest = 0
    for token in tokens:
        earlier = [word_of_token[t] for t in range(token, -1, -1) if t in word_of_token][:1]
        highest = max(highest, earlier[0] if earlier else 0)
        owners.append(highest)
    return owners


def _bare(token: str) -> str:
    """A token compared by its letters and digits only."""
    return "".join(char for char in token.lower() if char.isalnum())
