"""avatarstudio: a self-hosted, HeyGen-compatible avatar video service."""
import os

# The photo warp solves a small linear system every frame. OpenBLAS's thread pool makes each solve ~30x slower
# here (its idle threads spin against ffmpeg for the two cores), so a render process uses one BLAS thread.
# Set before numpy loads; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
