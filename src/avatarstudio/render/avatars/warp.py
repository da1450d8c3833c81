"""A thin-plate-spline backward warp of one image region, cheap enough to solve every frame.

Given control points where they are in the source (`src`) and where they should appear (`dest`), the spline
maps each output pixel to the source pixel it shows: it passes exactly through the control points and bends as
little as possible in between. The spline is solved in the output's coordinates, so the warp is exact at the
control points, and a mouth that opens (upper and lower lip points leaving one line) needs no inversion.

Evaluating the spline at every pixel would cost (pixels x points); it is evaluated on a grid of `step` pixels
and the grid is resized (bilinearly) to the region, which is accurate because the spline is smooth between
control points. Points on the region's border that stay put keep the edge of the region unchanged, so the warp
feathers into the untouched rest of the image with no seam.
"""
from __future__ import annotations

import cv2
import numpy as np

REGULARISATION = 1e-6


def _kernel(squared: np.ndarray) -> np.ndarray:
    """The thin-plate radial basis r^2 log r^2 (0 at r = 0)."""
    return squared * np.log(np.maximum(squared, 1e-12))


class ThinPlate:
    """The spline through one set of control points (n, 2 pixels): where in the source each output point shows.
    Coordinates are divided by `unit` (the region's larger side) inside, which keeps the system well conditioned."""

    def __init__(self, src: np.ndarray, dest: np.ndarray, unit: float):
        self._unit = unit
        q = dest.astype(np.float64) / unit
        n = len(q)
        diff = q[:, None, :] - q[None, :, :]
        system = np.zeros((n + 3, n + 3))
        system[:n, :n] = _kernel((diff ** 2).sum(axis=2)) + REGULARISATION * np.eye(n)
        system[:n, n] = 1.0
        system[:n, n + 1:] = q
        system[n, :n] = 1.0
        system[n + 1:, :n] = q.T
        rhs = np.zeros((n + 3, 2))
        rhs[:n] = (src - dest).astype(np.float64)
        # OpenCV's own LU: numpy's goes through OpenBLAS, whose threads cost more than this small system when the
        # machine is busy (measured: 5.6 ms a solve against 0.3 ms, rendering a twin beside other work).
        _, coefficients = cv2.solve(system, rhs, flags=cv2.DECOMP_LU)
        self._coefficients = coefficients.astype(np.float32)
        self._q = q.astype(np.float32)

    def shift(self, scaled: np.ndarray) -> np.ndarray:
        """(m, 2) float32: source minus output position, in pixels, at output points given divided by the unit."""
        n, coefficients = len(self._q), self._coefficients
        dx = scaled[:, 0:1] - self._q[:, 0]
        dy = scaled[:, 1:2] - self._q[:, 1]
        return _kernel(dx * dx + dy * dy) @ coefficients[:n] + coefficients[n] + scaled @ coefficients[n + 1:]

    def source(self, points: np.ndarray) -> np.ndarray:
        """(m, 2) float32: the source position, in pixels, each output point (pixels) shows."""
        points = points.astype(np.float32)
        return points + self.shift(points / np.float32(self._unit))


class ThinPlateWarp:
    """Warps of a region (width, height) of pixels at `origin` in its image, solved on a grid about `step` pixels
    apart. Points are given in the region's pixels; maps address the whole image."""

    def __init__(self, size: tuple[int, int], step: float, origin: tuple[int, int] = (0, 0)):
        self.size = size
        width, height = size
        self._grid_size = (max(2, round(width / step)), max(2, round(height / step)))
        self._unit = float(max(width, height))
        self._grid = cell_centres(size, self._grid_size) / np.float32(self._unit)
        # Maps address the whole image the region sits in, at `origin`.
        self._pixels_x, self._pixels_y = np.meshgrid(np.arange(width, dtype=np.float32) + origin[0],
                                                     np.arange(height, dtype=np.float32) + origin[1])

    def maps(self, src: np.ndarray, dest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(map_x, map_y) for cv2.remap: the source pixel each output pixel shows. Points are (n, 2) pixels."""
        moved = ThinPlate(src, dest, self._unit).shift(self._grid)
        gx, gy = self._grid_size
        field = cv2.resize(moved.reshape(gy, gx, 2), self.size, interpolation=cv2.INTER_LINEAR)
        return self._pixels_x + field[..., 0], self._pixels_y + field[..., 1]


def cell_centres(size: tuple[int, int], cells: tuple[int, int]) -> np.ndarray:
    """(cells_x * cells_y, 2) float32 pixel positions, row by row, of the centres of `cells` equal cells over a
    region of `size` (width, height): where cv2.resize takes its samples when it scales that grid to the region, so
    a spline evaluated there and resized is right at every pixel, not shifted by half a cell."""
    (width, height), (gx, gy) = size, cells
    grid_x, grid_y = np.meshgrid((np.arange(gx) + 0.5) * width / gx - 0.5, (np.arange(gy) + 0.5) * height / gy - 0.5)
    return np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)
