"""The desk's jobs (audiocast/desk/jobs.py) with real parts: a real site folder, real
episodes, huey's real consumer in a thread, the store's real lock, a process killed half-way
through a job, and a real WordPress (Debian's, tests/wordpress_site.py) for sync."""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from audiocast.config import Settings, SiteSource, load_settings
from audiocast.desk.jobs import (
    DONE,
    FAILED,
    QUEUED,
    RESTARTED_MESSAGE,
    RUNNING,
    WAITING,
    WAITING_MESSAGE,
    DeskJobs,
    Job,
    JobError,
    JobRunner,
    make_huey,
)
from audiocast.desk.journal import Journal
from audiocast.errors import ConfigError
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.registry import EngineSet
from audiocast.state import STATE_FILE, SyncState
from audiocast.sync import SyncLock, SyncLocked, sync_once
from tests.conftest import ARTICLES
from tests.fakes.site import make_post

ROOT = Path(__file__).resolve().parents[2]
NOTE_TITLE = "Кремль пригласил Зеленского в Москву"  # plain-note.txt
SITE_TOML = (
    'show = "Minval Politika"\nepisodes_dir = "episodes"\ncache_dir = "cache"\n'
    'timezone = "Asia/Baku"\n'
)
# a source nobody answers: enough for `audiocast sync` to start (it refuses a site without one)
NOBODY = '[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "http://127.0.0.1:9"\n'


def write_site(root: Path, extra: str = "") -> Settings:
    root.mkdir(parents=True, exist_ok=True)
    (root / "audiocast.toml").write_text(SITE_TOML + extra, encoding="utf-8")
    return load_settings(root)


@contextlib.contextmanager
def running(settings: Settings, **options) -> Iterator[JobRunner]:
    runner = JobRunner(settings, **options)
    runner.start()
    try:
        assert runner.consuming.wait(20), "the runner did not start consuming"
        yield runner
    finally:
        runner.stop(timeout=60)


