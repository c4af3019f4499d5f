// FaceAtlas's pages: plain JavaScript over the JSON API; nothing is fetched from anywhere else.
"use strict";

const main = document.getElementById("main");
const message = document.getElementById("message");
const PAGE = 200;

// The message line. After changes the server keeps in its history (a merge, a move, an ignore, ...), the words
// that tell of them carry an "Undo" that takes back those changes (their ids, as post() gives them), and only them.
function say(text, changes = []) {
  const ids = changes.filter(c => c !== null && c !== undefined);
  message.replaceChildren(text || "");
  if (text && ids.length) message.append(" ", el("button", { type: "button", class: "undo", id: "undo", onclick: () => undo(ids) }, "Undo"));
}
// The newest change first: a move then the naming of the new person is undone as the naming, then the move.
async function undo(changes) {
  const undone = [];
  for (const change of [...changes].sort((a, b) => b - a)) undone.push((await post("/undo", { change })).answer.summary);
  go(location.hash, `Undone: ${undone.join("; ")}`);
}

// "Not a face" (a hand, a logo, a poster): the detections leave their person and every list for good, also when
// the photo is analysed again; the message's Undo (as after any change) makes them faces again, in no person.
// then() redraws what the page shows.
async function notAFace(faces, then) {
  const { change } = await post("/faces/not-a-face", { faces });
  await then();
  say(`${plural(faces.length, "detection")} removed: not ${faces.length === 1 ? "a face" : "faces"}`, [change]);
}

// Goes to another page and says there what was done: each page starts with a clear message line, so the words wait
// for the page they belong to.
let done = "", doneChanges = [];
function go(hash, words, changes = []) {
  done = words;
  doneChanges = changes;
  if (location.hash === hash) route(); else location.hash = hash;
}

// The answer, and the id of the change the server kept in its history (FaceAtlas-Change; null for none).
async function request(path, options = {}) {
  const headers = { "X-FaceAtlas-Request": "1", ...(options.headers || {}) };
  const response = await fetch("/api" + path, { ...options, headers, credentials: "same-origin" });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.error || `${response.status} ${response.statusText}`);
  const change = response.headers.get("FaceAtlas-Change");
  return { answer: body, change: change ? Number(change) : null };
}
const api = async (path, options) => (await request(path, options)).answer;

