"""The encoder's level probe: measured once per machine (ffmpeg build and bit rate), not once
per site folder."""

from __future__ import annotations

import json

import pytest

from audiocast.episode import encode


def test_the_probe_is_measured_once_and_kept_for_every_site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    first = encode.codec_gain_db(64, tmp_path / "site-one" / "cache")
    assert -1.5 < first < 0.5  # LAME is about 0.4 dB quieter: a real measurement

    def no_second_probe(bitrate_kbps):
        raise AssertionError("measured again")

    monkeypatch.setattr(encode, "_measure_codec_gain", no_second_probe)
    assert encode.codec_gain_db(64, tmp_path / "site-two" / "cache") == first
    site_two = json.loads((tmp_path / "site-two" / "cache" / "codec-gain.json").read_text())
    assert list(site_two.values()) == [first]
    with pytest.raises(AssertionError, match="measured again"):
        encode.codec_gain_db(128, tmp_path / "site-two" / "cache")  # another bit rate


def test_an_unwritable_user_cache_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert -1.5 < encode.codec_gain_db(64, tmp_path / "site" / "cache") < 0.5
