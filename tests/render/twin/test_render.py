"""Videos rendered with a twin through the pipeline, checked in the decoded files: the person is there, the mouth
moves with the new speech and rests in silence, the body never jumps (at the footage's turn points or between
scenes), and a transparent WebM cuts the person out."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from mediapipe.python.solutions import face_mesh
from PIL import Image

from avatarstudio import spec
from avatarstudio.render import pipeline
from tests.footage import clip
from tests.media import alpha_planes

pytestmark = pytest.mark.slow

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
INNER_LIPS = ((82, 87), (13, 14), (312, 317))
EYE_CORNERS = (33, 263)


def render(twin_dir: Path, workdir: Path, scenes: tuple[spec.Scene, ...], output: spec.Output) -> Path:
    def resolve(ref: spec.MediaRef, kind: str) -> Path:
        assert (ref.kind, ref.value, kind) == ("twin", "jwp", "twin")
        return twin_dir

    return pipeline.render(spec.VideoSpec(scenes, output), workdir, resolve).video


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def landmarks(frames: list[np.ndarray]) -> list[np.ndarray | None]:
    """mediapipe's face mesh on each frame: (478, 2) pixels, or None where no face is found."""
    found = []
    with face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=True) as mesh:
        for rgb in frames:
            faces = mesh.process(rgb).multi_face_landmarks
            found.append(np.array([(q.x * rgb.shape[1], q.y * rgb.shape[0]) for q in faces[0].landmark])
                         if faces else None)
    return found


def openings(frames: list[np.ndarray]) -> np.ndarray:
    """Inner-lip gap over eye distance per frame (NaN where no face is found)."""
    values = []
    for p in landmarks(frames):
        if p is None:
            values.append(np.nan)
            continue
        gap = np.mean([np.linalg.norm(p[a] - p[b]) for a, b in INNER_LIPS])
        values.append(gap / np.linalg.norm(p[EYE_CORNERS[0]] - p[EYE_CORNERS[1]]))
    return np.array(values)


def jumps(frames: list[np.ndarray], step: int = 1) -> np.ndarray:
    """Mean absolute change of every pixel from each frame to the one `step` later."""
    stack = np.stack(frames).astype(np.int16)
    return np.abs(stack[step:] - stack[:-step]).mean(axis=(1, 2, 3))


def twin_character(**options) -> spec.Character:
    return spec.Character(spec.TwinLook("jwp"), **options)


def test_the_mouth_speaks_the_new_words_and_rests_in_silence(jwp_twin, tmp_path):
    directory, _ = jwp_twin
    words = "Hello there, my name is Paul. Today I will show you the map of our new building."
    video = render(directory, tmp_path, (spec.Scene(twin_character(), spec.TextSpeech(words, VOICE)),
                                         spec.Scene(twin_character(), spec.Silence(1.5))),
                   spec.Output(640, 360))
    frames = frames_of(video)
    assert frames[0].shape == (360, 640, 3)
    opening = openings(frames)
    assert np.isnan(opening).mean() < 0.05                                   # the person is in every frame
    silent = opening[-30:]                                                   # the last 1.2 s: the silent scene
    speaking = opening[5:-45]
    assert np.nanmedian(silent) < 0.35 * np.nanmedian(speaking)
    assert np.nanstd(speaking) > 2 * np.nanstd(silent)                        # the mouth moves while he talks


def test_the_body_never_jumps_at_turns_or_between_scenes(jwp_twin, tmp_path):
    """Eight seconds of silence in two scenes: longer than the footage (5.8 s), so it turns at a still point."""
    directory, _ = jwp_twin
    video = render(directory, tmp_path, (spec.Scene(twin_character(), spec.Silence(3.0)),
                                         spec.Scene(twin_character(), spec.Silence(5.0))),
                   spec.Output(320, 240))
    rendered = frames_of(video)
    assert len(rendered) == 200
    with av.open(str(clip("jwpIntro.mp4"))) as container:
        footage = [frame.to_ndarray(format="rgb24", width=320, height=240) for frame in container.decode(video=0)]
    worst_own = jumps(footage, step=2).max()   # 25 fps shows every 1.2th frame of the 29.97 fps footage
    steps = jumps(rendered)
    assert steps.max() <= 1.1 * worst_own
    assert steps[160:].min() > 0                                               # past the footage's end it plays on