// A change: {answer, change}, the change's id to hand to say() for its Undo.
// keepalive: the request outlives the page (a name saved as the page is reloaded or closed).
const post = (path, body, keepalive = false) => request(path, { method: "POST", keepalive, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    // An action that fails (the server said no, or could not be reached) says why instead of doing nothing.
    if (key.startsWith("on")) node.addEventListener(key.slice(2), async e => { try { await value(e); } catch (error) { say(error.message); } });
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// A person's age on a photo, in whole years, after their name ("Ann, 3"), where their birth day is known.
const aged = f => f.person_age != null ? `, ${Math.floor(f.person_age)}` : "";
// The ages (whole years) of a person's faces on a year's photos, for its heading: "2019 · age 4", "2019 · age 3–4";
// a year none of whose photos gives one (their dates only their files') says nothing more.
const ages = {
  of: ph => ph.faces.filter(f => f.person_age != null).map(f => Math.floor(f.person_age)),
  say: (least, most) => least === most ? ` · age ${least}` : ` · age ${least}–${most}`,
};
// One name for a person wherever they are named: theirs, else "Unnamed person 61" (the number tells two apart).
// Takes a person, a picked person or a face: each carries person and name.
const label = p => p.name || `Unnamed person ${p.person}`;
// A count as the reader's language writes it ("847,092 photos"), the word plural but for one.
const plural = (n, word) => `${Number.isFinite(n) ? n.toLocaleString() : n} ${word}${n === 1 ? "" : "s"}`;
// A face's thumbnail: always a square (the server pads it), drawn square by the page at any size.
const thumbnail = (face, alt, size = 160) => el("img", { class: "face", src: `/api/faces/${face}/thumbnail`, alt, loading: "lazy", width: size, height: size });

// Dates as the photo says them: the day, in the reader's language. A date only the file's last write gives is not
// the photo's (it is often the day it was copied): it is said to be unknown, the file's day beside it for what it is
// worth. A date known to the day only ("2019-07-04": WhatsApp's names, some XMP) is shown as that day, like any other.
const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
function day(taken) {
  if (!taken) return "";
  const [y, m, d] = taken.slice(0, 10).split("-").map(Number);
  return dateFormat.format(new Date(y, m - 1, d));
}
// The heading a photo goes under in a grid of a person's or the library's photos: its year, a photo of unknown date
// under "Date unknown". A year with a month of at least DENSE_MONTH photos is shown by months, each under its own
// heading ("July 2019"); in a sparse year a month heading would leave a row to each photo, so the month is in each
// photo's caption instead.
const group = photo => !photo.taken || photo.taken_source === "file" ? "Date unknown" : photo.taken.slice(0, 4);
const DENSE_MONTH = 12;
const monthFormat = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" });
const monthName = key => monthFormat.format(new Date(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, 1));
// Photos of an API page of photos (path: /people/ID/photos, /photos?people=...), a page at a time, each handed to
// add under its year's (or month's) heading in grid; the next page fetched as more comes into view: tens of
// thousands of photos show their first at once and are never all held. Resolves to the first page (its total and span).
// note (optional) says more of a heading from the numbers note.of(photo) gives its photos so far, as note.say(least,
// most): a person's ages, "2019 · age 3–4". Only the least and most are kept, however many photos a year holds.
async function pagedPhotos(path, grid, more, add, note = null) {
  let next = null, heading = null, loading = null, title = null, least = Infinity, most = -Infinity;
  // This year's months as met: their key, first element and count; once one is dense, every one has its heading.
  let months = [], byMonths = false;
  const monthHeading = m => grid.insertBefore(el("h3", { class: "month-label" }, monthName(m.key)), m.first);
  const load = () => loading ??= (async () => {
    const page = await api(`${path}${path.includes("?") ? "&" : "?"}limit=60${next ? `&after=${encodeURIComponent(next)}` : ""}`);
    for (const ph of page.photos) {
      if (group(ph) !== heading) {
        grid.append(title = el("h2", { class: "month" }, heading = group(ph)));
        months = [];
        byMonths = false;
        least = Infinity;
        most = -Infinity;
      }
      if (note) for (const n of note.of(ph)) {
        least = Math.min(least, n);
        most = Math.max(most, n);
        title.textContent = heading + note.say(least, most);
      }
      const before = grid.lastElementChild;
      add(ph);
      const first = before.nextElementSibling;
      const key = heading === "Date unknown" ? null : ph.taken.slice(0, 7);
      if (!key || !first) continue;
      let month = months[months.length - 1];
      if (month?.key !== key) {
        months.push(month = { key, first, count: 0 });
        if (byMonths) monthHeading(month);
      }
      if (++month.count === DENSE_MONTH && !byMonths) {
        byMonths = true;
        months.forEach(monthHeading);
      }
    }
    next = page.next;
    more.hidden = !next;
    loading = null;
    return page;
  })();
  const first = await load();
  new IntersectionObserver(entries => { if (next && entries.some(e => e.isIntersecting)) load(); }, { rootMargin: "800px" }).observe(more);
  return first;
}
// A moment in a video: "1:05".
const clock = ms => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}`;
// Marks a face seen in a video with the moment of its frame.
const videoBadge = f => f.frame_ms != null ? el("span", { class: "badge video", title: `in a video, at ${clock(f.frame_ms)}` }, `▶ ${clock(f.frame_ms)}`) : "";
const unknown = view => `date unknown · file saved ${day(view.taken)}`;
const dated = view => view.taken ? (view.taken_source === "file" ? unknown(view) : day(view.taken)) : "no date";
// Where a date came from, said on hover when it is not the photo's camera record (EXIF) or a video's.
const whence = { xmp: "date from the photo's XMP", filename: "date from the file's name" };
// The same on a page: an unknown date dimmed, saying why on hover (a tile, brief, says the file's day there only); a
// date from XMP or a name saying so on hover.
const dateText = (view, brief = false) => view.taken_source === "file"
  ? el("span", { class: "guess", title: `The photo records no date. Its file was last saved ${day(view.taken)}, perhaps when it was copied.` },
    brief ? "date unknown" : unknown(view))
  : view.taken && whence[view.taken_source]
    ? el("span", { class: "whence", title: whence[view.taken_source] + (view.taken.length === 10 ? ", the day only" : "") }, day(view.taken))
    : dated(view);
// The years a person's photos span; a file's date is not when a photo was taken, so it stretches nothing.
function years(faces) {
  const all = faces.filter(f => f.taken && f.taken_source !== "file").map(f => Number(f.taken.slice(0, 4)));
  if (!all.length) return "";
  const first = Math.min(...all), last = Math.max(...all);
  return first === last ? `${first}` : `${first}–${last}`;
}

function show(title, ...content) {
  saveNames(); // a name typed on the page before, and not yet saved, is saved as the page goes
  main.replaceChildren(el("h1", {}, title), ...content);
  document.title = `${title} - FaceAtlas`;
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// A person's name field (People grid, person page): the name typed is saved on Enter and when the field is left;
// should the page go first (another page, a reload, a closed tab), as it goes. No name is lost for want of Enter.
// A name cannot be removed: a field emptied gets the saved name back.
function nameField(p, attributes, onSaved = () => {}) {
  const input = el("input", { type: "text", value: p.name || "", placeholder: "Add a name", autocomplete: "off", "data-name-of": p.person, ...attributes });
  let saved = p.name || "";
  input.save = async (keepalive = false) => {
    const name = input.value.trim();
    if (name === saved) return;
    if (!name) { input.value = saved; say(`A name cannot be removed: still ${saved}`); return; }
    const before = saved;
    saved = name; // at once: Enter, then leaving the field, saves once
    let change;
    try {
      ({ change } = await post(`/people/${p.person}/name`, { name }, keepalive));
    } catch (error) {
      saved = before;
      throw error;
    }
    p.name = name;
    say(`Named ${name}`, [change]);
    onSaved(name);
  };
  input.addEventListener("change", () => input.save().catch(e => say(e.message)));
  input.addEventListener("keydown", e => { if (e.key === "Enter") input.save().catch(error => say(error.message)); });
  return input;
}
function saveNames(keepalive = false) {
  for (const input of main.querySelectorAll("input[data-name-of]")) input.save(keepalive).catch(e => say(e.message));
}
window.addEventListener("pagehide", () => saveNames(true));

// How well a name answers what was typed: the whole name, then its start, then a word's start, then anywhere.
function closeness(name, typed) {
  const n = (name || "").toLocaleLowerCase(), t = typed.toLocaleLowerCase();
  return n === t ? 0 : n.startsWith(t) ? 1 : n.split(/\s+/).some(w => w.startsWith(t)) ? 2 : 3;
}

// The person picker: type a few letters of a name, or browse the people by face; "New person" when allowed.
// Options carry data-person (or data-new); Arrow keys move, Enter picks, Escape closes. Enter takes the best match
// of what is typed (highlighted); "New person" only when nobody matches, or when pointed at (arrows, click): typing
// "stu" and Enter is Stuart, never a new "stu". With nothing typed, Enter takes nothing until an option is pointed at.
// typeFirst: no list until something is typed (the header's search); hidden: hidden people too.
function picker({ id, label: text, allowNew = false, exclude = [], typeFirst = false, hidden = false, placeholder, onPick }) {
  const input = el("input", { type: "search", placeholder: placeholder || (allowNew ? "Name, or new person" : "Type a name"), "aria-label": text,
    autocomplete: "off", role: "combobox", "aria-expanded": "false", "aria-controls": `${id}-list`, "aria-autocomplete": "list" });
  const list = el("ul", { class: "picker-list", id: `${id}-list`, role: "listbox", hidden: true });
  let options = [], active = -1, timer = 0, asked = 0, settled = 0, shownFor = null, busy = false;
  const choose = async option => {
    if (busy) return; // Enter pressed twice, or Enter and a click: one answer
    busy = true;
    close();
    try {
      await onPick(option.dataset.new !== undefined ? null : { person: Number(option.dataset.person), name: option.dataset.name || null });
    } finally {
      busy = false;
    }
  };
  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
  function mark(i) {
    options.forEach((o, j) => o.setAttribute("aria-selected", i === j ? "true" : "false"));
    active = i;
    if (options[i]) { options[i].scrollIntoView({ block: "nearest" }); input.setAttribute("aria-activedescendant", options[i].id); }
    else input.removeAttribute("aria-activedescendant");
  }
  async function refresh() {
    const q = input.value.trim(), mine = ++asked;
    if (typeFirst && !q) { settled = mine; options = []; shownFor = q; mark(-1); close(); return; }
    let page;
    try {
      page = await api(`/people?limit=60${q ? `&q=${encodeURIComponent(q)}` : ""}${hidden ? "&hidden=true" : ""}`);
    } finally {
      if (mine === asked) settled = mine;
    }
    if (mine !== asked) return; // typing went on meanwhile: a later answer is on its way
    const people = page.people.filter(p => !exclude.includes(p.person))
      .map((p, i) => [q ? closeness(p.name, q) : 0, i, p]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(r => r[2]);
    options = people.map(p => el("li", { role: "option", id: `${id}-${p.person}`, "data-person": p.person, "data-name": p.name || "", tabindex: "-1" },
      p.cover ? thumbnail(p.cover, "", 40) : "", el("span", {}, label(p)),
      el("span", { class: "count" }, plural(p.photos, "photo"), p.hidden ? " · hidden" : "")));
    if (allowNew) options.unshift(el("li", { role: "option", id: `${id}-new`, "data-new": "", tabindex: "-1", class: "new" }, el("span", { class: "plus" }, "+"),
      el("span", {}, q ? `New person “${q}”` : "New person")));
    if (!options.length) options.push(el("li", { class: "none" }, q ? `Nobody named “${q}”` : "No people yet"));
    for (const o of options) if (o.getAttribute("role")) o.addEventListener("mousedown", e => { e.preventDefault(); choose(o).catch(err => say(err.message)); });
    list.replaceChildren(...options);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    options = options.filter(o => o.getAttribute("role"));
    shownFor = q;
    mark(!q ? -1 : people.length ? (allowNew ? 1 : 0) : (allowNew ? 0 : -1));
  }
  async function enter() {
    const q = input.value.trim();
    // Typed faster than the list follows: the list for what is typed now comes first, so Enter never takes an
    // option that was made for fewer letters.
    if (shownFor !== q) { clearTimeout(timer); await refresh(); }
    else if (list.hidden) return refresh();
    if (options[active]) await choose(options[active]);
  }
  input.addEventListener("focus", () => refresh().catch(e => say(e.message)));
  // A click in the field opens the list again (closed by a pick, Escape, or a question asked meanwhile).
  input.addEventListener("click", () => { if (list.hidden && settled === asked) refresh().catch(e => say(e.message)); });
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch(e => say(e.message)), 150); });
  input.addEventListener("blur", () => setTimeout(close, 150));
  input.addEventListener("keydown", e => {
    if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, options.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (e.key === "Enter") { e.preventDefault(); enter().catch(err => say(err.message)); }
    else if (e.key === "Escape") close();
  });
  return el("div", { class: "picker", id }, input, list);
}

// The name a new person gets from the picker's typing ("New person “Ann”"), if any.
const typed = pickerNode => pickerNode.querySelector("input").value.trim();

// A question in a modal dialog: its title, what it means, and its choices ({value, text}) with Cancel last. Answers
// the value chosen, or null (Cancel, Escape). The first choice has the focus: Enter takes it.
function ask(title, text, choices) {
  return new Promise(resolve => {
    const dialog = el("dialog", { id: "ask", "aria-labelledby": "ask-title", "aria-describedby": "ask-text" },
      el("form", { method: "dialog" }, el("h2", { id: "ask-title" }, title), el("p", { id: "ask-text" }, text),
        el("div", { class: "tools" }, choices.map((c, i) => el("button", { value: c.value, class: i ? null : "primary", autofocus: i === 0 }, c.text)),
          el("button", { value: "" }, "Cancel"))));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue || null); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Merging keeps one person's name and drops the other's. Merging two named people is asked first, and the answer
// says which name stays: answers [from, into], swapped when the other name is kept, or null when not to merge.
// With an unnamed person no name is lost, and nothing is asked (the unnamed one takes the name).
async function mergeOrder(from, into) {
  if (!from.name || !into.name) return [from, into];
  const kept = await ask(`Merge ${from.name} and ${into.name}?`,
    "Their photos become one person's, under one name. Which name stays? The other is dropped.",
    [{ value: "into", text: `Merge, keep “${into.name}”` }, { value: "from", text: `Merge, keep “${from.name}”` }]);
  return kept === "into" ? [from, into] : kept === "from" ? [into, from] : null;
}

// People: a grid of faces with names and counts; unnamed people are named in place (saved on Enter or on leaving the field).
async function people(offset = 0, hidden = false) {
  const page = await api(`/people?offset=${offset}&limit=${PAGE}${hidden ? "&hidden=true" : ""}`);
  const shown = hidden ? page.people.filter(p => p.hidden) : page.people;
  const grid = el("div", { class: "grid", id: "people" }, shown.map(personCard));
  const more = page.offset + page.people.length < page.total
    ? el("button", { onclick: () => { location.hash = `#/people/${page.offset + PAGE}`; } }, "Next page") : "";
  const range = el("p", { class: "count", id: "range" }, hidden ? `${shown.length} hidden ${shown.length === 1 ? "person" : "people"}`
    : `${(page.offset + 1).toLocaleString()}-${(page.offset + page.people.length).toLocaleString()} of ${page.total.toLocaleString()}`,
    " · ", el("a", { href: hidden ? "#/people" : "#/hidden" }, hidden ? "All people" : "Hidden people"),
    " · ", el("a", { href: "#/review" }, "Faces to review"));
  show(hidden ? `Hidden people (${shown.length.toLocaleString()})` : `People (${page.total.toLocaleString()})`, range, grid, more);
}

