"""Project errors. Each carries the thing it is about so the CLI can print one line."""


class AudiocastError(Exception):
    """Base class: anything the CLI reports on one line and carries on from."""


class ArticleError(AudiocastError):
    """An article that cannot be read or made into an episode."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(AudiocastError):
    """A configuration file or voice profile with a wrong or missing value."""


class EngineError(AudiocastError):
    """A speech engine that is unavailable or failed."""
