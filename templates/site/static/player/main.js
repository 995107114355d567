// audiocast global player: mounts the bar and wires the modules together (see ../player.js for
// what the player does and how a page uses it). The generated pages load this module with
// <script type="module">; another site's page with the classic ../player.js, which adds it.
import * as bar from "./bar.js";
import { episodeFrom, episodeOf } from "./episodes.js";
import { follow, followEachFrame, onKeyDown } from "./follow.js";
import { bindNavigation, followsInPlace, navigate, siteMode } from "./navigation.js";
import * as playback from "./playback.js";
import { language, t, useLanguage } from "./text.js";

const CONTROLS = "[data-audiocast-play], [data-audiocast-queue], [data-audiocast-seek]";
const player = window.audiocastPlayer || (window.audiocastPlayer = {});
const options = player.options || { lang: "", clicks: [] }; // from ../player.js, if it ran

if (!player.started) {
  player.started = true; // a second copy of the player, from another address, stays out
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
}

// the language the loader's tag asks for; on a generated page the page's own (its show's);
// else Russian
function pageLanguage() {
  return options.lang || (siteMode() ? document.documentElement.lang : "");
}

function mount() {
  if (!document.querySelector('link[href$="player.css"]')) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("../player.css", import.meta.url).href;
    document.head.append(css);
  }
  useLanguage(pageLanguage());
  const audio = bar.buildBar();
  playback.attach(audio);
  Object.assign(playback.view, {
    render: bar.render, status: bar.status, showResume: bar.showResume, hideResume: bar.hideResume,
  });
  bar.label();
  bar.bindBar();
  bindAudio(audio);
  playback.bindMediaSession();
  playback.restore();
  bar.render();
  follow(); // the page's transcript and chapters become one tab stop each
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeyDown);
  if (siteMode()) {
    bindNavigation(arrived);
  }
  window.addEventListener("pagehide", function () { playback.save(true); });
  Object.assign(player, {
    audio: audio,
    play: function (data) { return playback.start(episodeFrom(data, document.baseURI), 0); },
    enqueue: function (data) { playback.enqueue(episodeFrom(data, document.baseURI)); },
    state: function () { return JSON.parse(JSON.stringify(playback.state)); },
  });
  // what was pressed while the player loaded (../player.js kept it)
  if (options.stopEarly) {
    options.stopEarly();
  }
  options.clicks.splice(0).forEach(handleControl);
}

function bindAudio(audio) {
  audio.addEventListener("loadedmetadata", function () {
    playback.startPending();
    bar.render();
  });
  ["play", "pause", "durationchange", "ratechange", "volumechange"].forEach(function (name) {
    audio.addEventListener(name, bar.render);
  });
  audio.addEventListener("play", followEachFrame);
  audio.addEventListener("pause", function () { playback.save(true); });
  audio.addEventListener("seeked", function () { playback.save(true); follow(); });
  audio.addEventListener("timeupdate", function () {
    bar.renderTime();
    follow();
    playback.save(false);
    playback.updatePositionState();
  });
  audio.addEventListener("ended", function () {
    if (playback.state.queue.length) {
      playback.playNext();
    } else {
      playback.save(true, 0); // listened to the end: nothing to offer to resume
    }
  });
  audio.addEventListener("error", function () {
    if (playback.state.current) {
      bar.status(t("cannot_load", { title: playback.state.current.title }));
    }
  });
}

// a new page replaced <main>: its language (the bar's words follow it), its buttons, its lists
function arrived() {
  const before = language;
  if (useLanguage(pageLanguage()) !== before) {
    bar.label();
    bar.render();
  }
  bar.renderPageButtons();
  follow();
}

function onClick(event) {
  const target = event.target;
  if (!(target instanceof Element)) {
    return;
  }
  const control = target.closest(CONTROLS);
  if (control && !bar.contains(control)) {
    event.preventDefault();
    handleControl(control);
    return;
  }
  const link = target.closest("a[href]");
  if (link && siteMode() && followsInPlace(event, link)) {
    event.preventDefault();
    navigate(link.href, true);
  }
}

function handleControl(control) {
  let action;
  if (control.hasAttribute("data-audiocast-play")) {
    action = episodeOf(control, "data-audiocast-play").then(playback.playOrToggle);
  } else if (control.hasAttribute("data-audiocast-queue")) {
    action = episodeOf(control, "data-audiocast-queue").then(playback.enqueue);
  } else {
    const holder = control.closest("[data-audiocast-item]");
    if (!holder) {
      return;
    }
    const seconds = Number(control.getAttribute("data-audiocast-seek"));
    action = episodeOf(holder, "data-audiocast-item").then(function (episode) {
      playback.seekTo(episode, seconds);
    });
  }
  action.catch(function (error) {
    bar.status(t("cannot_open", { reason: error.message }));
  });
}
