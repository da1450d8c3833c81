"""avatarstudio serve | worker | render | keys | migrate | templates | doctor."""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from avatarstudio import __version__, keys, logs
from avatarstudio.config import ConfigError, Settings, load_settings, log_format
from avatarstudio.errors import RenderError, ServiceError
from avatarstudio.processes import die_with_parent, serve_api
from avatarstudio.store.keys import ApiKeys
from avatarstudio.translate import CREATE_ENDPOINTS, translate_body

WEBHOOK_THREADS = 4
"""Deliveries at once per worker; each ends within its own deadline."""
log = logging.getLogger("avatarstudio")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.data_dir, getattr(args, "host", "127.0.0.1"), getattr(args, "port", 8000))


def _supervise_workers(settings: Settings, count: int, stop: threading.Event,
                       log_style: str) -> list[subprocess.Popen]:
    """Worker processes beside the API, restarted if one dies (its video is retried by the reaper).
    They get the API's public URL, so the links they put in webhooks point at this server, and its log format."""
    command = [sys.executable, "-m", "avatarstudio.cli", "worker", "--data-dir", str(settings.data_dir)]
    env = {**os.environ, "PUBLIC_BASE_URL": settings.public_base_url, "AVATARSTUDIO_LOG_FORMAT": log_style}
    def start() -> subprocess.Popen:
        return subprocess.Popen(command, env=env, preexec_fn=die_with_parent)

    workers = [start() for _ in range(count)]

    def watch() -> None:
        while not stop.wait(1.0):
            for index, process in enumerate(workers):
                if process.poll() is not None:
                    log.warning("worker %d exited with %s; starting another", process.pid, process.returncode)
                    workers[index] = start()

    threading.Thread(target=watch, daemon=True, name="worker-supervisor").start()
    return workers


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from avatarstudio.api.app import create_app
    from avatarstudio.jobs.reaper import start_reaper
    from avatarstudio.runtime import open_runtime

    if args.api_processes is not None and args.api_processes < 1:
        raise ConfigError(f"--api-processes {args.api_processes} must be at least 1")
    runtime = open_runtime(_settings(args))
    settings = runtime.settings
    print(f"avatarstudio is listening on {settings.public_base_url}", flush=True)
    if settings.env_api_key:
        print("API key: the one in AVATARSTUDIO_API_KEY", flush=True)
    elif not ApiKeys(runtime.db).any_active():
        _, plaintext = keys.create_key(runtime.db, "first key")
        print(f"API key (shown once; store it): {plaintext}", flush=True)
    else:
        print("API keys: existing ones ('avatarstudio keys create' makes another)", flush=True)
    print(f"Try: curl -H 'X-Api-Key: <key>' {settings.public_base_url}/v2/avatars", flush=True)
    print(f"Or in a browser: {settings.public_base_url}/studio", flush=True)
    stop = threading.Event()
    workers = _supervise_workers(settings, args.workers, stop, log_format(args.log_format))
    start_reaper(runtime, stop)
    # uvicorn re-raises the signal it stopped on once it has shut down; with this handler that returns here, so
    # the workers are stopped and waited for instead of orphaned.
    signal.signal(signal.SIGTERM, lambda *_: None)
    api_processes = args.api_processes or settings.api_processes
    try:
        if api_processes > 1:
            serve_api(settings, api_processes, args.host, args.port, log_format(args.log_format))
        else:
            # uvicorn's own loggers go through ours (logs.py); the access log is ours too (api/telemetry.py).
            uvicorn.run(create_app(runtime), host=args.host, port=args.port, log_level="warning", log_config=None,
                        access_log=False)
    finally:
        stop.set()
        _stop_workers(workers, settings.shutdown_grace_seconds)
    return 0


