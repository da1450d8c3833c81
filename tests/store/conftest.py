"""A real S3 API on loopback (moto's server), shared by the storage tests; each test takes its own bucket."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
# Settings a developer's shell may hold that would send boto3 elsewhere than the server below.
STRAY = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE",
         "AWS_SHARED_CREDENTIALS_FILE")


@dataclass
class S3Server:
    endpoint_url: str

    @property
    def env(self) -> dict[str, str]:
        """What a service process needs to reach this server."""
        return {**CREDENTIALS, "AVATARSTUDIO_S3_ENDPOINT_URL": self.endpoint_url}

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint_url)

    def new_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with pytest.MonkeyPatch.context() as patch:
        for name in STRAY:
            patch.delenv(name, raising=False)
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield S3Server(f"http://{host}:{port}")
        server.stop()
