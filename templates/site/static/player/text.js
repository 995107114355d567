// The player's words. strings.js, beside this file, is made by `audiocast build` from the
// tables in audiocast/strings/ ([player]) and holds every language's; this picks one.
import tables from "./strings.js";

const REFERENCE = "ru"; // every table has its keys; a language without a table gets it
const own = Object.prototype.hasOwnProperty;
let table = tables[REFERENCE];

export let language = REFERENCE;

// "en", "en-GB" → "en" if there is a table for it, else Russian; the language now spoken
export function useLanguage(code) {
  const primary = String(code || "").split("-")[0].toLowerCase();
  language = own.call(tables, primary) ? primary : REFERENCE;
  table = tables[language];
  return language;
}

// the text of KEY with each {name} given in VALUES filled in (in one pass, as the Python
// side does: an episode title holding "{…}" stays as it is)
export function t(key, values) {
  const text = own.call(table, key) ? table[key] : tables[REFERENCE][key];
  return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
    return values && own.call(values, name) ? String(values[name]) : whole;
  });
}

// a number written with a dot, with the language's decimal separator: 1,25 in Russian
export function decimal(number) {
  return String(number).replace(".", table.decimal);
}

// 4:53, or 1:02:03 for an hour or more; whole seconds passed
export function clock(seconds) {
  seconds = Math.max(0, Math.floor(seconds || 0));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  const mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
  return (hours ? hours + ":" : "") + mm + ":" + String(secs).padStart(2, "0");
}
