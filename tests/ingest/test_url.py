"""Articles fetched over HTTP from a local server serving the site's page."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audiocast.errors import ArticleError
from audiocast.ingest import read_article
from tests.conftest import ARTICLES


@pytest.fixture
def site():
    handler = partial(_QuietHandler, directory=str(ARTICLES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_article_page_from_a_url(settings, site):
    article = read_article(f"{site}/minval-baku-kiev.html", settings)
    assert article.title == "Баку и Киев переходят к делу"
    assert article.url == "https://minval.az/news/124123"  # the canonical one, not ours
    assert len(article.body) == 10


def test_http_errors_name_the_url(settings, site):
    with pytest.raises(ArticleError, match=r"/missing\.html: HTTP 404"):
        read_article(f"{site}/missing.html", settings)
    with pytest.raises(ArticleError, match="cannot fetch"):
        read_article("http://127.0.0.1:9/none", settings)