def _stop_workers(workers: list[subprocess.Popen], grace: float) -> None:
    """Passes the stop on (SIGTERM: each worker finishes or re-queues its render) and waits for it: the grace
    period plus time to re-queue; a worker still running then is killed (the reaper retries its video)."""
    for process in workers:
        process.terminate()
    deadline = time.monotonic() + grace + 15
    for process in workers:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker(args: argparse.Namespace) -> int:
    """Renders from the queue until SIGTERM or SIGINT; then takes no new render, lets the current ones finish
    within the grace period, and puts back in the queue, with their attempt refunded, those that could not."""
    from avatarstudio.jobs.liveness import start_heartbeat
    from avatarstudio.jobs.reaper import start_reaper
    from avatarstudio.jobs.runner import abandon_for_shutdown
    from avatarstudio.runtime import open_runtime

    runtime = open_runtime(_settings(args))
    os.nice(runtime.settings.worker_niceness)  # before any thread or ffmpeg starts: they inherit it
    stop = threading.Event()
    start_reaper(runtime, stop)
    heartbeat = start_heartbeat(runtime, stop)
    # The quick jobs a request waits for (speech, previews, the face check) and webhook deliveries have threads of
    # their own, so a long render never holds them up; the render consumer runs in the foreground and owns the
    # signal handlers: SIGTERM stops it gracefully (the render in flight may finish within the grace period).
    quick, deliveries = (huey.create_consumer(workers=threads, worker_type="thread", periodic=False,
                                              initial_delay=0.05, backoff=1.15, max_delay=0.5)
                         for huey, threads in ((runtime.queue.quick, args.threads),
                                               (runtime.queue.webhook_huey, WEBHOOK_THREADS)))
    renders = runtime.queue.huey.create_consumer(workers=args.threads, worker_type="thread", periodic=False,
                                                 initial_delay=0.05, backoff=1.15, max_delay=0.5,
                                                 graceful_signal="TERM",
                                                 shutdown_timeout=runtime.settings.shutdown_grace_seconds)
    quick.start()
    deliveries.start()
    renders.run()
    stop.set()
    for job_id in abandon_for_shutdown(runtime):
        log.warning("job %s did not finish within the shutdown grace period; queued again", job_id)
    deliveries.stop(graceful=True)  # a delivery in flight ends within its own deadline
    heartbeat.join(timeout=10)
    return 0


def render(args: argparse.Namespace) -> int:
    """One request rendered in this process, no server: same validation, same pipeline, files in OUT_DIR."""
    from avatarstudio import spec
    from avatarstudio.jobs.render_job import resolver
    from avatarstudio.render import pipeline
    from avatarstudio.runtime import open_runtime
    from avatarstudio.store.glossaries import Glossaries
    from avatarstudio.uploads import DbLookup

    body = json.loads(Path(args.body).read_text())
    runtime = open_runtime(_settings(args))
    job = translate_body(args.api, body, DbLookup(runtime, keys.ENV_KEY_ID))
    video = spec.with_pronunciations(job.spec, Glossaries(runtime.db).pronunciations())
    out = Path(args.output)
    started = time.monotonic()

    def report(done: float) -> None:
        print(f"\rrendering {done * 100:5.1f} %", end="", file=sys.stderr, flush=True)

    rendered = pipeline.render(video, out, resolver(runtime, out), progress=report,
                               max_seconds=runtime.settings.max_video_seconds)
    print(f"\nrendered {rendered.duration:.2f} s of video in {time.monotonic() - started:.2f} s", file=sys.stderr)
    for path in rendered.files().values():
        print(path)
    for note in rendered.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def keys_command(args: argparse.Namespace) -> int:
    from avatarstudio.store.db import Database

    db = Database(_settings(args).database_url)
    api_keys = ApiKeys(db)
    if args.action == "create":
        record, plaintext = keys.create_key(db, args.name or "")
        print(f"{record.id} {plaintext}")
    elif args.action == "list":
        for record in api_keys.all():
            state = "revoked" if record.revoked_at else "active"
            print(f"{record.id} {record.prefix}... {state} {record.name}")
    else:
        if not api_keys.revoke(args.key):
            print(f"no active key {args.key}", file=sys.stderr)
            return 1
        print(f"revoked {args.key}")
    return 0


def migrate(args: argparse.Namespace) -> int:
    """Bring the database's schema to this version's (serve and worker also do it when they start)."""
    from avatarstudio.store.db import Database

    settings = _settings(args)
    database = Database(settings.database_url)
    database.engine.dispose()
    print(f"database schema at revision {database.revision} (the newest): {database.engine.url!r}")
    return 0


