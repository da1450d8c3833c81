# One image for every role: `serve` (the API, the default) or `worker` (compose.yaml runs both).
# Not built where this repository is developed (no Docker engine there); tests/test_deploy.py checks what can be
# checked without one: the Debian packages equal the Makefile's runtime list, and the mediapipe pin matches.
FROM python:3.11-slim-bookworm

# The runtime Debian packages, exactly the Makefile's DEBIAN_RUNTIME_PACKAGES (the test-only ones stay out).
RUN apt-get update \
 && apt-get install -y --no-install-recommends festival festvox-us-slt-hts fonts-wqy-microhei fonts-dejavu-core \
      libfribidi0 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/avatarstudio
COPY pyproject.toml README.md LICENSE THIRD_PARTY_NOTICES.md CHANGELOG.md ./
COPY src ./src
# mediapipe without its dependencies, as `make install` does (its metadata pulls jax and a second OpenCV).
ARG MEDIAPIPE=0.10.21
RUN pip install . && pip install --no-deps "mediapipe==${MEDIAPIPE}"

RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin avatarstudio \
 && mkdir -p /data && chown avatarstudio:avatarstudio /data
USER avatarstudio
ENV AVATARSTUDIO_DATA_DIR=/data
VOLUME /data
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["avatarstudio"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "1"]