function personCard(p) {
  const name = nameField(p, { "aria-label": `Name of ${label(p)}` });
  return el("div", { class: "card person", "data-person": p.person },
    el("a", { href: `#/person/${p.person}` }, p.cover ? thumbnail(p.cover, label(p)) : el("span", { class: "face blank" }, label(p))),
    name,
    el("div", { class: "count" }, plural(p.photos, "photo")));
}

// Person: their faces, newest photo first; rename, hide, merge into someone (picked by face and name), choose the
// cover, and select faces (click, shift-click a range, select all) to move or reject in one action.
async function person(id, age = null) {
  const detail = await api(`/people/${id}?limit=0`);
  const p = detail.person;
  // The birth day: each photo then says the age, and photos can be shown by age; saved on leaving the field or on
  // Enter, not at each change (typing a date changes it at every digit: 0002, 0020, 0201, 2015).
  let savedBirth = p.birth || "";
  const saveBirth = async () => {
    const chosen = birth.value;
    if (chosen === savedBirth) return;
    const before = savedBirth;
    savedBirth = chosen; // at once: Enter, then leaving the field, saves once
    let change;
    try {
      ({ change } = await post(`/people/${id}/birth`, { date: chosen || null }));
    } catch (error) {
      savedBirth = before;
      throw error;
    }
    go(`#/person/${id}`, chosen ? `${label(p)} born ${day(chosen)}` : `${label(p)}'s birth day removed`, [change]);
  };
  const birth = el("input", { type: "date", id: "person-birth", value: p.birth || "", max: new Date().toISOString().slice(0, 10), "aria-label": "Birth day",
    onblur: saveBirth, onkeydown: async e => { if (e.key === "Enter") await saveBirth(); } });
  const name = nameField(p, { id: "person-name", "aria-label": "Name" }, named => {
    main.querySelector("h1").textContent = named;
    document.title = `${named} - FaceAtlas`;
  });
  // Saving needs no button (leaving the field saves); it is there for those who look for one.
  const rename = el("button", { id: "rename", onclick: () => name.save() }, "Save name");
  const hide = el("button", { onclick: async () => {
    const { change } = await post(`/people/${id}/${p.hidden ? "unhide" : "hide"}`);
    if (p.hidden) go(`#/person/${id}`, `${label(p)} is shown again`, [change]);
    else go("#/people", `Hid ${label(p)}: “Hidden people” lists them`, [change]);
  } },
    p.hidden ? "Unhide" : "Hide");
  const merge = picker({ id: "merge-picker", label: "Merge into person", exclude: [id], onPick: async target => {
    const order = await mergeOrder(p, target);
    if (!order) return say("Not merged");
    const [from, into] = order;
    const { change } = await post(`/people/${into.person}/merge`, { others: [from.person] });
    go(`#/person/${into.person}`, `Merged ${label(from)} into ${label(into)}`, [change]);
  } });

  // Their photos a page at a time, newest first under year headings (pagedPhotos).
  let last = -1;
  const tiles = [];
  const grid = el("div", { class: "faces", id: "person-photos" });
  const tile = f => {
    const i = tiles.length;
    const box = el("input", { type: "checkbox", class: "pick", value: f.face, "aria-label": `Select the face of ${dated(f)}` });
    box.addEventListener("click", e => {
      if (e.shiftKey && last >= 0) for (let j = Math.min(last, i); j <= Math.max(last, i); j++) tiles[j].querySelector("input.pick").checked = box.checked;
      last = i;
      count();
    });
    const t = el("figure", { class: "card tile", "data-photo": f.photo, "data-face": f.face },
      el("label", { class: "select" }, box, thumbnail(f.face, `${label(p)}, ${dated(f)}`), f.face === p.cover ? el("span", { class: "badge" }, "cover") : "",
        videoBadge(f)),
      el("figcaption", {}, el("a", { href: `#/photo/${f.photo}` }, dateText(f, true)), f.person_age != null ? el("span", { class: "age" }, `age ${Math.floor(f.person_age)}`) : ""));
    tiles.push(t);
    return t;
  };
  const more = el("p", { class: "count more", id: "person-more" }, "Loading…");
  const first = await pagedPhotos(`/people/${id}/photos${age != null ? `?age_from=${age}&age_to=${age}` : ""}`, grid, more,
    ph => { for (const f of ph.faces) grid.append(tile(f)); }, p.birth ? ages : null);
  const selected = () => [...main.querySelectorAll("input.pick:checked")].map(c => Number(c.value));
  const chosen = el("span", { class: "count", id: "selected" });
  const selection = el("div", { class: "tools selection", hidden: true });
  function count() {
    const n = selected().length;
    chosen.textContent = n ? `${plural(n, "face")} selected` : "";
    selection.hidden = !n;
  }
  const all = el("button", { id: "select-all", onclick: () => {
    const every = selected().length < tiles.length; // the faces shown so far
    for (const t of tiles) t.querySelector("input.pick").checked = every;
    count();
  } }, "Select all");
  const move = picker({ id: "move-picker", label: "Move selected faces to", allowNew: true, exclude: [id], onPick: async target => {
    const faces = selected();
    const newName = target ? null : typed(move);
    const to = target ? target.person : null;
    const { answer: moved, change } = await post("/faces/move", { faces, to });
    const named = !target && newName ? (await post(`/people/${moved}/name`, { name: newName }).catch(() => ({}))).change : null;
    await person(id);
    say(`Moved ${plural(faces.length, "face")}`, [change, named]);
  } });
  const reject = el("button", { id: "reject", onclick: async () => {
    const faces = selected();
    const { change } = await post("/faces/reject", { faces, from: id });
    await person(id);
    say(`${plural(faces.length, "face")} ${faces.length === 1 ? "is" : "are"} not ${label(p)}`, [change]);
  } }, "Not this person");
  const cover = el("button", { id: "make-cover", onclick: async () => {
    const faces = selected();
    if (faces.length !== 1) return say("Select one face to stand for this person");
    const { change } = await post(`/people/${id}/cover`, { face: faces[0] });
    await person(id);
    say("Cover chosen", [change]);
  } }, "Use as cover");
  const notFace = el("button", { id: "not-a-face", onclick: () => notAFace(selected(), () => person(id)) }, "Not a face");
  selection.append(chosen, el("span", { class: "field" }, "Move to ", move), reject, notFace, cover);

  const span = years([{ taken: first.first_taken }, { taken: first.last_taken }]);
  // With a birth day, their photos by age: every age their dated photos span.
  const latest = age == null ? first.last_taken : (await api(`/people/${id}/photos?limit=1`)).last_taken;
  const oldest = p.birth && latest ? Math.max(0, Math.floor((new Date(latest.slice(0, 10)) - new Date(p.birth)) / 31556952000)) : 0;
  const byAge = p.birth ? el("select", { id: "person-age", "aria-label": "Photos at the age of", onchange: e => go(`#/person/${id}${e.target.value === "" ? "" : `/age-${e.target.value}`}`) },
    el("option", { value: "" }, "All ages"),
    ...Array.from({ length: Math.max(oldest, age ?? 0) + 1 }, (_, n) => el("option", { value: n, selected: n === age }, `Age ${n}`))) : "";
  show(label(p),
    el("div", { class: "tools" }, name, rename, hide, el("span", { class: "field" }, "Merge into ", merge)),
    el("div", { class: "tools" }, el("label", { class: "field" }, "Born ", birth), byAge,
      age != null ? el("span", { class: "count" }, `${plural(first.total, "photo")} at the age of ${age}`) : ""),
    el("p", { class: "count", id: "person-span" }, `${plural(p.photos, "photo")}, ${plural(p.faces, "face")}${span ? `, ${span}` : ""}${p.hidden ? " · hidden" : ""}`),
    el("div", { class: "tools" }, all, el("a", { class: "button", id: "photos-with", href: `#/photos/${id}` }, "Photos, and with whom…")), selection,
    grid, more);
}

