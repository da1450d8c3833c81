"""The Studio endpoint end to end: three scenes with colour, image and looping video backgrounds, drawn and photo
avatars, a text overlay and captions, rendered by the real server and checked on the decoded files; and a 9:16 1080p /v3/videos MP4."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from file_server import serve_folder
from media import download, probe
from avatarstudio.render.encode.ffmpeg import ffmpeg_exe

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
DRAWN = "Ava_drawn_front"
PHOTO = "Astronaut_Portrait_public"
W, H = 640, 360
COLOUR = (0x20, 0x40, 0x60)
IMAGE = (200, 60, 160)
CLIP = {"lime": (0, 255, 0), "blue": (0, 0, 255)}
"""The background clip: 1 s lime, then 1 s blue."""
TEXT_RGB = (255, 204, 0)
SCRIPTS = ("Welcome to the studio. Scene one has a colour.",
           "Scene two, with a picture behind it!",
           "The third scene loops a clip. It keeps going, again and again.")
SAMPLE = (int(W * 0.08), int(H * 0.45))
"""(x, y): a point no character covers in any scene, above the caption band."""


@pytest.fixture(scope="module")
def media_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback HTTP server holding bg.png and bg.mp4 (the test service allows private URLs)."""
    folder = tmp_path_factory.mktemp("media")
    Image.new("RGB", (480, 320), IMAGE).save(folder / "bg.png")
    inputs = [arg for name in CLIP for arg in ("-f", "lavfi", "-i", f"color=c={name}:s=320x180:r=25:d=1")]
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", *inputs, "-filter_complex", "[0:v][1:v]concat=n=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(folder / "bg.mp4")], check=True)
    with serve_folder(folder) as url:
        yield url


def near(pixel: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 24) -> bool:
    return int(np.abs(pixel[:3].astype(int) - rgb).max()) <= tolerance


def scene_of(frame: np.ndarray) -> str:
    pixel = frame[SAMPLE[1], SAMPLE[0]]
    if near(pixel, COLOUR):
        return "colour"
    if near(pixel, IMAGE):
        return "image"
    for name, rgb in CLIP.items():
        if near(pixel, rgb, 40):
            return name
    return f"unknown {pixel}"


def frames(path: Path) -> Iterator[np.ndarray]:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def read_cues(path: Path, demuxer: str) -> list[tuple[str, float, float]]:
    with av.open(str(path), format=demuxer) as container:
        stream = container.streams.subtitles[0]
        return [(bytes(packet).decode().split(",,")[-1], float(packet.pts * stream.time_base),
                 float((packet.pts + packet.duration) * stream.time_base))
                for packet in container.demux(stream) if packet.size]


def speech_audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        chunks = [frame.to_ndarray().astype(np.float64).mean(axis=0) for frame in container.decode(audio=0)]
    return np.concatenate(chunks), rate


