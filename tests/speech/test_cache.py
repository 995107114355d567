"""The sentence cache, proven by counting the real engine's calls."""

from __future__ import annotations

import shutil

from tests.conftest import ARTICLES


def test_second_run_synthesizes_nothing(pipeline, counting_engine):
    source = str(ARTICLES / "short-news.json")
    first = pipeline.make_episode(source)
    spoken = len(pipeline.script(pipeline.read(source)).segments)
    # no sentence repeats within this article, so each is synthesized exactly once
    assert first.synthesized == len(counting_engine.calls) == spoken
    counting_engine.calls.clear()
    second = pipeline.make_episode(source)
    assert counting_engine.calls == []
    assert (second.synthesized, second.cached) == (0, spoken)
    assert second.info.guid == first.info.guid


def test_editing_one_paragraph_resynthesizes_only_its_sentences(
    pipeline, counting_engine, tmp_path
):
    source = tmp_path / "article.md"
    shutil.copy(ARTICLES / "minval-baku-kiev.md", source)
    pipeline.make_episode(str(source))
    counting_engine.calls.clear()

    text = source.read_text(encoding="utf-8")
    old = "Ключевой сферой взаимодействия становится энергетика."
    new = "Главной сферой взаимодействия сегодня становится энергетика."
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")
    result = pipeline.make_episode(str(source))
    assert counting_engine.calls == ["Главной сферой взаимодействия сегодня становится энергетика."]
    assert result.synthesized == 1


def test_damaged_cache_entry_is_synthesized_again(pipeline, counting_engine, settings):
    source = str(ARTICLES / "short-news.json")
    pipeline.make_episode(source)
    entry = next((settings.cache_dir / "speech").rglob("*.wav"))
    entry.write_bytes(b"not a wav")
    counting_engine.calls.clear()
    result = pipeline.make_episode(source)
    assert len(counting_engine.calls) == 1 and result.synthesized == 1
