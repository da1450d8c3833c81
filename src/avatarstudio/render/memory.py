"""Keeping a render's peak memory independent of the video's length (glibc processes).

Two habits of the allocator make a long render's resident memory creep up: reference cycles (engine caches
over bound methods) that hold frame-sized arrays until a full collection, and, during speech synthesis, large
short-lived buffers that fragment the heap so freed memory stays mapped. Measured on eight one-minute scenes:
synthesis alone crept from 572 to 752 MB; with buffers of 4 MB or more taken from mmap it levels off after the
first scenes (onnxruntime's own arena grows to the longest sentence once, then stays). A lower threshold (1 MB)
kept memory lower still but made synthesis 1.6x slower; mmap for every frame buffer made the 720p render 1.8x
slower, so frames keep the heap.
"""
from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

M_MMAP_THRESHOLD = -3
SYNTHESIS_THRESHOLD = 4 << 20
"""During synthesis, buffers of 4 MB and more come from mmap and go back to the system when freed."""
FRAMES_THRESHOLD = 32 << 20
"""Otherwise glibc's own ceiling: frame buffers (a few MB) are reused from the heap, which is fast."""

_LIBC = ctypes.CDLL("libc.so.6")


@contextmanager
def large_buffers_unmapped() -> Iterator[None]:
    """Within the block, large allocations are returned to the system as soon as they are freed."""
    _LIBC.mallopt(M_MMAP_THRESHOLD, SYNTHESIS_THRESHOLD)
    try:
        yield
    finally:
        _LIBC.mallopt(M_MMAP_THRESHOLD, FRAMES_THRESHOLD)


def release_garbage() -> None:
    """Collect reference cycles and hand freed heap pages back; called between scenes."""
    gc.collect()
    _LIBC.malloc_trim(0)
