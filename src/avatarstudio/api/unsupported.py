"""HeyGen's paths that this server does not serve, and the feature each belongs to.

A client must be able to tell "not offered here" from "wrong URL": a request that matches no route (a 404 or 405
from routing) is looked up here, and a known HeyGen path gets 501 `not_supported` naming its feature, in its
family's envelope. This is only ever a fallback: the app consults it after routing found nothing, so a route
added anywhere else always wins over an entry here. Sources: heygen-v3-shapes.txt (HeyGen's v3 OpenAPI) and
HeyGen's v1/v2 API reference.
"""
from __future__ import annotations

import re

_DIRECT_UPLOADS = "Direct (multi-part, pre-signed) asset uploads"
_TRANSLATE = "Video translation"
_STREAMING = "Interactive (streaming) avatars"
_PERSONALIZED = "Personalized video campaigns"
_GENERATIVE = "AI-generated photo avatars (photos, looks and motion made by a generative model)"
_CLONING = "Voice cloning"

KNOWN_PATHS: tuple[tuple[str, str, str], ...] = (
    ("POST", "/v3/assets/direct-uploads", _DIRECT_UPLOADS),
    ("POST", "/v3/assets/direct-uploads/batches", _DIRECT_UPLOADS),
    ("POST", "/v3/assets/complete/batches", _DIRECT_UPLOADS),
    ("POST", "/v3/assets/{asset_id}/complete", _DIRECT_UPLOADS),
    ("GET", "/v3/assets/batches/{batch_id}", _DIRECT_UPLOADS),
    ("GET", "/v3/assets/statuses", _DIRECT_UPLOADS),
    ("GET", "/v3/assets/search", "Stock image and icon search"),
    ("GET", "/v3/audio/sounds", "Music and sound effect search"),
    ("POST", "/v3/background-removals", "Background removal of uploaded videos"),
    ("POST", "/v3/video-agents", "Video agent (videos written from a prompt)"),
    ("POST", "/v1/video_agent/generate", "Video agent (videos written from a prompt)"),
    ("POST", "/v3/voices/clone", _CLONING),
    ("DELETE", "/v3/voices/{voice_id}", _CLONING),
    ("POST", "/v2/video_translate", _TRANSLATE),
    ("GET", "/v2/video_translate/target_languages", _TRANSLATE),
    ("GET", "/v2/video_translate/{video_translate_id}", _TRANSLATE),
    ("POST", "/v2/video_translate/proofread", _TRANSLATE),
    ("GET", "/v2/video_translate/proofread/{proofread_id}", _TRANSLATE),
    ("POST", "/v2/photo_avatar/photo/generate", _GENERATIVE),
    ("POST", "/v2/photo_avatar/look/generate", _GENERATIVE),
    ("POST", "/v2/photo_avatar/add_motion", _GENERATIVE),
    ("GET", "/v2/photo_avatar/generation/{generation_id}", _GENERATIVE),
    ("POST", "/v2/photo_avatar/upscale", _GENERATIVE),
    ("POST", "/v1/streaming.new", _STREAMING),
    ("POST", "/v1/streaming.start", _STREAMING),
    ("POST", "/v1/streaming.task", _STREAMING),
    ("POST", "/v1/streaming.interrupt", _STREAMING),
    ("POST", "/v1/streaming.ice", _STREAMING),
    ("POST", "/v1/streaming.keep_alive", _STREAMING),
    ("POST", "/v1/streaming.stop", _STREAMING),
    ("POST", "/v1/streaming.create_token", _STREAMING),
    ("GET", "/v1/streaming.list", _STREAMING),
    ("GET", "/v1/streaming/avatar.list", _STREAMING),
    ("POST", "/v1/personalized_video/add_contact", _PERSONALIZED),
    ("GET", "/v1/personalized_video/audience/detail", _PERSONALIZED),
    ("GET", "/v1/personalized_video/project/detail", _PERSONALIZED),
)
"""(method, HeyGen's path with {placeholders}, the feature) for every known path; served ones never reach here."""


def _pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + "/?$")


_COMPILED = [(method, _pattern(path), path, feature) for method, path, feature in KNOWN_PATHS]


def feature_for(method: str, path: str) -> tuple[str, str] | None:
    """(feature, HeyGen's route) for a request to a known HeyGen path this server does not serve, else None."""
    for known_method, pattern, template, feature in _COMPILED:
        if known_method == method and pattern.match(path):
            return feature, f"{known_method} {template}"
    return None
