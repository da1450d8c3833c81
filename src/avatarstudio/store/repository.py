"""What every repository shares: its database, the one lookup that must find its record, and that lookup's error."""
from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from avatarstudio.store.db import Database
from avatarstudio.store.models import Base

Record = TypeVar("Record", bound=Base)


class NotFound(LookupError):
    """There is no `kind` record with `record_id`. api/envelopes.py says how each API family reports it."""

    def __init__(self, kind: str, record_id: str | None):
        super().__init__(f"{kind} {record_id} not found")
        self.kind, self.record_id = kind, record_id


class Repository(Generic[Record]):
    """One table's records. Subclasses name their `kind` (as NotFound reports it) and `model`, and add the
    queries and guarded changes of their own table."""

    kind: ClassVar[str]
    model: ClassVar[type]

    def __init__(self, db: Database):
        self.db = db

    def get(self, record_id: str | None) -> Record | None:
        """The record, or None when there is none (or no id was given)."""
        if not record_id:
            return None
        with self.db.session() as session:
            return session.get(self.model, record_id)

    def require(self, record_id: str | None) -> Record:
        """The record; NotFound when there is none."""
        record = self.get(record_id)
        if record is None:
            raise NotFound(self.kind, record_id)
        return record

    def add(self, record: Record) -> Record:
        """Stores a new record; other processes see it once this returns."""
        with self.db.session() as session:
            session.add(record)
        return record

    def update(self, record_id: str, **changes: object) -> Record:
        """Sets the given columns in one transaction and returns the record as changed; NotFound when there is
        none."""
        with self.db.session() as session:
            record = session.get(self.model, record_id)
            if record is None:
                raise NotFound(self.kind, record_id)
            for name, value in changes.items():
                setattr(record, name, value)
        return record

    def delete(self, record_id: str | None) -> Record:
        """Removes the record and returns it (files it names are the caller's to remove); NotFound when there is
        none."""
        with self.db.session() as session:
            record = session.get(self.model, record_id) if record_id else None
            if record is None:
                raise NotFound(self.kind, record_id)
            session.delete(record)
        return record
