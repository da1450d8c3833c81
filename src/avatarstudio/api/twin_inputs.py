"""Turning a twin request's file inputs into what its training job fetches, and creating the twin.

The API never downloads footage: a URL (its form checked at the wire) is fetched by the job under the safety rules;
an asset must already be an uploaded video; base64 is stored as an asset first. So a request answers at once, and
a file that is not a video is refused now when its bytes are at hand, and fails the twin with a reason otherwise.
"""
from __future__ import annotations

import base64
import binascii
import time

from avatarstudio.errors import ServiceError, invalid
from avatarstudio.jobs.kinds import TWIN
from avatarstudio.runtime import Runtime
from avatarstudio.store import twins
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import Twin
from avatarstudio.store.sniff import sniff
from avatarstudio.uploads import save_asset
from avatarstudio.wire import v2 as wire_v2
from avatarstudio.wire import v3 as wire_v3

VIDEO_FORMATS = "a video (MP4, MOV or WebM)"


def url_ref(url: str) -> dict:
    """A URL the request gave (its form checked by wire.common.HttpUrl), for the job to fetch."""
    return {"kind": "url", "value": url}


def asset_ref(runtime: Runtime, asset_id: str, file_type: str, param: str) -> dict:
    """An uploaded asset that must exist and be of `file_type` (video, audio), as a media reference."""
    asset = Assets(runtime.db).get(asset_id)
    if asset is None:
        raise ServiceError("asset_not_found", f"Asset {asset_id} not found", param=param)
    if asset.file_type != file_type:
        wanted = VIDEO_FORMATS if file_type == "video" else file_type
        raise invalid(param, f"asset {asset_id} is {asset.file_type}, not {wanted}")
    return {"kind": "asset", "value": asset.id}


def video_ref(runtime: Runtime, key_id: str, given: wire_v3.FileInput, param: str) -> dict:
    """A footage or consent input as a media reference {"kind": "url"|"asset", "value"} for the job."""
    if isinstance(given, wire_v3.ImageByUrl):
        return url_ref(given.url)
    if isinstance(given, wire_v3.ImageByAsset):
        return asset_ref(runtime, given.asset_id, "video", f"{param}.asset_id")
    try:
        data = base64.b64decode(given.data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{param}.data", "not base64") from None
    found = sniff(data)
    if found is None or found[0] != "video":
        raise invalid(f"{param}.data", f"not {VIDEO_FORMATS}")
    return {"kind": "asset", "value": save_asset(runtime, key_id, data, name=f"{param}-upload").id}


def consent_record(source: dict | None, method: str, api: str, consent_text: str | None = None) -> dict:
    """What is kept as proof of consent: how and when it was given, and the consent video's source (the training
    job stores a copy of the video itself under consents/<twin id>/)."""
    return {"method": method, "source": source, "consent_text": consent_text, "given_at": time.time(), "api": api}


def start_training(runtime: Runtime, twin_ids: list[str]) -> None:
    for twin_id in twin_ids:
        runtime.queue.enqueue(TWIN, twin_id)


def _created(runtime: Runtime, twin: Twin) -> Twin:
    if twin.status == "waiting":
        start_training(runtime, [twin.id])
    return twin


def create_twin_v3(runtime: Runtime, key_id: str, request: wire_v3.CreateDigitalTwinRequest) -> Twin:
    group_id = request.avatar_group_id
    if group_id is not None and not twins.Twins(runtime.db).group(group_id):
        raise ServiceError("avatar_not_found", f"Avatar group {group_id} not found (a twin joins a group of digital "
                           "twins)", param="avatar_group_id")
    footage = video_ref(runtime, key_id, request.file, "file")
    return _created(runtime, twins.create(runtime, key_id, "v3", request.name, footage, group_id=group_id,
                                          script=request.script, callback_url=request.callback_url))


def create_twin_v2(runtime: Runtime, key_id: str, request: wire_v2.VideoAvatarRequest) -> Twin:
    footage = url_ref(request.training_footage_url)
    consent = None
    if request.video_consent_url:
        consent = consent_record(url_ref(request.video_consent_url), "video", "v2")
    return _created(runtime, twins.create(runtime, key_id, "v2", request.avatar_name, footage, script=request.script,
                                          callback_url=request.callback_url, consent=consent))
