"""Reading a user's image (a background, a watermark, a photo avatar) into an RGBA frame."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from avatarstudio.render.vocabulary import Frame


class ImageError(ValueError):
    """The file is not an image PIL can decode; the message says why."""


def load_image(path: Path) -> Frame:
    """The image at `path` as a writable RGBA uint8 array. Raises ImageError when it cannot be decoded."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGBA")).copy()
    except (OSError, ValueError) as error:
        raise ImageError(f"The image could not be decoded: {error}") from None
