"""The one exception of the twin package: footage that cannot make a twin."""
from __future__ import annotations


class TwinError(Exception):
    """Footage that cannot make a twin. `code` is stable (not_a_video, footage_too_short, footage_too_long,
    resolution_too_low, resolution_too_high, no_face, several_faces, face_too_small, twin_incomplete); `message`
    is in the user's words and states the limits."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
