"""What a lipsync does to its media besides re-timing the lips (render/twin does that): the source's format kept
or not (format.py), and the soundtrack: the new audio cleaned and fitted, the source's background under it
(soundtrack.py)."""