// Photos: whole photos, newest first under year headings, a page at a time as you scroll: every photo (those with
// no face too), or those in which every person chosen appears ("the kids with grandma"); "With…" adds a person,
// the × beside a name takes them away.
async function photos(arg) {
  const ids = (arg || "").split(",").map(Number).filter(n => n > 0);
  const chosen = await Promise.all(ids.map(id => api(`/people/${id}?limit=0`).then(d => d.person)));
  const here = list => list.length ? `#/photos/${list.join(",")}` : "#/photos";
  const title = chosen.length === 0 ? "Photos" : chosen.length === 1 ? `Photos of ${label(chosen[0])}`
    : `${chosen.slice(0, -1).map(label).join(", ")} and ${label(chosen[chosen.length - 1])} together`;
  const withWho = picker({ id: "with-picker", label: "With person", exclude: ids, onPick: async target => go(here([...ids, target.person])) });
  const people = el("p", { class: "tools", id: "photos-people" }, ...chosen.map(p => el("span", { class: "chip" },
    el("a", { href: `#/person/${p.person}` }, label(p)),
    el("a", { class: "remove", href: here(ids.filter(id => id !== p.person)), "aria-label": `Without ${label(p)}`, title: `Without ${label(p)}` }, "×"))),
    el("span", { class: "field" }, chosen.length ? "With " : "Of ", withWho));
  const grid = el("div", { class: "photos", id: "photos-grid" });
  const count = el("p", { class: "count", id: "photos-count" });
  const more = el("p", { class: "count more", id: "photos-more" }, "Loading…");
  const tile = ph => el("figure", { class: "hit", "data-photo": ph.photo },
    el("a", { href: `#/photo/${ph.photo}` }, el("img", { src: `/api/photos/${ph.photo}/image?size=320`, alt: ph.name, loading: "lazy", width: 320, height: 320 })),
    el("figcaption", {}, dateText(ph, true), ph.faces.length ? el("span", { class: "count" }, ` · ${[...new Map(ph.faces.filter(f => f.person).map(f => [f.person, label(f)])).values()].join(", ") || plural(ph.faces.length, "face")}`) : ""));
  const first = await pagedPhotos(`/photos${ids.length ? `?people=${ids.join(",")}` : ""}`, grid, more, ph => grid.append(tile(ph)));
  count.textContent = first.total ? plural(first.total, "photo") : chosen.length > 1 ? "No photo holds them all yet" : "No photos yet";
  show(title, people, count, grid, more);
}

