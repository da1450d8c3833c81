"""The state machine every job table shares (store/jobs.py): a run names its attempt for digital twins and lipsyncs
as for videos, so a training or lipsync the reaper took back from a slow worker cannot be finished under its retry."""
from __future__ import annotations

import pytest

from avatarstudio.runtime import Runtime
from avatarstudio.store.jobs import Jobs
from avatarstudio.store.lipsyncs import Lipsyncs
from avatarstudio.store.models import Lipsync, Twin, new_id
from avatarstudio.store.twins import Twins

MEDIA = {"kind": "url", "value": "http://127.0.0.1:9/clip.mp4"}


def new_twin(records: Twins) -> str:
    return records.add(Twin(id=new_id(), group_id=new_id(), key_id="k", api="v3", name="Jon", footage=MEDIA,
                            status="waiting", notes=[], files={})).id


def new_lipsync(records: Lipsyncs) -> str:
    return records.add(Lipsync(id=new_id(), key_id="k", video=MEDIA, audio=MEDIA, notes=[], files={})).id


@pytest.mark.parametrize(("repository", "add"), [(Twins, new_twin), (Lipsyncs, new_lipsync)])
def test_a_taken_back_attempt_cannot_touch_the_retry(runtime: Runtime, repository: type[Jobs], add) -> None:
    records = repository(runtime.db)
    job_id = add(records)
    assert records.start(job_id) and records.requeue(job_id) and records.start(job_id)
    retry = records.require(job_id)
    assert retry.attempts == 2
    records.beat(job_id, 70, attempt=1)
    assert records.require(job_id).progress == 0
    assert not records.complete(job_id, 1.0, {"video": "old.mp4"}, [], attempt=1)
    assert not records.fail(job_id, "render_failed", "the old attempt's", attempt=1)
    assert records.require(job_id).status == "processing"
    assert records.complete(job_id, 1.0, {"video": "new.mp4"}, [], attempt=2)
    assert (records.require(job_id).status, records.require(job_id).files) == ("completed", {"video": "new.mp4"})
