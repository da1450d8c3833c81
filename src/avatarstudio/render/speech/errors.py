"""The one exception the speech stage raises for input a user can fix."""
from __future__ import annotations


class SpeechError(Exception):
    """A user-caused speech failure, with a HeyGen-style upper-case `code` and a readable `message`.

    The API layer maps it to each family's error envelope; the speech stage never formats envelopes itself.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
