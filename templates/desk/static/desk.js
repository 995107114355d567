// The desk's progressive enhancement. The search form still works without it (an ordinary
// page load); with it, the form is followed like a link, in place, so the episode in the
// global player keeps playing while an editor searches (the player follows same-site links
// in place: static/player/navigation.js).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-desk-in-place") ||
      form.method.toLowerCase() !== "get" || !window.audiocastPlayer ||
      !window.audiocastPlayer.started) {
    return;
  }
  event.preventDefault();
  const url = new URL(form.action, location.href);
  new FormData(form).forEach(function (value, name) {
    if (value !== "") {
      url.searchParams.append(name, String(value));
    }
  });
  // a link the player's own click handler follows in place (or, failing that, the browser)
  const link = document.createElement("a");
  link.href = url.href;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
});
