"""translate.py in-process: each create endpoint's wire body -> the internal spec, field by field, with the seeds'
own example bodies (their placeholder ids replaced by real ones), over a real temporary metadata store."""
from __future__ import annotations

import base64
import io
import wave

import pytest
from PIL import Image

from avatarstudio import spec, translate
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.uploads import DbLookup, save_asset
from avatarstudio.wire import v1, v2, v3
from avatarstudio.wire.common import parse

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
DRAWN = "Ava_drawn_front"
PHOTO = "Astronaut_Portrait_public"
KEY = "key-1"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x01" * 1600)
    return buffer.getvalue()


@pytest.fixture()
def lookup(runtime: Runtime) -> DbLookup:
    return DbLookup(runtime, KEY)


def test_seed_000_webm_body(lookup: DbLookup) -> None:
    body = {"avatar_pose_id": DRAWN, "avatar_style": "closeUp", "input_text": "Hello", "voice_id": VOICE,
            "dimension": {"width": 1280, "height": 720}, "title": "webm", "callback_id": "c1",
            "callback_url": "http://127.0.0.1:9/hook"}
    job = translate.webm(parse(v1.WebmRequest, body), lookup)
    (scene,) = job.spec.scenes
    assert scene.character == spec.Character(spec.BuiltinLook(DRAWN), style="closeUp")
    assert scene.speech == spec.TextSpeech("Hello", VOICE)
    assert scene.background.kind == "transparent"
    assert job.spec.output == spec.Output(1280, 720, container="webm")
    assert (job.title, job.callback_id, job.callback_url, job.folder_id, job.output_format) == \
        ("webm", "c1", "http://127.0.0.1:9/hook", None, "webm")


def test_seed_000_webm_audio_by_asset_or_url(runtime: Runtime, lookup: DbLookup) -> None:
    audio = save_asset(runtime, KEY, wav_bytes())
    base = {"avatar_pose_id": DRAWN, "avatar_style": "normal", "dimension": {"width": 640, "height": 360}}
    by_asset = translate.webm(parse(v1.WebmRequest, {**base, "input_audio": audio.id}), lookup)
    assert by_asset.spec.scenes[0].speech == spec.AudioSpeech(spec.MediaRef("asset", audio.id))
    by_url = translate.webm(parse(v1.WebmRequest, {**base, "input_audio": "https://example.com/a.mp3"}), lookup)
    assert by_url.spec.scenes[0].speech == spec.AudioSpeech(spec.MediaRef("url", "https://example.com/a.mp3"))


def test_seed_001_avatar_iv_body(runtime: Runtime, lookup: DbLookup) -> None:
    background = save_asset(runtime, KEY, png_bytes())
    body = {"avatar_id": PHOTO, "script": "Hi there", "voice_id": VOICE, "title": "iv", "resolution": "720p",
            "aspect_ratio": "9:16", "motion_prompt": "nods", "expressiveness": "high", "remove_background": True,
            "background": {"type": "image", "asset_id": background.id},
            "voice_settings": {"speed": 1.2, "pitch": 5, "locale": "en-US", "volume": 0.5},
            "callback_url": "http://127.0.0.1:9/hook", "callback_id": "c2", "folder_id": "f" * 32}
    job = translate.avatar_iv(parse(v2.AvatarIVRequest, body), lookup)
    (scene,) = job.spec.scenes
    assert scene.character == spec.Character(spec.BuiltinLook(PHOTO), matting=True, expressiveness="high",
                                             motion_prompt="nods")
    assert scene.speech == spec.TextSpeech("Hi there", VOICE, speed=1.2, pitch=5, locale="en-US", volume=0.5)
    assert scene.background == spec.Background("image", media=spec.MediaRef("asset", background.id), fit="cover")
    assert job.spec.output == spec.Output(720, 1280)
    assert (job.title, job.callback_id, job.folder_id, job.output_format) == ("iv", "c2", "f" * 32, "mp4")


