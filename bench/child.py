"""One bench render in its own process: `avatarstudio render` unchanged, plus a JSON file of what it measured.

Usage: child.py REPORT.json BODY.json --api API -o OUT_DIR --data-dir DIR

The render goes through `avatarstudio.cli.main(["render", ...])`, the same path as the command line.
`pipeline.render` is wrapped, not changed, to keep what it returns (stage seconds, duration) and its own time.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from avatarstudio import cli
from avatarstudio.catalog import voices
from avatarstudio.render import pipeline, speech


def main(argv: list[str]) -> int:
    report_path, cli_args = Path(argv[0]), argv[1:]
    render = pipeline.render

    def timed_render(*args, **kwargs) -> pipeline.Rendered:
        started = time.perf_counter()
        rendered = render(*args, **kwargs)
        report_path.write_text(json.dumps({
            "render_seconds": time.perf_counter() - started, "duration": rendered.duration,
            "stage_seconds": dict(rendered.stage_seconds), "video": str(rendered.video), "notes": rendered.notes,
            "captioned": str(rendered.captioned) if rendered.captioned else None}, indent=2))
        return rendered

    pipeline.render = timed_render
    _load_voices(json.loads(Path(cli_args[0]).read_text()))
    return cli.main(["render", *cli_args])


def _load_voices(body: object) -> None:
    """Speak a word in each voice the request names, so the timed render pays synthesis but not model loading,
    as in a running worker (the process time, which the report shows too, still includes it)."""
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, dict):
            found.extend(v for k, v in value.items() if k == "voice_id" and isinstance(v, str))
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(body)
    for voice in filter(None, map(voices.get_voice, set(found))):
        speech.synthesize("Ready.", voice)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
