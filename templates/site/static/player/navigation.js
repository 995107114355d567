// On the generated pages (<body data-audiocast-site>) a link is followed without a page load:
// the next page is fetched, its <main id="audiocast-main"> and the parts marked
// data-audiocast-swap (header, footer: the words around <main>, which change with a page of
// another language) replace this page's, its <html lang> is taken over, and
// history.pushState records the move, so the audio never stops.
const MAIN_ID = "audiocast-main";
let navigationToken = 0;
let arrived = function () {};

export function siteMode() {
  return document.body.hasAttribute("data-audiocast-site") && !!document.getElementById(MAIN_ID);
}

// ARRIVE: called once a new page is in place, to bring the bar and the page together
export function bindNavigation(arrive) {
  arrived = arrive;
  history.scrollRestoration = "manual"; // the scroll is restored after the swap instead
  history.replaceState(Object.assign({ audiocast: true }, history.state), "");
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.audiocast) {
      navigate(location.href, false);
    }
  });
}

export function followsInPlace(event, link) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey) {
    return false;
  }
  if ((link.target && link.target !== "_self") || link.hasAttribute("download")) {
    return false;
  }
  const url = new URL(link.href);
  if (url.origin !== location.origin || !/(\/|\.html)$/.test(url.pathname)) {
    return false; // another site, or a feed, an audio file, a JSON file
  }
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    return false; // a link within this page
  }
  return true;
}

export function navigate(url, push) {
  const token = ++navigationToken;
  return fetch(url, { credentials: "same-origin" })
    .then(function (response) {
      const type = response.headers.get("Content-Type") || "";
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
      const next = new DOMParser().parseFromString(page.html, "text/html");
      const main = next.getElementById(MAIN_ID);
      if (!main) {
        throw new Error("no main");
      }
      if (push) {
        history.replaceState(Object.assign({}, history.state, { scroll: window.scrollY }), "");
        history.pushState({ audiocast: true, scroll: 0 }, "", page.url);
      }
      document.title = next.title;
      swap(next);
      document.getElementById(MAIN_ID).replaceWith(document.adoptNode(main));
      arrive(push ? 0 : (history.state && history.state.scroll) || 0, new URL(page.url).hash);
    })
    .catch(function () {
      if (token === navigationToken) {
        location.assign(url); // anything unexpected: an ordinary page load
      }
    });
}

// the next page's language, and its parts outside <main> that say something in it
function swap(next) {
  const lang = next.documentElement.getAttribute("lang");
  if (lang === null) {
    document.documentElement.removeAttribute("lang");
  } else {
    document.documentElement.setAttribute("lang", lang);
  }
  document.querySelectorAll("[data-audiocast-swap]").forEach(function (part) {
    const name = part.getAttribute("data-audiocast-swap");
    const fresh = next.querySelector('[data-audiocast-swap="' + CSS.escape(name) + '"]');
    if (fresh) {
      part.replaceWith(document.adoptNode(fresh));
    }
  });
}

function arrive(scroll, hash) {
  const anchor = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
  if (anchor) {
    anchor.scrollIntoView();
  } else {
    window.scrollTo(0, scroll);
  }
  const heading = document.querySelector("#" + MAIN_ID + " h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1"); // screen readers announce the new page
    heading.focus({ preventScroll: true });
  }
  arrived();
}
