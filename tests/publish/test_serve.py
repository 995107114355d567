"""`audiocast serve`: a real server on a free port, asked over real HTTP connections."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from audiocast.errors import AudiocastError
from audiocast.publish.serve import UNSATISFIABLE, make_server, parse_range


@pytest.fixture
def site(tmp_path, serve_folder):
    audio = bytes(range(256)) * 40  # 10,240 bytes, every offset recognisable
    (tmp_path / "episodes" / "abc").mkdir(parents=True)
    (tmp_path / "episodes" / "abc" / "episode.mp3").write_bytes(audio)
    (tmp_path / "episodes" / "abc" / "index.html").write_text("<h1>Выпуск</h1>", "utf-8")
    (tmp_path / "episodes" / "abc" / "transcript.vtt").write_text("WEBVTT\n", "utf-8")
    (tmp_path / "feed.xml").write_text("<rss/>", "utf-8")
    (tmp_path / ".audiocast-build.json").write_text("{}", "utf-8")
    (tmp_path / "empty").mkdir()
    return serve_folder(tmp_path), audio


def request(base: str, path: str, method: str = "GET", **headers):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_whole_file_says_it_takes_ranges(site):
    base, audio = site
    response, body = request(base, "/episodes/abc/episode.mp3")
    assert response.status == 200 and body == audio
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert int(response.headers["Content-Length"]) == len(audio)


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-", 0, 10239), ("bytes=100-199", 100, 199), ("bytes=10000-", 10000, 10239),
     ("bytes=-240", 10000, 10239), ("bytes=10200-99999", 10200, 10239)],
)  # fmt: skip
def test_range_requests_get_206_with_content_range(site, header, first, last):
    base, audio = site
    response, body = request(base, "/episodes/abc/episode.mp3", Range=header)
    assert response.status == 206
    assert response.headers["Content-Range"] == f"bytes {first}-{last}/{len(audio)}"
    assert body == audio[first : last + 1]
    assert int(response.headers["Content-Length"]) == last - first + 1


def test_a_range_past_the_end_is_refused(site):
    base, audio = site
    response, body = request(base, "/episodes/abc/episode.mp3", Range="bytes=10240-")
    assert response.status == 416 and body == b""
    assert response.headers["Content-Range"] == f"bytes */{len(audio)}"


def test_head_sends_headers_only(site):
    base, audio = site
    response, body = request(base, "/episodes/abc/episode.mp3", "HEAD", Range="bytes=0-9")
    assert response.status == 206 and body == b""
    assert response.headers["Content-Range"] == f"bytes 0-9/{len(audio)}"


def test_folders_hidden_files_and_types(site):
    base, _ = site
    response, body = request(base, "/episodes/abc/")
    assert response.status == 200 and body.decode() == "<h1>Выпуск</h1>"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    response, _ = request(base, "/episodes/abc")
    assert response.status == 301 and response.headers["Location"] == "/episodes/abc/"
    assert (
        request(base, "/episodes/abc/transcript.vtt")[0]
        .headers["Content-Type"]
        .startswith("text/vtt")
    )
    assert request(base, "/feed.xml")[0].headers["Content-Type"].startswith("application/rss+xml")
    for path in ("/.audiocast-build.json", "/episodes/abc/../../.audiocast-build.json",
                 "/%2e%2e/etc/passwd", "/missing.mp3", "/empty/"):  # fmt: skip
        assert request(base, path)[0].status == 404, path


def test_another_sites_page_may_load_the_players_modules(tmp_path, serve_folder):
    """The classic static/player.js on the news site adds <script type="module"> for
    static/player/main.js, which imports the rest: browsers fetch module scripts from another
    origin with CORS, and run them only as JavaScript."""
    (tmp_path / "static" / "player").mkdir(parents=True)
    (tmp_path / "static" / "player.js").write_text("(function () {})();\n", "utf-8")
    (tmp_path / "static" / "player" / "main.js").write_text('import "./text.js";\n', "utf-8")
    base = serve_folder(tmp_path)
    for path in ("/static/player.js", "/static/player/main.js"):
        response, body = request(base, path, Origin="https://minval.az")
        assert response.status == 200 and body, path
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8", path
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
    response, _ = request(base, "/static/player/missing.js", Origin="https://minval.az")
    assert response.status == 404


def test_parse_range():
    assert parse_range("", 100) is None
    assert parse_range("bytes=0-9,20-29", 100) is None  # several ranges: the whole file
    assert parse_range("items=0-9", 100) is None
    assert parse_range("bytes=-", 100) is None
    assert parse_range("bytes=5-4", 100) is UNSATISFIABLE
    assert parse_range("bytes=-0", 100) is UNSATISFIABLE
    assert parse_range("bytes=-500", 100) == (0, 99)
    assert parse_range("bytes=0-0", 1) == (0, 0)


def test_one_connection_serves_several_requests(site):
    """Keep-alive, as a browser seeking in audio uses it: ranges, a miss, a page, in a row."""
    base, audio = site
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    for path, headers, status, body in [
        ("/episodes/abc/episode.mp3", {"Range": "bytes=0-99"}, 206, audio[:100]),
        ("/missing.mp3", {}, 404, None),
        ("/episodes/abc/episode.mp3", {"Range": "bytes=5000-"}, 206, audio[5000:]),
        ("/episodes/abc/", {}, 200, "<h1>Выпуск</h1>".encode()),
    ]:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        data = response.read()
        assert response.status == status, path
        assert response.version == 11
        if body is not None:
            assert data == body
    connection.close()


def test_ranges_with_absurdly_long_numbers_are_answered(site):
    """More digits than int() takes (4,300): a start that long is past the end of the file (416);
    an end or a suffix length that long covers the rest of it, as a short one past the end does;
    leading zeros are still just zeros. All on one connection, which stays up."""
    base, audio = site
    size = len(audio)
    huge = "9" * 5000
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    for header, status, wanted in [
        (f"bytes={huge}-", 416, None),
        (f"bytes={huge}-{huge}", 416, None),
        (f"bytes=0-{huge}", 206, (0, size - 1)),
        (f"bytes=-{huge}", 206, (0, size - 1)),
        (f"bytes={'0' * 5000}100-{'0' * 5000}199", 206, (100, 199)),
        ("bytes=10000-9223372036854775807", 206, (10000, size - 1)),
    ]:
        connection.request("GET", "/episodes/abc/episode.mp3", headers={"Range": header})
        response = connection.getresponse()
        body = response.read()
        assert response.status == status, header[:30]
        if wanted is None:
            assert response.headers["Content-Range"] == f"bytes */{size}"
            assert body == b""
        else:
            first, last = wanted
            assert response.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
            assert body == audio[first : last + 1]
    connection.close()


def test_a_name_too_long_for_the_system_is_not_found(site):
    base, _ = site
    too_long = [
        "/" + "a" * 300,
        "/episodes/" + "b" * 256 + "/episode.mp3",
        "/episodes/abc/" + "c" * 300 + ".mp3",
        "/episodes/abc/" + "d" * 300 + "/",
    ]
    for path in too_long:
        for method in ("GET", "HEAD"):
            assert request(base, path, method)[0].status == 404, (method, path[:20])


def test_a_busy_port_is_one_line_from_make_server_and_the_cli(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        expected = f"cannot serve on 127.0.0.1:{port}: [Errno 98] Address already in use"
        with pytest.raises(AudiocastError) as caught:
            make_server(tmp_path, "127.0.0.1", port)
        assert str(caught.value) == expected

        (tmp_path / "audiocast.toml").write_text('timezone = "Asia/Baku"\n')
        command = [sys.executable, "-m", "audiocast", "--site", str(tmp_path), "serve",
                   "--no-build", "--port", str(port)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, f"error: {expected}\n")


@pytest.mark.parametrize("port", [-1, 65536, 70000])
def test_a_port_out_of_range_is_refused_in_one_line(tmp_path, port):
    with pytest.raises(AudiocastError) as caught:
        make_server(tmp_path, "127.0.0.1", port)
    assert str(caught.value) == f"port {port} is not a port (0–65535)"


def test_a_host_that_does_not_resolve_is_refused_in_one_line(tmp_path):
    with pytest.raises(AudiocastError) as caught:
        make_server(tmp_path, "nonexistent.invalid", 0)
    message = str(caught.value)
    assert message.startswith("cannot serve on nonexistent.invalid:0: ")
    assert "\n" not in message and "Errno" not in message
    assert isinstance(caught.value.__cause__, socket.gaierror)
