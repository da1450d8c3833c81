"""Digital twins: a person's own footage re-used for every new video, only the mouth re-synced to the new speech.

`prepare` turns footage into a directory of derived files once (layout.py); rendering reads that directory
(engine.py). The route is the classical one that needs no neural weights (Video Rewrite 1997, trajectory-guided
sample selection 2010): real mouths from the footage, chosen per frame by a search over time, aligned, warped and
blended onto a background that plays the footage back and forth.
"""
from avatarstudio.render.twin.engine import TwinEngine, filling, placed
from avatarstudio.render.twin.errors import TwinError
from avatarstudio.render.twin.prepare import Prepared, prepare
from avatarstudio.render.twin.twin import Twin, load

__all__ = ["Prepared", "Twin", "TwinEngine", "TwinError", "filling", "load", "placed", "prepare"]
