"""Lipsync job records. A lipsync is added waiting, before its job is queued; deleting one leaves its files
(lipsyncs/<id>/) to the caller. The state machine is store/jobs.py's."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy import select

from avatarstudio.store.jobs import Jobs
from avatarstudio.store.models import Lipsync
from avatarstudio.store.paging import Page, page_of_query


@dataclass(frozen=True)
class Options:
    """How a lipsync's output is made (the README's lipsync section says what each does). Stored as a dict in
    Lipsync.options; a key a record lacks (one made before it existed) takes its default here."""

    dynamic_duration: bool = True
    """True: the output lasts as long as the new audio; False: as long as the source video."""
    same_format: bool = True
    """True: the source's frame rate and video bitrate; False: 25 fps at the standard encoding."""
    fps_mode: Literal["passthrough", "cfr"] | None = None
    """passthrough: the source's exact frame rate; cfr: a whole number of frames a second; None: same_format's."""
    speech_enhancement: bool = False
    music_track: bool = True
    """Whether the source's own background sound stays under the new speech (HeyGen's disable_music_track off)."""
    watermark: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class Lipsyncs(Jobs[Lipsync]):
    kind = "lipsync"
    model = Lipsync

    def page(self, token: str | None, limit: int, folder_id: str | None = None) -> Page[Lipsync]:
        """Newest first (ties by id, so pages never overlap), optionally one folder's."""
        query = select(Lipsync).order_by(Lipsync.created_at.desc(), Lipsync.id)
        if folder_id:
            query = query.where(Lipsync.folder_id == folder_id)
        with self.db.session() as session:
            return page_of_query(session, query, token, limit)

    def by_ids(self, lipsync_ids: list[str]) -> dict[str, Lipsync]:
        """The lipsyncs that exist among `lipsync_ids`, by id."""
        with self.db.session() as session:
            return {job.id: job for job in session.scalars(select(Lipsync).where(Lipsync.id.in_(lipsync_ids)))}
