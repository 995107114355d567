"""Article → Script: the spoken intro, the body as sentences and headings, the outro."""

from audiocast.script.build import PAUSES, build_script
from audiocast.script.templates import SpokenTemplates

__all__ = ["PAUSES", "SpokenTemplates", "build_script"]
