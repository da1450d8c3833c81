"""POST /v3/brand-glossaries: terms and how to say them."""
from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import Field, field_validator

from avatarstudio.wire.common import Wire


def _is_mark(char: str) -> bool:
    """Punctuation that speech timing strips from a word's ends (render/speech/text.py), spoken signs excepted."""
    return unicodedata.category(char).startswith("P") and char not in "%‰#&@"


class Term(Wire):
    term: Annotated[str, Field(min_length=1, max_length=100)]
    pronunciation: Annotated[str, Field(min_length=1, max_length=300)]

    @field_validator("term")
    @classmethod
    def _one_word(cls, value: str) -> str:
        if any(char.isspace() for char in value) or _is_mark(value[0]) or _is_mark(value[-1]):
            raise ValueError("a term is one word without spaces or surrounding punctuation, as a script writes it")
        return value

    @field_validator("pronunciation")
    @classmethod
    def _speakable(cls, value: str) -> str:
        if not any(char.isalnum() for char in value):
            raise ValueError("a pronunciation needs at least one word")
        return value


class CreateGlossary(Wire):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    terms: Annotated[list[Term], Field(min_length=1, max_length=1000)]
