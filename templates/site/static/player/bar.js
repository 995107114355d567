// The bar: its elements, what they show, and what pressing them does; the page's own listen
// buttons (pressed or not) and the status region that announces what went wrong.
import { idOf } from "./episodes.js";
import {
  SKIP_SECONDS, SPEEDS, audio, currentPosition, forget, loadedSrc, removeFromQueue, resume,
  save, seekTo, skip, start, state, toggle,
} from "./playback.js";
import { clock, decimal, language, t } from "./text.js";

// ▶ as text (U+FE0E): a bare ▶ may be drawn as an emoji picture, and WordPress's emoji script
// (on every page of the news site) replaces it with an image from its CDN
const PLAY_GLYPH = "▶\uFE0E";
let ui = null;
let resumeOffer = null; // {episode, position} while the bar offers to resume

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    node.setAttribute(name, attributes[name]);
  });
  if (text) {
    node.textContent = text;
  }
  return node;
}

function button(className, label, text) {
  return element("button", { type: "button", class: className, "aria-label": label }, text);
}

// the bar and the status region, appended to the page; returns the bar's <audio>
export function buildBar() {
  const bar = element("section", { class: "ac-bar", hidden: "" });
  const resumeBox = element("div", { class: "ac-resume", hidden: "" });
  const resumeText = element("span", { class: "ac-resume-text" });
  const resumeYes = element("button", { type: "button", class: "ac-resume-yes" });
  const resumeNo = element("button", { type: "button", class: "ac-resume-no" }, "×");
  resumeBox.append(resumeText, resumeYes, resumeNo);

  const cover = element("img", { class: "ac-cover", alt: "", width: "48", height: "48" });
  const info = element("div", { class: "ac-info" });
  const title = element("a", { class: "ac-title" });
  const show = element("span", { class: "ac-show" });
  info.append(title, show);

  const controls = element("div", { class: "ac-controls" });
  const back = element("button", { type: "button", class: "ac-back" }, "−" + SKIP_SECONDS);
  const play = element("button", { type: "button", class: "ac-toggle" }, PLAY_GLYPH);
  const forward = element("button", { type: "button", class: "ac-forward" }, "+" + SKIP_SECONDS);
  controls.append(back, play, forward);

  const progress = element("div", { class: "ac-progress" });
  const time = element("span", { class: "ac-time" }, "0:00");
  const seek = element("input", {
    type: "range", class: "ac-seek", min: "0", max: "0", step: "1", value: "0",
  });
  const total = element("span", { class: "ac-duration" }, "0:00");
  progress.append(time, seek, total);

  const settings = element("div", { class: "ac-settings" });
  const rateLabel = element("label", { class: "ac-rate-label" });
  const rateText = document.createTextNode("");
  const rate = element("select", { class: "ac-rate" });
  SPEEDS.forEach(function (speed) {
    rate.append(element("option", { value: String(speed) }));
  });
  rateLabel.append(rateText, rate);
  const volumeLabel = element("label", { class: "ac-volume-label" });
  const volumeText = element("span", { class: "ac-visually-hidden" });
  const volume = element("input", {
    type: "range", class: "ac-volume", min: "0", max: "1", step: "0.05", value: "1",
  });
  volumeLabel.append(volumeText, volume);
  const queueToggle = element("button", {
    type: "button", class: "ac-queue-toggle", "aria-expanded": "false", "aria-controls": "ac-queue",
  });
  settings.append(rateLabel, volumeLabel, queueToggle);

  const main = element("div", { class: "ac-main" });
  main.append(cover, info, controls, progress, settings);

  const queue = element("div", { class: "ac-queue", id: "ac-queue", hidden: "" });
  const queueHeading = element("h2", { class: "ac-queue-heading" });
  const queueList = element("ol", { class: "ac-queue-list" });
  const queueEmpty = element("p", { class: "ac-queue-empty" });
  queue.append(queueHeading, queueList, queueEmpty);

  const live = element("p", { class: "ac-status ac-visually-hidden", role: "status" });
  const media = element("audio", { class: "ac-audio", preload: "metadata" });
  bar.append(resumeBox, main, queue, media);
  // the status region stands outside the bar: what it says must be heard even while the
  // bar is hidden (nothing playing yet, as when a listen button's data cannot be read)
  document.body.append(bar, live);

  ui = {
    bar: bar, resumeBox: resumeBox, resumeText: resumeText, resumeYes: resumeYes,
    resumeNo: resumeNo, cover: cover, title: title, show: show, back: back, play: play,
    forward: forward, time: time, seek: seek, total: total, rateText: rateText, rate: rate,
    volumeText: volumeText, volume: volume, queueToggle: queueToggle, queue: queue,
    queueHeading: queueHeading, queueList: queueList, queueEmpty: queueEmpty, live: live,
  };
  new ResizeObserver(function () {
    document.documentElement.style.setProperty("--ac-bar-height", bar.offsetHeight + "px");
  }).observe(bar);
  return media;
}

