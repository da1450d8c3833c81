"""A template through to the video spec, in-process on a temporary runtime: the Studio rules apply to the filled
body, and the variable's text is what the scene will say."""
from __future__ import annotations

import pytest

from avatarstudio import spec
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.uploads import DbLookup
from avatarstudio.templates import given
from avatarstudio.templates.studio import job, patched, read_document

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
DOCUMENT = {"name": "Hi", "dimension": {"width": 320, "height": 240}, "video_inputs": [
    {"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
     "voice": {"type": "text", "voice_id": "{{voice}}", "input_text": "Hi {{who}}."}},
    {"voice": {"type": "text", "voice_id": VOICE, "input_text": "Bye {{who}}."}}],
    "variables": {"voice": {"type": "voice", "properties": {"voice_id": VOICE}}}}


def test_values_reach_the_spec_and_scenes_can_be_picked(runtime: Runtime) -> None:
    lookup = DbLookup(runtime, "env")
    draft = read_document(DOCUMENT, lookup)
    made = job(draft, {"who": given("text", {"content": "Ada"})}, lookup, {"title": "For Ada", "caption": True})
    assert [scene.speech.text for scene in made.spec.scenes] == ["Hi Ada.", "Bye Ada."]
    assert made.title == "For Ada" and made.spec.output.captions
    second = job(draft, {"who": given("text", {"content": "Bo"})}, lookup, scenes=[1])
    assert [scene.speech.text for scene in second.spec.scenes] == ["Bye Bo."]
    assert isinstance(second.spec.scenes[0].speech, spec.TextSpeech)


def test_studio_rules_apply_and_blame_the_variable(runtime: Runtime) -> None:
    lookup = DbLookup(runtime, "env")
    draft = read_document(DOCUMENT, lookup)
    with pytest.raises(ServiceError) as raised:
        job(draft, {"who": given("text", {"content": "x" * 5000})}, lookup)
    assert raised.value.param == "variables.who.properties.content"
    renamed = patched(draft, {"name": "Renamed", "video_inputs": DOCUMENT["video_inputs"][1:]}, lookup)
    assert renamed.name == "Renamed" and renamed.defaults == {} and set(renamed.variables) == {"who"}
