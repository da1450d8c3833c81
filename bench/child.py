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
from avatarstudio.render import pipeline


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
    return cli.main(["render", *cli_args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