def test_seed_001_photo_by_url_or_asset_and_audio_by_asset(runtime: Runtime, lookup: DbLookup) -> None:
    photo, audio = save_asset(runtime, KEY, png_bytes()), save_asset(runtime, KEY, wav_bytes())
    by_url = translate.avatar_iv(parse(v2.AvatarIVRequest, {"image_url": "https://example.com/p.png",
                                                            "audio_asset_id": audio.id}), lookup)
    assert by_url.spec.scenes[0].character.look == spec.PhotoLook(spec.MediaRef("url", "https://example.com/p.png"))
    assert by_url.spec.scenes[0].speech == spec.AudioSpeech(spec.MediaRef("asset", audio.id))
    assert by_url.spec.output == spec.Output(1920, 1080)
    by_asset = translate.avatar_iv(parse(v2.AvatarIVRequest, {"image_asset_id": photo.id, "script": "Hi",
                                                              "voice_id": VOICE}), lookup)
    assert by_asset.spec.scenes[0].character.look == spec.PhotoLook(spec.MediaRef("asset", photo.id))


def test_seed_002_v3_avatar_body(lookup: DbLookup) -> None:
    """Seed 002's example body, every field set."""
    body = {"type": "avatar", "avatar_id": DRAWN, "title": "v3", "resolution": "1080p", "aspect_ratio": "16:9",
            "background": {"type": "color", "value": "#102030"}, "remove_background": True,
            "callback_url": "http://127.0.0.1:9/hook", "callback_id": "c3", "script": "Hello v3",
            "voice_id": VOICE, "voice_settings": {"speed": 1, "pitch": 0, "locale": "en-GB"},
            "motion_prompt": "smiles", "expressiveness": "high"}
    job = translate.v3_video(parse(v3.create_video_model(body), body), lookup)
    (scene,) = job.spec.scenes
    assert scene.character == spec.Character(spec.BuiltinLook(DRAWN), matting=True, expressiveness="high",
                                             motion_prompt="smiles")
    assert scene.speech == spec.TextSpeech("Hello v3", VOICE, locale="en-GB")
    assert scene.background == spec.Background("color", "#102030")
    assert job.spec.output == spec.Output(1920, 1080)
    assert job.spec.watermark is None and job.spec.title == "v3"


def test_v3_image_webm_caption_and_watermark(runtime: Runtime, lookup: DbLookup) -> None:
    mark = save_asset(runtime, KEY, png_bytes())
    inline = base64.b64encode(png_bytes()).decode()
    body = {"type": "image", "image": {"type": "base64", "data": inline}, "script": "Hi", "voice_id": VOICE,
            "output_format": "webm", "resolution": "720p", "aspect_ratio": "1:1", "enable_caption": True,
            "watermark": {"image": {"type": "asset_id", "asset_id": mark.id}, "opacity": 0.5, "scale": 2,
                          "placement": {"position": "top_left", "offset_x": 0.1}}}
    job = translate.v3_video(parse(v3.create_video_model(body), body), lookup)
    (scene,) = job.spec.scenes
    stored = scene.character.look.image
    assert stored.kind == "asset" and lookup.asset_type(stored.value) == "image"
    assert scene.character.matting and scene.background.kind == "transparent"
    assert job.spec.output == spec.Output(720, 720, container="webm", captions=True)
    assert job.spec.watermark == spec.Watermark(spec.MediaRef("asset", mark.id), 0.5, "top_left", 0.1, 0.0, 2.0)
    assert job.output_format == "webm"


