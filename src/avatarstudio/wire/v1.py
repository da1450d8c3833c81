"""POST /v1/video.webm (seed 000) and the v1 folder bodies."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from avatarstudio.wire.common import AssetIdOrUrl, Dimension, HttpUrl, Label, Script, Wire


class WebmRequest(Wire):
    avatar_pose_id: str
    avatar_style: Literal["normal", "closeUp"] = "normal"
    input_text: Script | None = None
    voice_id: str | None = None
    input_audio: AssetIdOrUrl | None = None
    dimension: Dimension = Dimension(width=1280, height=720)
    title: Label | None = None
    callback_id: Label | None = None
    callback_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _text_or_audio(self) -> "WebmRequest":
        has_text = self.input_text is not None or self.voice_id is not None
        if has_text and self.input_audio is not None:
            raise ValueError("provide either input_text and voice_id, or input_audio, not both")
        if not has_text and self.input_audio is None:
            raise ValueError("either input_text and voice_id, or input_audio needs to be provided")
        if has_text and (self.input_text is None or self.voice_id is None):
            raise ValueError("input_text and voice_id must be provided together")
        return self


FolderName = Annotated[str, Field(min_length=1, max_length=500)]


class CreateFolder(Wire):
    name: FolderName
    project_type: str | None = None
    parent_id: str | None = None


class RenameFolder(Wire):
    name: FolderName