@pytest.mark.parametrize("style", ["normal", "circle"])
def test_a_transparent_webm_cuts_the_person_out(jwp_twin, tmp_path, style):
    directory, _ = jwp_twin
    scene = spec.Scene(twin_character(style=style), spec.Silence(1.0), spec.Background("transparent"))
    video = render(directory, tmp_path, (scene,), spec.Output(640, 360, "webm"))
    alphas, pictures = alpha_planes(video)[::10], frames_of(video)[::10]
    for alpha, points in zip(alphas, landmarks(pictures)):
        assert alpha.shape == (360, 640) and points is not None
        assert alpha[5, 5] < 20 and alpha[5, -5] < 20                          # around the person: clear
        inner = points[[33, 263, 1, 13]]                                         # eye corners, nose, lips
        (x0, y0), (x1, y1) = inner.min(axis=0).astype(int), inner.max(axis=0).astype(int)
        assert alpha[y0:y1, x0:x1].min() > 200                                  # the face: solid


def test_a_portrait_video_shows_the_face_in_a_placed_close_up(jwp_twin, tmp_path):
    directory, _ = jwp_twin
    scene = spec.Scene(twin_character(style="closeUp", scale=0.8), spec.Silence(1.0),
                       spec.Background("color", "#204060"))
    frames = frames_of(render(directory, tmp_path, (scene,), spec.Output(360, 640)))
    assert frames[0].shape == (640, 360, 3)
    assert np.isnan(openings(frames[::5])).mean() == 0
    assert np.abs(frames[0][3, 180].astype(int) - (0x20, 0x40, 0x60)).max() < 12  # the background shows above


def test_footage_scaled_up_by_the_encoder_matches_footage_composited(jwp_twin, tmp_path):
    """A twin filling a frame larger than its footage goes to the encoder at the footage's size and is scaled there
    (pipeline._covers); under a watermark it is scaled and composited first. Away from the mark, both videos and
    their thumbnails show the same picture at the output's size."""
    directory, _ = jwp_twin
    mark = tmp_path / "mark.png"
    Image.new("RGBA", (64, 64), (255, 0, 255, 255)).save(mark)
    scene = spec.Scene(twin_character(), spec.Silence(1.0))
    output = spec.Output(1280, 720)
    direct = pipeline.render(spec.VideoSpec((scene,), output), tmp_path / "direct",
                             lambda ref, kind: directory if kind == "twin" else mark)
    marked = pipeline.render(spec.VideoSpec((scene,), output, watermark=spec.Watermark(spec.MediaRef("url", "mark"))),
                             tmp_path / "marked", lambda ref, kind: directory if kind == "twin" else mark)
    ours, theirs = frames_of(direct.video), frames_of(marked.video)
    assert len(ours) == len(theirs) == 25
    assert ours[0].shape == (720, 1280, 3)
    away = (slice(0, 600), slice(0, 1100))  # the mark sits in the bottom right corner
    for a, b in zip(ours[::6], theirs[::6]):
        assert np.abs(a[away].astype(int) - b[away]).mean() < 1.5
    assert np.isnan(openings(ours[::6])).mean() == 0
    thumbnails = [np.asarray(Image.open(rendered.thumbnail)) for rendered in (direct, marked)]
    assert thumbnails[0].shape == thumbnails[1].shape == (720, 1280, 3)
    assert np.abs(thumbnails[0][away].astype(int) - thumbnails[1][away]).mean() < 1.5
    corner = (slice(600, 720), slice(1100, 1280))
    assert (np.abs(thumbnails[1][corner].astype(int) - (255, 0, 255)).max(axis=2) < 30).sum() > 30 * 30  # the mark
