"""VideoWriter against real ffmpeg: streams, sizes, durations, BT.709 colour, VP9 alpha and failures."""
from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from encode_samples import (
    FPS, FRAMES, HEIGHT, PATCHES, TONE_RATE, WIDTH, encode, grey_level, patch_frame, tone,
)

from avatarstudio.render.encode import EncodeError, EncodeTarget, VideoWriter
from avatarstudio.render.encode.audio import fit_to_frames
from avatarstudio.render.encode.ffmpeg import run_ffmpeg_into

BT709 = 1
"""The value of AVCOL_SPC_BT709, AVCOL_PRI_BT709 and AVCOL_TRC_BT709 alike."""


def decoded_frames(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def decoded_alpha_frames(path: Path) -> list[av.VideoFrame]:
    """Decodes with libvpx-vp9: the only VP9 decoder that reads the alpha layer (the native one returns yuv420p)."""
    decoder = av.codec.CodecContext.create("libvpx-vp9", "r")
    with av.open(str(path)) as container:
        return [frame for packet in container.demux(video=0) for frame in decoder.decode(packet)]


def audio_seconds(path: Path) -> float:
    """How long the decoded audio lasts (WebM streams carry no duration field; MP4 adds < 1024 samples of pad)."""
    with av.open(str(path)) as container:
        return sum(frame.samples / frame.sample_rate for frame in container.decode(audio=0))


def quarter_centres(rgb: np.ndarray) -> dict[str, np.ndarray]:
    """The mean colour of a 20x20 block at the centre of each quarter (away from chroma-subsampled edges)."""
    h, w = HEIGHT // 4, WIDTH // 4
    centres = {"red": (h, w), "green": (h, 3 * w), "blue": (3 * h, w), "grey": (3 * h, 3 * w)}
    return {name: rgb[y - 10 : y + 10, x - 10 : x + 10].reshape(-1, 3).mean(axis=0) for name, (y, x) in centres.items()}


def test_mp4_holds_h264_and_aac_of_the_right_size_and_duration(mp4_file: Path) -> None:
    with av.open(str(mp4_file)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert (video.codec_context.width, video.codec_context.height) == (WIDTH, HEIGHT)
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == 48_000
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.05)
        assert float(video.duration * video.time_base) == pytest.approx(2.0, abs=1 / FPS)
    assert len(decoded_frames(mp4_file)) == FRAMES
    assert audio_seconds(mp4_file) == pytest.approx(2.0, abs=1 / FPS)


def test_mp4_is_tagged_bt709(mp4_file: Path) -> None:
    with av.open(str(mp4_file)) as container:
        context = container.streams.video[0].codec_context
        assert (context.colorspace, context.color_primaries, context.color_trc) == (BT709, BT709, BT709)


def test_mp4_colours_survive_the_bt709_conversion(mp4_file: Path) -> None:
    frame = decoded_frames(mp4_file)[10]
    centres = quarter_centres(frame.to_ndarray(format="rgb24"))
    for name, rgb in PATCHES.items():
        assert centres[name] == pytest.approx(rgb, abs=6), name
    assert centres["grey"] == pytest.approx([grey_level(10)] * 3, abs=4)


def test_mp4_colours_were_not_converted_with_bt601(mp4_file: Path) -> None:
    """Decoding with the wrong (BT.601) matrix visibly shifts pure red: proof that the encode used BT.709."""
    frame = decoded_frames(mp4_file)[10]
    centres = quarter_centres(frame.reformat(format="rgb24", src_colorspace="ITU601").to_ndarray())
    assert abs(centres["red"][0] - 255) > 15


def test_mp4_keeps_the_tone(mp4_file: Path) -> None:
    with av.open(str(mp4_file)) as container:
        samples = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
    one_second = samples[4800:52800]
    spectrum = np.abs(np.fft.rfft(one_second))
    assert np.argmax(spectrum) * 48_000 / len(one_second) == pytest.approx(440, abs=2)


@pytest.mark.parametrize("container", ["mp4", "webm"])
@pytest.mark.parametrize("speech_seconds", [0.0, 0.7, 3.1])
def test_audio_is_cut_or_padded_to_the_frames(tmp_path: Path, container: str, speech_seconds: float) -> None:
    path = encode(tmp_path / f"short.{container}", container, patch_frame, tone(speech_seconds), frames=20)
    assert audio_seconds(path) == pytest.approx(20 / FPS, abs=1 / FPS)
    assert len(decoded_frames(path)) == 20


@pytest.mark.parametrize("container", ["mp4", "webm"])
@pytest.mark.parametrize("planned", [20, 30], ids=["as-planned", "fewer-than-planned"])
def test_audio_encoded_while_the_frames_are_drawn_fits_the_frames_written(tmp_path: Path, container: str,
                                                                           planned: int) -> None:
    """The audio encoded up front for the planned count is used when as many frames came, and encoded again for
    the count written otherwise; either way it starts with the first frame (no encoder delay added)."""
    path = encode(tmp_path / f"planned.{container}", container, patch_frame, tone(3.0), frames=20, planned=planned)
    assert audio_seconds(path) == pytest.approx(20 / FPS, abs=1 / FPS)
    assert len(decoded_frames(path)) == 20
    with av.open(str(path)) as container_file:
        samples = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container_file.decode(audio=0)])
    assert np.argmax(np.abs(samples) > 0.05) < 48, "the tone is heard within 1 ms of the start"


