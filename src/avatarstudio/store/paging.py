"""List pages: a page's items and the token of the next one. Tokens are offsets, read and made only here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None

    @property
    def has_more(self) -> bool:
        return self.next_token is not None


def start_of(token: str | None) -> int:
    """The offset a token names; a missing or malformed token starts at the beginning."""
    return int(token) if token and token.isdigit() else 0


def page_of_list(items: list[T], token: str | None, limit: int) -> Page[T]:
    """The page of an in-memory list (a catalogue, a batch's items) that the token names."""
    start = start_of(token)
    more = start + limit < len(items)
    return Page(items[start:start + limit], str(start + limit) if more else None)


def page_of_query(session: Session, query: Select, token: str | None, limit: int) -> Page:
    """The page of a query's rows (the query fixes the order) that the token names: limit + 1 rows are read, the
    extra one only to tell whether another page exists."""
    start = start_of(token)
    rows = list(session.scalars(query.offset(start).limit(limit + 1)))
    return Page(rows[:limit], str(start + limit) if len(rows) > limit else None)
