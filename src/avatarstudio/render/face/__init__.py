"""Face analysis: where the face is in a photo (478 mediapipe landmarks) and which pixels are the person.

`analyse(image)` runs once per distinct image and is cached; engines read its `FaceAnalysis`. A photo without
exactly one face raises `FaceError`, whose message names the problem.
"""
from avatarstudio.render.face.analysis import FaceAnalysis, FaceError, analyse

__all__ = ["FaceAnalysis", "FaceError", "analyse"]
