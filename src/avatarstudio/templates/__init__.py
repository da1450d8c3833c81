"""Templates: saved Studio bodies (/v2/video/generate) with named `{{variables}}`, and their substitution.

No HTTP and no rendering here: a template is plain JSON in, plain JSON out. The API stores templates through
store/templates.py and hands a filled body to the ordinary Studio translation, so a video made from a template
is an ordinary video that keeps its own spec (deleting the template later does not touch it).
"""
from avatarstudio.templates.fields import KINDS, Variable, find_variables
from avatarstudio.templates.fill import Given, fill, given, stand_ins

__all__ = ["KINDS", "Given", "Variable", "fill", "find_variables", "given", "stand_ins"]