def doctor(args: argparse.Namespace) -> int:
    """Every check of health.py, one line each; exit status 1 when any failed."""
    from avatarstudio import health
    from avatarstudio.runtime import open_runtime

    settings = _settings(args)
    try:
        runtime = open_runtime(settings)
    except Exception as error:  # noqa: BLE001 - whatever stops the service from starting is the diagnosis
        print(f"FAIL start-up: {type(error).__name__}: {error}")
        return 1
    checks = health.installation(runtime)
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    failed = [check.name for check in checks if not check.ok]
    print(f"{len(failed)} problem(s): {', '.join(failed)}" if failed else "everything needed is in place")
    return 1 if failed else 0


def templates_command(args: argparse.Namespace) -> int:
    """`add FILE.json` saves a template document (the POST /v3/templates body) after the same checks; `list`
    prints every template's id, name and variables."""
    from avatarstudio.runtime import open_runtime
    from avatarstudio.store.templates import Templates
    from avatarstudio.templates import studio
    from avatarstudio.uploads import DbLookup

    runtime = open_runtime(_settings(args))
    store = Templates(runtime.db)
    if args.action == "add":
        if not args.file:
            print("templates add needs a FILE.json", file=sys.stderr)
            return 2
        draft = studio.read_document(json.loads(Path(args.file).read_text()), DbLookup(runtime, keys.ENV_KEY_ID))
        record = store.create(draft.name, draft.body, draft.defaults, len(draft.body.get("video_inputs") or []))
        print(f"{record.id} {record.name}")
        return 0
    for record in store.all():
        variables = studio.Draft(record.name, record.body, record.defaults).variables
        described = ", ".join(f"{name} ({variable.kind})" for name, variable in variables.items())
        print(f"{record.id} {record.name}: {described or 'no variables'}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="avatarstudio", description=__doc__)
    root.add_argument("--version", action="version", version=f"avatarstudio {__version__}")
    root.add_argument("--log-format", choices=("json", "text"), default=None,
                      help="log lines as JSON objects (default) or plain text for a terminal")
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="the API with its embedded worker")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--workers", type=int, default=1, help="worker processes to start beside the API")
    serve_cmd.add_argument("--api-processes", type=int, default=None,
                           help="processes answering HTTP on the port (default AVATARSTUDIO_API_PROCESSES, else one "
                                "per two CPU cores, 1 to 4)")
    worker_cmd = commands.add_parser("worker", help="a worker on the same queue")
    worker_cmd.add_argument("--threads", type=int, default=1)
    render_cmd = commands.add_parser("render", help="render one request body without a server")
    render_cmd.add_argument("body")
    render_cmd.add_argument("--api", choices=tuple(CREATE_ENDPOINTS), required=True)
    render_cmd.add_argument("-o", "--output", required=True)
    keys_cmd = commands.add_parser("keys", help="create, list or revoke API keys")
    keys_cmd.add_argument("action", choices=("create", "list", "revoke"))
    keys_cmd.add_argument("key", nargs="?", help="the key id or prefix to revoke")
    keys_cmd.add_argument("--name")
    migrate_cmd = commands.add_parser("migrate", help="bring the database schema up to date (start-up does it too)")
    templates_cmd = commands.add_parser("templates", help="save a template from a JSON file, or list templates")
    templates_cmd.add_argument("action", choices=("add", "list"))
    templates_cmd.add_argument("file", nargs="?", help="the template document to add (a POST /v3/templates body)")
    doctor_cmd = commands.add_parser("doctor", help="check this installation and say what is wrong")
    for command in (serve_cmd, worker_cmd, render_cmd, keys_cmd, migrate_cmd, templates_cmd, doctor_cmd):
        command.add_argument("--data-dir", default=None, help="where the database, queue and files live")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handlers = {"serve": serve, "worker": worker, "render": render, "keys": keys_command, "migrate": migrate,
                "templates": templates_command, "doctor": doctor}
    try:
        logs.configure(log_format(args.log_format))
        return handlers[args.command](args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except (ServiceError, RenderError) as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
