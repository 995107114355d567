/*
 * audiocast global player: one fixed bar at the bottom of the page with play/pause, seek,
 * ±15 s, speed, volume, a queue and the Media Session API (lock screens show the episode).
 * Plain JavaScript, no framework, no build step: ES modules in static/player/ (main.js mounts
 * the bar; the generated pages load it with <script type="module">).
 *
 * This file is the loader for another site's pages, one classic script tag:
 *
 *   <script src="https://PODCASTS/static/player.js" defer></script>
 *
 * It adds <script type="module" src="…/player/main.js"> beside it (a module script, unlike a
 * bare import(), holds the page's load event until the player is mounted). Browsers fetch
 * module scripts from another host with CORS: the podcast host sends
 * Access-Control-Allow-Origin for static/ (`audiocast serve` does). On another site the player
 * speaks Russian; data-audiocast-lang="en" (or "az") on the tag asks for another language.
 * A listen button pressed before the player is ready is pressed again once it is.
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
    return; // the player is on the page already (this tag twice, or the page's own module)
  }
  var script = document.currentScript || document.querySelector('script[src$="player.js"]');
  if (!script || !script.src) {
    return;
  }
  var CONTROLS = "[data-audiocast-play], [data-audiocast-queue], [data-audiocast-seek]";
  // read by player/main.js: the language asked for, and the presses it is to repeat
  var options = { lang: script.getAttribute("data-audiocast-lang") || "", clicks: [] };
  options.early = function (event) {
    var control = event.target instanceof Element && event.target.closest(CONTROLS);
    if (control) {
      event.preventDefault();
      options.clicks.push(control);
    }
  };
  options.stopEarly = function () {
    document.removeEventListener("click", options.early, true);
  };
  document.addEventListener("click", options.early, true);
  window.audiocastPlayer = { options: options }; // filled in when the bar is mounted

  var module = document.createElement("script");
  module.type = "module";
  module.src = new URL("player/main.js", script.src).href;
  module.addEventListener("error", options.stopEarly); // no player: the page's buttons as they are
  document.head.append(module);
})();