export function contains(node) {
  return ui.bar.contains(node);
}

// the words that do not change with what plays, in the language text.js speaks now (again
// after a page of another language replaces this one); render() does the rest
export function label() {
  ui.bar.lang = ui.live.lang = language; // a news site's page may be in another language
  ui.bar.setAttribute("aria-label", t("player"));
  ui.resumeYes.textContent = t("resume");
  ui.resumeNo.setAttribute("aria-label", t("do_not_resume"));
  ui.back.setAttribute("aria-label", t("back", { seconds: SKIP_SECONDS }));
  ui.forward.setAttribute("aria-label", t("forward", { seconds: SKIP_SECONDS }));
  ui.seek.setAttribute("aria-label", t("position"));
  ui.rateText.data = t("speed") + " ";
  Array.prototype.forEach.call(ui.rate.options, function (option) {
    option.textContent = decimal(option.value) + "×";
  });
  ui.volumeText.textContent = t("volume");
  ui.queueHeading.textContent = t("queue");
  ui.queueEmpty.textContent = t("queue_empty");
  if (resumeOffer) {
    ui.resumeText.textContent = t("resume_offer", {
      title: resumeOffer.episode.title, time: clock(resumeOffer.position),
    });
  }
}

export function bindBar() {
  ui.play.addEventListener("click", toggle);
  ui.back.addEventListener("click", function () { skip(-SKIP_SECONDS); });
  ui.forward.addEventListener("click", function () { skip(SKIP_SECONDS); });
  ui.seek.addEventListener("input", function () {
    ui.seek.dataset.dragging = "1";
    ui.time.textContent = clock(Number(ui.seek.value));
  });
  ui.seek.addEventListener("change", function () {
    delete ui.seek.dataset.dragging;
    if (state.current) {
      seekTo(state.current, Number(ui.seek.value));
    }
  });
  ui.rate.addEventListener("change", function () {
    state.rate = Number(ui.rate.value);
    audio.playbackRate = state.rate;
    save(true);
  });
  ui.volume.addEventListener("input", function () {
    state.volume = Number(ui.volume.value);
    audio.volume = state.volume;
    save(true);
  });
  ui.queueToggle.addEventListener("click", function () {
    const open = ui.queue.hidden;
    ui.queue.hidden = !open;
    ui.queueToggle.setAttribute("aria-expanded", String(open));
  });
  ui.queueList.addEventListener("click", function (event) {
    const target = event.target.closest("[data-queue-action]");
    if (!target) {
      return;
    }
    const id = target.closest("li").dataset.id;
    const episode = state.queue.filter(function (item) { return item.id === id; })[0];
    removeFromQueue(id);
    if (target.dataset.queueAction === "play" && episode) {
      start(episode, 0);
    }
    save(true);
    render();
  });
  ui.resumeYes.addEventListener("click", function () {
    hideResume();
    resume();
  });
  ui.resumeNo.addEventListener("click", forget);
}

