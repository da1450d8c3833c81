"""The encode stage: frames and audio into MP4 / WebM files, plus thumbnail, GIF preview and caption files."""
from avatarstudio.render.encode.cues import video_words
from avatarstudio.render.encode.ffmpeg import EncodeError
from avatarstudio.render.encode.gif import GifPreview
from avatarstudio.render.encode.subtitles import captions_ass, captions_srt, captions_vtt
from avatarstudio.render.encode.thumbnail import write_thumbnail
from avatarstudio.render.encode.video import BurnIn, EncodeTarget, VideoWriter

__all__ = [
    "BurnIn",
    "EncodeError",
    "EncodeTarget",
    "GifPreview",
    "VideoWriter",
    "captions_ass",
    "captions_srt",
    "captions_vtt",
    "video_words",
    "write_thumbnail",
]
