"""Short jobs a request waits for: text to speech, the catalogue's preview files and a photo's face check. None of
them waits on a remote server (a photo named by URL is fetched by a queued job: jobs/photo_job.py).

The HTTP process loads no speech engine and no face model: it hands this work to a worker, on a queue of its
own so that a long render never holds it up, and waits at most `settings.quick_job_seconds` for the answer
(ServiceError 503 after that). quick_work.py is the worker's side.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from avatarstudio.errors import ServiceError
from avatarstudio.store.models import new_id

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

PreviewKind = Literal["avatar", "voice"]
PREVIEW_MEDIA_TYPES: dict[str, str] = {"avatar": "image/png", "voice": "audio/wav"}


@dataclass(frozen=True)
class Spoken:
    """Text spoken into the WAV file at blob `key`, with each written word's (label, start, end) in seconds."""

    key: str
    duration: float
    words: list[tuple[str, float, float]]


@dataclass(frozen=True)
class Refused:
    """The speech stage refused the input: `code` is its own (UNSUPPORTED_LOCALE, EMPTY_TEXT, ...)."""

    code: str
    message: str


def preview_key(kind: PreviewKind, item_id: str) -> str:
    """Where the preview file of a built-in avatar (a PNG still) or a voice (a WAV sample) is stored."""
    return f"catalog/{kind}s/{item_id}.{'png' if kind == 'avatar' else 'wav'}"


def speak(runtime: Runtime, text: str, voice_id: str, speed: float, locale: str | None) -> tuple[str, Spoken | Refused]:
    """A request id and `text` spoken by the catalogue voice `voice_id` (which must exist), stored under it."""
    request_id = new_id()
    return request_id, runtime.queue.ask("speak", f"speech/{request_id}.wav", text, voice_id, speed, locale)


def preview(runtime: Runtime, kind: PreviewKind, item_id: str) -> str:
    """The blob key of the catalogue item's preview file, made by a worker on its first request and then kept
    (concurrent first requests may both make it; the store's atomic writes keep either result whole)."""
    key = preview_key(kind, item_id)
    if not runtime.blobs.exists(key):
        runtime.queue.ask("preview", kind, item_id)
    return key


def refuse_unless_one_face(file_type: str, face_problem: Callable[[], str | None]) -> None:
    """The talking photo's rule, wherever the face is looked for: an image (else `face_problem` is not asked)
    showing exactly one face (`face_problem` says why not, or None). A refusal names `file` and the rule broken."""
    problem = "a talking photo must be a JPEG or PNG image" if file_type != "image" else face_problem()
    if problem is not None:
        raise ServiceError("invalid_parameter", f"file is invalid: {problem}", param="file")


def require_one_face(runtime: Runtime, data: bytes, file_type: str) -> None:
    """Refuses an upload that cannot be a talking photo (refuse_unless_one_face). The worker looks at a copy kept
    in the blob store meanwhile."""
    refuse_unless_one_face(file_type, lambda: _asked_face_problem(runtime, data))


def _asked_face_problem(runtime: Runtime, data: bytes) -> str | None:
    folder = f"checks/{new_id()}/"
    runtime.blobs.put_bytes(f"{folder}photo", data)
    try:
        return runtime.queue.ask("face_problem", f"{folder}photo")
    finally:
        runtime.blobs.delete_prefix(folder)
