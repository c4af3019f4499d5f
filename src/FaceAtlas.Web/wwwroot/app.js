// FaceAtlas's pages: plain JavaScript over the JSON API; nothing is fetched from anywhere else.
"use strict";

const main = document.getElementById("main");
const message = document.getElementById("message");
const PAGE = 200;

function say(text) { message.textContent = text || ""; }

async function api(path, options = {}) {
  const headers = { "X-FaceAtlas-Request": "1", ...(options.headers || {}) };
  const response = await fetch("/api" + path, { ...options, headers, credentials: "same-origin" });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.error || `${response.status} ${response.statusText}`);
  return body;
}

const post = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    // An action that fails (the server said no, or could not be reached) says why instead of doing nothing.
    if (key.startsWith("on")) node.addEventListener(key.slice(2), async e => { try { await value(e); } catch (error) { say(error.message); } });
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const thumbnail = (face, alt) => el("img", { src: `/api/faces/${face}/thumbnail`, alt, loading: "lazy", width: 160, height: 160 });
const label = person => person.name || "Unnamed";

function show(title, ...content) {
  main.replaceChildren(el("h1", {}, title), ...content);
  document.title = `${title} - FaceAtlas`;
  main.focus();
}

// People: a grid of faces with names and counts; unnamed people are named in place (Enter saves).
async function people(offset = 0) {
  const page = await api(`/people?offset=${offset}&limit=${PAGE}`);
  const grid = el("div", { class: "grid", id: "people" }, page.people.map(personCard));
  const more = page.offset + page.people.length < page.total
    ? el("button", { onclick: () => { location.hash = `#/people/${page.offset + PAGE}`; } }, "Next page") : "";
  const range = el("p", { class: "count", id: "range" }, `${page.offset + 1}-${page.offset + page.people.length} of ${page.total}`);
  show(`People (${page.total})`, range, grid, more);
}

function personCard(p) {
  const name = el("input", { type: "text", value: p.name || "", placeholder: "Add a name", "aria-label": `Name of person ${p.person}`,
    onkeydown: async e => {
      if (e.key !== "Enter" || !name.value.trim()) return;
      await post(`/people/${p.person}/name`, { name: name.value.trim() });
      say(`Named ${name.value.trim()}`);
    } });
  return el("div", { class: "card person", "data-person": p.person },
    el("a", { href: `#/person/${p.person}` }, p.cover ? thumbnail(p.cover, label(p)) : label(p)),
    name,
    el("div", { class: "count" }, `${p.photos} photo${p.photos === 1 ? "" : "s"}`));
}

// Person: their photos with face boxes; rename, hide, merge, and move or reject selected faces.
async function person(id) {
  const detail = await api(`/people/${id}`);
  const p = detail.person;
  const name = el("input", { type: "text", value: p.name || "", id: "person-name", "aria-label": "Name" });
  const rename = el("button", { id: "rename", onclick: async () => { await post(`/people/${id}/name`, { name: name.value.trim() }); say("Saved"); } }, "Rename");
  const hide = el("button", { onclick: async () => { await post(`/people/${id}/${p.hidden ? "unhide" : "hide"}`); location.hash = "#/people"; } }, p.hidden ? "Unhide" : "Hide");
  const into = el("input", { type: "number", id: "merge-into", placeholder: "person id", "aria-label": "Merge into person" });
  const merge = el("button", { id: "merge", onclick: async () => {
    const target = Number(into.value);
    if (!target) return say("Give the id of the person to merge into");
    await post(`/people/${target}/merge`, { others: [id] });
    location.hash = `#/person/${target}`;
  } }, "Merge into");
  const selected = () => [...main.querySelectorAll("input.pick:checked")].map(c => Number(c.value));
  const moveTo = el("input", { type: "text", placeholder: "person id or new", "aria-label": "Move selected faces to" });
  const move = el("button", { onclick: async () => {
    const faces = selected();
    if (!faces.length) return say("Select faces first");
    const to = moveTo.value.trim() === "new" ? null : Number(moveTo.value);
    await post("/faces/move", { faces, to });
    await person(id);
    say(`Moved ${faces.length} face(s)`);
  } }, "Move selected");
  const reject = el("button", { onclick: async () => {
    const faces = selected();
    if (!faces.length) return say("Select faces first");
    await post("/faces/reject", { faces, from: id });
    await person(id);
    say(`${faces.length} face(s) are not ${label(p)}`);
  } }, "Not this person");
  const photos = el("div", { class: "photos", id: "person-photos" }, detail.faces.map(f => el("figure", { class: "card", "data-photo": f.photo },
    el("a", { href: `#/photo/${f.photo}` }, framed(f, 320, label(p))),
    el("label", {}, el("input", { type: "checkbox", class: "pick", value: f.face }), " select"))));
  show(label(p), el("div", { class: "tools" }, name, rename, hide, into, merge, moveTo, move, reject),
    el("p", { class: "count" }, `${p.photos} photos, ${p.faces} faces`), photos);
}