def test_seed_003_studio_body(runtime: Runtime, lookup: DbLookup) -> None:
    """Seed 003's example body, every field set, as three scenes (avatar, talking photo, silence)."""
    photo, clip = save_asset(runtime, KEY, png_bytes()), save_asset(runtime, KEY, wav_bytes())
    avatar_scene = {
        "character": {"type": "avatar", "avatar_id": DRAWN, "scale": 0.8, "avatar_style": "closeUp",
                      "offset": {"x": 0.1, "y": -0.2}, "talking_style": "expressive", "expression": "happy",
                      "super_resolution": True, "matting": True, "circle_background_color": "#00FF00",
                      "use_avatar_iv_model": True, "prompt": "waves"},
        "voice": {"type": "text", "voice_id": VOICE, "input_text": "Scene one", "speed": 1.1, "pitch": -3,
                  "emotion": "Excited", "locale": "en-US",
                  "elevenlabs_settings": {"model": "eleven_monolingual_v1", "stability": 0.3, "style": 0.6}},
        "background": {"type": "video", "url": "https://example.com/b.mp4", "play_style": "freeze", "fit": "contain"},
        "text": {"type": "text", "text": "Title", "font_family": "Roboto", "font_size": 30, "font_weight": "bold",
                 "color": "#112233", "position": {"x": 0.2, "y": 0.3}, "text_align": "left", "line_height": 1.5,
                 "width": 0.5}}
    photo_scene = {"character": {"type": "talking_photo", "talking_photo_id": photo.id, "talking_photo_style": "circle"},
                   "voice": {"type": "audio", "audio_asset_id": clip.id},
                   "background": {"type": "image", "image_asset_id": photo.id, "fit": "crop"}}
    body = {"caption": True, "title": "studio", "callback_id": "c4", "callback_url": "http://127.0.0.1:9/hook",
            "folder_id": "d" * 32, "dimension": {"width": 640, "height": 360},
            "video_inputs": [avatar_scene, photo_scene, {"voice": {"type": "silence", "duration": "1"}}]}
    job = translate.studio(parse(v2.GenerateRequest, body), lookup)
    first, second, third = job.spec.scenes
    assert first.character == spec.Character(
        spec.BuiltinLook(DRAWN), scale=0.8, offset_x=0.1, offset_y=-0.2, style="closeUp",
        circle_background="#00FF00", matting=True, expressiveness="high", talking_style="expressive",
        expression="happy", motion_prompt="waves", super_resolution=True)
    assert first.speech == spec.TextSpeech("Scene one", VOICE, speed=1.1, pitch=-3, locale="en-US", emotion="Excited",
                                           stability=0.3, style=0.6)
    assert first.background == spec.Background("video", media=spec.MediaRef("url", "https://example.com/b.mp4"),
                                               play_style="freeze", fit="contain")
    assert first.text == spec.TextOverlay("Title", "Roboto", 30, True, "#112233", 0.2, 0.3, "left", 1.5, 0.5)
    assert second.character.look == spec.PhotoLook(spec.MediaRef("asset", photo.id))
    assert second.character.style == "circle"
    assert second.speech == spec.AudioSpeech(spec.MediaRef("asset", clip.id))
    assert second.background == spec.Background("image", media=spec.MediaRef("asset", photo.id), fit="crop")
    assert third.character is None and third.speech == spec.Silence(1.0) and third.background.color == "#FFFFFF"
    assert job.spec.output == spec.Output(640, 360, captions=True)
    assert (job.title, job.callback_id, job.folder_id) == ("studio", "c4", "d" * 32)


def test_seed_004_studio_example_with_its_misspelt_settings_key(lookup: DbLookup) -> None:
    """Seed 004 spells `elevanlabs_settings`; unknown fields are ignored, so the voice keeps its own prosody."""
    body = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": DRAWN},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": "x", "speed": 1,
                                        "elevanlabs_settings": {"stability": 0.9}}}],
            "dimension": {"width": 1280, "height": 720}}
    speech = translate.studio(parse(v2.GenerateRequest, body), lookup).spec.scenes[0].speech
    assert (speech.stability, speech.style) == (None, None)


@pytest.mark.parametrize(("body", "code", "param"), [
    ({"avatar_id": "nobody", "script": "x", "voice_id": VOICE}, "avatar_not_found", "avatar_id"),
    ({"avatar_id": DRAWN, "script": "x", "voice_id": "nobody"}, "voice_not_found", "voice_id"),
    ({"image_asset_id": "0" * 32, "script": "x", "voice_id": VOICE}, "asset_not_found", "image_asset_id"),
    ({"avatar_id": DRAWN, "audio_asset_id": "0" * 32}, "asset_not_found", "audio_asset_id"),
])
def test_unknown_ids_are_refused_naming_the_field(lookup: DbLookup, body: dict, code: str, param: str) -> None:
    with pytest.raises(ServiceError) as refused:
        translate.avatar_iv(parse(v2.AvatarIVRequest, body), lookup)
    assert (refused.value.code, refused.value.param) == (code, param)


def test_an_asset_of_the_wrong_kind_is_refused(runtime: Runtime, lookup: DbLookup) -> None:
    audio = save_asset(runtime, KEY, wav_bytes())
    with pytest.raises(ServiceError) as refused:
        translate.avatar_iv(parse(v2.AvatarIVRequest, {"image_asset_id": audio.id, "script": "x", "voice_id": VOICE}),
                            lookup)
    assert refused.value.code == "invalid_parameter"
    assert refused.value.message == f"image_asset_id is invalid: asset {audio.id} is a audio, not a image"
