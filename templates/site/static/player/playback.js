// What plays: the state (the current episode, the queue, speed, volume), the <audio> element,
// saving and restoring them, and the Media Session API (a phone's lock screen).
import { store, stored } from "./storage.js";
import { t } from "./text.js";

export const SKIP_SECONDS = 15;
export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
const SAVE_EVERY_MS = 2000;

export const state = { current: null, queue: [], rate: 1, volume: 1 };
export let audio = null;
let pendingStart = 0; // where to start the current episode once its audio is loaded
let lastSave = 0;

// what the bar shows of a change; main.js puts the bar's own functions here
export const view = {
  render: function () {},
  status: function () {},
  showResume: function () {},
  hideResume: function () {},
};

export function attach(element) {
  audio = element;
}

export function loadedSrc() {
  return audio.getAttribute("src") ? audio.src : "";
}

export function currentPosition() {
  return loadedSrc() === state.current.src ? audio.currentTime : pendingStart;
}

// the audio's metadata is in: go to where the episode is to start
export function startPending() {
  if (pendingStart) {
    audio.currentTime = Math.min(pendingStart, audio.duration || pendingStart);
    pendingStart = 0;
  }
}

export function save(force, position) {
  const now = Date.now();
  if (!force && now - lastSave < SAVE_EVERY_MS) {
    return;
  }
  lastSave = now;
  store({
    current: state.current,
    position: !state.current ? 0 : position === undefined ? currentPosition() : position,
    queue: state.queue,
    rate: state.rate,
    volume: state.volume,
  });
}

export function restore() {
  const saved = stored();
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
    const duration = Number(saved.current.duration) || Infinity;
    if (pendingStart >= 1 && pendingStart < duration - 1) {
      view.showResume(saved.current, pendingStart);
    }
  }
}

// ---------------------------------------------------------------- playing

export function start(episode, position) {
  view.hideResume();
  state.current = episode;
  pendingStart = position || 0;
  audio.src = episode.src;
  audio.playbackRate = state.rate;
  view.render();
  updateMediaSession();
  save(true);
  return resume();
}

export function resume() {
  if (!state.current) {
    return playNext();
  }
  if (loadedSrc() !== state.current.src) {
    audio.src = state.current.src; // a restored episode: its audio loads on first play
  }
  audio.playbackRate = state.rate;
  const playing = audio.play();
  return playing && playing.catch
    ? playing.catch(function (error) {
        view.status(t("cannot_play", { reason: error.message }));
      })
    : Promise.resolve();
}

// the listener said no to resuming: nothing is current any more
export function forget() {
  view.hideResume();
  state.current = null;
  pendingStart = 0;
  save(true);
  view.render();
}

export function toggle() {
  if (state.current && loadedSrc() === state.current.src && !audio.paused) {
    audio.pause();
  } else {
    resume();
  }
}

export function playOrToggle(episode) {
  if (state.current && state.current.id === episode.id) {
    toggle();
  } else {
    removeFromQueue(episode.id);
    start(episode, 0);
  }
}

export function playNext() {
  const next = state.queue.shift();
  if (!next) {
    return Promise.resolve();
  }
  return start(next, 0);
}

export function seekTo(episode, seconds) {
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

export function skip(seconds) {
  if (!state.current) {
    return;
  }
  const end = isFinite(audio.duration) ? audio.duration : Infinity;
  audio.currentTime = Math.max(0, Math.min(end, audio.currentTime + seconds));
}

export function enqueue(episode) {
  if ((state.current && state.current.id === episode.id) || inQueue(episode.id)) {
    view.status(t("already_queued", { title: episode.title }));
    return;
  }
  state.queue.push(episode);
  view.status(t("queued", { title: episode.title }));
  save(true);
  view.render();
}

export function inQueue(id) {
  return state.queue.some(function (item) {
    return item.id === id;
  });
}

export function removeFromQueue(id) {
  state.queue = state.queue.filter(function (item) {
    return item.id !== id;
  });
}

// ---------------------------------------------------------------- Media Session

export function updateMediaSession() {
  if (!("mediaSession" in navigator) || !state.current) {
    return;
  }
  const episode = state.current;
  const artwork = episode.cover
    ? [{ src: episode.cover, sizes: "1400x1400", type: "image/jpeg" }]
    : [];
  navigator.mediaSession.metadata = new MediaMetadata({
    title: episode.title, artist: episode.show, album: episode.show, artwork: artwork,
  });
}

export function updatePositionState() {
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

export function bindMediaSession() {
  if (!("mediaSession" in navigator)) {
    return;
  }
  const handlers = {
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
