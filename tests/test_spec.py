"""The stored form of a spec: every kind of scene survives the trip through JSON unchanged."""
from __future__ import annotations

import json

import pytest

from avatarstudio import spec

ASSET = spec.MediaRef("asset", "a" * 32)
URL = spec.MediaRef("url", "https://example.com/x.png")

FULL = spec.VideoSpec(
    scenes=(
        spec.Scene(spec.Character(spec.BuiltinLook("Ava_drawn_front"), scale=0.7, offset_x=0.1, offset_y=-0.2,
                                  style="circle", circle_background="#00FF00", matting=True, expressiveness="high",
                                  talking_style="expressive", expression="happy", motion_prompt="nods",
                                  super_resolution=True),
                   spec.TextSpeech("Hi", "v" * 32, speed=1.2, pitch=3, locale="en-US", emotion="Excited",
                                   stability=0.4, style=0.6, volume=0.8),
                   spec.Background("video", media=URL, play_style="fit_to_scene", fit="contain"),
                   spec.TextOverlay("Title", "Roboto", 30, True, "#112233", 0.2, 0.3, "left", 1.5, 0.5)),
        spec.Scene(spec.Character(spec.PhotoLook(ASSET)), spec.AudioSpeech(URL, volume=0.5, language="de-DE"),
                   spec.Background("image", media=ASSET, fit="crop")),
        spec.Scene(None, spec.Silence(2.0), spec.Background("transparent")),
    ),
    output=spec.Output(640, 360, container="webm", fps=30, captions=True),
    title="everything",
    watermark=spec.Watermark(ASSET, 0.5, "top_left", 0.1, -0.1, 2.0),
)


def test_every_kind_of_scene_round_trips_through_json() -> None:
    stored = json.loads(json.dumps(spec.to_dict(FULL)))
    assert spec.from_dict(stored) == FULL


def test_a_minimal_spec_round_trips() -> None:
    minimal = spec.VideoSpec((spec.Scene(None, spec.Silence(1.0)),), spec.Output(320, 240))
    assert spec.from_dict(json.loads(json.dumps(spec.to_dict(minimal)))) == minimal


def test_the_stored_form_carries_its_version_and_a_newer_one_is_refused() -> None:
    stored = spec.to_dict(FULL)
    assert stored["version"] == spec.SPEC_VERSION
    unversioned = {key: value for key, value in stored.items() if key != "version"}
    assert spec.from_dict(unversioned) == FULL, "records from before versions existed read as version 1"
    with pytest.raises(ValueError, match="stored by a newer avatarstudio"):
        spec.from_dict({**stored, "version": spec.SPEC_VERSION + 1})
