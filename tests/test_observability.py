"""Worker heartbeats, readiness and the metrics text, in-process on the real SQLite database and queue."""
from __future__ import annotations

from pathlib import Path

from avatarstudio import health
from avatarstudio.jobs import liveness
from avatarstudio.metrics import ProcessMetrics, RequestPeers
from avatarstudio.runtime import Runtime
from avatarstudio.scrape import scrape


def test_readiness_names_the_missing_worker_until_one_beats(runtime: Runtime) -> None:
    checks = {check.name: check for check in health.readiness(runtime)}
    assert [name for name, check in checks.items() if not check.ok] == ["workers"]
    assert "no worker has sent a heartbeat" in checks["workers"].detail
    liveness.beat(runtime, "host:1:a")
    assert all(check.ok for check in health.readiness(runtime))


def test_a_workers_renders_are_summed_and_stay_counted_after_it_stops(runtime: Runtime) -> None:
    runtime.metrics.observe_render({"speech": 0.2, "encode": 1.5}, render_seconds=2.0, video_seconds=8.0)
    liveness.beat(runtime, "host:1:a")
    liveness.beat(runtime, "host:2:b")
    text = scrape(runtime)
    assert "avatarstudio_workers_live 2" in text
    # Both heartbeats carry this process's one render: the sum counts it once per worker.
    assert 'avatarstudio_render_stage_seconds_count{stage="encode"} 2' in text
    assert 'avatarstudio_render_stage_seconds_bucket{stage="encode",le="1"} 0' in text
    assert 'avatarstudio_render_stage_seconds_bucket{stage="encode",le="2.5"} 2' in text
    assert 'avatarstudio_render_time_ratio_bucket{le="0.25"} 2' in text and "avatarstudio_render_time_ratio_sum 0.5" in text
    liveness.beat(runtime, "host:2:b", stopping=True)
    text = scrape(runtime)
    assert "avatarstudio_workers_live 1" in text
    assert 'avatarstudio_render_stage_seconds_count{stage="encode"} 2' in text


def test_each_family_is_declared_once_with_its_type(runtime: Runtime) -> None:
    runtime.metrics.observe_request("GET", "/v2/videos/{video_id}", 404, 0.003)
    lines = scrape(runtime).splitlines()
    types = [line.split()[2] for line in lines if line.startswith("# TYPE")]
    assert len(types) == len(set(types)) and all(name.startswith("avatarstudio_") for name in types)
    assert 'avatarstudio_api_requests_total{method="GET",route="/v2/videos/{video_id}",status="404"} 1' in lines
    assert 'avatarstudio_videos{status="waiting"} 0' in lines and 'avatarstudio_queue_depth{queue="quick"} 0' in lines


def test_api_processes_sharing_a_port_report_their_requests_together(runtime: Runtime, tmp_path: Path) -> None:
    sibling = ProcessMetrics()
    sibling.observe_request("GET", "/v1/video_status.get", 200, 0.002)
    sibling.observe_request("GET", "/v1/video_status.get", 200, 0.2)
    sibling_peers = RequestPeers(tmp_path)
    sibling_peers.own = tmp_path / "1.json"  # another process's file
    sibling_peers.publish(sibling)
    runtime.metrics.observe_request("GET", "/v1/video_status.get", 200, 0.004)
    runtime.request_peers = RequestPeers(tmp_path)
    lines = scrape(runtime).splitlines()
    assert 'avatarstudio_api_requests_total{method="GET",route="/v1/video_status.get",status="200"} 3' in lines
    assert 'avatarstudio_api_request_seconds_bucket{method="GET",route="/v1/video_status.get",le="0.005"} 2' in lines
    assert 'avatarstudio_api_request_seconds_count{method="GET",route="/v1/video_status.get"} 3' in lines
    runtime.request_peers.publish(runtime.metrics)  # its own file is not counted twice
    assert 'avatarstudio_api_requests_total{method="GET",route="/v1/video_status.get",status="200"} 3' in \
        scrape(runtime).splitlines()
