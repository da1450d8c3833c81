"""Every child process a render starts (ffmpeg, festival) goes through here, so that nothing can hold a render
forever: a one-shot run has a total deadline of its own, and a render's owner (jobs/watchdog.py) can stop all of
its processes at once from another thread, whatever the render thread is blocked on.

The render thread names its owner with `owned_by(children)`; processes started elsewhere (the `render` command)
are simply not tracked.
"""
from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from avatarstudio.errors import RenderError

ONE_SHOT_SECONDS = 600.0
"""The total deadline of one run(): far above any GIF, thumbnail, concat or speech call seen, far below forever."""


class Stopped(Exception):
    """The render was stopped from outside; `reason` says why (render_stalled, deleted, shutdown)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Children:
    """The live child processes of one render, and whether the render was stopped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen] = []
        self.reason: str | None = None

    def adopt(self, process: subprocess.Popen) -> None:
        """Track `process`; a process started after stop() is killed at once (the render thread raced it)."""
        with self._lock:
            self._processes = [known for known in self._processes if known.poll() is None]
            self._processes.append(process)
            reason = self.reason
        if reason is not None:
            process.kill()
            raise Stopped(reason)

    def stop(self, reason: str) -> None:
        """Kill every live process (SIGKILL: a stopped or hung ffmpeg ignores gentler signals)."""
        with self._lock:
            self.reason = self.reason or reason
            processes = list(self._processes)
        for process in processes:
            if process.poll() is None:
                process.kill()

    def check(self) -> None:
        """Raises Stopped once stop() was called: the render thread calls it between steps."""
        if self.reason is not None:
            raise Stopped(self.reason)


_owner = threading.local()


@contextmanager
def owned_by(children: Children) -> Iterator[Children]:
    """Processes this thread starts inside the block belong to `children`."""
    previous = getattr(_owner, "children", None)
    _owner.children = children
    try:
        yield children
    finally:
        _owner.children = previous


def popen(arguments: list[str], **options) -> subprocess.Popen:
    """subprocess.Popen, tracked by the calling thread's owner when it has one. The child gets its own process
    group: a SIGTERM or Ctrl-C sent to the worker's group asks the worker to stop gracefully, and must not kill the
    encoder of the render it lets finish."""
    process = subprocess.Popen(arguments, process_group=0, **options)
    children: Children | None = getattr(_owner, "children", None)
    if children is not None:
        children.adopt(process)
    return process


def run(arguments: list[str], what: str, stdin: bytes | None = None,
        timeout: float = ONE_SHOT_SECONDS) -> subprocess.CompletedProcess:
    """Run to completion with captured output, within `timeout` seconds in total; past it the process is killed
    and RenderError('render_stalled') names `what`."""
    process = popen(arguments, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RenderError("render_stalled", f"{what} did not finish within {timeout:.0f} s") from None
    children: Children | None = getattr(_owner, "children", None)
    if children is not None:
        children.check()
    return subprocess.CompletedProcess(arguments, process.returncode, out, err)
