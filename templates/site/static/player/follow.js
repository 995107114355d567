// Chapters and the transcript: inside every [data-audiocast-follow="ID"] list of the playing
// episode, the last [data-audiocast-seek] at or before the current time is the one being
// spoken; it is highlighted, and a list is one tab stop walked with the arrow keys.
import { audio, loadedSrc, state } from "./playback.js";

const followed = new WeakMap(); // list element → {marks, starts, active, stop}
const ROVING_KEYS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

export function follow() {
  const id = state.current ? state.current.id : null;
  const time = id && loadedSrc() === state.current.src ? audio.currentTime : -1;
  document.querySelectorAll("[data-audiocast-follow]").forEach(function (list) {
    let known = followed.get(list);
    if (!known) {
      const marks = Array.prototype.slice.call(list.querySelectorAll("[data-audiocast-seek]"));
      known = {
        marks: marks,
        starts: marks.map(function (mark) { return Number(mark.getAttribute("data-audiocast-seek")); }),
        active: -1,
        stop: -1, // the one mark in the tab order (see rove)
      };
      followed.set(list, known);
      rove(known, 0);
    }
    let active = -1;
    if (list.getAttribute("data-audiocast-follow") === id) {
      // the starts are in order: a binary search for the last one at or before `time`
      let low = 0;
      let high = known.starts.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
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

export function onKeyDown(event) {
  const target = event.target;
  if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  const mark = target.closest("[data-audiocast-seek]");
  const list = mark && mark.closest("[data-audiocast-follow]");
  const known = list && followed.get(list);
  const index = known ? known.marks.indexOf(mark) : -1;
  if (index < 0) {
    return;
  }
  const next = event.key === "Home" ? 0
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
export function followEachFrame() {
  follow();
  if (!audio.paused) {
    requestAnimationFrame(followEachFrame);
  }
}

function keepVisible(list, mark) {
  if (list.scrollHeight <= list.clientHeight) {
    return; // not a scrolling box
  }
  const top = mark.offsetParent === list ? mark.offsetTop : mark.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top + mark.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  }
}
