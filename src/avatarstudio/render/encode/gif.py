"""A short animated GIF preview cut from an encoded video, for the API's gif_url."""
from __future__ import annotations

from pathlib import Path

import av

from avatarstudio.render.encode.ffmpeg import EncodeError, run_ffmpeg_into


def _decoder_for(video_path: Path) -> list[str]:
    """Input arguments choosing a decoder that keeps alpha: only libvpx-vp9 reads VP9's alpha side data."""
    try:
        with av.open(str(video_path)) as container:
            codec = container.streams.video[0].codec_context.name
    except (av.error.FFmpegError, IndexError) as error:
        raise EncodeError(f"reading {video_path} for a GIF preview failed: {error}") from error
    return ["-c:v", "libvpx-vp9"] if codec == "vp9" else []


def write_gif_preview(
    video_path: Path, gif_path: Path, seconds: float = 3.0, width: int = 320, fps: int = 10,
) -> None:
    """Writes the first `seconds` of `video_path` as a looping GIF `width` pixels wide at `fps`.

    One palette is computed for the whole clip (palettegen, then paletteuse), which keeps skin tones smooth.
    A WebM with alpha gives a transparent GIF: GIF transparency is on or off per pixel, so pixels with alpha
    below 128 become transparent and the rest opaque. Raises EncodeError with ffmpeg's message on failure.
    """
    graph = (
        f"[0:v]fps={fps},scale={width}:-2:flags=lanczos,split[frames][sample];"
        "[sample]palettegen=reserve_transparent=1:stats_mode=full[palette];"
        "[frames][palette]paletteuse=dither=sierra2_4a:alpha_threshold=128"
    )
    run_ffmpeg_into(
        gif_path,
        [*_decoder_for(video_path), "-t", f"{seconds:.3f}", "-i", str(video_path),
         "-filter_complex", graph, "-loop", "0", "-f", "gif"],
        f"writing GIF preview {gif_path}",
    )
