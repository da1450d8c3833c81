"""The template repository: saved templates by id, newest first. Each method is one transaction."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.db import Database
from avatarstudio.store.models import Template, new_id, now


class TemplateStore:
    def __init__(self, db: Database):
        self.db = db

    def add(self, name: str, body: dict, defaults: dict, scene_count: int) -> Template:
        """Stores a new template; each of its scenes gets a new id."""
        record = Template(id=new_id(), name=name, body=body, defaults=defaults,
                          scene_ids=[new_id() for _ in range(scene_count)])
        with self.db.session() as session:
            session.add(record)
        return record

    def get(self, template_id: str) -> Template | None:
        with self.db.session() as session:
            return session.get(Template, template_id)

    def all(self) -> list[Template]:
        """Every template, newest first."""
        with self.db.session() as session:
            return list(session.scalars(select(Template).order_by(Template.created_at.desc(), Template.id)))

    def page(self, start: int, limit: int) -> tuple[list[Template], bool]:
        """Up to `limit` templates from offset `start`, newest first, and whether more follow."""
        with self.db.session() as session:
            rows = list(session.scalars(select(Template).order_by(Template.created_at.desc(), Template.id)
                                        .offset(start).limit(limit + 1)))
        return rows[:limit], len(rows) > limit

    def replace(self, template_id: str, name: str, body: dict, defaults: dict) -> Template | None:
        """Rewrites a template. Scene ids survive when the scene count stays the same (the scenes were edited,
        not replaced); otherwise every scene gets a new id. None when there is no such template."""
        with self.db.session() as session:
            record = session.get(Template, template_id)
            if record is None:
                return None
            count = len(body.get("video_inputs") or [])
            if count != len(record.scene_ids):
                record.scene_ids = [new_id() for _ in range(count)]
            record.name, record.body, record.defaults, record.updated_at = name, body, defaults, now()
        return record

    def delete(self, template_id: str) -> bool:
        """Removes a template; videos made from it keep their own spec. False when there was none."""
        with self.db.session() as session:
            record = session.get(Template, template_id)
            if record is None:
                return False
            session.delete(record)
        return True
