"""The desk's pages from jinja2 templates (templates/desk/*.html.j2; a site's own
templates_dir/desk/ is looked at first, as for the site's pages), in Russian, with the site's
look: its style sheet and the same global player as the published pages.

Autoescaping is on for every template: a title, a script or an error shows as text whatever it
holds. Every page is sent with Cache-Control: no-store (what a signed-in editor saw stays out
of shared caches and the browser's history cache).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse

from audiocast.publish.pages import PLAYER_ENTRY, clock, iso_duration, ru_date
from audiocast.resources import bundled_dir

TEMPLATE_FOLDER = "desk"
STATIC_PREFIX = "/static/"
NO_STORE = {"Cache-Control": "no-store"}


class DeskPages:
    def __init__(
        self, site_templates: Path | None, site_title: str, zone: ZoneInfo, player_modules: list
    ):
        folders = [p for p in (site_templates, bundled_dir("templates")) if p and p.is_dir()]
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters.update(
            clock=clock, iso_duration=iso_duration, ru_date=ru_date,
            local=lambda moment: _local(moment, zone),
        )  # fmt: skip
        self.site_title = site_title
        self.player_modules = player_modules

    def page(
        self, connection: HTTPConnection, template: str, status: int = 200, **values
    ) -> HTMLResponse:
        """TEMPLATE (a file name in desk/) for the request CONNECTION (its user, its CSRF
        token)."""
        user = getattr(connection.state, "user", None)
        values |= {
            "site_title": self.site_title,
            "user": user,
            "csrf_token": user.csrf_token if user else values.get("csrf_token", ""),
            "static": STATIC_PREFIX,
            "player_entry": PLAYER_ENTRY,
            "player_modules": self.player_modules,
            "section": values.get("section", ""),
        }
        page = self.environment.get_template(f"{TEMPLATE_FOLDER}/{template}")
        return HTMLResponse(page.render(**values), status, headers=NO_STORE)

    def error(
        self, connection: HTTPConnection, status: int, title: str, message: str
    ) -> HTMLResponse:
        """A page that says what went wrong in words, never with a traceback."""
        return self.page(connection, "error.html.j2", status, title=title, message=message)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """MOMENT in the site's time zone (sync's times are UTC)."""
    return moment.astimezone(zone)
