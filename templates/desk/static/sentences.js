// «Статья» (templates/desk/article.html.j2): each line of the script played alone, in the page.
// Without this script each ▶ is a link to the line's MP3 (…/sentence.mp3?n=N), which the browser
// opens and plays. With it, the ▶ of a [data-desk-sentences] list are buttons that play in the
// page's <audio id="desk-sentence-audio">, and the list is one tab stop, not hundreds: one ▶ has
// tabindex 0, the others -1, and the arrow keys, Home and End move among them (as the public
// player's transcript does: static/player/follow.js). The episode in the global player pauses
// while a line plays. Listeners are on the document, and lists are set up whenever they appear,
// so a page the global player brought in place works the same.
const SAY = "data-desk-say";
const LIST = "[data-desk-sentences]";
const KEYS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
const ready = new WeakSet();

function buttonsOf(list) {
  return Array.prototype.slice.call(list.querySelectorAll("[" + SAY + "]"));
}

function setUp() {
  document.querySelectorAll(LIST).forEach(function (list) {
    if (ready.has(list)) {
      return;
    }
    ready.add(list);
    buttonsOf(list).forEach(function (button, index) {
      button.setAttribute("role", "button");
      button.setAttribute("tabindex", index === 0 ? "0" : "-1");
    });
    document.querySelectorAll("[data-desk-sentences-keys]").forEach(function (hint) {
      hint.hidden = false;
    });
  });
}

function rove(list, button) {
  buttonsOf(list).forEach(function (other) {
    other.setAttribute("tabindex", other === button ? "0" : "-1");
  });
}

function say(text) {
  const status = document.getElementById("desk-sentence-status");
  if (status) {
    status.textContent = text;
  }
}

function mark(list, button) {
  list.querySelectorAll(".desk-line-playing").forEach(function (line) {
    line.classList.remove("desk-line-playing");
  });
  if (button) {
    button.closest("li").classList.add("desk-line-playing");
  }
}

function play(button) {
  const audio = document.getElementById("desk-sentence-audio");
  const list = button.closest(LIST);
  if (!audio || !list) {
    return false;
  }
  const number = button.getAttribute(SAY);
  const address = new URL(button.getAttribute("href"), location.href).href;
  rove(list, button);
  if (audio.src === address && !audio.paused) {
    audio.pause(); // pressed again while it plays: stop
    return true;
  }
  const episode = window.audiocastPlayer && window.audiocastPlayer.audio;
  if (episode && !episode.paused) {
    episode.pause(); // the episode waits while the line speaks
  }
  audio.hidden = false;
  audio.dataset.number = number;
  if (audio.src !== address) {
    audio.src = address;
  } else {
    audio.currentTime = 0;
  }
  mark(list, button);
  say("Готовлю предложение " + number + "…");
  const playing = audio.play();
  if (playing && typeof playing.catch === "function") {
    playing.catch(function (error) {
      if (error && error.name === "NotAllowedError") {
        say("Предложение " + number + " готово: нажмите «Воспроизвести» в плеере.");
      }
    });
  }
  return true;
}

document.addEventListener("click", function (event) {
  const target = event.target;
  const button = target instanceof Element ? target.closest("[" + SAY + "]") : null;
  if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
      event.altKey) {
    return;
  }
  if (play(button)) {
    event.preventDefault();
  }
});

document.addEventListener("keydown", function (event) {
  const target = event.target;
  const button = target instanceof Element ? target.closest("[" + SAY + "]") : null;
  const list = button && button.closest(LIST);
  if (!list || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  if (event.key === " " || event.key === "Spacebar") {
    event.preventDefault(); // a button's key, not the page's scroll
    play(button);
    return;
  }
  const buttons = buttonsOf(list);
  const index = buttons.indexOf(button);
  const next = event.key === "Home" ? 0
    : event.key === "End" ? buttons.length - 1
    : event.key in KEYS ? index + KEYS[event.key]
    : -1;
  if (next < 0 || next >= buttons.length) {
    return;
  }
  event.preventDefault();
  rove(list, buttons[next]);
  buttons[next].focus();
});

// the <audio> tells what it does (the events do not bubble: caught on the way down)
document.addEventListener("playing", function (event) {
  if (event.target instanceof HTMLElement && event.target.id === "desk-sentence-audio") {
    say("Звучит предложение " + event.target.dataset.number + ".");
  }
}, true);
document.addEventListener("ended", function (event) {
  if (event.target instanceof HTMLElement && event.target.id === "desk-sentence-audio") {
    say("Предложение " + event.target.dataset.number + " прослушано.");
    document.querySelectorAll(LIST).forEach(function (list) { mark(list, null); });
  }
}, true);
document.addEventListener("error", function (event) {
  if (event.target instanceof HTMLElement && event.target.id === "desk-sentence-audio") {
    say("Предложение " + event.target.dataset.number + " не прослушать: стол не дал звук. " +
      "Обновите страницу и попробуйте снова.");
  }
}, true);

setUp();
new MutationObserver(setUp).observe(document.documentElement, { childList: true, subtree: true });
