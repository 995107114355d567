// «Послушать» on the lexicon page (templates/desk/lexicon.html.j2), in the page: the button's
// form is posted with `Accept: application/json`, the desk answers with the address of the
// sample it has just spoken, and the page's <audio> plays it. Without this script the button
// posts its form as usual and the browser plays the audio the desk answers with. The listener
// is on the document, so it works on a page the global player brought in place too.
const LISTEN = "data-lexicon-listen";

document.addEventListener("submit", function (event) {
  const button = event.submitter;
  const form = event.target;
  if (!button || !button.hasAttribute(LISTEN) || !(form instanceof HTMLFormElement)) {
    return;
  }
  const audio = document.getElementById("lexicon-audio");
  const status = document.getElementById("lexicon-listen-status");
  if (!audio || !status || typeof fetch !== "function") {
    return; // the ordinary post plays it
  }
  event.preventDefault();
  const say = function (text) { status.textContent = text; };
  button.setAttribute("aria-busy", "true");
  say("Готовлю пример…");
  // a button's formAction is the page's own address when it has no formaction of its own
  const address = button.hasAttribute("formaction") ? button.formAction : form.action;
  fetch(address, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // not the sample's answer: the session ended, or the form is stale
        return { ok: false, body: { error: "Стол не дал послушать (" + response.status +
          "): обновите страницу." } };
      }
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    })
    .then(function (answer) {
      const body = answer.body || {};
      if (!answer.ok || !body.audio) {
        say((body.error || "Не получилось послушать.") + (body.detail ? " (" + body.detail + ")" : ""));
        return;
      }
      const player = window.audiocastPlayer && window.audiocastPlayer.audio;
      if (player && !player.paused) {
        player.pause(); // the episode in the global player waits while the sample speaks
      }
      audio.hidden = false;
      audio.src = body.audio;
      say("Звучит: «" + body.spoken + "»");
      const playing = audio.play();
      if (playing && typeof playing.catch === "function") {
        playing.catch(function () {
          say("Пример готов: «" + body.spoken + "». Нажмите «Воспроизвести» в плеере.");
        });
      }
    })
    .catch(function () {
      say("Стол не ответил. Попробуйте ещё раз.");
    })
    .finally(function () {
      button.removeAttribute("aria-busy");
    });
});

// after a save or a delete the page opens at its result: bring the keyboard and the screen
// reader there
const result = document.getElementById("lexicon-result");
if (result && location.hash === "#lexicon-result") {
  result.focus();
}
