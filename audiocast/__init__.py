"""audiocast: podcast episodes and audio editions from a news site's articles."""

__version__ = "0.1.0"
