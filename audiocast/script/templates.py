"""Spoken intro and outro wording from jinja2 templates that editors can change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from audiocast.errors import ConfigError
from audiocast.resources import bundled_dir


@dataclass(frozen=True)
class SpokenTemplates:
    """Loads templates/spoken/{intro,outro}.{language}.txt.j2, site folder first."""

    environment: jinja2.Environment

    @classmethod
    def from_dirs(cls, site_dir: Path | None) -> SpokenTemplates:
        search = [str(p) for p in (site_dir, bundled_dir("templates")) if p and p.is_dir()]
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search),
            autoescape=False,  # plain spoken text, never HTML
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        return cls(environment)

    def render_lines(self, part: str, language: str, values: dict) -> list[str]:
        """Each non-empty line of the rendered template is one spoken sentence."""
        name = f"spoken/{part}.{language}.txt.j2"
        try:
            template = self.environment.get_template(name)
        except jinja2.TemplateNotFound:
            template = self.environment.get_template(f"spoken/{part}.ru.txt.j2")
        try:
            text = template.render(**values)
        except jinja2.TemplateError as exc:
            raise ConfigError(f"template {name}: {exc}") from exc
        return [line.strip() for line in text.splitlines() if line.strip()]
