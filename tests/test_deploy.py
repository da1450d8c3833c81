"""The deploy kit, checked as far as a machine without a Docker engine can: compose.yaml parses, wires the
avatarstudio services with documented settings only (values the service accepts), and the Dockerfile installs the
Makefile's runtime Debian packages, no more and no fewer."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from avatarstudio.config import SECRET_VARIABLES, load_settings

ROOT = Path(__file__).resolve().parent.parent
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


def documented_settings() -> set[str]:
    """Every variable named in the first column of the README's Configuration table."""
    section = ROOT.joinpath("README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0]))
    return names


def makefile_list(name: str) -> list[str]:
    text = ROOT.joinpath("Makefile").read_text().replace("\\\n", " ")
    return re.search(rf"^{name} := (.*)$", text, re.MULTILINE).group(1).split()


def avatarstudio_services(compose: dict) -> dict[str, dict]:
    return {name: service for name, service in compose["services"].items() if "build" in service}


def test_compose_runs_the_api_workers_and_their_backends_with_documented_settings(tmp_path: Path) -> None:
    compose = yaml.safe_load(ROOT.joinpath("compose.yaml").read_text())
    assert {"api", "worker", "redis", "postgres", "minio", "minio-bucket"} <= set(compose["services"])
    ours = avatarstudio_services(compose)
    assert set(ours) == {"api", "worker"}
    assert ours["api"]["command"][0] == "serve" and ours["worker"]["command"] == ["worker"]
    assert "mc mb" in " ".join(compose["services"]["minio-bucket"]["entrypoint"])
    documented = documented_settings()
    assert {"DATABASE_URL", "AVATARSTUDIO_SIGNING_SECRET", "AVATARSTUDIO_HEARTBEAT_SECONDS"} <= documented
    for name, service in ours.items():
        environment = service["environment"]
        undocumented = {key for key in environment
                        if key not in documented and key.removesuffix("_FILE") not in SECRET_VARIABLES}
        assert not undocumented, f"{name} sets undocumented {undocumented}"
        # The values compose would pass (defaults filled in, a required one given) must start the service.
        values = {key: INTERPOLATION.sub(lambda found: found.group(2) or "", str(value))
                  for key, value in environment.items()}
        values["AVATARSTUDIO_SIGNING_SECRET"] = "a-secret"
        settings = load_settings(tmp_path, environ=values)
        assert settings.queue_url.startswith("redis://") and settings.storage_url == "s3://avatarstudio/files"


def test_the_dockerfile_installs_the_runtime_debian_packages_and_runs_unprivileged() -> None:
    dockerfile = ROOT.joinpath("Dockerfile").read_text()
    install = re.search(r"apt-get install -y --no-install-recommends ((?:\\\n|[^\n&])*)", dockerfile).group(1)
    assert sorted(install.replace("\\", " ").split()) == sorted(makefile_list("DEBIAN_RUNTIME_PACKAGES"))
    assert not set(install.split()) & set(makefile_list("DEBIAN_TEST_PACKAGES"))
    assert re.search(r"^FROM \S+-slim-bookworm$", dockerfile, re.MULTILINE)
    assert f"ARG MEDIAPIPE={makefile_list('MEDIAPIPE')[0]}" in dockerfile
    assert re.search(r"^USER avatarstudio$", dockerfile, re.MULTILINE)
    assert "VOLUME /data" in dockerfile and "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