// A photo no larger than size, with boxes drawn on the given faces, placed in percent so they stay on the faces
// however the page scales the picture (set through the style object: the page's CSP refuses inline styles).
function framed(view, size, alt, faces = [view], link = false) {
  const scale = Math.min(1, size / Math.max(view.width, view.height));
  const frame = el("div", { class: "photo" }, el("img", { src: `/api/photos/${view.photo}/image?size=${size}`, alt, loading: "lazy",
    width: Math.round(view.width * scale), height: Math.round(view.height * scale) }));
  for (const f of faces) {
    const [x, y, w, h] = f.box;
    // A name tag under the face (above it near the photo's foot), from its left edge (its right one past the middle),
    // so that it stays on the photo; the link is a full tap target around the small tag.
    const place = `${x + w / 2 > view.width / 2 ? " end" : ""}${y + h > view.height * 0.85 ? " above" : ""}`;
    const box = el("div", { class: `box${place}`, "data-face": f.face },
      link && f.person ? el("a", { href: `#/person/${f.person}` }, el("span", {}, label(f) + aged(f))) : "");
    const percent = (v, of) => `${(100 * v / of).toFixed(3)}%`;
    Object.assign(box.style, { left: percent(x, view.width), top: percent(y, view.height), width: percent(w, view.width), height: percent(h, view.height) });
    frame.append(box);
  }
  return frame;
}

// Photo: every face in it, boxed, each linked to its person; when it was taken. A face the detector missed is
// drawn with the pointer (mouse, pen or finger) and given to a person; it is embedded from that box.
async function photo(id) {
  const view = await api(`/photos/${id}`);
  const frame = framed(view, 1024, view.name, view.faces, true);
  const panel = el("div", { class: "tools draw-panel", id: "draw-panel", hidden: true });
  let box = null, drawing = null;
  const draw = el("button", { id: "draw", onclick: () => {
    const on = !frame.classList.contains("drawing");
    frame.classList.toggle("drawing", on);
    draw.textContent = on ? "Cancel drawing" : "Draw a missed face";
    say(on ? "Drag a box around the face" : "");
    if (!on) { drawing?.remove(); drawing = null; panel.hidden = true; }
  } }, "Draw a missed face");
  const img = frame.querySelector("img");
  // Pointer position in pixels of the full-size photo.
  const at = e => {
    const r = img.getBoundingClientRect();
    return [Math.max(0, Math.min(view.width, (e.clientX - r.left) * view.width / r.width)), Math.max(0, Math.min(view.height, (e.clientY - r.top) * view.height / r.height))];
  };
  let start = null;
  frame.addEventListener("pointerdown", e => {
    if (!frame.classList.contains("drawing")) return;
    e.preventDefault();
    frame.setPointerCapture(e.pointerId);
    start = at(e);
    drawing?.remove();
    drawing = el("div", { class: "box drawn", id: "drawn-box" });
    frame.append(drawing);
    panel.hidden = true;
  });
  frame.addEventListener("pointermove", e => {
    if (!start || !drawing) return;
    const [x, y] = at(e);
    box = [Math.min(start[0], x), Math.min(start[1], y), Math.abs(x - start[0]), Math.abs(y - start[1])];
    const percent = (v, of) => `${(100 * v / of).toFixed(3)}%`;
    Object.assign(drawing.style, { left: percent(box[0], view.width), top: percent(box[1], view.height), width: percent(box[2], view.width), height: percent(box[3], view.height) });
  });
  frame.addEventListener("pointerup", () => {
    if (!start) return;
    start = null;
    if (!box || box[2] < 16 || box[3] < 16) { say("Draw a larger box around the face"); drawing?.remove(); drawing = null; return; }
    panel.hidden = false;
    panel.querySelector("input").focus();
  });
  const who = picker({ id: "draw-picker", label: "Whose face is it?", allowNew: true, onPick: async target => {
    const name = target ? null : typed(who) || null;
    const { answer: added } = await post(`/photos/${id}/faces`, { box: box.map(v => Math.round(v * 10) / 10), to: target ? target.person : null, name });
    await photo(id);
    say(`Face added to ${target ? label(target) : name || "a new person"}`);
    return added;
  } });
  panel.append(el("span", { class: "field" }, "Whose face is it? ", who));
  // Each face found, small, with its person and a way to say it is none (the boxes are too small to hold a button).
  const found = el("div", { class: "faces small", id: "photo-faces" }, view.faces.map(f => el("figure", { class: "tile", "data-face": f.face },
    thumbnail(f.face, f.person ? label(f) : "face in no person", 96),
    el("figcaption", {}, f.person ? el("a", { href: `#/person/${f.person}` }, label(f) + aged(f)) : "in no person"),
    el("button", { class: "not-face", onclick: () => notAFace([f.face], () => photo(id)) }, "Not a face"))));
  // A video is shown by the frame of its first face; faces are drawn on photos only.
  const video = view.duration_ms != null;
  show(view.name, el("p", { class: "count", id: "photo-date" }, view.taken ? dateText(view) : "no date",
    video ? ` · video, ${clock(view.duration_ms)}` : "", ` · ${plural(view.faces.length, "face")}`),
    video ? "" : el("div", { class: "tools" }, draw), panel, frame, view.faces.length ? found : "");
}