@pytest.fixture(scope="module")
def studio(service, media_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The three-scene render, its status and downloaded files."""
    inputs = [
        {"character": {"type": "avatar", "avatar_id": DRAWN, "avatar_style": "circle", "scale": 0.5,
                       "offset": {"x": 0.25, "y": 0.0}},
         "voice": {"type": "text", "voice_id": VOICE, "input_text": SCRIPTS[0]},
         "background": {"type": "color", "value": "#%02x%02x%02x" % COLOUR},
         "text": {"type": "text", "text": "Studio", "font_family": "Roboto", "font_size": 120, "font_weight": "bold",
                  "color": "#FFCC00", "position": {"x": 0.05, "y": 0.05}, "text_align": "left",
                  "line_height": 1.2}},
        # A talking photo: the encoder gets this scene as a still plus the moving face (its own ffmpeg run).
        {"character": {"type": "avatar", "avatar_id": PHOTO, "avatar_style": "closeUp", "matting": True,
                       "offset": {"x": 0.3, "y": 0}},
         "voice": {"type": "text", "voice_id": VOICE, "input_text": SCRIPTS[1]},
         "background": {"type": "image", "url": f"{media_url}/bg.png", "fit": "cover"}},
        {"character": {"type": "avatar", "avatar_id": DRAWN, "avatar_style": "normal", "offset": {"x": 0.3, "y": 0}},
         "voice": {"type": "text", "voice_id": VOICE, "input_text": SCRIPTS[2]},
         "background": {"type": "video", "url": f"{media_url}/bg.mp4", "play_style": "loop", "fit": "cover"}},
    ]
    body = {"caption": True, "dimension": {"width": W, "height": H}, "video_inputs": inputs}
    with service.client() as client:
        created = client.post("/v2/video/generate", json=body).json()
        assert created["error"] is None, created
        status = service.wait(created["data"]["video_id"], timeout=180)
    assert status["status"] == "completed", status
    folder = tmp_path_factory.mktemp("studio")
    files = {"video": download(status["video_url"], folder / "clean.mp4"),
             "captioned": download(status["video_url_caption"], folder / "captioned.mp4"),
             "srt": download(status["subtitle_url"], folder / "c.srt"),
             "ass": download(status["caption_url"], folder / "c.ass"),
             "vtt": download(status["vtt_url"], folder / "c.vtt")}
    return {"status": status, **files}


def scenes_seen(studio: dict) -> tuple[list[str], list[list]]:
    """What each frame's sample point shows, and the runs of (scene kind, frame count) in order (memoised)."""
    if "seen" not in studio:
        seen = [scene_of(frame) for frame in frames(studio["video"])]
        runs: list[list] = []
        for name in seen:
            kind = "video" if name in CLIP else name
            if runs and runs[-1][0] == kind:
                runs[-1][1] += 1
            else:
                runs.append([kind, 1])
        studio["seen"] = seen, runs
    return studio["seen"]


def test_scenes_follow_each_other_and_add_up(studio: dict) -> None:
    media = probe(studio["video"])
    assert (media.width, media.height, media.video_codec, media.audio_codec) == (W, H, "h264", "aac")
    assert abs(media.video_seconds - studio["status"]["duration"]) < 0.05
    assert abs(media.audio_seconds - media.video_seconds) < 0.05
    seen, runs = scenes_seen(studio)
    assert [kind for kind, _ in runs] == ["colour", "image", "video"], runs
    assert sum(count for _, count in runs) == len(seen) == round(media.video_seconds * 25)
    # The looping clip: lime for 1 s, blue for 1 s, then lime again.
    clip = seen[runs[0][1] + runs[1][1]:]
    assert clip[:20] == ["lime"] * 20 and clip[30:45] == ["blue"] * 15
    assert len(clip) > 55 and clip[52:55] == ["lime"] * 3


def test_text_is_drawn_where_positioned(studio: dict) -> None:
    first = next(frames(studio["video"]))
    region = first[int(0.04 * H):int(0.2 * H), int(0.04 * W):int(0.3 * W)]
    yellow = np.abs(region.astype(int) - TEXT_RGB).max(axis=2) < 40
    assert yellow.sum() > 300, "the text's pixels are missing"
    ys, xs = np.nonzero(np.abs(first.astype(int) - TEXT_RGB).max(axis=2) < 40)
    assert abs(xs.min() - 0.05 * W) < 6 and ys.min() >= 0.04 * H and ys.max() < 0.25 * H


def test_captioned_copy_differs_only_in_the_caption_band(studio: dict) -> None:
    band = int(H * 0.72)
    drawn = 0
    for clean, captioned in zip(frames(studio["video"]), frames(studio["captioned"])):
        diff = np.abs(clean.astype(np.int16) - captioned).max(axis=2)
        # Two encodes of the same frames differ by encoder noise: small on average, with rare outlier pixels.
        above = diff[:band]
        assert np.percentile(above, 99.9) <= 20 and above.mean() < 2.5 and above.max() <= 64
        drawn += bool((diff[band:] > 80).sum() > 50)
    assert probe(studio["captioned"]).video_seconds == probe(studio["video"]).video_seconds
    assert drawn > 25, "captions were not burned in"


def test_caption_files_agree_and_follow_the_speech(studio: dict) -> None:
    srt = read_cues(studio["srt"], "srt")
    vtt = read_cues(studio["vtt"], "webvtt")
    ass = read_cues(studio["ass"], "ass")
    assert [text for text, _, _ in srt] == [text for text, _, _ in vtt] == [text for text, _, _ in ass]
    for (_, s1, e1), (_, s2, e2), (_, s3, e3) in zip(srt, vtt, ass):
        assert abs(s1 - s2) < 0.002 and abs(e1 - e2) < 0.002 and abs(s1 - s3) < 0.011 and abs(e1 - e3) < 0.011
    # The words as written, punctuation included, in order; sentences end their cue.
    assert " ".join(text for text, _, _ in srt).split() == " ".join(SCRIPTS).split()
    assert all(not text.rstrip(".!?").count(". ") for text, _, _ in srt)
    # Every cue lies over speech, in order, inside the video, and never spans a scene cut.
    samples, rate = speech_audio(studio["video"])
    duration = studio["status"]["duration"]
    cuts = np.cumsum([count / 25 for _, count in scenes_seen(studio)[1]])
    previous_end = 0.0
    for text, start, end in srt:
        assert previous_end - 0.01 <= start < end <= duration + 0.01, (text, start, end)
        window = samples[int(start * rate):int(end * rate)]
        assert np.sqrt(np.mean(window ** 2)) > 0.02, f"no speech under {text!r}"
        assert not any(start < cut - 0.02 and end > cut + 0.02 for cut in cuts), (text, start, end, cuts)
        previous_end = end


def test_v3_vertical_1080p_is_1080_by_1920(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"type": "avatar", "avatar_id": DRAWN, "script": "Tall and sharp.", "voice_id": VOICE,
            "resolution": "1080p", "aspect_ratio": "9:16", "enable_caption": True}
    data = client.post("/v3/videos", json=body).json()["data"]
    service.wait(data["video_id"], timeout=180)
    status = client.get(f"/v3/videos/{data['video_id']}").json()["data"]
    assert status["status"] == "completed", status
    media = probe(download(status["video_url"], tmp_path / "tall.mp4"))
    assert (media.video_codec, media.width, media.height) == ("h264", 1080, 1920)
    captioned = probe(download(status["captioned_video_url"], tmp_path / "tall-captioned.mp4"))
    assert (captioned.width, captioned.height) == (1080, 1920)
