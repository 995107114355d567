// «Подборки» (templates/desk/editions.html.j2), in place. Without this script every button is
// a button of the page's GET form and the desk answers with the page in the new order; with it,
// «Добавить», «Выше», «Ниже» and «Убрать» change the list here, an article can be dragged to
// its place, each change is said in the page's status region (aria-live), and the intro's
// preview is asked again (GET /editions/preview.json; every text set as text). The listeners
// are on the document, so the page works when the global player brought it in place too.
const BUILDER = "[data-edition-builder]";

function builder() {
  return document.querySelector(BUILDER);
}

function items(list) {
  return Array.from(list.querySelectorAll("[data-picked]"));
}

function titleOf(item) {
  return item.querySelector("[data-picked-title]").textContent;
}

function say(text) {
  const live = document.getElementById("edition-live");
  if (live) {
    live.textContent = text;
  }
}

// -- the buttons ------------------------------------------------------------------------------

document.addEventListener("click", function (event) {
  const button = event.target instanceof Element ? event.target.closest("button") : null;
  const root = builder();
  if (!button || !root || !root.contains(button)) {
    return;
  }
  if (button.hasAttribute("data-edition-move")) {
    event.preventDefault();
    move(root, button.closest("[data-picked]"), button.getAttribute("data-edition-move"));
  } else if (button.hasAttribute("data-edition-add")) {
    event.preventDefault();
    add(root, button.closest("[data-candidate]"));
  }
});

function move(root, item, action) {
  const list = item.parentElement;
  const title = titleOf(item);
  if (action === "remove") {
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    const candidate = root.querySelector('[data-candidate="' + CSS.escape(item.dataset.picked) + '"]');
    if (candidate) {
      candidate.hidden = false;
    }
    changed(root, "«" + title + "» убрана из подборки.");
    const focus = next ? next.querySelector('[data-edition-move="remove"]') :
      document.getElementById("picked");
    focus.focus();
    return;
  }
  const other = action === "up" ? item.previousElementSibling : item.nextElementSibling;
  if (!other) {
    say("«" + title + "» уже " + (action === "up" ? "первая." : "последняя."));
    return;
  }
  if (action === "up") {
    list.insertBefore(item, other);
  } else {
    list.insertBefore(other, item);
  }
  item.querySelector('[data-edition-move="' + action + '"]').focus();
  changed(root, placeSaid(list, item));
}

function add(root, candidate) {
  const list = root.querySelector("[data-picked-list]");
  const max = Number(root.dataset.max);
  const title = candidate.dataset.title;
  if (items(list).length >= max) {
    say("В подборке уже " + max + " статей из " + max + ": уберите одну, чтобы добавить «" +
      title + "».");
    return;
  }
  const template = document.getElementById("edition-picked-template");
  const item = template.content.firstElementChild.cloneNode(true);
  const id = candidate.dataset.candidate;
  item.id = "picked-" + id;
  item.dataset.picked = id;
  item.querySelector("[data-picked-field]").value = id;
  item.querySelector("[data-picked-title]").textContent = title;
  item.querySelectorAll("[data-picked-name]").forEach(function (name) {
    name.textContent = ": " + title;
  });
  item.querySelectorAll("[data-edition-move]").forEach(function (button) {
    button.value = button.getAttribute("data-edition-move") + ":" + id;
  });
  list.append(item);
  const next = nextCandidate(candidate);
  candidate.hidden = true;
  changed(root, "«" + title + "» добавлена в подборку: " + placeOf(list, item) + ".");
  (next ? next.querySelector("[data-edition-add]") : item.querySelector("button")).focus();
}

function nextCandidate(candidate) {
  let next = candidate.nextElementSibling;
  while (next && next.hidden) {
    next = next.nextElementSibling;
  }
  return next;
}

function placeOf(list, item) {
  return "место " + (items(list).indexOf(item) + 1) + " из " + items(list).length;
}

function placeSaid(list, item) {
  return "«" + titleOf(item) + "» — " + placeOf(list, item) + ".";
}

// -- drag and drop ----------------------------------------------------------------------------
// An article dropped on another takes its place: dragged down, it goes after it; up, before.

let dragged = null;

document.addEventListener("dragstart", function (event) {
  const item = event.target instanceof Element ? event.target.closest("[data-picked]") : null;
  if (!item || !builder()) {
    return;
  }
  dragged = item;
  item.classList.add("edition-dragged");
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", titleOf(item));
});