// Faces to review: faces in no person, grouped by likeness; each group offered to the people it most likely is,
// to someone picked, to a new person, or ignored (background strangers). A click on a face leaves it out of the
// group's answer; its date links to its photo. The ignored ones are listed below, kept up to date in place, and
// can be brought back (as a group of their own, at the top).
// Faces to review, a page of groups at a time, largest first; the next page comes as the last groups are reached
// or answered (a group already on the page is never shown twice). The first group is the one the keys answer:
// y gives it to its most likely person, i ignores it, x says it is not a face. The last answered, the page says so.
const REVIEW_PAGE = 12;
async function review() {
  const [first, ignored] = await Promise.all([api(`/review/page?limit=${REVIEW_PAGE}`), api("/review/ignored")]);
  const list = el("div", { id: "review" });
  const count = el("p", { class: "count", id: "review-count" });
  const keys = el("p", { class: "count keys" }, "Keys, for the first group: y — the person it most likely is, i — ignore, x — not a face.");
  const more = el("p", { class: "count", id: "review-more", hidden: true }, "More faces to review…");
  const shown = new Set();
  let groups = first.total_groups, faces = first.total_faces, loading = null, exhausted = false, next = null;
  const recount = () => {
    const left = list.querySelectorAll(".group").length;
    count.textContent = groups > 0 ? `${plural(faces, "face")} in no person, in ${plural(groups, "group")} of look-alikes` : "";
    keys.hidden = more.hidden = !left;
    if (!left && exhausted) list.replaceChildren(allDone());
    else more.hidden = exhausted;
  };
  const add = page => {
    for (const g of page.groups) {
      if (g.faces.some(f => shown.has(f.face))) continue;
      for (const f of g.faces) shown.add(f.face);
      list.append(reviewGroup(g, back, answered));
    }
    next = page.next;
    exhausted = next === null;
  };
  // The next page starts after the last group of the one before (by its place in the order, not by a count):
  // groups answered meanwhile leave the server's list without moving where it starts.
  const load = () => loading ??= (async () => {
    try {
      const page = await api(`/review/page?after=${encodeURIComponent(next)}&limit=${REVIEW_PAGE}`);
      groups = page.total_groups;
      faces = page.total_faces;
      add(page);
      recount();
    } finally { loading = null; }
  })();
  function answered(g) {
    groups = Math.max(0, groups - 1);
    faces = Math.max(0, faces - g.faces.length);
    recount();
    if (!exhausted && list.querySelectorAll(".group").length < 3) load().catch(e => say(e.message));
  }
  const allDone = () => el("div", { class: "card done", id: "review-done" },
    el("p", {}, el("strong", {}, "All done."), " Every face is in a person, ignored or not a face. New faces come here as photos are added."),
    el("p", {}, el("a", { href: "#/suggestions" }, "Suggestions"), " · ", el("a", { href: "#/people" }, "People")));
  const back = ignoredFaces(ignored, f => {
    list.querySelector("#review-done")?.remove();
    shown.add(f.face);
    list.prepend(reviewGroup({ faces: [f], candidates: [] }, back, answered));
    groups++;
    faces++;
    recount();
  });
  add(first);
  recount();
  show("Faces to review", count, keys, list, more, back);
  new IntersectionObserver(entries => { if (!exhausted && entries.some(e => e.isIntersecting)) load().catch(e => say(e.message)); }, { rootMargin: "600px" }).observe(more);
}

// A face's date, linked to its whole photo: to judge a face in its place.
const inPhoto = f => el("figcaption", {}, el("a", { href: `#/photo/${f.photo}`, title: "See the whole photo" }, dateText(f, true)));

// The ignored faces: a section that add(faces) and Undo keep up to date, hidden while empty; an Undo gives the face
// to brought(face).
function ignoredFaces(faces, brought) {
  const heading = el("h2", {});
  const grid = el("div", { class: "faces small" });
  const section = el("section", { id: "ignored" }, heading, grid);
  const recount = () => {
    heading.textContent = `Ignored (${grid.children.length})`;
    section.hidden = !grid.children.length;
  };
  const tile = f => {
    const t = el("figure", { class: "card tile", "data-face": f.face }, thumbnail(f.face, `ignored face, ${dated(f)}`, 96), inPhoto(f),
      el("button", { onclick: async () => {
        const { change } = await post("/faces/unignore", { faces: [f.face] });
        t.remove();
        recount();
        brought(f);
        say("Brought back: at the top of the faces to review", [change]);
      } }, "Bring back"));
    return t;
  };
  section.add = added => { grid.prepend(...added.map(tile)); recount(); };
  section.add(faces);
  return section;
}

let groupsMade = 0; // numbers each group's picker and faces apart, groups brought back included
function reviewGroup(g, ignored, answered = () => {}) {
  const n = ++groupsMade;
  const faces = g.faces.map(f => f.face);
  const left = new Set();
  const wanted = () => faces.filter(f => !left.has(f));
  const tiles = g.faces.map(f => {
    const tile = el("button", { class: "face-button", "aria-pressed": "true", title: `${dated(f)}: click to leave this face out`,
      onclick: () => {
        if (left.has(f.face)) left.delete(f.face); else left.add(f.face);
        tile.setAttribute("aria-pressed", left.has(f.face) ? "false" : "true");
      } }, thumbnail(f.face, `face ${n}.${f.face}, ${dated(f)}`, 96));
    return el("figure", { class: "tile", "data-face": f.face }, tile, inPhoto(f));
  });
  const done = async (text, changes) => { row.remove(); say(text, changes); answered(g); };
  // An answer at a time: the group is busy (inert, and no longer the one the keys answer) from the moment it is
  // answered, so a key pressed twice quickly cannot answer it twice; it is itself again if the answer failed.
  const answer = action => async (...args) => {
    if (row.classList.contains("busy")) return;
    row.classList.add("busy");
    row.inert = true;
    try {
      await action(...args);
    } finally {
      if (row.isConnected) { row.classList.remove("busy"); row.inert = false; }
    }
  };
  // target: a person ({person, name}), or null for a new one named newName if given.
  const give = answer(async (target, newName) => {
    const chosen = wanted();
    if (!chosen.length) return say("Every face of this group is left out: click a face to take it in again");
    const { answer: moved, change } = await post("/faces/move", { faces: chosen, to: target ? target.person : null });
    const named = !target && newName ? (await post(`/people/${moved}/name`, { name: newName })).change : null;
    await done(`${plural(chosen.length, "face")} to ${target ? label(target) : newName || "a new person"}`, [change, named]);
  });
  const other = picker({ id: `review-picker-${n}`, label: "Someone else", allowNew: true, onPick: async target => give(target, typed(other)) });
  const row = el("section", { class: `card group${g.faces.length > 3 ? " wide" : ""}`, "data-faces": faces.join(" ") },
    el("div", { class: "faces small" }, tiles),
    g.candidates.length ? el("div", { class: "candidates" },
      g.candidates.map(c => el("button", { class: "candidate", "data-person": c.person.person, onclick: () => give(c.person, null) },
        c.person.cover ? thumbnail(c.person.cover, "", 96) : el("span", { class: "face blank" }, "?"),
        el("span", {}, `Is this ${label(c.person)}?`), el("span", { class: "count" }, plural(c.person.photos, "photo"))))) : "",
    el("div", { class: "tools" },
      el("span", { class: "field" }, g.candidates.length ? "Someone else " : "Who is this? ", other),
      el("button", { class: "ignore", onclick: answer(async () => {
        const chosen = wanted();
        const { change } = await post("/faces/ignore", { faces: chosen });
        ignored.add(g.faces.filter(f => chosen.includes(f.face)));
        await done(`${plural(chosen.length, "face")} ignored`, [change]);
      }) }, g.faces.length === 1 ? "Ignore" : "Ignore all"),
      el("button", { class: "not-face", onclick: answer(async () => {
        const chosen = wanted();
        if (!chosen.length) return say("Every face of this group is left out: click a face to take it in again");
        await notAFace(chosen, async () => { row.remove(); answered(g); });
      }) }, "Not a face")));
  return row;
}