export function render() {
  const episode = state.current;
  ui.bar.hidden = !episode && !state.queue.length && ui.resumeBox.hidden;
  document.documentElement.classList.toggle("ac-has-bar", !ui.bar.hidden);
  const playing = episode && loadedSrc() === episode.src && !audio.paused;
  ui.play.textContent = playing ? "❚❚" : PLAY_GLYPH;
  ui.play.setAttribute("aria-label", playing ? t("pause") : t("play"));
  ui.play.disabled = !episode && !state.queue.length;
  ui.back.disabled = ui.forward.disabled = ui.seek.disabled = !episode;
  ui.title.textContent = episode ? episode.title : t("nothing_playing");
  if (episode && episode.page) {
    ui.title.href = episode.page;
  } else {
    ui.title.removeAttribute("href");
  }
  ui.show.textContent = episode ? episode.show : "";
  if (episode && episode.cover) {
    ui.cover.src = episode.cover;
    ui.cover.hidden = false;
  } else {
    ui.cover.hidden = true;
  }
  ui.rate.value = String(state.rate);
  ui.volume.value = String(state.volume);
  audio.volume = state.volume;
  renderTime();
  renderQueue();
  renderPageButtons();
}

export function renderTime() {
  const episode = state.current;
  const duration = isFinite(audio.duration) && audio.duration ? audio.duration : episode ? episode.duration : 0;
  const position = episode ? currentPosition() : 0;
  ui.seek.max = String(Math.floor(duration));
  if (!ui.seek.dataset.dragging) {
    ui.seek.value = String(Math.floor(position));
    ui.time.textContent = clock(position);
  }
  ui.total.textContent = clock(duration);
  ui.seek.setAttribute("aria-valuetext", t("position_of", {
    position: clock(position), duration: clock(duration),
  }));
}

function renderQueue() {
  ui.queueToggle.textContent = t("queue_count", { count: state.queue.length });
  ui.queueList.textContent = "";
  state.queue.forEach(function (episode) {
    const item = element("li", { "data-id": episode.id });
    item.append(element("span", { class: "ac-queue-title" }, episode.title));
    const play = button("ac-queue-play", t("play_now", { title: episode.title }), PLAY_GLYPH);
    play.dataset.queueAction = "play";
    const remove = button("ac-queue-remove", t("remove_from_queue", { title: episode.title }), "×");
    remove.dataset.queueAction = "remove";
    item.append(play, remove);
    ui.queueList.append(item);
  });
  ui.queueEmpty.hidden = state.queue.length > 0;
}

export function renderPageButtons() {
  const playingId = state.current && !audio.paused ? state.current.id : null;
  document.querySelectorAll("[data-audiocast-play]").forEach(function (node) {
    const value = node.getAttribute("data-audiocast-play");
    const id = value.charAt(0) === "{" ? idOf(value) : node.dataset.audiocastId;
    if (!id) {
      return;
    }
    const playing = id === playingId;
    node.setAttribute("aria-pressed", String(playing));
    node.classList.toggle("is-playing", playing);
    // a button that asks for it says what a press does now: "Пауза" while its episode plays
    const playingText = node.getAttribute("data-audiocast-playing-text");
    if (playingText) {
      if (!node.hasAttribute("data-audiocast-idle-text")) {
        node.setAttribute("data-audiocast-idle-text", node.textContent);
      }
      node.textContent = playing ? playingText : node.getAttribute("data-audiocast-idle-text");
    }
  });
}

export function status(message) {
  ui.live.textContent = message;
}

export function showResume(episode, position) {
  resumeOffer = { episode: episode, position: position };
  ui.resumeText.textContent = t("resume_offer", { title: episode.title, time: clock(position) });
  ui.resumeBox.hidden = false;
  render();
}

export function hideResume() {
  resumeOffer = null;
  ui.resumeBox.hidden = true;
}