document.addEventListener("dragover", function (event) {
  if (dragged && dropTarget(event)) {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }
});

document.addEventListener("drop", function (event) {
  const target = dragged ? dropTarget(event) : null;
  if (!target) {
    return;
  }
  event.preventDefault();
  const list = target.parentElement;
  const all = items(list);
  if (target !== dragged) {
    const down = all.indexOf(dragged) < all.indexOf(target);
    list.insertBefore(dragged, down ? target.nextElementSibling : target);
    changed(builder(), placeSaid(list, dragged));
  }
});

document.addEventListener("dragend", function () {
  if (dragged) {
    dragged.classList.remove("edition-dragged");
    dragged = null;
  }
});

function dropTarget(event) {
  const item = event.target instanceof Element ? event.target.closest("[data-picked]") : null;
  return item && dragged && item.parentElement === dragged.parentElement ? item : null;
}

// -- after each change --------------------------------------------------------------------------

function changed(root, said) {
  const list = root.querySelector("[data-picked-list]");
  const ids = items(list).map(function (item) { return item.dataset.picked; });
  root.querySelector("[data-picked-count]").textContent =
    "Выбрано " + ids.length + " из " + root.dataset.max + ".";
  root.querySelector("[data-picked-empty]").hidden = ids.length > 0;
  keepMakeForm(ids);
  keepLinks(root, ids);
  say(said);
  refreshPreview(root, ids);
}

// the form that makes the edition posts the list as it is now
function keepMakeForm(ids) {
  const holder = document.querySelector("#edition-make [data-make-picked]");
  if (!holder) {
    return; // a viewer's page
  }
  holder.replaceChildren();
  ids.forEach(function (id) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "picked";
    input.value = id;
    holder.append(input);
  });
}

// the address (a reload keeps the list) and the links to other pages of articles
function keepLinks(root, ids) {
  const url = new URL(location.href);
  setState(url, root, ids);
  url.searchParams.delete("page");
  history.replaceState(history.state, "", url.pathname + url.search);
  root.querySelectorAll(".pagination a").forEach(function (link) {
    const target = new URL(link.href);
    setState(target, root, ids);
    link.href = target.pathname + target.search + target.hash;
  });
}

function setState(url, root, ids) {
  url.search = new URLSearchParams(stateOf(root, ids, url.searchParams.get("page"))).toString();
}

function stateOf(root, ids, page) {
  const pairs = [["edition", root.dataset.edition]];
  if (root.dataset.q) {
    pairs.push(["q", root.dataset.q]);
  }
  if (root.dataset.category) {
    pairs.push(["category", root.dataset.category]);
  }
  ids.forEach(function (id) { pairs.push(["picked", id]); });
  if (page) {
    pairs.push(["page", page]);
  }
  return pairs;
}

let asked = 0; // only the answer to the latest question is shown

function refreshPreview(root, ids) {
  const number = ++asked;
  const section = document.getElementById("edition-preview");
  section.setAttribute("aria-busy", "true");
  const address = root.dataset.previewUrl + "?" +
    new URLSearchParams(stateOf(root, ids, null)).toString();
  fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error("not the preview"); // signed out meanwhile
      }
      return response.json();
    })
    .then(function (body) {
      if (number === asked && section.isConnected) {
        showPreview(section, body);
      }
    })
    .catch(function () {
      if (number === asked && section.isConnected) {
        showPreview(section, { error: "Стол не ответил: обновите страницу, чтобы увидеть вступление." });
      }
    })
    .finally(function () {
      if (number === asked) {
        section.setAttribute("aria-busy", "false");
      }
    });
}

function showPreview(section, body) {
  const problem = section.querySelector("[data-preview-problem]");
  problem.textContent = body.error || body.problem || "";
  problem.hidden = !problem.textContent;
  if (body.error) {
    return;
  }
  section.querySelector("[data-preview-title]").textContent = body.title;
  // the intro's sentences, as one paragraph
  section.querySelector("[data-preview-lines]").textContent = body.lines.join(" ");
  const headlines = section.querySelector("[data-preview-headlines]");
  headlines.replaceChildren.apply(headlines, body.headlines.map(function (headline) {
    const item = document.createElement("li");
    item.textContent = headline;
    return item;
  }));
  section.querySelector("[data-preview-empty]").hidden = body.headlines.length > 0;
}