// Suggestions: "same person?" pairs, each person as several faces with name and photos; one click, or y / n for
// the first pair, merges or dismisses (remembered: never suggested again), and the next pair is first at once.
// Two named people are merged only once asked which name to keep. A page of pairs at a time, most alike first; the
// next page comes as the last pairs are reached or answered (a pair already on the page is never shown twice). The
// last pair answered, the page says all is done.
const SUGGESTIONS_PAGE = 12;
async function suggestions() {
  const first = await api(`/suggestions/page?limit=${SUGGESTIONS_PAGE}`);
  const faces = async p => (await api(`/people/${p.person}?limit=4`)).faces;
  const side = (p, shown) => el("div", { class: "side" },
    el("div", { class: "faces quad" }, shown.map(f => thumbnail(f.face, `${label(p)}, ${dated(f)}`, 96))),
    el("a", { href: `#/person/${p.person}` }, label(p)), el("div", { class: "count" }, plural(p.photos, "photo")));
  const card = async s => {
    const [a, b] = await Promise.all([faces(s.first), faces(s.second)]);
    const row = el("div", { class: "card suggestion", "data-first": s.first.person, "data-second": s.second.person },
      el("div", { class: "pair" }, side(s.first, a), el("div", { class: "alike" }, `${(s.similarity * 100).toFixed(0)} %`, el("br"), "alike"), side(s.second, b)),
      el("div", { class: "tools answer" },
        el("button", { class: "same", onclick: async () => {
          const order = await mergeOrder(s.second, s.first);
          if (!order) return say("Not merged");
          const [from, into] = order;
          const { change } = await post(`/people/${into.person}/merge`, { others: [from.person] });
          // the person merged away is in no other pair now: those leave the page with this one
          for (const other of list.querySelectorAll(`.suggestion[data-first="${from.person}"], .suggestion[data-second="${from.person}"]`))
            if (other !== row) other.remove();
          answered(row, `Merged into ${label(into)}`, [change]);
        } }, "Same person (y)"),
        el("button", { class: "different", onclick: async () => {
          const { change } = await post("/suggestions/dismiss", { first: s.first.person, second: s.second.person });
          answered(row, "Noted", [change]);
        } }, "Not the same (n)")));
    return row;
  };
  const list = el("div", { id: "suggestions" });
  const more = el("p", { class: "count", id: "suggestions-more", hidden: true }, "More people who may be the same…");
  const shown = new Set();
  let loading = null, exhausted = false, next = null;
  const add = async page => {
    const fresh = page.suggestions.filter(s => !shown.has(`${s.first.person}-${s.second.person}`));
    for (const s of fresh) shown.add(`${s.first.person}-${s.second.person}`);
    list.append(...await Promise.all(fresh.map(card)));
    next = page.next;
    exhausted = next === null;
    return fresh.length;
  };
  const left = () => list.querySelectorAll(".suggestion").length;
  const recount = () => {
    if (!left() && exhausted) list.replaceChildren(allDone());
    more.hidden = exhausted;
  };
  // The next page starts after the last pair of the one before (by its place in the order, not by a count): pairs
  // answered meanwhile leave the server's list without moving where it starts.
  const load = () => loading ??= (async () => {
    try {
      // a page of pairs all shown already (made again meanwhile) is passed over
      while (!await add(await api(`/suggestions/page?after=${encodeURIComponent(next)}&limit=${SUGGESTIONS_PAGE}`)) && !exhausted);
      recount();
    } finally { loading = null; }
  })();
  const allDone = () => el("div", { class: "card done", id: "suggestions-done" },
    el("p", {}, el("strong", {}, "All done."), " No more “same person?” pairs for now: new ones come as photos are added."),
    el("p", {}, el("a", { href: "#/review" }, "Faces to review"), " · ", el("a", { href: "#/people" }, "People")));
  function answered(row, words, changes) {
    row.remove();
    say(words, changes);
    recount();
    if (!exhausted && left() < 3) load().catch(e => say(e.message));
  }
  await add(first);
  recount();
  show("Same person?", list, more);
  new IntersectionObserver(entries => { if (!exhausted && entries.some(e => e.isIntersecting)) load().catch(e => say(e.message)); }, { rootMargin: "600px" }).observe(more);
}

document.addEventListener("keydown", e => {
  if (e.ctrlKey || e.altKey || e.metaKey || e.target.matches("input, textarea")
    || document.querySelector("dialog[open]")) return; // a question asked is answered in its dialog
  if (location.hash.startsWith("#/suggestions")) {
    const first = document.querySelector("#suggestions .suggestion");
    if (!first) return;
    if (e.key === "y") first.querySelector("button.same").click();
    else if (e.key === "n") first.querySelector("button.different").click();
  } else if (location.hash.startsWith("#/review")) {
    const first = document.querySelector("#review .group:not(.busy)");
    if (!first) return;
    const button = { y: "button.candidate", i: "button.ignore", x: "button.not-face" }[e.key];
    first.querySelector(button ?? ":not(*)")?.click();
  }
});

// Search: drop or choose a selfie; the photos of the person it was recognised as (newest first), then faces
// alike on their own (most alike first). The photo searched with is shown above them, read in the browser (the
// API does not say which face it used: the largest, as QueryFace.Find chooses, is said in words).
function search() {
  const input = el("input", { type: "file", id: "search-file", accept: "image/*", "aria-label": "Photo to search with" });
  const query = el("figure", { class: "card", id: "search-query", hidden: true });
  const results = el("div", { id: "search-results" });
  let shown = null; // the object URL of the photo shown; freed when another is chosen
  function showQuery(file) {
    if (shown) URL.revokeObjectURL(shown);
    shown = URL.createObjectURL(file);
    query.replaceChildren(
      el("img", { src: shown, alt: `the photo searched with, ${file.name}`, onerror: () => query.querySelector("img").replaceWith(
        el("span", { class: "face blank" }, "This browser cannot show this photo")) }),
      el("figcaption", {}, "Searched with ", el("strong", {}, file.name), el("br"), el("span", { class: "count" }, "its largest face is the one searched for")));
    query.hidden = false;
  }
  const hit = h => el("figure", { class: "card hit", "data-photo": h.photo, "data-match": h.match },
    el("a", { href: `#/photo/${h.photo}` }, el("img", { src: `/api/photos/${h.photo}/image?size=320`, alt: h.person ? `photo of ${label(h)}` : `photo ${h.photo}`, loading: "lazy" })),
    el("figcaption", {}, h.taken ? dateText(h, true) : "no date", el("span", { class: "count" }, ` · ${(h.similarity * 100).toFixed(0)} % alike`)));
  async function run(file) {
    say("Searching…");
    showQuery(file);
    results.replaceChildren();
    const form = new FormData();
    form.append("photo", file);
    try {
      const hits = await api("/search", { method: "POST", body: form });
      const mine = hits.filter(h => h.match === "person").sort((a, b) => (b.taken || "").localeCompare(a.taken || ""));
      const alike = hits.filter(h => h.match !== "person");
      const people = [...new Map(mine.map(h => [h.person, h])).values()]
        .map(h => el("a", { href: `#/person/${h.person}` }, label(h)));
      const sections = [];
      if (mine.length) sections.push(el("section", { id: "search-person" },
        el("h2", {}, "This person: ", people.flatMap((a, i) => i ? [", ", a] : [a]), el("span", { class: "count" }, ` ${plural(mine.length, "photo")}`)),
        el("div", { class: "photos" }, mine.map(hit))));
      if (alike.length) sections.push(el("section", { id: "search-alike" },
        el("h2", {}, mine.length ? "Also alike" : "Alike", el("span", { class: "count" },
          mine.length ? " faces outside this person that look much the same: check them" : " no person of the library was recognised; these faces look much the same")),
        el("div", { class: "photos" }, alike.map(hit))));
      if (!hits.length) sections.push(el("p", {}, "Nobody in the library looks like this person."));
      results.replaceChildren(...sections);
      say(plural(hits.length, "photo"));
    } catch (e) { say(e.message); }
  }
  input.addEventListener("change", () => input.files[0] && run(input.files[0]));
  const drop = el("div", { id: "drop" }, "Drop a photo here, or ", input);
  drop.addEventListener("dragover", e => e.preventDefault());
  drop.addEventListener("drop", e => { e.preventDefault(); if (e.dataTransfer.files[0]) run(e.dataTransfer.files[0]); });
  show("Find a person", drop, query, results);
}

