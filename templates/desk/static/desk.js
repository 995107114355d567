// The desk's progressive enhancement; every page works without it, with ordinary page loads.
// The search form is followed like a link, in place, so the episode in the global player keeps
// playing while an editor searches (the player follows same-site links in place:
// static/player/navigation.js). Below: forms that start jobs, sent in place too, and
// «Задания» kept up to date while a job runs.
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

// -- forms that change something, in place ---------------------------------------------------
// A POST form marked data-desk-in-place (voice an article, start a build) is sent with fetch,
// and the page it leads to («Задания») is followed in place too, so an episode playing goes on
// playing. Without the player's in-place links, or if fetch fails, the form is sent as usual.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-desk-in-place") ||
      form.method.toLowerCase() !== "post" || !window.audiocastPlayer ||
      !window.audiocastPlayer.started) {
    return;
  }
  event.preventDefault();
  if (form.hasAttribute("data-desk-sending")) {
    return; // pressed twice: one job is enough
  }
  form.setAttribute("data-desk-sending", "");
  const body = new URLSearchParams();
  new FormData(form).forEach(function (value, name) {
    body.append(name, String(value));
  });
  fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
    .then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (response.redirected && response.ok) {
        followInPlace(response.url);
      } else if (type.indexOf("text/html") !== -1) {
        return response.text().then(function (html) { showPage(html, response.url); });
      } else {
        throw new Error("not a page");
      }
    })
    .catch(function () {
      form.submit(); // the ordinary way: the browser shows whatever the desk answers
    })
    .finally(function () {
      form.removeAttribute("data-desk-sending");
    });
});

function followInPlace(url) {
  // a link the player's own click handler follows in place (or, failing that, the browser)
  const link = document.createElement("a");
  link.href = url;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

// a page the desk answered a form with (one that says what was wrong): in place of this one
function showPage(html, url) {
  const next = new DOMParser().parseFromString(html, "text/html");
  const main = next.getElementById("audiocast-main");
  if (!main) {
    throw new Error("no main");
  }
  document.title = next.title;
  document.querySelectorAll("[data-audiocast-swap]").forEach(function (part) {
    const name = part.getAttribute("data-audiocast-swap");
    const fresh = next.querySelector('[data-audiocast-swap="' + CSS.escape(name) + '"]');
    if (fresh) {
      part.replaceWith(document.adoptNode(fresh));
    }
  });
  document.getElementById("audiocast-main").replaceWith(document.adoptNode(main));
  history.pushState({ audiocast: true, scroll: 0 }, "", url);
  window.scrollTo(0, 0);
  const heading = document.querySelector("#audiocast-main h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

// -- «Задания», live ----------------------------------------------------------------------------
// While the jobs page (on load or followed in place) shows an unfinished job, its state is asked
// every second (GET /jobs/status.json) and each row brought up to date; every text is set as
// text. A job that ends is said in the page's status region (aria-live) for screen readers.
const UNFINISHED = '[data-job-state="queued"], [data-job-state="running"], ' +
  '[data-job-state="waiting"]';
const POLL_MS = 1000;
const AFTER_ERROR_MS = 10000;

function pollJobs() {
  const list = document.querySelector("[data-desk-jobs]");
  if (!list || !list.querySelector(UNFINISHED) || document.hidden) {
    setTimeout(pollJobs, POLL_MS);
    return;
  }
  fetch(list.getAttribute("data-desk-jobs-status"), {
    credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
  })
    .then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") === -1) {
        throw new Error("no status"); // signed out meanwhile: the next page load says so
      }
      return response.json();
    })
    .then(function (status) {
      updateJobs(list, status.jobs);
      setTimeout(pollJobs, POLL_MS);
    })
    .catch(function () {
      setTimeout(pollJobs, AFTER_ERROR_MS);
    });
}

function updateJobs(list, jobs) {
  if (!list.isConnected) {
    return; // another page is in place now
  }
  const rows = new Map();
  let newest = 0;
  list.querySelectorAll("[data-job-id]").forEach(function (row) {
    const id = Number(row.getAttribute("data-job-id"));
    rows.set(id, row);
    newest = Math.max(newest, id);
  });
  const said = [];
  let more = false;
  jobs.forEach(function (job) {
    const row = rows.get(job.id);
    if (!row) {
      more = more || job.id > newest;
      return;
    }
    const before = row.getAttribute("data-job-state");
    updateRow(row, job);
    if (before !== job.state && job.finished && job.announce) {
      said.push(job.announce);
    }
  });
  if (said.length) {
    document.getElementById("desk-jobs-live").textContent = said.join(" ");
  }
  if (more) {
    freshList(list); // jobs started since the page was made (by anyone): the list anew
  }
}

function updateRow(row, job) {
  row.setAttribute("data-job-state", job.state);
  row.className = "desk-job desk-job-" + job.state;
  setField(row, "state_label", job.state_label);
  setField(row, "progress_text", job.progress_text);
  setField(row, "subject", job.subject);
  const message = row.querySelector('[data-job-field="message"]');
  message.textContent = job.message;
  message.hidden = !job.message;
  const progress = row.querySelector("progress");
  if (job.state === "done") {
    progress.max = 1;
    progress.value = 1;
  } else if (job.total) {
    progress.max = job.total;
    progress.value = job.done;
  } else if (job.state === "queued" || job.finished) {
    progress.max = 1;
    progress.value = 0;
  } else {
    progress.removeAttribute("value"); // under way, its size not known yet
  }
  const holder = row.querySelector('[data-job-field="link-holder"]');
  const link = row.querySelector('[data-job-field="link"]');
  holder.hidden = !job.link;
  if (job.link) {
    link.href = job.link.href;
    link.textContent = job.link.text;
  }
}

function setField(row, name, text) {
  const field = row.querySelector('[data-job-field="' + name + '"]');
  if (field) {
    field.textContent = text;
  }
}

function freshList(list) {
  fetch("/jobs/", { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (html) {
      const next = new DOMParser().parseFromString(html, "text/html");
      const fresh = next.querySelector("[data-desk-jobs]");
      if (fresh && list.isConnected) {
        list.replaceWith(document.adoptNode(fresh));
      }
    })
    .catch(function () {});
}

setTimeout(pollJobs, POLL_MS);
