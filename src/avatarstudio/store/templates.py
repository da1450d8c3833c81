"""Saved templates (templates/), newest first."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import Template, new_id, now
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository


class Templates(Repository[Template]):
    kind = "template"
    model = Template

    def create(self, name: str, body: dict, defaults: dict, scene_count: int) -> Template:
        """Stores a new template; each of its scenes gets a new id."""
        return self.add(Template(id=new_id(), name=name, body=body, defaults=defaults,
                                 scene_ids=[new_id() for _ in range(scene_count)]))

    def all(self) -> list[Template]:
        """Every template, newest first."""
        with self.db.session() as session:
            return list(session.scalars(self._newest_first()))

    def page(self, token: str | None, limit: int) -> Page[Template]:
        with self.db.session() as session:
            return page_of_query(session, self._newest_first(), token, limit)

    def replace(self, template_id: str, name: str, body: dict, defaults: dict) -> Template:
        """Rewrites a template in one transaction. Scene ids survive when the scene count stays the same (the
        scenes were edited, not replaced); otherwise every scene gets a new id. NotFound when there is none."""
        count = len(body.get("video_inputs") or [])
        current = self.require(template_id)
        scene_ids = current.scene_ids if count == len(current.scene_ids) else [new_id() for _ in range(count)]
        return self.update(template_id, name=name, body=body, defaults=defaults, scene_ids=scene_ids,
                           updated_at=now())

    @staticmethod
    def _newest_first():
        return select(Template).order_by(Template.created_at.desc(), Template.id)
