// An episode as the player keeps it, from a page's button or an episode.json.
import { t } from "./text.js";

export function absolute(url, base) {
  return url ? new URL(url, base).href : "";
}

export function episodeFrom(data, base) {
  const src = absolute(data.src, base);
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

// the episode ELEMENT's ATTRIBUTE names: inline JSON, the URL of an episode.json, or nothing
// (then the data-audiocast-src, -title … attributes); a promise
export function episodeOf(element, attribute) {
  const value = (element.getAttribute(attribute) || "").trim();
  if (value.charAt(0) === "{") {
    try {
      return Promise.resolve(episodeFrom(JSON.parse(value), document.baseURI));
    } catch (error) {
      // a page's own markup: say so in the status region instead of failing silently
      return Promise.reject(new Error(t("unreadable_data")));
    }
  }
  if (value) {
    const url = absolute(value, document.baseURI);
    return fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      return response.json().then(function (data) {
        return episodeFrom(data, url);
      });
    });
  }
  const d = element.dataset;
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

// the id in a button's inline JSON, or null when it cannot be read
export function idOf(json) {
  try {
    return String(JSON.parse(json).id);
  } catch (error) {
    return null;
  }
}
