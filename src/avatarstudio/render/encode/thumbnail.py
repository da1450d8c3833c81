"""A JPEG still of one frame, for the API's thumbnail_url."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageColor

from avatarstudio.render.encode.ffmpeg import EncodeError
from avatarstudio.render.vocabulary import Frame

JPEG_QUALITY = 88


def write_thumbnail(frame: Frame, path: Path, background: str = "#FFFFFF") -> None:
    """Writes `frame` as a JPEG of the same size, with transparent pixels flattened onto `background`.

    `background` is any colour Pillow understands ("#RRGGBB", "white", ...); a bad one raises ValueError.
    An unwritable path raises EncodeError.
    """
    image = Image.fromarray(frame, "RGBA")
    flat = Image.new("RGB", image.size, ImageColor.getrgb(background)[:3])
    flat.paste(image, mask=image.getchannel("A"))
    try:
        flat.save(path, format="JPEG", quality=JPEG_QUALITY)
    except OSError as error:
        raise EncodeError(f"writing thumbnail {path} failed: {error}") from error
