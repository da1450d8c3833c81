"""The service's errors, defined once. api/envelopes.py maps each to the envelope of the route's API family."""
from __future__ import annotations

HTTP_STATUS = {
    "invalid_parameter": 400,
    "avatar_no_alpha": 400,
    "avatar_not_ready": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "video_not_found": 404,
    "avatar_not_found": 404,
    "voice_not_found": 404,
    "asset_not_found": 404,
    "request_in_progress": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limit_exceeded": 429,
    "internal_error": 500,
    "service_unavailable": 503,
    "not_supported": 501,
}

V1_CODES = {
    # 400112 and 400175 are HeyGen's documented codes; the others are ours (HeyGen documents none for them).
    "unauthorized": 400112,
    "invalid_parameter": 400175,
    "avatar_no_alpha": 400175,
    "avatar_not_ready": 400119,
    "forbidden": 400113,
    "not_found": 400140,
    "video_not_found": 400140,
    "avatar_not_found": 400116,
    "voice_not_found": 400117,
    "asset_not_found": 400118,
    "request_in_progress": 400409,
    "payload_too_large": 400413,
    "unsupported_media_type": 400415,
    "rate_limit_exceeded": 400429,
    "internal_error": 500000,
    "service_unavailable": 500003,
    "not_supported": 400501,
}


class ServiceError(Exception):
    """A request the service refuses. `code` is the v3-style string; `param` names the offending field."""

    def __init__(self, code: str, message: str, param: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    @property
    def v1_code(self) -> int:
        return V1_CODES.get(self.code, 400175)


def invalid(param: str, reason: str) -> ServiceError:
    """The seeds' message style: '<field path> is invalid: <reason>'."""
    return ServiceError("invalid_parameter", f"{param} is invalid: {reason}", param=param)


# Failure codes of a render, with the integer code that v1's status error object carries.
FAILURE_V1_CODES = {
    "video_too_long": 40119,
    "download_failed": 40120,
    "invalid_audio": 40121,
    "invalid_image": 40122,
    "face_not_found": 40123,
    "unsupported_locale": 40124,
    "avatar_not_found": 40125,
    "worker_lost": 50001,
    "render_stalled": 50002,
    "render_failed": 50000,
}


class RenderError(Exception):
    """A render that cannot finish for a reason the user can act on (or a named internal failure)."""

    def __init__(self, code: str, message: str, detail: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail
