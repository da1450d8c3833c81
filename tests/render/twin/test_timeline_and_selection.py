"""The two pure passes of the twin renderer: the background timeline and the Viterbi choice of mouths."""
from __future__ import annotations

import numpy as np

from avatarstudio import spec
from avatarstudio.render.twin import select
from avatarstudio.render.twin.timeline import background_frames


def test_the_footage_plays_back_and_forth_between_its_turn_points_and_scenes_continue():
    whole = background_frames((2, 6), 25.0, 25, 0, 20)
    assert whole.tolist() == [2, 3, 4, 5, 6, 5, 4, 3, 2, 3, 4, 5, 6, 5, 4, 3, 2, 3, 4, 5]
    later = background_frames((2, 6), 25.0, 25, 7, 13)                       # a second scene from frame 7
    assert later.tolist() == whole[7:].tolist()
    assert np.abs(np.diff(background_frames((10, 300), 29.97, 25, 0, 2000))).max() <= 2


def test_viterbi_prefers_a_run_of_consecutive_frames_over_the_nearest_shape_per_frame():
    features = np.array([0.0, 0.5, 1.0, 0.1, 0.55, 0.95, 0.48])[:, None]     # frames 0-2 and 3-5: two runs
    sources = np.arange(len(features))
    target = np.array([0.05, 0.52, 0.97])[:, None]
    costs = select.unary_costs(target, features[sources], np.array([0.3]), np.zeros((len(sources), 2)),
                               np.zeros((3, 2)))
    chosen = select.viterbi(*select.nearest(costs, sources), np.array([6, 6, 6]), None, features / 0.3)
    nearest = sources[costs.argmin(axis=1)]
    assert nearest.tolist() != chosen.tolist()                                # per frame: 0, 1 or 4, 2 or 5 mixed
    assert np.diff(chosen).tolist() == [1, 1]                                 # one real run instead


def test_a_pause_keeps_the_background_mouth_when_it_is_at_rest():
    features = np.array([0.0, 0.8, 0.9, 0.05])[:, None]
    behind = np.array([0, 0, 0])
    costs = select.unary_costs(np.zeros((3, 1)), features, np.array([0.3]), np.zeros((4, 2)), np.zeros((3, 2)))
    own = ((features[behind, 0] - 0.0) / 0.3) ** 2
    assert select.viterbi(*select.nearest(costs, np.arange(4)), behind, own, features / 0.3).tolist() == [0, 0, 0]


def test_a_twin_look_survives_the_job_record():
    video = spec.VideoSpec((spec.Scene(spec.Character(spec.TwinLook("twin_1")), spec.Silence(1.0)),
                            spec.Scene(spec.Character(spec.TwinLook("twin_1", precision=True)), spec.Silence(1.0))),
                           spec.Output(1280, 720))
    assert spec.from_dict(spec.to_dict(video)) == video
    stored = spec.to_dict(video)
    del stored["scenes"][0]["character"]["look"]["precision"]                 # a record from before the field
    assert spec.from_dict({**stored, "version": 2}).scenes[0].character.look.precision is False