def test_fit_to_frames_is_exact() -> None:
    assert len(fit_to_frames(tone(0.3), TONE_RATE, 20, FPS)) == 20 * TONE_RATE // FPS
    assert len(fit_to_frames(tone(3.0), TONE_RATE, 20, FPS)) == 20 * TONE_RATE // FPS
    padded = fit_to_frames(np.full(10, 2.0, np.float32), TONE_RATE, 1, FPS)
    assert padded.dtype == np.float32 and padded[:10].tolist() == [1.0] * 10 and not padded[10:].any()


def test_webm_holds_vp9_with_alpha_and_opus(webm_file: Path) -> None:
    with av.open(str(webm_file)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "vp9"
        assert (video.codec_context.width, video.codec_context.height) == (WIDTH, HEIGHT)
        assert audio.codec_context.name == "opus"
        assert audio.codec_context.sample_rate == 48_000
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.05)


def test_webm_alpha_survives(webm_file: Path) -> None:
    frames = decoded_alpha_frames(webm_file)
    assert len(frames) == FRAMES
    assert frames[10].format.name == "yuva420p"
    rgba = frames[10].to_ndarray(format="rgba")
    left, right = rgba[:, : WIDTH // 2 - 8, 3], rgba[:, WIDTH // 2 + 8 :, 3]
    assert left.max() <= 3
    assert right.min() >= 252
    assert rgba[HEIGHT // 2, 3 * WIDTH // 4, :3] == pytest.approx([200, 70, 30], abs=8)


def test_frames_held_still_outside_a_box_come_out_as_if_sent_whole(tmp_path: Path) -> None:
    """Three groups, each its own ffmpeg run: two sent as a still plus the box where frames change (one box on odd
    edges), one sent whole. The joined file has every frame in order and equals the file of whole frames up to
    the encoder's noise, and lasts as long."""
    held = tmp_path / "held.mp4"
    boxes = {0: (WIDTH // 2 + 1, HEIGHT // 2 + 1, WIDTH, HEIGHT), 17: None,
             34: (WIDTH // 2 - 9, HEIGHT // 2, WIDTH, HEIGHT)}
    with VideoWriter(EncodeTarget(held, "mp4", WIDTH, HEIGHT, FPS), tone(2.0), TONE_RATE) as writer:
        for index in range(FRAMES):
            if index in boxes:
                writer.hold_still(boxes[index])
            writer.write(patch_frame(index))
    whole = encode(tmp_path / "whole.mp4", "mp4", patch_frame, tone(2.0))
    frames, expected = decoded_frames(held), decoded_frames(whole)
    assert len(frames) == len(expected) == FRAMES
    for index, (frame, reference) in enumerate(zip(frames, expected)):
        rgb = frame.to_ndarray(format="rgb24")
        assert quarter_centres(rgb)["grey"] == pytest.approx([grey_level(index)] * 3, abs=3)
        assert np.abs(rgb.astype(int) - reference.to_ndarray(format="rgb24")).max() <= 24, f"frame {index}"
    with av.open(str(held)) as container:
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.05)
    assert audio_seconds(held) == pytest.approx(2.0, abs=1 / FPS)


def test_unwritable_target_raises_before_any_frame(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.mp4"
    with pytest.raises(EncodeError, match=r"out\.mp4.*missing-folder is not a writable folder"):
        VideoWriter(EncodeTarget(target, "mp4", WIDTH, HEIGHT, FPS), tone(0.2), TONE_RATE)
    assert not list(tmp_path.iterdir())


def test_a_failing_ffmpeg_run_raises_with_its_stderr_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(EncodeError, match=r"(?s)muxing failed \(ffmpeg exit \d+\): .*No such file.*absent\.wav"):
        run_ffmpeg_into(tmp_path / "out.mp4", ["-i", str(tmp_path / "absent.wav"), "-f", "mp4"], "muxing")
    assert not list(tmp_path.iterdir())


def test_an_error_inside_the_block_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.webm"
    with pytest.raises(RuntimeError):
        with VideoWriter(EncodeTarget(target, "webm", WIDTH, HEIGHT, FPS), tone(1.0), TONE_RATE) as writer:
            writer.write(patch_frame(0))
            raise RuntimeError("the avatar engine failed")
    assert not list(tmp_path.iterdir())


def test_closing_without_frames_raises(tmp_path: Path) -> None:
    writer = VideoWriter(EncodeTarget(tmp_path / "out.mp4", "mp4", WIDTH, HEIGHT, FPS), tone(1.0), TONE_RATE)
    with pytest.raises(EncodeError, match="no frames"):
        writer.close()
    assert not list(tmp_path.iterdir())


def test_a_frame_that_is_not_rgba_is_refused(tmp_path: Path) -> None:
    with VideoWriter(EncodeTarget(tmp_path / "out.mp4", "mp4", WIDTH, HEIGHT, FPS), tone(1.0), TONE_RATE) as writer:
        with pytest.raises(ValueError, match="RGBA"):
            writer.write(np.zeros((HEIGHT, WIDTH, 3), np.uint8))
        writer.write(patch_frame(0))
    assert (tmp_path / "out.mp4").exists()


@pytest.mark.parametrize("container", ["mp4", "webm"])
@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_frames_of_another_size_are_scaled_to_the_output(tmp_path: Path, container: str, factor: float) -> None:
    """Frames half or twice the output's size come out at the output's size, each colour where it was, the same as
    frames scaled before they were written, up to the encoder's noise (alpha too, in WebM)."""
    size = (round(WIDTH * factor), round(HEIGHT * factor))
    scaled = encode(tmp_path / f"scaled.{container}", container,
                    lambda index: cv2.resize(patch_frame(index), size, interpolation=cv2.INTER_NEAREST), tone(2.0))
    whole = encode(tmp_path / f"whole.{container}", container, patch_frame, tone(2.0))
    frames, expected = decoded_frames(scaled), decoded_frames(whole)
    assert len(frames) == len(expected) == FRAMES
    for index in (0, 10, FRAMES - 1):
        rgb = frames[index].to_ndarray(format="rgb24")
        assert rgb.shape == (HEIGHT, WIDTH, 3)
        centres = quarter_centres(rgb)
        for name, colour in PATCHES.items():
            assert centres[name] == pytest.approx(colour, abs=6), name
        assert centres["grey"] == pytest.approx([grey_level(index)] * 3, abs=4)
        assert np.abs(rgb.astype(int) - expected[index].to_ndarray(format="rgb24")).mean() < 2
    if container == "webm":
        assert decoded_alpha_frames(scaled)[10].to_ndarray(format="rgba")[..., 3].min() >= 252


def test_frames_held_still_must_be_the_outputs_size(tmp_path: Path) -> None:
    with VideoWriter(EncodeTarget(tmp_path / "out.mp4", "mp4", WIDTH, HEIGHT, FPS), tone(1.0), TONE_RATE) as writer:
        writer.hold_still((0, 0, WIDTH // 2, HEIGHT // 2))
        with pytest.raises(ValueError, match="held still"):
            writer.write(np.zeros((HEIGHT // 2, WIDTH // 2, 4), np.uint8))
        writer.write(patch_frame(0))
    assert (tmp_path / "out.mp4").exists()


def test_odd_sizes_are_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        VideoWriter(EncodeTarget(tmp_path / "out.mp4", "mp4", 321, 240), tone(1.0), TONE_RATE)