// A photo no larger than size, with boxes drawn on the given faces, placed in percent so they stay on the faces
// however the page scales the picture (set through the style object: the page's CSP refuses inline styles).
function framed(view, size, alt, faces = [view], link = false) {
  const scale = Math.min(1, size / Math.max(view.width, view.height));
  const frame = el("div", { class: "photo" }, el("img", { src: `/api/photos/${view.photo}/image?size=${size}`, alt, loading: "lazy",
    width: Math.round(view.width * scale), height: Math.round(view.height * scale) }));
  for (const f of faces) {
    const [x, y, w, h] = f.box;
    const box = el("div", { class: "box", "data-face": f.face },
      link && f.person ? el("a", { href: `#/person/${f.person}` }, f.name || `person ${f.person}`) : "");
    const percent = (v, of) => `${(100 * v / of).toFixed(3)}%`;
    Object.assign(box.style, { left: percent(x, view.width), top: percent(y, view.height), width: percent(w, view.width), height: percent(h, view.height) });
    frame.append(box);
  }
  return frame;
}

// Photo: every face in it, boxed, each linked to its person.
async function photo(id) {
  const view = await api(`/photos/${id}`);
  show(view.name, framed(view, 1024, view.name, view.faces, true));
}

// Suggestions: "same person?" pairs, one click to merge or to dismiss (remembered: never suggested again).
async function suggestions() {
  const pairs = await api("/suggestions");
  const list = el("div", { id: "suggestions" }, pairs.map(s => {
    const row = el("div", { class: "tools card suggestion" },
      thumbnail(s.first.cover, label(s.first)), thumbnail(s.second.cover, label(s.second)),
      el("span", {}, `${label(s.first)} and ${label(s.second)}: ${(s.similarity * 100).toFixed(0)} % alike`),
      el("button", { onclick: async () => { await post(`/people/${s.first.person}/merge`, { others: [s.second.person] }); row.remove(); say("Merged"); } }, "Same person"),
      el("button", { onclick: async () => { await post("/suggestions/dismiss", { first: s.first.person, second: s.second.person }); row.remove(); say("Noted"); } }, "Not the same"));
    return row;
  }));
  show("Same person?", pairs.length ? list : el("p", {}, "No suggestions."));
}

// Search: drop or choose a selfie; the photos of the person it was recognised as, then faces alike on their own.
function search() {
  const input = el("input", { type: "file", id: "search-file", accept: "image/*", "aria-label": "Photo to search with" });
  const results = el("div", { id: "search-results" });
  const hit = h => el("figure", { class: "card hit", "data-photo": h.photo, "data-match": h.match },
    el("a", { href: `#/photo/${h.photo}` }, el("img", { src: `/api/photos/${h.photo}/image?size=320`, alt: h.name ? `photo of ${h.name}` : `photo ${h.photo}`, loading: "lazy" })),
    el("figcaption", {}, `${(h.similarity * 100).toFixed(0)} % alike`));
  async function run(file) {
    say("Searching…");
    const form = new FormData();
    form.append("photo", file);
    try {
      const hits = await api("/search", { method: "POST", body: form });
      const mine = hits.filter(h => h.match === "person"), alike = hits.filter(h => h.match !== "person");
      const people = [...new Map(mine.map(h => [h.person, h])).values()]
        .map(h => el("a", { href: `#/person/${h.person}` }, h.name || `Unnamed person ${h.person}`));
      const sections = [];
      if (mine.length) sections.push(el("section", { id: "search-person" },
        el("h2", {}, "This person: ", people.flatMap((a, i) => i ? [", ", a] : [a]), el("span", { class: "count" }, ` ${mine.length} photo${mine.length === 1 ? "" : "s"}`)),
        el("div", { class: "photos" }, mine.map(hit))));
      if (alike.length) sections.push(el("section", { id: "search-alike" },
        el("h2", {}, mine.length ? "Also alike" : "Alike", el("span", { class: "count" },
          mine.length ? " faces outside this person that look much the same: check them" : " no person of the library was recognised; these faces look much the same")),
        el("div", { class: "photos" }, alike.map(hit))));
      if (!hits.length) sections.push(el("p", {}, "Nobody in the library looks like this person."));
      results.replaceChildren(...sections);
      say(`${hits.length} photo${hits.length === 1 ? "" : "s"}`);
    } catch (e) { say(e.message); }
  }
  input.addEventListener("change", () => input.files[0] && run(input.files[0]));
  const drop = el("div", { id: "drop" }, "Drop a photo here, or ", input);
  drop.addEventListener("dragover", e => e.preventDefault());
  drop.addEventListener("drop", e => { e.preventDefault(); if (e.dataTransfer.files[0]) run(e.dataTransfer.files[0]); });
  show("Find a person", drop, results);
}

async function status() {
  const s = await api("/status");
  show("Status", el("dl", {},
    el("dt", {}, "Photos"), el("dd", {}, s.photos), el("dt", {}, "Faces"), el("dd", {}, s.faces),
    el("dt", {}, "People"), el("dd", {}, s.people),
    el("dt", {}, "Catalog size"), el("dd", {}, `${(s.catalog_bytes / 1048576).toFixed(1)} MB`),
    el("dt", {}, "Indexing"), el("dd", { id: "indexing" }, !s.indexing ? "idle" : s.progress
      ? `${s.progress.photos_done} of ${s.progress.photos_total} photos, ${s.progress.faces_found} faces so far` : "an index is running")));
}

async function route() {
  say("");
  const [, page, arg] = location.hash.split("/");
  try {
    if (page === "person") await person(Number(arg));
    else if (page === "photo") await photo(Number(arg));
    else if (page === "suggestions") await suggestions();
    else if (page === "search") search();
    else if (page === "status") await status();
    else await people(Number(arg) || 0);
  } catch (e) { say(e.message); }
}

window.addEventListener("hashchange", route);
route();
