"""The brand glossary repository. Each method is one transaction."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.db import Database
from avatarstudio.store.models import BrandGlossary, new_id


class GlossaryStore:
    def __init__(self, db: Database):
        self.db = db

    def add(self, name: str, terms: list[dict]) -> BrandGlossary:
        record = BrandGlossary(id=new_id(), name=name, terms=terms)
        with self.db.session() as session:
            session.add(record)
        return record

    def get(self, glossary_id: str) -> BrandGlossary | None:
        with self.db.session() as session:
            return session.get(BrandGlossary, glossary_id)

    def page(self, start: int, limit: int) -> tuple[list[BrandGlossary], bool]:
        """Up to `limit` glossaries from offset `start`, newest first, and whether more follow."""
        with self.db.session() as session:
            rows = list(session.scalars(select(BrandGlossary).order_by(BrandGlossary.created_at.desc(),
                                                                       BrandGlossary.id).offset(start).limit(limit + 1)))
        return rows[:limit], len(rows) > limit

    def delete(self, glossary_id: str) -> bool:
        with self.db.session() as session:
            record = session.get(BrandGlossary, glossary_id)
            if record is None:
                return False
            session.delete(record)
        return True

    def pronunciations(self) -> tuple[tuple[str, str], ...]:
        """Every (term, pronunciation) of every glossary; where two glossaries spell one term, the newer wins."""
        with self.db.session() as session:
            rows = list(session.scalars(select(BrandGlossary).order_by(BrandGlossary.created_at, BrandGlossary.id)))
        merged = {entry["term"]: entry["pronunciation"] for row in rows for entry in row.terms}
        return tuple(merged.items())
