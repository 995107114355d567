/*
 * audiocast global player: one fixed bar at the bottom of the page with play/pause, seek,
 * ±15 s, speed, volume, a queue and the Media Session API (lock screens show the episode).
 * Plain JavaScript, no framework, no build step. One script tag mounts it:
 *
 *   <script src="https://PODCASTS/static/player.js" defer></script>
 *
 * Buttons anywhere on the page play or queue an episode:
 *   <button data-audiocast-play="https://PODCASTS/episodes/ID/episode.json">Слушать</button>
 *   <button data-audiocast-queue="…the same…">В очередь</button>
 * The value is the URL of an episode.json (its URLs are relative to it), an inline JSON object
 * (the generated pages use this; URLs relative to the page), or empty, with the episode in
 * data-audiocast-src / -title / -show / -page / -cover / -id attributes.
 *
 * On the generated pages (<body data-audiocast-site>) links are followed without a full page
 * load: the next page is fetched, its <main id="audiocast-main"> replaces this one and
 * history.pushState records the move, so the audio never stops. Everywhere, the queue and the
 * position are kept in localStorage, and after a full page load the player offers to resume.
 */
(function () {
  "use strict";

  if (window.audiocastPlayer) {
    return; // the script tag is on the page twice
  }
  window.audiocastPlayer = {}; // filled in when the bar is mounted

  var STORAGE_KEY = "audiocast:player:v1";
  var SKIP_SECONDS = 15;
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var SAVE_EVERY_MS = 2000;
  var MAIN_ID = "audiocast-main";
  var script = document.currentScript;

  var state = { current: null, queue: [], rate: 1, volume: 1 };
  var pendingStart = 0; // where to start the current episode once its audio is loaded
  var lastSave = 0;
  var navigationToken = 0;
  var ui = null;
  var audio = null;

  // ---------------------------------------------------------------- episodes and storage

  function absolute(url, base) {
    return url ? new URL(url, base).href : "";
  }

  function episodeFrom(data, base) {
    var src = absolute(data.src, base);
    return {
      id: String(data.id || src),
      title: String(data.title || ""),
      show: String(data.show || ""),
      src: src,
      page: absolute(data.page, base),
      cover: absolute(data.cover, base),
      duration: Number(data.duration) || 0,
    };
  }

  function episodeOf(element, attribute) {
    var value = (element.getAttribute(attribute) || "").trim();
    if (value.charAt(0) === "{") {
      try {
        return Promise.resolve(episodeFrom(JSON.parse(value), document.baseURI));
      } catch (error) {
        // a page's own markup: say so in the status region instead of failing silently
        return Promise.reject(new Error("данные выпуска на странице не читаются"));
      }
    }
    if (value) {
      var url = absolute(value, document.baseURI);
      return fetch(url, { credentials: "omit" }).then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": " + response.status);
        }
        return response.json().then(function (data) {
          return episodeFrom(data, url);
        });
      });
    }
    var d = element.dataset;
    return Promise.resolve(
      episodeFrom(
        {
          id: d.audiocastId, title: d.audiocastTitle, show: d.audiocastShow,
          src: d.audiocastSrc, page: d.audiocastPage, cover: d.audiocastCover,
        },
        document.baseURI
      )
    );
  }

  function save(force, position) {
    var now = Date.now();
    if (!force && now - lastSave < SAVE_EVERY_MS) {
      return;
    }
    lastSave = now;
    var snapshot = {
      current: state.current,
      position: !state.current ? 0 : position === undefined ? currentPosition() : position,
      queue: state.queue,
      rate: state.rate,
      volume: state.volume,
    };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(snapshot));
    } catch (error) {
      // private mode or a full quota: the player still works, it only forgets
    }
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function currentPosition() {
    return loadedSrc() === state.current.src ? audio.currentTime : pendingStart;
  }

  function loadedSrc() {
    return audio.getAttribute("src") ? audio.src : "";
  }

  // ---------------------------------------------------------------- playing

  function start(episode, position) {
    hideResume();
    state.current = episode;
    pendingStart = position || 0;
    audio.src = episode.src;
    audio.playbackRate = state.rate;
    render();
    updateMediaSession();
    save(true);
    return resume();
  }

  function resume() {
    if (!state.current) {
      return playNext();
    }
    if (loadedSrc() !== state.current.src) {
      audio.src = state.current.src; // a restored episode: its audio loads on first play
    }
    audio.playbackRate = state.rate;
    var playing = audio.play();
    return playing && playing.catch
      ? playing.catch(function (error) {
          status("Не удалось начать воспроизведение: " + error.message);
        })
      : Promise.resolve();
  }

  function toggle() {
    if (state.current && loadedSrc() === state.current.src && !audio.paused) {
      audio.pause();
    } else {
      resume();
    }
  }

  function playOrToggle(episode) {
    if (state.current && state.current.id === episode.id) {
      toggle();
    } else {
      removeFromQueue(episode.id);
      start(episode, 0);
    }
  }

  function playNext() {
    var next = state.queue.shift();
    if (!next) {
      return Promise.resolve();
    }
    return start(next, 0);
  }

  function seekTo(episode, seconds) {
    if (state.current && state.current.id === episode.id && loadedSrc() === episode.src) {
      audio.currentTime = seconds;
      if (audio.paused) {
        resume();
      }
    } else {
      removeFromQueue(episode.id);
      start(episode, seconds);
    }
  }

  function skip(seconds) {
    if (!state.current) {
      return;
    }
    var end = isFinite(audio.duration) ? audio.duration : Infinity;
    audio.currentTime = Math.max(0, Math.min(end, audio.currentTime + seconds));
  }

  function enqueue(episode) {
    if ((state.current && state.current.id === episode.id) || inQueue(episode.id)) {
      status("«" + episode.title + "» уже в очереди");
      return;
    }
    state.queue.push(episode);
    status("Добавлено в очередь: «" + episode.title + "»");
    save(true);
    render();
  }

  function inQueue(id) {
    return state.queue.some(function (item) {
      return item.id === id;
    });
  }

  function removeFromQueue(id) {
    state.queue = state.queue.filter(function (item) {
      return item.id !== id;
    });
  }

  // ---------------------------------------------------------------- the bar

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
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

  function buildBar() {
    var bar = element("section", { class: "ac-bar", "aria-label": "Аудиоплеер", hidden: "" });
    var resumeBox = element("div", { class: "ac-resume", hidden: "" });
    var resumeText = element("span", { class: "ac-resume-text" });
    var resumeYes = element("button", { type: "button", class: "ac-resume-yes" }, "Продолжить");
    var resumeNo = button("ac-resume-no", "Не продолжать", "×");
    resumeBox.append(resumeText, resumeYes, resumeNo);

    var cover = element("img", { class: "ac-cover", alt: "", width: "48", height: "48" });
    var info = element("div", { class: "ac-info" });
    var title = element("a", { class: "ac-title" });
    var show = element("span", { class: "ac-show" });
    info.append(title, show);

    var controls = element("div", { class: "ac-controls" });
    var back = button("ac-back", "Назад на 15 секунд", "−15");
    var play = button("ac-toggle", "Слушать", "▶");
    var forward = button("ac-forward", "Вперёд на 15 секунд", "+15");
    controls.append(back, play, forward);

    var progress = element("div", { class: "ac-progress" });
    var time = element("span", { class: "ac-time" }, "0:00");
    var seek = element("input", {
      type: "range", class: "ac-seek", min: "0", max: "0", step: "1", value: "0",
      "aria-label": "Позиция воспроизведения",
    });
    var total = element("span", { class: "ac-duration" }, "0:00");
    progress.append(time, seek, total);

    var settings = element("div", { class: "ac-settings" });
    var rateLabel = element("label", { class: "ac-rate-label" }, "Скорость ");
    var rate = element("select", { class: "ac-rate" });
    SPEEDS.forEach(function (speed) {
      var option = element("option", { value: String(speed) }, String(speed).replace(".", ",") + "×");
      rate.append(option);
    });
    rateLabel.append(rate);
    var volumeLabel = element("label", { class: "ac-volume-label" });
    volumeLabel.append(element("span", { class: "ac-visually-hidden" }, "Громкость"));
    var volume = element("input", {
      type: "range", class: "ac-volume", min: "0", max: "1", step: "0.05", value: "1",
    });
    volumeLabel.append(volume);
    var queueToggle = element("button", {
      type: "button", class: "ac-queue-toggle", "aria-expanded": "false", "aria-controls": "ac-queue",
    });
    settings.append(rateLabel, volumeLabel, queueToggle);

    var main = element("div", { class: "ac-main" });
    main.append(cover, info, controls, progress, settings);

    var queue = element("div", { class: "ac-queue", id: "ac-queue", hidden: "" });
    queue.append(element("h2", { class: "ac-queue-heading" }, "Очередь"));
    var queueList = element("ol", { class: "ac-queue-list" });
    var queueEmpty = element("p", { class: "ac-queue-empty" }, "Очередь пуста.");
    queue.append(queueList, queueEmpty);

    var live = element("p", { class: "ac-status ac-visually-hidden", role: "status" });
    var media = element("audio", { class: "ac-audio", preload: "metadata" });
    bar.append(resumeBox, main, queue, media);
    // the status region stands outside the bar: what it says must be heard even while the
    // bar is hidden (nothing playing yet, as when a listen button's data cannot be read)
    document.body.append(bar, live);

    ui = {
      bar: bar, resumeBox: resumeBox, resumeText: resumeText, resumeYes: resumeYes,
      resumeNo: resumeNo, cover: cover, title: title, show: show, back: back, play: play,
      forward: forward, time: time, seek: seek, total: total, rate: rate, volume: volume,
      queueToggle: queueToggle, queue: queue, queueList: queueList, queueEmpty: queueEmpty,
      live: live,
    };
    audio = media;
    bindBar();
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--ac-bar-height", bar.offsetHeight + "px");
    }).observe(bar);
  }

  function bindBar() {
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
      var open = ui.queue.hidden;
      ui.queue.hidden = !open;
      ui.queueToggle.setAttribute("aria-expanded", String(open));
    });
    ui.queueList.addEventListener("click", function (event) {
      var target = event.target.closest("[data-queue-action]");
      if (!target) {
        return;
      }
      var id = target.closest("li").dataset.id;
      var episode = state.queue.filter(function (item) { return item.id === id; })[0];
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
    ui.resumeNo.addEventListener("click", function () {
      hideResume();
      state.current = null;
      pendingStart = 0;
      save(true);
      render();
    });

    audio.addEventListener("loadedmetadata", function () {
      if (pendingStart) {
        audio.currentTime = Math.min(pendingStart, audio.duration || pendingStart);
        pendingStart = 0;
      }
      render();
    });
    ["play", "pause", "durationchange", "ratechange", "volumechange"].forEach(function (name) {
      audio.addEventListener(name, render);
    });
    audio.addEventListener("play", followEachFrame);
    audio.addEventListener("pause", function () { save(true); });
    audio.addEventListener("seeked", function () { save(true); follow(); });
    audio.addEventListener("timeupdate", function () {
      renderTime();
      follow();
      save(false);
      updatePositionState();
    });
    audio.addEventListener("ended", function () {
      if (state.queue.length) {
        playNext();
      } else {
        save(true, 0); // listened to the end: nothing to offer to resume
      }
    });
    audio.addEventListener("error", function () {
      if (state.current) {
        status("Не удалось загрузить «" + state.current.title + "»");
      }
    });
  }

  function render() {
    var episode = state.current;
    ui.bar.hidden = !episode && !state.queue.length && ui.resumeBox.hidden;
    document.documentElement.classList.toggle("ac-has-bar", !ui.bar.hidden);
    var playing = episode && loadedSrc() === episode.src && !audio.paused;
    ui.play.textContent = playing ? "❚❚" : "▶";
    ui.play.setAttribute("aria-label", playing ? "Пауза" : "Слушать");
    ui.play.disabled = !episode && !state.queue.length;
    ui.back.disabled = ui.forward.disabled = ui.seek.disabled = !episode;
    ui.title.textContent = episode ? episode.title : "Ничего не играет";
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

  function renderTime() {
    var episode = state.current;
    var duration = isFinite(audio.duration) && audio.duration ? audio.duration : episode ? episode.duration : 0;
    var position = episode ? currentPosition() : 0;
    ui.seek.max = String(Math.floor(duration));
    if (!ui.seek.dataset.dragging) {
      ui.seek.value = String(Math.floor(position));
      ui.time.textContent = clock(position);
    }
    ui.total.textContent = clock(duration);
    ui.seek.setAttribute("aria-valuetext", clock(position) + " из " + clock(duration));
  }

  function renderQueue() {
    ui.queueToggle.textContent = "Очередь (" + state.queue.length + ")";
    ui.queueList.textContent = "";
    state.queue.forEach(function (episode) {
      var item = element("li", { "data-id": episode.id });
      item.append(element("span", { class: "ac-queue-title" }, episode.title));
      var play = button("ac-queue-play", "Слушать сейчас: " + episode.title, "▶");
      play.dataset.queueAction = "play";
      var remove = button("ac-queue-remove", "Убрать из очереди: " + episode.title, "×");
      remove.dataset.queueAction = "remove";
      item.append(play, remove);
      ui.queueList.append(item);
    });
    ui.queueEmpty.hidden = state.queue.length > 0;
  }

  function renderPageButtons() {
    var playingId = state.current && !audio.paused ? state.current.id : null;
    document.querySelectorAll("[data-audiocast-play]").forEach(function (node) {
      var value = node.getAttribute("data-audiocast-play");
      var id = value.charAt(0) === "{" ? safeId(value) : node.dataset.audiocastId;
      if (!id) {
        return;
      }
      var playing = id === playingId;
      node.setAttribute("aria-pressed", String(playing));
      node.classList.toggle("is-playing", playing);
      // a button that asks for it says what a press does now: "Пауза" while its episode plays
      var playingText = node.getAttribute("data-audiocast-playing-text");
      if (playingText) {
        if (!node.hasAttribute("data-audiocast-idle-text")) {
          node.setAttribute("data-audiocast-idle-text", node.textContent);
        }
        node.textContent = playing ? playingText : node.getAttribute("data-audiocast-idle-text");
      }
    });
  }

  function safeId(json) {
    try {
      return String(JSON.parse(json).id);
    } catch (error) {
      return null;
    }
  }

  function status(message) {
    ui.live.textContent = message;
  }

  function showResume(episode, position) {
    ui.resumeText.textContent = "Продолжить «" + episode.title + "» с " + clock(position) + "?";
    ui.resumeBox.hidden = false;
    render();
  }

  function hideResume() {
    ui.resumeBox.hidden = true;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    var mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
    return (hours ? hours + ":" : "") + mm + ":" + String(secs).padStart(2, "0");
  }

  // ---------------------------------------------------------------- chapters and transcript

  // Inside every [data-audiocast-follow="ID"] list of the playing episode, the last
  // [data-audiocast-seek] at or before the current time is the one being spoken.
  var followed = new WeakMap(); // list element → {marks, starts, active}

  function follow() {
    var id = state.current ? state.current.id : null;
    var time = id && loadedSrc() === state.current.src ? audio.currentTime : -1;
    document.querySelectorAll("[data-audiocast-follow]").forEach(function (list) {
      var known = followed.get(list);
      if (!known) {
        var marks = Array.prototype.slice.call(list.querySelectorAll("[data-audiocast-seek]"));
        known = {
          marks: marks,
          starts: marks.map(function (mark) { return Number(mark.getAttribute("data-audiocast-seek")); }),
          active: -1,
          stop: -1, // the one mark in the tab order (see rove)
        };
        followed.set(list, known);
        rove(known, 0);
      }
      var active = -1;
      if (list.getAttribute("data-audiocast-follow") === id) {
        // the starts are in order: a binary search for the last one at or before `time`
        var low = 0;
        var high = known.starts.length - 1;
        while (low <= high) {
          var middle = (low + high) >> 1;
          if (known.starts[middle] <= time + 0.05) {
            active = middle;
            low = middle + 1;
          } else {
            high = middle - 1;
          }
        }
      }
      if (active !== known.active) {
        if (known.active >= 0) {
          known.marks[known.active].classList.remove("ac-current");
          known.marks[known.active].removeAttribute("aria-current");
        }
        if (active >= 0) {
          known.marks[active].classList.add("ac-current");
          known.marks[active].setAttribute("aria-current", "true");
          keepVisible(list, known.marks[active]);
          if (!list.contains(document.activeElement)) {
            rove(known, active); // Tab into the list lands on what is being spoken
          }
        }
        known.active = active;
      }
    });
  }

  // A list of marks is one tab stop, not hundreds (a transcript has a button per sentence): one
  // mark has tabindex 0, the others -1, and the arrow keys, Home and End move among them.
  function rove(known, index) {
    if (known.stop === index || !known.marks.length) {
      return;
    }
    if (known.stop >= 0) {
      known.marks[known.stop].setAttribute("tabindex", "-1");
    } else {
      known.marks.forEach(function (mark) { mark.setAttribute("tabindex", "-1"); });
    }
    known.marks[index].setAttribute("tabindex", "0");
    known.stop = index;
  }

  var ROVING_KEYS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

  function onKeyDown(event) {
    var target = event.target;
    if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var mark = target.closest("[data-audiocast-seek]");
    var list = mark && mark.closest("[data-audiocast-follow]");
    var known = list && followed.get(list);
    var index = known ? known.marks.indexOf(mark) : -1;
    if (index < 0) {
      return;
    }
    var next = event.key === "Home" ? 0
      : event.key === "End" ? known.marks.length - 1
      : event.key in ROVING_KEYS ? index + ROVING_KEYS[event.key]
      : -1;
    if (next < 0 || next >= known.marks.length) {
      return;
    }
    event.preventDefault();
    rove(known, next);
    known.marks[next].focus();
  }

  // timeupdate comes four times a second; a sentence highlight should move with the voice
  function followEachFrame() {
    follow();
    if (!audio.paused) {
      requestAnimationFrame(followEachFrame);
    }
  }

  function keepVisible(list, mark) {
    if (list.scrollHeight <= list.clientHeight) {
      return; // not a scrolling box
    }
    var top = mark.offsetParent === list ? mark.offsetTop : mark.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + mark.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  // ---------------------------------------------------------------- Media Session

  function updateMediaSession() {
    if (!("mediaSession" in navigator) || !state.current) {
      return;
    }
    var episode = state.current;
    var artwork = episode.cover
      ? [{ src: episode.cover, sizes: "1400x1400", type: "image/jpeg" }]
      : [];
    navigator.mediaSession.metadata = new MediaMetadata({
      title: episode.title, artist: episode.show, album: episode.show, artwork: artwork,
    });
  }

  function updatePositionState() {
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState) {
      return;
    }
    if (isFinite(audio.duration) && audio.duration > 0) {
      try {
        navigator.mediaSession.setPositionState({
          duration: audio.duration,
          playbackRate: audio.playbackRate,
          position: Math.min(audio.currentTime, audio.duration),
        });
      } catch (error) {
        // an older browser that rejects some value: the lock screen only shows less
      }
    }
  }

  function bindMediaSession() {
    if (!("mediaSession" in navigator)) {
      return;
    }
    var handlers = {
      play: resume,
      pause: function () { audio.pause(); },
      seekbackward: function (details) { skip(-((details && details.seekOffset) || SKIP_SECONDS)); },
      seekforward: function (details) { skip((details && details.seekOffset) || SKIP_SECONDS); },
      seekto: function (details) { audio.currentTime = details.seekTime; },
      nexttrack: function () { playNext(); },
    };
    Object.keys(handlers).forEach(function (action) {
      try {
        navigator.mediaSession.setActionHandler(action, handlers[action]);
      } catch (error) {
        // this browser does not know the action
      }
    });
  }

  // ---------------------------------------------------------------- page buttons and links

  function onClick(event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var control = target.closest("[data-audiocast-play], [data-audiocast-queue], [data-audiocast-seek]");
    if (control && !ui.bar.contains(control)) {
      event.preventDefault();
      handleControl(control);
      return;
    }
    var link = target.closest("a[href]");
    if (link && siteMode() && followsInPlace(event, link)) {
      event.preventDefault();
      navigate(link.href, true);
    }
  }

  function handleControl(control) {
    var action;
    if (control.hasAttribute("data-audiocast-play")) {
      action = episodeOf(control, "data-audiocast-play").then(playOrToggle);
    } else if (control.hasAttribute("data-audiocast-queue")) {
      action = episodeOf(control, "data-audiocast-queue").then(enqueue);
    } else {
      var holder = control.closest("[data-audiocast-item]");
      if (!holder) {
        return;
      }
      var seconds = Number(control.getAttribute("data-audiocast-seek"));
      action = episodeOf(holder, "data-audiocast-item").then(function (episode) {
        seekTo(episode, seconds);
      });
    }
    action.catch(function (error) {
      status("Не удалось открыть выпуск: " + error.message);
    });
  }

  function siteMode() {
    return document.body.hasAttribute("data-audiocast-site") && !!document.getElementById(MAIN_ID);
  }

  function followsInPlace(event, link) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return false;
    }
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) {
      return false;
    }
    var url = new URL(link.href);
    if (url.origin !== location.origin || !/(\/|\.html)$/.test(url.pathname)) {
      return false; // another site, or a feed, an audio file, a JSON file
    }
    if (url.pathname === location.pathname && url.search === location.search && url.hash) {
      return false; // a link within this page
    }
    return true;
  }

  function navigate(url, push) {
    var token = ++navigationToken;
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("text/html") === -1) {
          throw new Error("not a page");
        }
        return response.text().then(function (html) {
          return { html: html, url: response.url || url };
        });
      })
      .then(function (page) {
        if (token !== navigationToken) {
          return; // a later click won
        }
        var next = new DOMParser().parseFromString(page.html, "text/html");
        var main = next.getElementById(MAIN_ID);
        if (!main) {
          throw new Error("no main");
        }
        if (push) {
          history.replaceState(Object.assign({}, history.state, { scroll: window.scrollY }), "");
          history.pushState({ audiocast: true, scroll: 0 }, "", page.url);
        }
        document.title = next.title;
        document.getElementById(MAIN_ID).replaceWith(document.adoptNode(main));
        arrive(push ? 0 : (history.state && history.state.scroll) || 0, new URL(page.url).hash);
      })
      .catch(function () {
        if (token === navigationToken) {
          location.assign(url); // anything unexpected: an ordinary page load
        }
      });
  }

  function arrive(scroll, hash) {
    var anchor = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (anchor) {
      anchor.scrollIntoView();
    } else {
      window.scrollTo(0, scroll);
    }
    var heading = document.querySelector("#" + MAIN_ID + " h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1"); // screen readers announce the new page
      heading.focus({ preventScroll: true });
    }
    renderPageButtons();
    follow();
  }

  // ---------------------------------------------------------------- start

  function restore() {
    var saved = load();
    if (!saved) {
      return;
    }
    state.queue = Array.isArray(saved.queue) ? saved.queue : [];
    state.rate = SPEEDS.indexOf(saved.rate) >= 0 ? saved.rate : 1;
    state.volume = typeof saved.volume === "number" ? saved.volume : 1;
    if (saved.current && saved.current.src) {
      state.current = saved.current;
      pendingStart = Number(saved.position) || 0;
      updateMediaSession();
      var duration = Number(saved.current.duration) || Infinity;
      if (pendingStart >= 1 && pendingStart < duration - 1) {
        showResume(saved.current, pendingStart);
      }
    }
  }

  function mount() {
    if (!document.querySelector('link[href$="player.css"]') && script && script.src) {
      document.head.append(element("link", { rel: "stylesheet", href: absolute("player.css", script.src) }));
    }
    buildBar();
    bindMediaSession();
    restore();
    render();
    follow(); // the page's transcript and chapters become one tab stop each
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeyDown);
    if (siteMode()) {
      history.scrollRestoration = "manual"; // the scroll is restored after the swap instead
      history.replaceState(Object.assign({ audiocast: true }, history.state), "");
      window.addEventListener("popstate", function (event) {
        if (event.state && event.state.audiocast) {
          navigate(location.href, false);
        }
      });
    }
    window.addEventListener("pagehide", function () { save(true); });
    Object.assign(window.audiocastPlayer, {
      audio: audio,
      play: function (data) { return start(episodeFrom(data, document.baseURI), 0); },
      enqueue: function (data) { enqueue(episodeFrom(data, document.baseURI)); },
      state: function () { return JSON.parse(JSON.stringify(state)); },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
