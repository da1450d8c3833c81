"""A twin's frames made a few ahead, on a second thread: drawn for a render, decoded for a preparation.

Decoding the footage, pasting the mouth and resizing spend their time in FFmpeg and OpenCV, which release the GIL,
so they overlap with what the consumer does with the previous frames (compositing and encoding them, or tracking
the face). The queue is short, so memory stays a few frames; closing the consumer stops the producer.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

DEPTH = 4
_DONE = object()
T = TypeVar("T")


def ahead(items: Iterator[T], depth: int = DEPTH) -> Iterator[T]:
    """The items of `items`, in order, produced on a thread up to `depth` ahead; its exception is raised here."""
    waiting: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        waiting.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(_DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            waiting.put(error)
        finally:
            close = getattr(items, "close", None)
            if close is not None and stop.is_set():
                close()

    worker = threading.Thread(target=produce, name="twin-frames", daemon=True)
    worker.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
