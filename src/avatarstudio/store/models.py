"""Tables of the metadata store. SQLite by default; any SQLAlchemy URL (PostgreSQL) works unchanged.

PostgreSQL enforces a String(n) length and SQLite does not, so text whose length the client chooses and no request
model bounds (titles, callback ids, file names, Idempotency-Key) is Text: a long value is stored alike on both,
instead of failing with a 500 only on PostgreSQL.
"""
from __future__ import annotations

import time
import uuid

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    """HeyGen ids are 32 lowercase hex characters; ours look the same."""
    return uuid.uuid4().hex


def now() -> float:
    return time.time()


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[float] = mapped_column(Float, default=now)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Folder(Base):
    __tablename__ = "folders"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(500))
    project_type: Mapped[str | None] = mapped_column(Text, nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    trashed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float, default=now)


class Batch(Base):
    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    total_items: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="video", server_default="video")
    """What its items are: "video" or "lipsync" (each family's batch route shows only its own)."""
    finished_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float, default=now)


class JobColumns:
    """The columns of a queued job, the same in every job table (videos, twins, lipsyncs), so one state machine
    (jobs/states.py), one runner and one reaper serve them all."""

    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=now)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    completed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    heartbeat_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    files: Mapped[dict] = mapped_column(JSON, default=dict)
    """Blob keys of the outputs by role (a video's video, thumbnail, gif, srt, ...; a twin's files by name)."""
    announced_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    """When the events of the job's end were written (JobKind.announce_end): a job that ended without it lost its
    worker in between, and the reaper announces it (indexed: every sweep looks for the empty ones)."""


class Video(JobColumns, Base):
    __tablename__ = "videos"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    api: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict] = mapped_column(JSON)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    folder_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    output_format: Mapped[str] = mapped_column(String(10), default="mp4")
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), nullable=True, index=True)
    item_index: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Asset(Base):
    __tablename__ = "assets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text, default="")
    file_type: Mapped[str] = mapped_column(String(10))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    blob_key: Mapped[str] = mapped_column(String(200))
    folder_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    is_talking_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float, default=now)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="enabled")
    entity_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, default=now)


class WebhookEvent(Base):
    """One event for one receiver (an endpoint or a callback_url). `event_id` names the event itself: every
    receiver and every retry sees the same one."""

    __tablename__ = "webhook_events"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(32), index=True)
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    endpoint_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=now)
    claimed_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    """While an attempt is in flight: when its lease ends. A lease that ends with the delivery still pending was
    cut off (its worker died mid-attempt), and the reaper queues the delivery again."""


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[float] = mapped_column(Float, default=now)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(Text, primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="in_flight")
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, default=now)


class Template(Base):
    """A saved Studio body with {{variables}} (templates/). `defaults` holds each variable's default value as
    {name: {type, properties}}; `scene_ids` names the body's video_inputs in order, for v3's scene_ids."""

    __tablename__ = "templates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    body: Mapped[dict] = mapped_column(JSON)
    defaults: Mapped[dict] = mapped_column(JSON, default=dict)
    scene_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[float] = mapped_column(Float, default=now)
    updated_at: Mapped[float] = mapped_column(Float, default=now)


class PhotoAvatarGroup(Base):
    """A v2 photo avatar group: several talking photos (looks) of one person. `train_status` is HeyGen's:
    pending until POST /v2/photo_avatar/train, then ready (nothing needs training here)."""

    __tablename__ = "photo_avatar_groups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    train_status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[float] = mapped_column(Float, default=now)
    trained_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class PhotoAvatarLook(Base):
    """Which group a talking photo (an asset) belongs to; a talking photo in no group is a group of its own."""

    __tablename__ = "photo_avatar_looks"
    asset_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("photo_avatar_groups.id"), index=True)


class BrandGlossary(Base):
    """A pronunciation glossary: `terms` is [{term, pronunciation}], applied to every script rendered after."""

    __tablename__ = "brand_glossaries"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    terms: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[float] = mapped_column(Float, default=now)
class CapacityLock(Base):
    """One row per API key, locked (by an UPDATE) while a create counts that key's videos in progress and adds its
    own: two creates racing for the last slot take turns, on SQLite and PostgreSQL alike."""
    __tablename__ = "capacity_locks"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    taken_at: Mapped[float] = mapped_column(Float, default=now)


class Twin(JobColumns, Base):
    """A digital twin: one look made from the user's own footage. Looks that share `group_id` are one person.

    Its life: pending_consent -> waiting -> processing(progress) -> completed | failed, the same job columns as a
    video so the state machine and the reaper treat both alike. `files` maps each derived file's name to its blob
    key (twins/<id>/<name>): the blob store cannot list, and the renderer needs every file back."""

    __tablename__ = "twins"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(String(32), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    api: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    footage: Mapped[dict] = mapped_column(JSON)
    """Where the footage is: {"kind": "asset"|"url", "value": ...}; fetched by the training job, never the API."""
    script: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    """The consent record: how it was given, when, and the consent video's source or blob key. None: not given."""
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    preview_image: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Blob key of a footage frame (JPEG); preview_video likewise, a few seconds of footage (MP4)."""
    preview_video: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Lipsync(JobColumns, Base):
    """A lipsync job: a source video re-timed to new audio. The same job columns as a video."""

    __tablename__ = "lipsyncs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    video: Mapped[dict] = mapped_column(JSON)
    """The source video: {"kind": "asset"|"url", "value": ...}; the audio likewise."""
    audio: Mapped[dict] = mapped_column(JSON)
    start_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    end_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    captions: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(20), default="speed")
    callback_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    folder_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    """What the output should be like (store/lipsyncs.py's Options, as a dict); {} is every default."""
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), nullable=True, index=True)
    item_index: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PhotoImport(JobColumns, Base):
    """A photo avatar whose image a request named by URL. The API answers at once; a job (jobs/photo_job.py)
    fetches and checks the image, and on success it becomes a talking photo: an asset with this same id, after which
    this record goes. Until then it is listed as a look, processing or failed with its reason."""

    __tablename__ = "photo_imports"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    size_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