def wait_for(jobs: DeskJobs, job_id: int, *states: str, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = jobs.job(job_id)
        if job is not None and job.state in states:
            return job
        assert time.monotonic() < deadline, f"job {job_id} never became {states}: {job}"
        time.sleep(0.05)


def voice(source: str | dict) -> dict:
    return {"article": source}


class GatedEspeak(EspeakEngine):
    """The real espeak-ng, holding every sentence until `go` is set: a job stopped half-way."""

    def __init__(self) -> None:
        super().__init__()
        self.speaking = threading.Event()
        self.go = threading.Event()

    def synthesize(self, text, voice):
        self.speaking.set()
        assert self.go.wait(60)
        return super().synthesize(text, voice)


def test_a_voice_job_makes_a_real_episode_with_progress_and_a_journal_entry(tmp_path):
    settings = write_site(tmp_path)
    with running(settings) as runner:
        jobs = runner.jobs
        job_id = jobs.enqueue("voice", voice(str(ARTICLES / "plain-note.txt")), "anna")
        job = wait_for(jobs, job_id, DONE, FAILED)
        assert job.state == DONE, job.message
        assert job.total > 0 and job.done == job.total
        assert job.message.startswith(NOTE_TITLE) and job.requested_by == "anna"
        assert "no publication date" in job.message  # the episode's warning, said
        assert job.created_at <= job.started_at <= job.finished_at
        assert (settings.episodes_dir / job.result / "episode.mp3").is_file()

        # re-voiced from the article kept beside the episode: the same episode, in place
        again_id = jobs.enqueue("voice", voice({"episode": job.result}), "vera")
        again = wait_for(jobs, again_id, DONE, FAILED)
        assert again.state == DONE and again.result == job.result, again.message

        # an edition of that stored article and a file, in that order
        articles = [{"episode": job.result}, str(ARTICLES / "short-news.json")]
        edition_id = jobs.enqueue("edition", {"articles": articles}, "anna")
        edition = wait_for(jobs, edition_id, DONE, FAILED)
        assert edition.state == DONE and edition.total > 0, edition.message
        assert edition.result not in (None, job.result)
        assert (settings.episodes_dir / edition.result / "episode.mp3").is_file()
    assert [j.id for j in jobs.recent_jobs(5)] == [edition_id, again_id, job_id]
    entries = Journal.of(settings).entries()
    assert [(e.user_name, e.action, e.subject) for e in entries] == [
        ("anna", "edition made", edition.result),
        ("vera", "voiced", job.result),
        ("anna", "voiced", job.result),
    ]
    assert entries[1].detail == NOTE_TITLE
    # the records live in the sync state's database, the queue in its own file beside it
    assert (settings.episodes_dir / STATE_FILE).is_file()
    assert (settings.episodes_dir / ".audiocast-desk-jobs.db").is_file()


def test_a_failing_article_fails_its_job_with_one_line_naming_it(tmp_path):
    settings = write_site(tmp_path)
    with running(settings) as runner:
        job_id = runner.jobs.enqueue("voice", voice(str(ARTICLES / "bad" / "empty.md")), "anna")
        job = wait_for(runner.jobs, job_id, DONE, FAILED)
        missing = runner.jobs.enqueue("voice", voice({"episode": "0123456789abcdef"}), "anna")
        gone = wait_for(runner.jobs, missing, DONE, FAILED)
    assert job.state == FAILED and job.result is None
    assert "empty.md" in job.message and "\n" not in job.message
    assert "Traceback" not in job.message and job.finished_at is not None
    assert gone.state == FAILED and gone.message.startswith("0123456789abcdef: ")
    assert Journal.of(settings).entries() == []  # nothing was done


def test_a_job_the_queue_cannot_run_is_refused_at_once(tmp_path):
    jobs = DeskJobs(write_site(tmp_path))
    refused = [
        ("publish", {}),
        ("voice", {}),
        ("voice", {"article": {"episode": "../../etc"}}),
        ("voice", {"article": "a.txt", "speed": 2}),
        ("sync", {"build": "yes"}),
        ("edition", {"articles": "a.txt"}),
        ("edition", {"at": "tomorrow"}),
    ]
    for kind, arguments in refused:
        with pytest.raises(JobError):
            jobs.enqueue(kind, arguments, "anna")
    with pytest.raises(ConfigError, match="no edition 'weekly'"):
        jobs.enqueue("edition", {"edition": "weekly"}, "anna")
    assert jobs.recent_jobs() == [] and jobs.huey.pending_count() == 0
    with pytest.raises(ConfigError, match="desk job queue"):
        make_huey(jobs.settings, "mysql://localhost/jobs")
    job_id = jobs.enqueue("edition", {"articles": [{"identity": "minval:1"}, "b.md"]}, "anna")
    assert jobs.job(job_id).arguments == {
        "edition": None, "articles": [{"identity": "minval:1"}, "b.md"], "at": None,
        "voice": None,
    }  # fmt: skip


def test_a_job_waits_while_a_sync_holds_the_store_then_runs(tmp_path):
    settings = write_site(tmp_path)
    with running(settings) as runner:
        with SyncLock(settings.episodes_dir):  # a cron sync at work
            job_id = runner.jobs.enqueue("voice", voice(str(ARTICLES / "short-news.json")), "anna")
            job = wait_for(runner.jobs, job_id, WAITING)
            assert job.message == WAITING_MESSAGE
            time.sleep(1.2)  # looked again meanwhile, and still waits
            assert runner.jobs.job(job_id).state == WAITING
            assert not any(p.is_dir() for p in settings.episodes_dir.iterdir())
        job = wait_for(runner.jobs, job_id, DONE, FAILED)
    assert job.state == DONE and job.message.startswith("Азербайджанская продукция")


def test_a_job_waiting_when_the_desk_stops_runs_after_its_next_start(tmp_path):
    settings = write_site(tmp_path)
    with SyncLock(settings.episodes_dir):
        with running(settings) as runner:
            job_id = runner.jobs.enqueue("voice", voice(str(ARTICLES / "short-news.json")), "anna")
            wait_for(runner.jobs, job_id, WAITING)
        stopped = runner.jobs.job(job_id)
        assert stopped.state == QUEUED and stopped.restarts == 1, stopped
        assert runner.jobs.huey.pending_count() == 1  # back in huey's queue, on disk
    with running(settings) as runner:
        job = wait_for(runner.jobs, job_id, DONE, FAILED)
    assert job.state == DONE and job.restarts == 1, job.message


def test_a_sync_started_while_a_desk_job_writes_says_another_is_running(tmp_path, audiocast):
    settings = write_site(tmp_path, NOBODY)
    engine = GatedEspeak()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with running(settings, engines=EngineSet({"espeak": lambda: engine})) as runner:
            job_id = runner.jobs.enqueue("voice", voice(str(ARTICLES / "plain-note.txt")), "anna")
            assert engine.speaking.wait(30)  # half-way through, holding the store's lock
            assert runner.jobs.job(job_id).state == RUNNING
            with pytest.raises(SyncLocked, match="another sync is running"):
                sync_once(settings, workers=1)
            cron = audiocast("sync", "--no-build", cwd=tmp_path)  # as cron runs it
            engine.go.set()
            job = wait_for(runner.jobs, job_id, DONE, FAILED)
    finally:
        engine.go.set()
        for number, handler in handlers.items():  # `sync` set its own; pytest's come back
            signal.signal(number, handler)
    assert cron.returncode == 2
    assert "another sync is running on this store" in cron.stderr
    assert job.state == DONE, job.message


def test_queued_jobs_run_after_a_restart_in_the_order_asked(tmp_path):
    settings = write_site(tmp_path)
    jobs = DeskJobs(settings)  # a desk that queued two jobs and stopped before running them
    first = jobs.enqueue("voice", voice(str(ARTICLES / "plain-note.txt")), "anna")
    second = jobs.enqueue("voice", voice(str(ARTICLES / "short-news.json")), "vera")
    assert [jobs.job(i).state for i in (first, second)] == [QUEUED, QUEUED]
    with running(settings) as runner:  # the next start: a new queue object on the same files
        done = [wait_for(runner.jobs, i, DONE, FAILED) for i in (first, second)]
        assert runner.jobs.huey.pending_count() == 0
    assert [job.state for job in done] == [DONE, DONE]
    assert done[0].finished_at <= done[1].started_at
    assert [job.restarts for job in done] == [0, 0]  # queued, not cut off: run once each
    assert len(Journal.of(settings).entries()) == 2


# a desk process whose only job never finishes speaking: killed half-way by the test
_KILLED_DESK = """
import sys, threading
from pathlib import Path
from audiocast.config import load_settings
from audiocast.desk.jobs import JobRunner
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.registry import EngineSet

class Stuck(EspeakEngine):
    def synthesize(self, text, voice):
        Path(sys.argv[2]).touch()
        threading.Event().wait()

JobRunner(load_settings(Path(sys.argv[1])), engines=EngineSet({"espeak": Stuck})).start()
threading.Event().wait()
"""


def test_a_job_cut_off_by_a_killed_desk_runs_again_on_the_next_start(tmp_path):
    settings = write_site(tmp_path / "site")
    jobs = DeskJobs(settings)
    job_id = jobs.enqueue("voice", voice(str(ARTICLES / "plain-note.txt")), "anna")
    speaking = tmp_path / "speaking"
    desk = subprocess.Popen(
        [sys.executable, "-c", _KILLED_DESK, str(settings.root), str(speaking)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not speaking.exists():
            assert desk.poll() is None, desk.stderr.read().decode()
            assert time.monotonic() < deadline, "the desk never started the job"
            time.sleep(0.05)
        assert jobs.job(job_id).state == RUNNING
    finally:
        desk.kill()  # SIGKILL: no clean-up of any kind
        desk.wait(10)
    assert jobs.huey.pending_count() == 0  # huey took it off its queue: only the record knows

    with running(settings) as runner:
        assert runner.jobs.job(job_id).restarts == 1
        job = wait_for(runner.jobs, job_id, DONE, FAILED)
    assert job.state == DONE and job.restarts == 1, job.message
    assert job.total > 0 and job.done == job.total
    assert (settings.episodes_dir / job.result / "episode.mp3").is_file()
    assert RESTARTED_MESSAGE not in job.message  # said while it ran again; done now


def test_sync_and_build_jobs_against_a_local_wordpress(wordpress_site, tmp_path):
    """Against the process's real WordPress (tests/conftest.py's wordpress_site)."""
    site = wordpress_site
    baku = timezone(timedelta(hours=4))
    site.load([make_post(130100, "Стороны встретились в Баку", ["Переговоры прошли в Баку."],
                         published=datetime(2026, 1, 28, 10, tzinfo=baku))])  # fmt: skip
    source = SiteSource("minval", "wordpress", site.url)
    settings = dataclasses.replace(write_site(tmp_path), sources=(source,), workers=1)
    with running(settings) as runner:
        sync_id = runner.jobs.enqueue("sync", {}, "anna")
        synced = wait_for(runner.jobs, sync_id, DONE, FAILED)
        (article,) = _sync_records(settings)
        # re-voiced by its identity in sync's records: from the article kept in the store
        voice_id = runner.jobs.enqueue("voice", voice({"identity": article.identity}), "rita")
        build_id = runner.jobs.enqueue("build", {}, "vera")
        revoiced = wait_for(runner.jobs, voice_id, DONE, FAILED)
        built = wait_for(runner.jobs, build_id, DONE, FAILED)
    assert synced.state == DONE and synced.message.startswith("сделано 1, с ошибкой 0"), synced
    assert synced.done == synced.total == 1
    assert "; сайт: записано " in synced.message  # public/ rebuilt after it
    feed = (settings.public_dir / "all" / "feed.xml").read_text(encoding="utf-8")
    assert "Стороны встретились в Баку" in feed
    assert article.status == "done"
    assert revoiced.state == DONE and revoiced.result == article.episode_id, revoiced.message
    assert built.state == DONE and built.message.startswith("записано "), built.message
    entries = Journal.of(settings).entries()
    assert [(e.user_name, e.action) for e in entries] == [
        ("vera", "built"), ("rita", "voiced"), ("anna", "synced"),
    ]  # fmt: skip


def _sync_records(settings: Settings):
    state = SyncState(settings.episodes_dir / STATE_FILE)
    try:
        return state.all()
    finally:
        state.close()


def test_the_journal_pages_newest_first(tmp_path):
    journal = Journal.of(write_site(tmp_path))
    for number in range(3):
        journal.record("anna", "lexicon change", f"слово {number}", "ударение\nисправлено")
    assert journal.count() == 3
    page = journal.entries(limit=2, offset=1)
    assert [e.subject for e in page] == ["слово 1", "слово 0"]
    assert page[0].detail == "ударение исправлено"  # one line on the page
