"""What an uploaded file really is, from its first bytes: the declared Content-Type is not trusted."""
from __future__ import annotations

SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image", "image/png"),
    (b"RIFF", 0, "riff", ""),
    (b"\x1a\x45\xdf\xa3", 0, "video", "video/webm"),
    (b"OggS", 0, "audio", "audio/ogg"),
    (b"ID3", 0, "audio", "audio/mpeg"),
    (b"fLaC", 0, "audio", "audio/flac"),
    (b"ftyp", 4, "mp4", ""),
)
AUDIO_BRANDS = (b"M4A ", b"M4B ")
QUICKTIME_BRAND = b"qt  "
QUICKTIME_ATOMS = (b"moov", b"wide", b"mdat", b"free", b"skip")
"""Older QuickTime files start with one of these atoms instead of an ftyp box."""


def sniff(data: bytes) -> tuple[str, str] | None:
    """(file_type image|video|audio, mime type), or None for a format the service does not accept."""
    for magic, offset, kind, mime in SIGNATURES:
        if data[offset:offset + len(magic)] != magic:
            continue
        if kind == "riff":
            return {b"WAVE": ("audio", "audio/wav"), b"WEBP": ("image", "image/webp")}.get(data[8:12])
        if kind == "mp4":
            if data[8:12] in AUDIO_BRANDS:
                return "audio", "audio/mp4"
            return "video", "video/quicktime" if data[8:12] == QUICKTIME_BRAND else "video/mp4"
        return kind, mime
    if data[4:8] in QUICKTIME_ATOMS:
        return "video", "video/quicktime"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio", "audio/mpeg"
    return None
