"""Digital twins beyond the catalogue's listings: consent (v3, and the consent page it links to) and HeyGen's v2
video avatar API. Creation through POST /v3/avatars lives with the other avatar types in avatars.py.

Consent, as on HeyGen: a twin waits in pending_consent until the person in the footage consents, by a consent video
sent to the API or on the consent page (record a video, upload one, or confirm). The record is kept with the twin.
AVATARSTUDIO_TWIN_CONSENT_REQUIRED=false switches the requirement off for installs used by one person.
"""
from __future__ import annotations

import html
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import bounded_form, form_file, json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.api.routes.avatars import twin_created
from avatarstudio.api.twin_inputs import (
    VIDEO_FORMATS, consent_record, create_twin_v2, start_training, video_ref,
)
from avatarstudio.catalog.looks import twin_look
from avatarstudio.errors import ServiceError, invalid
from avatarstudio.runtime import Runtime
from avatarstudio.store import twins
from avatarstudio.store.models import Twin
from avatarstudio.store.signing import signed_query, verify
from avatarstudio.uploads import MAX_BYTES, save_asset
from avatarstudio.wire import v2 as wire_v2
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()
V2_STATUS = {"pending_consent": "in_progress", "processing": "in_progress"}
"""HeyGen's v2 video avatar statuses are in_progress, completed and failed."""
CONSENT_TEXT = ("I am the person in the footage of the digital twin “{name}”. I agree that this avatarstudio "
                "service makes a digital twin of me from that footage and uses it to make videos of me speaking.")


def _twin_group(runtime: Runtime, group_id: str) -> list[Twin]:
    looks = twins.Twins(runtime.db).group(group_id)
    if not looks:
        raise ServiceError("avatar_not_found", f"Avatar group {group_id} not found (consent applies to digital "
                           "twin groups)", param="group_id")
    return looks


def _consent_key(group_id: str, reroute_url: str) -> str:
    """What a consent page link signs: the group and where the page sends the person afterwards."""
    return f"consent/{group_id}\n{reroute_url}"


def _consent_page_url(runtime: Runtime, group_id: str, reroute_url: str | None) -> str:
    settings = runtime.settings
    query = signed_query(settings.signing_secret, _consent_key(group_id, reroute_url or ""), settings.url_ttl_seconds)
    extra = f"&{urlencode({'reroute_url': reroute_url})}" if reroute_url else ""
    return f"{settings.public_base_url}/consent/{group_id}?{query}{extra}"


def _consent(runtime: Runtime, group_id: str, record: dict) -> None:
    start_training(runtime, twins.Twins(runtime.db).give_consent(group_id, record))


@router.post("/v3/avatars/{group_id}/consent", summary="Give consent for a digital twin group (a consent video), "
             "or get the URL of its consent page", openapi_extra=body(wire_v3.ConsentRequest))
async def consent_v3(request: Request, key_id: Key, group_id: str) -> dict:
    runtime = runtime_of(request)
    parsed = parse(wire_v3.ConsentRequest, (await json_body(request))[1] or {})

    def handle() -> dict:
        looks = _twin_group(runtime, group_id)
        if parsed.consent_video is None:
            answer = twin_created(runtime, looks[-1])
            return {"avatar_group": answer["avatar_group"],
                    "url": _consent_page_url(runtime, group_id, parsed.reroute_url)}
        source = video_ref(runtime, key_id, parsed.consent_video, "consent_video")
        _consent(runtime, group_id, consent_record(source, "video", "v3", parsed.consent_text))
        return {"avatar_group": twin_created(runtime, twins.Twins(runtime.db).require(looks[-1].id))["avatar_group"]}

    return envelopes.v3(await run_in_threadpool(handle))


# --- the consent page ------------------------------------------------------------------------------------

def _check_link(runtime: Runtime, group_id: str, expires: int, signature: str, reroute_url: str) -> list[Twin]:
    if not verify(runtime.settings.signing_secret, _consent_key(group_id, reroute_url), expires, signature):
        raise ServiceError("forbidden", "This consent link is invalid or has expired; ask for a new one with "
                           "POST /v3/avatars/{group_id}/consent")
    return _twin_group(runtime, group_id)


def _page(title: str, body_html: str) -> HTMLResponse:
    return HTMLResponse(f'<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                        f"<title>{html.escape(title)}</title><body style=\"font-family:sans-serif;max-width:40em;"
                        f'margin:2em auto;padding:0 1em">{body_html}</body>')


