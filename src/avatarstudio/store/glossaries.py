"""Brand glossaries: terms and how to say them, newest first."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import BrandGlossary
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository


class Glossaries(Repository[BrandGlossary]):
    kind = "brand_glossary"
    model = BrandGlossary

    def page(self, token: str | None, limit: int) -> Page[BrandGlossary]:
        query = select(BrandGlossary).order_by(BrandGlossary.created_at.desc(), BrandGlossary.id)
        with self.db.session() as session:
            return page_of_query(session, query, token, limit)

    def pronunciations(self) -> tuple[tuple[str, str], ...]:
        """Every (term, pronunciation) of every glossary; where two glossaries spell one term, the newer wins."""
        with self.db.session() as session:
            rows = list(session.scalars(select(BrandGlossary).order_by(BrandGlossary.created_at, BrandGlossary.id)))
        merged = {entry["term"]: entry["pronunciation"] for row in rows for entry in row.terms}
        return tuple(merged.items())