// The changes made to people, newest first; the newest not undone can be undone, after a reload as well.
async function changes() {
  const list = await api("/history?limit=100");
  const latest = list.find(c => !c.undone);
  const when = at => new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  const rows = list.map(c => el("li", { class: "card change", "data-change": c.change },
    el("div", {}, el("span", { class: c.undone ? "undone" : "" }, c.summary), el("div", { class: "count" }, when(c.at), c.undone ? " · undone" : "")),
    c === latest ? el("button", { type: "button", class: "undo", onclick: () => undo([c.change]) }, "Undo") : null));
  show("History", ...(list.length
    ? [el("p", { class: "count" }, "Merges, moves, names and the other changes made to people, newest first. The newest can be undone, then the one before it."),
       el("ol", { id: "history" }, rows)]
    : [el("p", { class: "card done" }, "No changes yet: merges, moves, names and answers to suggestions will be listed here.")]));
}

async function status() {
  const s = await api("/status");
  const workers = s.workers.length === 0 ? [] : [el("h2", {}, "Workers"), el("table", { id: "workers" },
    el("thead", {}, el("tr", {}, ...["Machine", "Process", "Photos done", "Faces", "Photos/s", "Last heard"].map(h => el("th", {}, h)))),
    el("tbody", {}, ...s.workers.map(w => el("tr", {},
      el("td", {}, w.host), el("td", {}, String(w.pid)), el("td", {}, String(w.photos_done)), el("td", {}, String(w.faces_found)),
      el("td", {}, w.photos_per_second.toFixed(1)), el("td", {}, new Date(w.last_seen).toLocaleTimeString([], { hour12: false }))))))];
  show("Status", el("dl", {},
    el("dt", {}, "Photos"), el("dd", {}, s.photos), el("dt", {}, "Faces"), el("dd", {}, s.faces),
    el("dt", {}, "People"), el("dd", {}, s.people),
    el("dt", {}, "Catalog size"), el("dd", {}, `${(s.catalog_bytes / 1048576).toFixed(1)} MB`),
    el("dt", {}, "Indexing"), el("dd", { id: "indexing" }, !s.indexing ? "idle" : !s.progress ? "an index is running"
      : s.progress.watching ? `up to date (${s.progress.photos_total} photos); watching the folders for new photos`
      : `${s.progress.photos_done} of ${s.progress.photos_total} photos, ${s.progress.faces_found} faces so far`)),
    ...workers);
  // While an index runs, the page follows it.
  if (s.indexing) setTimeout(() => { if (location.hash === "#/status") status().catch(e => say(e.message)); }, 3000);
}

// A page whose answer takes a moment says so, in place of the page before, rather than leaving that on screen as if
// the click did nothing: the suggestions on a library's first start (everyone's average face is made first) take
// seconds. Only while the page has not shown itself: a page that shows, then loads more, is never wiped.
const waiting = {
  suggestions: ["Same person?", "Comparing everyone’s faces for people who may be the same…"],
  review: ["Faces to review", "Finding faces in no person, and who they may be…"],
};
let routed = 0;

async function route() {
  say(done, doneChanges);
  done = "";
  const [, page, arg, more] = location.hash.split("/");
  openMenu(false);
  for (const a of document.querySelectorAll("header nav a")) a.toggleAttribute("aria-current", a.getAttribute("href") === `#/${page || "people"}`);
  const turn = ++routed, before = main.firstChild;
  const slow = setTimeout(() => {
    if (turn !== routed || main.firstChild !== before) return;
    const [title, words] = waiting[page] ?? [null, "Loading…"];
    main.replaceChildren(...(title ? [el("h1", {}, title)] : []), el("p", { class: "count", id: "waiting", role: "status" }, words));
  }, 600);
  try {
    if (page === "person") await person(Number(arg), more?.startsWith("age-") ? Number(more.slice(4)) : null);
    else if (page === "photo") await photo(Number(arg));
    else if (page === "photos") await photos(arg);
    else if (page === "review") await review();
    else if (page === "suggestions") await suggestions();
    else if (page === "search") search();
    else if (page === "status") await status();
    else if (page === "history") await changes();
    else if (page === "hidden") await people(0, true);
    else await people(Number(arg) || 0);
  } catch (e) {
    say(e.message);
    main.querySelector("#waiting")?.remove(); // what was waited for failed: the message line says why
  } finally { clearTimeout(slow); }
}

// The header: the menu (one button on a phone, which opens it below the header), and the search by name, on
// every page: people by name as one types; Enter or a click goes to the person.
const header = document.querySelector("header");
const menuButton = document.getElementById("menu-button");
function openMenu(open) {
  header.classList.toggle("open", open);
  menuButton.setAttribute("aria-expanded", String(open));
}
menuButton.addEventListener("click", () => openMenu(!header.classList.contains("open")));
document.addEventListener("keydown", e => { if (e.key === "Escape" && header.classList.contains("open")) { openMenu(false); menuButton.focus(); } });
document.addEventListener("click", e => { if (!header.contains(e.target)) openMenu(false); });
const find = picker({ id: "find", label: "Find a person by name", typeFirst: true, hidden: true, placeholder: "Find a person", onPick: async target => {
  const input = find.querySelector("input");
  input.value = "";
  input.blur();
  go(`#/person/${target.person}`);
} });
document.getElementById("find").replaceWith(find);

window.addEventListener("hashchange", route);
route();