@router.get("/consent/{group_id}", include_in_schema=False)
def consent_page(request: Request, group_id: str, expires: int = 0, signature: str = "",
                 reroute_url: str = "") -> HTMLResponse:
    """The page a consent URL opens: who and what is being consented to, a video to record or upload (optional),
    and a confirmation. It needs no API key: the signed link is the permission."""
    runtime = runtime_of(request)
    looks = _check_link(runtime, group_id, expires, signature, reroute_url)
    name = html.escape(looks[0].name)
    preview = runtime.url_for(looks[0].preview_image)
    image = f'<p><img src="{html.escape(preview)}" alt="" style="max-width:100%"></p>' if preview else ""
    given = "<p><strong>Consent has already been given.</strong></p>" if looks[0].consent else ""
    return _page(f"Consent for {looks[0].name}", f"""
<h1>Consent for the digital twin “{name}”</h1>{image}{given}
<p>{html.escape(CONSENT_TEXT.format(name=looks[0].name))}</p>
<form method="post" enctype="multipart/form-data">
<p><label>A consent video of you saying the sentence above (optional; {VIDEO_FORMATS}):<br>
<input type="file" name="consent_video" accept="video/*" capture="user"></label></p>
<p><label><input type="checkbox" name="confirm" value="yes" required> I am this person and I agree.</label></p>
<p><button type="submit">Give consent</button></p>
</form>""")


@router.post("/consent/{group_id}", include_in_schema=False)
async def consent_page_submit(request: Request, group_id: str, expires: int = 0, signature: str = "",
                              reroute_url: str = "") -> Response:
    runtime = runtime_of(request)
    # The signed link is checked before the body is read: without one, nothing is uploaded.
    looks = await run_in_threadpool(_check_link, runtime, group_id, expires, signature, reroute_url)
    form = await bounded_form(request, MAX_BYTES["video"], "consent_video")
    try:
        confirm = form.get("confirm")
        data = (await form_file(form, "consent_video", MAX_BYTES["video"], required=False))[0]
    finally:
        await form.close()

    def handle() -> Response:
        if confirm != "yes":
            raise invalid("confirm", "tick the box to confirm that you are this person and agree")
        source = None
        if data:
            asset = save_asset(runtime, looks[0].key_id, data, name=f"consent-{group_id}")
            if asset.file_type != "video":
                raise invalid("consent_video", f"not {VIDEO_FORMATS}")
            source = {"kind": "asset", "value": asset.id}
        _consent(runtime, group_id, consent_record(source, "video" if source else "confirmed_on_page", "page",
                                                   CONSENT_TEXT.format(name=looks[0].name)))
        if reroute_url:
            return RedirectResponse(reroute_url, status_code=303)
        return _page("Thank you", "<h1>Thank you</h1><p>Your consent is recorded; the digital twin is being "
                                  "made.</p>")

    return await run_in_threadpool(handle)


# --- v2: HeyGen's video avatar (digital twin) API --------------------------------------------------------

def _v2_video_avatar(runtime: Runtime, twin: Twin) -> dict:
    look = twin_look(runtime, twin)
    return {"avatar_id": twin.id, "avatar_name": twin.name, "status": V2_STATUS.get(look.status, look.status),
            "created_at": look.created_at, "preview_image_url": look.preview_image_url,
            "preview_video_url": look.preview_video_url,
            "error_message": twin.error_message if look.status == "failed" else None,
            "default_voice_id": look.default_voice_id, "consent_status": look.consent_status,
            "progress": twin.progress, "notes": twin.notes or []}


def _twin(runtime: Runtime, avatar_id: str) -> Twin:
    twin = twins.Twins(runtime.db).get(avatar_id)
    if twin is None:
        raise ServiceError("avatar_not_found", f"Video avatar {avatar_id} not found", param="avatar_id")
    return twin


@router.post("/v2/video_avatar", summary="Create a digital twin from footage and a consent video, both by URL (v2)",
             openapi_extra=body(wire_v2.VideoAvatarRequest))
async def create_v2(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(wire_v2.VideoAvatarRequest, (await json_body(request))[1])
    twin = await run_in_threadpool(create_twin_v2, runtime, key_id, parsed)
    return envelopes.v2({"avatar_id": twin.id})


@router.get("/v2/video_avatar/{avatar_id}", summary="A digital twin's training status (v2)")
def status_v2(request: Request, key_id: Key, avatar_id: str) -> dict:
    runtime = runtime_of(request)
    return envelopes.v2(_v2_video_avatar(runtime, _twin(runtime, avatar_id)))


@router.delete("/v2/video_avatar/{avatar_id}", summary="Delete a digital twin (v2)")
def delete_v2(request: Request, key_id: Key, avatar_id: str) -> dict:
    runtime = runtime_of(request)
    twins.delete(runtime, [_twin(runtime, avatar_id).id])
    return envelopes.v2({"avatar_id": avatar_id})
