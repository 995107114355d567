"""Project errors. Each carries the thing it is about so the CLI can print one line."""


class AudiocastError(Exception):
    """Base class: anything the CLI reports on one line and carries on from."""


class _AboutSomething(AudiocastError):
    """An error about one named thing (an article, a source): 'name: reason'."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):  # picklable across processes despite the two arguments
        return type(self), (self.source, self.reason)


class ArticleError(_AboutSomething):
    """An article that cannot be read or made into an episode."""


class ConfigError(AudiocastError):
    """A configuration file or voice profile with a wrong or missing value."""


class EngineError(AudiocastError):
    """A speech engine that is unavailable or failed."""


class SourceError(_AboutSomething):
    """A site source that cannot be read now: down, refusing, too slow, or answering something
    that is not its listing. The run reports it on one line and goes on with the other sources."""
