"""The names of a prepared twin's files. They sit flat in one directory (the service copies them to and from its
blob store under the same names), and nothing inside them refers to a path."""
from __future__ import annotations

FOOTAGE = "footage.mp4"
"""The footage at its working size (H.264, short groups of pictures)."""
MATTE = "matte.mp4"
"""The person's matte per frame (grey H.264 at the tracking size)."""
TRACK = "track.npz"
"""Per-frame landmarks, pose, eyes, lip shape, talking/usable flags, head speed; the reference face; crop box."""
MOUTHS = "mouths.bin"
"""Each frame's aligned lower-face crop, JPEG, packed (offsets in TRACK)."""
PHONES = "phones.json"
PREVIEW_IMAGE = "preview.jpg"
PREVIEW_VIDEO = "preview.mp4"
ABOUT = "twin.json"
"""Format version, fps, sizes, turn points, notes."""
FORMAT = 1
