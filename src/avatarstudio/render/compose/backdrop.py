"""What lies under the avatar in one scene: its background (colour, image, video or nothing) with its text on top.

A still backdrop (colour, image, transparent, or a video with play_style freeze) is drawn once, text included;
a playing video gets the text drawn over each decoded frame. Either way `frames` hands out one writable buffer per
frame for the avatar to be drawn into, so a scene costs one frame of memory whatever its length.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatarstudio import spec
from avatarstudio.render.compose.background import background_canvas
from avatarstudio.render.compose.blend import alpha_over
from avatarstudio.render.compose.fill import fill_backdrop, fills
from avatarstudio.render.compose.image_file import load_image
from avatarstudio.render.compose.text import TextLayer, render_text
from avatarstudio.render.compose.video_background import video_frames
from avatarstudio.render.vocabulary import Box, Frame, MediaResolver


@dataclass(frozen=True)
class PlayingVideo:
    """A background video that moves: where it is and how it is fitted and timed (see video_background)."""

    path: Path
    fit: str
    play_style: str


@dataclass(frozen=True)
class Backdrop:
    """Exactly one of `still` (the finished layer, text drawn in) or `video` (text drawn per frame) is set."""

    width: int
    height: int
    still: Frame | None = None
    video: PlayingVideo | None = None
    text: TextLayer | None = None

    def frames(self, n_frames: int, fps: int, changing: Box | None = None) -> Iterator[Frame]:
        """`n_frames` writable frames. The same buffer comes back each time, restored to the backdrop: copy one
        to keep it.

        With `changing` (x0, y0, x1, y1), a still backdrop is restored only inside that box after the first
        frame: the caller promises to draw the same pixels outside it on every frame. Restoring 720p in full is
        a third of a millisecond per frame; a talking photo's moving face is a fraction of that.
        """
        if self.still is not None:
            work = self.still.copy()
            x0, y0, x1, y1 = changing or (0, 0, self.width, self.height)
            for index in range(n_frames):
                if index:
                    np.copyto(work[y0:y1, x0:x1], self.still[y0:y1, x0:x1])
                yield work
            return
        assert self.video is not None
        with closing(video_frames(self.video.path, self.width, self.height, self.video.fit, self.video.play_style,
                                  n_frames, fps)) as decoded:
            for frame in decoded:
                if self.text is not None:
                    alpha_over(frame, self.text.patch, self.text.x, self.text.y)
                yield frame


def still_backdrop(layer: Frame, text: TextLayer | None) -> Backdrop:
    """A backdrop that does not move: `layer` with the text drawn on it (`layer` is modified)."""
    if text is not None:
        alpha_over(layer, text.patch, text.x, text.y)
    return Backdrop(layer.shape[1], layer.shape[0], still=layer)


def first_video_frame(path: Path, width: int, height: int, fit: str) -> Frame:
    """The video's first frame, fitted to (width, height): what play_style freeze shows."""
    with closing(video_frames(path, width, height, fit, "freeze", 1, 1)) as decoded:
        return next(decoded).copy()


def scene_backdrop(scene: spec.Scene, width: int, height: int, resolve: MediaResolver, notes: list[str],
                   photo: Frame | None = None) -> Backdrop:
    """The scene's backdrop; a video is probed here and decoded while the scene's frames are drawn. A note about
    its text (a font substituted, say) is appended to `notes`. `photo` is the photo the scene's character
    animates: with an `auto` background, a photo whose shape differs from the frame fills it (fill.py)."""
    bg = scene.background
    text = render_text(scene.text, width, height) if scene.text is not None else None
    if text is not None and text.note:
        notes.append(text.note)
    if bg.kind == "video" and bg.media is not None:
        path = resolve(bg.media, "video")
        if bg.play_style != "freeze":
            return Backdrop(width, height, video=PlayingVideo(path, bg.fit, bg.play_style), text=text)
        layer = first_video_frame(path, width, height, bg.fit)
    elif bg.kind == "transparent":
        layer = background_canvas(width, height)
    elif bg.kind == "image" and bg.media is not None:
        layer = background_canvas(width, height, image=load_image(resolve(bg.media, "image")), fit=bg.fit)
    elif bg.kind == "auto" and photo is not None and fills((photo.shape[1], photo.shape[0]), (width, height)):
        layer = fill_backdrop(photo, width, height)
    else:
        layer = background_canvas(width, height, color=bg.color)
    return still_backdrop(layer, text)
