"""avatarstudio: a self-hosted, HeyGen-compatible avatar video service."""
import os

# The photo warp solves a small linear system every frame. OpenBLAS's thread pool makes each solve ~30x slower
# here (its idle threads spin against ffmpeg for the two cores), so a render process uses one BLAS thread.
# Set before numpy loads; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place the version is written is pyproject.toml; the CLI, the OpenAPI document and /healthz read it here.
    __version__ = version("avatarstudio")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
