"""Choosing a real mouth from the footage for every output frame.

Each output frame has a target lip shape; every usable footage frame is a candidate whose cost is how far its
lips are from the target, plus how differently its head is turned from the frame it will be pasted onto. A Viterbi
search over time then prefers runs of consecutive source frames (a real mouth moving as it really moved) over the
nearest shape per frame, which switched source on almost every frame and flickered (DESIGN.md). The background
frame itself is always a candidate, and one that costs nothing to show: in a pause whose background mouth is at
rest, nothing is pasted at all.
"""
from __future__ import annotations

import numpy as np

CANDIDATES = 24
"""Nearest source frames kept per output frame (beyond the background frame itself)."""
SWITCH_COST = 3.0
"""Cost of jumping to a source frame that does not follow the previous one, in squared standard deviations..."""
SHAPE_WEIGHT = 1.0
"""...plus this much per squared standard deviation between the two mouths' shapes: a cut between like mouths
hardly shows, one between unlike mouths flickers."""
STEP_COSTS = {1: 0.0, 0: 0.1, -1: 0.2}
"""Cost of a step of +1 (the footage as it was), 0 (holding a frame) and -1 (playing it backwards). Holding is
nearly free: a mouth held over a plateau of the target looks still, as a real one does, while a run played back
and forth to stay near it reads as flicker (measured on jwpIntro: 1.1x the footage's lower-face change against
1.3x)."""
POSE_WEIGHT = 40.0
"""Cost per squared eye-distance of head turn between the mouth's frame and the background frame."""
KEEP_BONUS = 0.3
"""How much cheaper the background's own mouth is than an equally good pasted one (pasting is never perfect)."""


def unary_costs(target: np.ndarray, features: np.ndarray, scale: np.ndarray, pose: np.ndarray,
                background_pose: np.ndarray) -> np.ndarray:
    """(T, N) cost of each of N source frames for each of T output frames.

    target (T, d) and features (N, d) are lip-shape vectors, divided by `scale` (d); pose (N, 2) and
    background_pose (T, 2) are yaw and pitch."""
    shape = (((target[:, None, :] - features[None, :, :]) / scale) ** 2).sum(axis=2)
    turn = ((background_pose[:, None, :] - pose[None, :, :]) ** 2).sum(axis=2)
    return shape + POSE_WEIGHT * turn


def nearest(costs: np.ndarray, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(options, their costs), each (T, CANDIDATES): the cheapest sources of each output frame, so the search
    never holds a cost for every pair of output and footage frame (ten minutes of each would be 2 GB)."""
    keep = min(CANDIDATES, costs.shape[1])
    cheapest = np.argpartition(costs, keep - 1, axis=1)[:, :keep]
    return sources[cheapest], np.take_along_axis(costs, cheapest, 1)


def viterbi(options: np.ndarray, option_costs: np.ndarray, background: np.ndarray,
            background_costs: np.ndarray | None, shapes: np.ndarray) -> np.ndarray:
    """The source frame per output frame minimising the summed unary costs plus transitions.

    options (T, K): footage frames that may lend their mouth to each output frame, option_costs (T, K) their
    unary costs; background (T) the footage frame behind each output frame and background_costs (T) its own
    mouth's cost (None: the background's own mouth is not an option); shapes (n, d): every footage frame's mouth
    shape, divided by its spread. Returns (T) footage indices.
    """
    count = options.shape[0]
    own = background_costs is not None
    if own:
        options = np.concatenate([options, background[:, None]], axis=1)
        option_costs = np.concatenate([option_costs, (background_costs - KEEP_BONUS)[:, None]], axis=1)
    total = option_costs[0].copy()
    back = np.zeros(options.shape, np.int64)
    for t in range(1, count):
        step = options[t][None, :] - options[t - 1][:, None]
        unlike = ((shapes[options[t]][None, :, :] - shapes[options[t - 1]][:, None, :]) ** 2).sum(axis=2)
        move = SWITCH_COST + SHAPE_WEIGHT * unlike
        for delta, cost in STEP_COSTS.items():
            move[step == delta] = cost
        if own:  # the background's own mouth after the previous background's: the footage playing on
            move[-1, -1] = 0.0
        candidates = total[:, None] + move
        back[t] = np.argmin(candidates, axis=0)
        total = candidates[back[t], np.arange(options.shape[1])] + option_costs[t]
    chosen = np.zeros(count, np.int64)
    pick = int(np.argmin(total))
    for t in range(count - 1, -1, -1):
        chosen[t] = options[t, pick]
        pick = back[t, pick]
    return chosen
