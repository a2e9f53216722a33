// The live view in the browser: frames of the run (playground/frames.py) over the page's own
// WebSocket, drawn on canvases at the display's rate. One connection a run, shared by the views
// (metrics, boundary, network, curves) that the page mounts; every view draws the newest frame at
// the same animation frame, so they advance together. Nothing here runs the page's script, except a
// trigger when the run stops by itself (the buttons must then change).

const connections = new Map();   // "token/run" -> Connection
// Marks in the page's performance timeline, for the bench: when this module ran, the channel first opened,
// the first frame came, the boundary was first drawn.
function markOnce(name) {
  if (!performance.getEntriesByName(name).length) performance.mark(name);
}
markOnce("playground-live-loaded");
const COLUMNS = ["epoch", "train_loss", "test_loss", "train_score", "test_score"];
const MOST_POINTS = 4000;        // history points kept per curve: past that, every other older one goes
const REDUCED_MOTION = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
// A page of the class bench takes its frames but draws nothing: in a class each browser draws on its
// student's machine, not on the server's cores.
const QUIET = window.__playgroundQuiet === true;

export function parse(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const arrays = {};
  let at = 4 + n;
  for (const [name, dtype, length] of header.arrays) {
    at += (4 - (at % 4)) % 4;
    arrays[name] = dtype === "f4" ? new Float32Array(buffer, at, length) : new Uint8Array(buffer, at, length);
    at += length * (dtype === "f4" ? 4 : 1);
  }
  return {header, arrays};
}

function fromBase64(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return bytes.buffer;
}

class Connection {
  constructor(token, run) {
    this.token = token;
    this.run = run;
    this.views = new Set();
    this.history = Object.fromEntries(COLUMNS.map((c) => [c, []]));
    this.frame = null;        // the newest frame: {header, arrays}
    this.inputs = null;       // the inputs' pictures (from a key frame)
    this.lastEpoch = null;    // the last history epoch received
    this.asked = false;       // a key frame is asked for
    this.lost = false;
    this.closed = false;
    this.pending = false;
    this.wait = 250;
    this.frames = 0;          // frames drawn (for tests and the bench)
    this.predicted = null;    // the test points' predictions of the newest frame that had them: {epoch, values}
    this.known = false;       // the server has opened this run's channel once
    this.kept = null;         // the hidden neuron the page keeps focused: [layer, neuron] (from 0), or null
    this.hovered = undefined; // the hidden neuron under the pointer (null: the output), or undefined
    this.sentFocus = undefined;
    this.open();
  }

  open() {
    if (this.closed) return;
    const url = new URL("/_playground/live", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "?token=" + encodeURIComponent(this.token);
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    let opened = false;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onopen = () => {
      opened = this.known = true; this.wait = 250; markOnce("playground-channel-open");
      this.sentFocus = undefined;
      sendFocus(this);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.closed || this.lost) return;
      if (opened) { this.again(); return; }
      // Refused by a server that answers: it does not know the run. If it knew it before, the server started
      // again, or a proxy sent this browser to another one (docs/deploy/haproxy.cfg), which knows neither the
      // session nor the run: the page loads again there, with its link's settings. No answer: again later.
      fetch(new URL("/_stcore/health", window.location.href), {cache: "no-store"}).then((answer) => {
        if (!answer.ok) this.again();
        else if (this.known) window.location.reload();
        else this.gone();
      }, () => this.again());
    };
    this.socket = socket;
  }

  again() {   // the server restarted, or the network dropped: again, a little later each time
    if (this.closed || this.lost) return;
    setTimeout(() => this.open(), this.wait);
    this.wait = Math.min(2 * this.wait, 4000);
  }

  gone() {
    if (this.closed || this.lost) return;
    this.lost = true;
    this.tell();
    this.schedule();
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close();
  }

  receive(data) {
    if (typeof data === "string") {
      if (data === "lost") this.gone();
      return;
    }
    const frame = parse(data);
    const h = frame.header;
    markOnce("playground-first-frame");
    if (h.key) {
      for (const c of COLUMNS) this.history[c] = [];
      this.asked = false;
      if (frame.arrays.inputs) this.inputs = frame.arrays.inputs;
    } else if (h.after !== this.lastEpoch) {   // a frame went missing: the curves need the whole history
      if (!this.asked && this.socket.readyState === 1) { this.socket.send("key"); this.asked = true; }
      if (this.lastEpoch === null) return;
    }
    const rows = frame.arrays.rows;
    for (let i = 0; i < rows.length; i += COLUMNS.length) {
      COLUMNS.forEach((c, k) => this.history[c].push(rows[i + k]));
    }
    if (rows.length) this.lastEpoch = rows[rows.length - COLUMNS.length];
    this.thin();
    if (frame.arrays.predicted) this.predicted = {epoch: h.epoch, batch: h.batch, batches: h.batches, values: frame.arrays.predicted};
    this.frame = frame;
    this.tell();
    this.schedule();
  }

  tell() {   // the views that act on a frame's news (the run stopped by itself), drawn or not
    for (const view of this.views) if (view.hear) view.hear(this);
  }

  thin() {
    const n = this.history.epoch.length;
    if (n <= MOST_POINTS) return;
    const old = n >> 1;
    for (const c of COLUMNS) {
      const column = this.history[c];
      this.history[c] = column.filter((_, i) => i >= old || i % 2 === 0);
    }
  }

  schedule() {
    if (QUIET) {   // nothing drawn; the page still hears that a frame came, as when it is drawn
      this.frames += 1;
      for (const view of this.views) if (view.kind === "ready") view.draw(this);
      return;
    }
    if (this.pending) return;
    this.pending = true;
    const draw = () => {
      this.pending = false;
      this.frames += 1;
      for (const view of this.views) view.draw(this);
    };
    if (REDUCED_MOTION) setTimeout(() => requestAnimationFrame(draw), 500);   // at most 2 frames a second
    else requestAnimationFrame(draw);
  }
}

// When the page around the live view changes height (a message, the metrics' first frame), the parts fit again.
if (window.ResizeObserver) {
  const refit = new ResizeObserver(() => { for (const c of connections.values()) if (c.frame) c.schedule(); });
  refit.observe(document.querySelector("[data-testid='stMainBlockContainer']") || document.body);
}

function connect(token, run) {
  const key = token + "/" + run;
  let connection = connections.get(key);
  if (!connection) {
    for (const [other, c] of connections) {   // the page now shows another run: its connection goes
      if (!c.views.size) { c.close(); connections.delete(other); }
    }
    connection = new Connection(token, run);
    connections.set(key, connection);
  }
  return connection;
}

// ---- one neuron on the plane
// The plane shows the focused hidden neuron's output: the one under the pointer in the network view while it is
// there, else the one the page keeps (a click, the selector `focus_neuron`). The worker puts its picture in the frames
// (frames.focus_picture) once the channel says which: "focus LAYER NEURON", or "focus" for none.
function wantedFocus(connection) {
  return connection.hovered !== undefined ? connection.hovered : connection.kept;
}

function sendFocus(connection) {
  if (connection.readonly) return;   // a run shown read-only (a class's projector): its own page chooses
  const wanted = wantedFocus(connection), text = wanted ? `focus ${wanted[0]} ${wanted[1]}` : "focus";
  if (text === connection.sentFocus || !connection.socket || connection.socket.readyState !== 1) return;
  connection.socket.send(text);
  connection.sentFocus = text;
}

// The network view's node under a pointer event: {c, j} (column, from the inputs; neuron), or null.
function nodeAt(view, event) {
  const L = view.nodesAt;
  if (!L || !view.size) return null;
  const rect = view.size.canvas.getBoundingClientRect(), px = event.clientX - rect.left, py = event.clientY - rect.top;
  for (const column of L.nodes) {
    for (const node of column) {
      if (px >= node.x && px <= node.x + L.tile && py >= node.y && py <= node.y + L.tile) return node;
    }
  }
  return null;
}

// A node as a focus: a hidden neuron's [layer, neuron]; null for an output neuron; undefined for an input.
function nodeFocus(view, node) {
  if (!node || node.c === 0) return undefined;
  return node.c === view.nodesAt.nodes.length - 1 ? null : [node.c - 1, node.j];
}

// The pointer over the network view (event null: it left): the neuron under it shows on the plane while it is there.
function focusHover(view, event) {
  const connection = view.connection;
  if (!connection || view.data.past || view.data.readonly) return;
  const focus = event ? nodeFocus(view, nodeAt(view, event)) : undefined;
  if (JSON.stringify(focus) === JSON.stringify(connection.hovered)) return;
  connection.hovered = focus;
  sendFocus(connection);
  connection.schedule();
}

// A click on a neuron of the network view keeps it on the plane (the page's selector follows); on an output
// neuron, the plane shows the network's output again.
function focusClick(view, event) {
  const focus = nodeFocus(view, nodeAt(view, event));
  if (focus !== undefined) keepFocus(view, focus);
}

function keepFocus(view, focus) {
  const connection = view.connection;
  if (view.data.readonly) return;
  connection.kept = focus;
  if (focus === null) connection.hovered = undefined;
  sendFocus(connection);
  connection.schedule();
  view.trigger("focus", {neuron: focus, time: Date.now()});
}

function focusName(view, focus) {
  return fill(view.data.labels.focus_name, {layer: focus.layer + 1, neuron: focus.neuron + 1, activation: focus.activation});
}

// A byte of the focused neuron's picture as its value, and as its colour: the network view's colours for its
// pictures, white in the middle of its scale.
function focusLevel(focus, v) { return focus.low + v / 255 * (focus.high - focus.low); }
function focusColor(view, v) {
  const u = v / 127.5 - 1;
  return mix(view.data.focus_colors[u > 0 ? 1 : 0], Math.min(1, Math.abs(u)));
}

function paintFocus(view, frame) {
  const focus = frame.header.focus, values = frame.arrays.focus, n = frame.header.boundary.side;
  view.image.width = n;
  view.image.height = n;
  const g = view.image.getContext("2d"), pixels = g.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const rgb = focus.finite ? focusColor(view, values[i]) : [209, 213, 219];
    pixels.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
  }
  g.putImageData(pixels, 0, 0);
}

// The legend of a focused neuron: its name, and its colour scale with the values at its ends, as text.
function focusLegend(view, focus) {
  const name = document.createElement("span"), scale = document.createElement("span"), bar = document.createElement("i");
  name.textContent = focusName(view, focus);
  name.style.fontWeight = "600";
  bar.className = "bar";
  bar.style.background = `linear-gradient(90deg, ${[0, 127.5, 255].map((v) => `rgb(${focusColor(view, v)})`).join(", ")})`;
  scale.append(document.createTextNode(short(focus.low, 2) + " "), bar, document.createTextNode(short(focus.high, 2)));
  view.legend.replaceChildren(name, scale);
}

function focusSentence(view, frame) {
  const focus = frame.header.focus, values = frame.arrays.focus, words = view.data.labels;
  let least = 255, most = 0;
  for (const v of values) { least = Math.min(least, v); most = Math.max(most, v); }
  return fill(words.focus_alt, {name: focusName(view, focus), epoch: frame.header.epoch, least: short(focusLevel(focus, least), 2),
    most: short(focusLevel(focus, most), 2), low: short(focus.low, 2), high: short(focus.high, 2)});
}

function focusAt(view, frame, x, y) {   // the focused neuron's byte nearest (x, y)
  const n = frame.header.boundary.side, a = view.area();
  const col = Math.round((x - a.x0) / (a.x1 - a.x0) * (n - 1)), row = Math.round((a.y1 - y) / (a.y1 - a.y0) * (n - 1));
  return frame.arrays.focus[Math.max(0, Math.min(n - 1, row)) * n + Math.max(0, Math.min(n - 1, col))];
}

function focusValue(view, frame, x, y) {
  const focus = frame.header.focus;
  return fill(view.data.labels.focus_value,
    {name: focusName(view, focus), value: short(focusLevel(focus, focusAt(view, frame, x, y)), 2)});
}

const FOCUS_TABLE = 6;   // the focused neuron's table: its output at FOCUS_TABLE × FOCUS_TABLE places of the plane
function focusTable(view, frame) {
  const d = view.data, focus = frame.header.focus, a = view.area();
  const at = (low, high) => Array.from({length: FOCUS_TABLE}, (_, i) => low + i / (FOCUS_TABLE - 1) * (high - low));
  const xs = at(a.x0, a.x1), ys = at(a.y1, a.y0);
  return {caption: fill(d.labels.focus_table, {name: focusName(view, focus), epoch: frame.header.epoch}),
    head: ["x2 \\ x1", ...xs.map((x) => short(x, 2))],
    rows: ys.map((y) => [short(y, 2), ...xs.map((x) => short(focusLevel(focus, focusAt(view, frame, x, y)), 2))])};
}

// The network view's frame around the neuron whose picture the plane shows.
function markFocus(g, L, frame) {
  const focus = frame.arrays.focus && frame.header.focus, column = focus && L.nodes[focus.layer + 1];
  const node = column && column[focus.neuron];
  if (!node) return;
  g.strokeStyle = ink().text;
  g.lineWidth = 3;
  g.strokeRect(node.x - 2.5, node.y - 2.5, L.tile + 5, L.tile + 5);
}

// Esc: the plane shows the network's output again (not while the key is a field's, an open list's or a dialog's).
function escapeTaken(target) {
  if (!target || !target.closest) return false;
  const closedList = target.getAttribute("role") === "combobox" && target.getAttribute("aria-expanded") !== "true";
  return (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && !closedList)
    || !!target.closest("[role='dialog'], [role='listbox'], [role='menu']");
}
if (!window.__playgroundFocusKeys) {
  window.__playgroundFocusKeys = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || escapeTaken(event.composedPath()[0])) return;
    for (const connection of connections.values()) {
      const network = [...connection.views].find((view) => view.kind === "network");
      if (network && (connection.kept || connection.hovered)) keepFocus(network, null);
    }
  });
}

// ---- formatting

export function short(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  const size = Math.abs(value);
  if (size !== 0 && (size >= 1e5 || size < 1e-4)) {
    return value.toExponential(1).replace("e+", "e").replace(/-/g, "−");
  }
  return value.toFixed(digits).replace("-", "−");   // a minus sign, as in print, never a hyphen
}

function mix(hex, amount) {   // hex colour blended with white: amount 0 white, 1 the colour
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return c.map((v) => Math.round(255 + (v - 255) * amount));
}

function lerpScale(stops, t) {   // stops [[position, "#rrggbb"], ...]
  for (let i = 1; i < stops.length; i++) {
    if (t <= stops[i][0] || i === stops.length - 1) {
      const [p0, c0] = stops[i - 1], [p1, c1] = stops[i];
      const u = Math.max(0, Math.min(1, (t - p0) / (p1 - p0 || 1)));
      const a = mix(c0, 1), b = mix(c1, 1);
      return a.map((v, k) => Math.round(v + (b[k] - v) * u));
    }
  }
  return [255, 255, 255];
}

// A point's mark: a circle of radius r (polygon null), or the polygon (in units of r, y downwards) at (x, y); its
// fill in `color`, its outline in `outline`, and for a test point a dot in the middle (as plotly's "-dot" symbols).
function drawMark(g, polygon, x, y, r, color, outline, dot) {
  g.beginPath();
  if (!polygon) g.arc(x, y, r, 0, 2 * Math.PI);
  else {
    polygon.forEach(([u, v], i) => (i ? g.lineTo(x + u * r, y + v * r) : g.moveTo(x + u * r, y + v * r)));
    g.closePath();
  }
  g.fillStyle = color;
  g.fill();
  g.lineWidth = 1;
  g.strokeStyle = outline;
  g.stroke();
  if (dot) {
    g.beginPath();
    g.arc(x, y, Math.max(1.2, r * 0.38), 0, 2 * Math.PI);
    g.fillStyle = outline;
    g.fill();
  }
}

function canvasIn(el, height, least = 0) {   // least: a width the canvas keeps, wider than its part (it scrolls)
  let canvas = el.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.style.display = "block";
    canvas.style.width = "100%";
    el.appendChild(canvas);
  }
  const ratio = window.devicePixelRatio || 1;
  const room = Math.max(120, el.clientWidth || 300), width = Math.max(room, Math.ceil(least));
  canvas.style.width = width > room ? width + "px" : "100%";
  canvas.style.height = height + "px";
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  return {canvas, g, width, height};
}

// A click on a training point opens the step-through on that example, below the live part (step_through.py): once
// the page's script has drawn it there, whole, the step-through is scrolled into view, so that its numbers appear
// where the teacher looks. Checked each frame for at most 30 s (the script may wait for the run's worker); a newer
// click takes over.
let stepWanted = 0;
function showStepThrough(i) {
  const wanted = ++stepWanted, until = performance.now() + 30000;
  const look = () => {
    if (wanted !== stepWanted || performance.now() > until) return;
    const box = document.querySelector(".st-key-step_through");
    const input = box && box.querySelector(".st-key-step_index input");
    const done = document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']");
    if (done && input && Number(input.value) === i) box.scrollIntoView({block: "start", behavior: REDUCED_MOTION ? "auto" : "smooth"});
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

// A part's height: what it asks for, or less where the screen ends sooner below its top (a projector's first
// screen holds the whole live view), never less than `least`.
function fitted(view, least) {
  // Its top on the page's first screen, however far the page is scrolled (Streamlit scrolls stMain, not the window).
  const main = document.querySelector("[data-testid='stMain']");
  const top = view.el.getBoundingClientRect().top + window.scrollY + (main ? main.scrollTop : 0);
  const height = Math.round(Math.max(least, Math.min(view.data.height, window.innerHeight - top - 12)));
  if (view.height === undefined || Math.abs(height - view.height) > 2) view.height = height;
  return view.height;
}

// Text in lines no wider than `room` (at the context's font): broken at spaces, or anywhere in a text without them.
function wrap(g, text, room) {
  const spaced = text.includes(" "), words = spaced ? text.split(" ") : [...text], lines = [""];
  for (const word of words) {
    const line = lines[lines.length - 1], next = line + (line && spaced ? " " : "") + word;
    if (g.measureText(next).width > room && line) lines.push(word);
    else lines[lines.length - 1] = next;
  }
  return lines;
}
// The page's theme, light or dark (Streamlit's, which its components get as CSS variables), and the ink the charts
// draw their text and lines in on it: 4.5:1 for text and 3:1 for lines, on either background. The page's own style
// (ui/page.py) reads the theme from the root element's data-playground-theme.
const INKS = {
  light: {text: "#111111", muted: "#374151", faint: "#4b5563", grid: "#e5e7eb", frame: "#6b7280"},
  dark: {text: "#fafafa", muted: "#d1d5db", faint: "#9ca3af", grid: "#374151", frame: "#6b7280"},
};
let themeName = null;
function luminance(color) {   // "#rrggbb" or "rgb(r, g, b)": the relative luminance, or null
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim()), rgb = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  const c = hex ? [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) : rgb ? rgb.slice(1, 4).map(Number) : null;
  if (!c) return null;
  const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
// The theme as the part's element sees it; a change (the settings menu, the system's preference) redraws the views.
function readTheme(el) {
  const background = getComputedStyle(el).getPropertyValue("--st-background-color");
  const l = luminance(background || "");
  const name = l !== null && l < 0.2 ? "dark" : "light";
  if (name !== themeName) {
    themeName = name;
    document.documentElement.setAttribute("data-playground-theme", name);
    for (const c of connections.values()) {
      for (const view of c.views) view.el.classList.toggle("dark", name === "dark");
      if (c.frame) c.schedule();
    }
  }
  el.classList.toggle("dark", name === "dark");
  return name;
}
function ink() { return INKS[themeName || "light"]; }
setInterval(() => {   // the theme can change without a frame or a run of the page's script
  const el = [...connections.values()].flatMap((c) => [...c.views]).map((v) => v.el).find((e) => e.isConnected);
  if (el) readTheme(el);
}, 1000);

function font(data, size) {
  return `${Math.round(size * (data.scale || 1))}px "Source Sans Pro", "Noto Sans CJK SC", sans-serif`;
}

// A sentence from a template of the page's language: "{epoch}" and the like replaced by their values.
export function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

let described = 0;
// A chart's canvas as an image for assistive technology: its accessible name, and a short text alternative that
// follows the run (a visually hidden sentence the canvas is described by).
function describe(view, canvas, name, sentence) {
  if (!view.alt) {
    view.alt = document.createElement("p");
    view.alt.className = "alt";
    view.alt.id = "live-alt-" + (++described);
  }
  if (view.alt.parentNode !== view.el) view.el.appendChild(view.alt);
  if (canvas.getAttribute("role") !== "img") canvas.setAttribute("role", "img");
  if (canvas.getAttribute("aria-label") !== name) canvas.setAttribute("aria-label", name);
  if (canvas.getAttribute("aria-describedby") !== view.alt.id) canvas.setAttribute("aria-describedby", view.alt.id);
  if (view.alt.textContent !== sentence) view.alt.textContent = sentence;
}

// A chart's numbers as a table, one key press away: a button at the part's top right (Tab reaches it; Enter or
// Space opens it) shows the table below the chart, and hides it again. The view gives the tables (`tables()`:
// [{caption, head, rows}], the first cell of a row its header), rebuilt with the frames at most once a second while
// open. The button's visible word is in its accessible name, which says whose table it is.
const NOT_FINITE = 255;   // a test point's predicted class when the outputs were not finite (frames.py)
const OFF_GREY = "#808080";   // a switched-off neuron and its links
let tableCount = 0;
class DataTable {
  constructor(view) {
    this.view = view;
    this.open = false;
    this.builtAt = -Infinity;
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "table-button";
    this.button.setAttribute("aria-expanded", "false");
    this.box = document.createElement("div");
    this.box.className = "table-box";
    this.box.id = "live-table-" + (++tableCount);
    this.box.hidden = true;
    this.box.tabIndex = 0;   // it scrolls: the keyboard reaches it
    this.box.setAttribute("role", "region");
    this.button.setAttribute("aria-controls", this.box.id);
    this.button.addEventListener("click", () => this.toggle());
  }

  // Its button and box in the part (once: moving an element would lose its focus), its words in the page's language.
  place(name) {
    const el = this.view.el, words = this.view.data.table || {};
    if (this.button.parentNode !== el) el.appendChild(this.button);
    if (this.box.parentNode !== el) el.appendChild(this.box);
    if (this.button.textContent !== words.button) this.button.textContent = words.button || "";
    const label = fill(words.name, {chart: name});
    if (this.button.getAttribute("aria-label") !== label) this.button.setAttribute("aria-label", label);
    if (this.box.getAttribute("aria-label") !== label) this.box.setAttribute("aria-label", label);
  }

  toggle() {
    this.open = !this.open;
    this.button.setAttribute("aria-expanded", String(this.open));
    this.box.hidden = !this.open;
    if (this.open) this.update(true); else this.box.replaceChildren();
  }

  update(now) {
    if (!this.open) return;
    const wait = this.builtAt + 1000 - performance.now();
    if (!now && wait > 0) {   // built less than a second ago: again once the second is over, with the newest numbers
      if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.update(true); }, wait);
      return;
    }
    clearTimeout(this.timer);
    this.timer = null;
    this.builtAt = performance.now();
    const cell = (tag, text, scope) => {
      const c = document.createElement(tag);
      c.textContent = text;
      if (scope) c.setAttribute("scope", scope);
      return c;
    };
    this.box.replaceChildren(...this.view.tables().map(({caption, head, rows}) => {
      const table = document.createElement("table"), top = document.createElement("tr");
      table.appendChild(cell("caption", caption));
      head.forEach((text) => top.appendChild(cell("th", text, "col")));
      const thead = document.createElement("thead"), tbody = document.createElement("tbody");
      thead.appendChild(top);
      for (const row of rows) {
        const tr = document.createElement("tr");
        row.forEach((text, i) => tr.appendChild(i ? cell("td", text) : cell("th", text, "row")));
        tbody.appendChild(tr);
      }
      table.append(thead, tbody);
      return table;
    }));
  }
}

// Space plays and pauses, S steps: Streamlit's shortcuts of the run buttons, which it leaves alone while the focus is
// in any input. Here they act as well while the focus is in a slider, a checkbox or a switch (S only: Space is
// theirs), or a select whose list is closed; never in a text or number field, nor in a select's open list.
function shortcutTaken(target, space) {
  if (!target || target.tagName !== "INPUT") return false;   // elsewhere Streamlit's own shortcut acts
  if (target.type === "range") return true;
  if (target.type === "checkbox" || target.type === "radio") return !space;
  return target.getAttribute("role") === "combobox" && target.getAttribute("aria-expanded") !== "true";
}
// And Space on a focused button, tab, switch or link is that control's own: it presses it (Streamlit's shortcut took it
// for Play). Streamlit's shortcuts are hotkeys-js's (window.hotkeys), which asks its `filter` about every key.
function ownSpace(event) {
  const target = event.key === " " && event.composedPath()[0];
  if (!target || !target.closest || target.closest(".st-key-play")) return false;
  return ["BUTTON", "A", "SUMMARY"].includes(target.tagName)
    || ["button", "tab", "switch", "checkbox", "radio", "link", "menuitem", "option"].includes(target.getAttribute("role"));
}
const hotkeys = window.hotkeys;
if (hotkeys && !hotkeys.__playground) {
  hotkeys.__playground = true;
  let filter = hotkeys.filter;
  Object.defineProperty(hotkeys, "filter", {configurable: true, set: (f) => { filter = f; },
    get: () => function (event) { return !ownSpace(event) && (filter ? filter.call(this, event) : true); }});
}
if (!window.__playgroundShortcuts) {
  window.__playgroundShortcuts = true;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.isComposing) return;
    const space = event.key === " ", step = event.key === "s" || event.key === "S";
    if (!(space || step) || !shortcutTaken(event.composedPath()[0], space)) return;
    event.preventDefault();
    if (event.repeat) return;
    const button = [...document.querySelectorAll(space ? ".st-key-play button" : ".st-key-step button")]
      .find((b) => b.offsetParent !== null);
    if (button && !button.disabled) button.click();
  }, true);
}

// Streamlit's own accessible names and placeholders ("Help for …", "Shortcut Space", "Clear all", …) in the page's
// language: the page gives their translations (live.py, `streamlit_words`), and an observer puts them in whenever
// Streamlit writes one. What Streamlit wrote is kept beside it, so that another language starts from it again.
const NAMED = ["aria-label", "placeholder"];
let pageWords = [], wordsKey = null;
function translated(text) {
  for (const word of pageWords) {
    const m = word.pattern.exec(text);
    if (m) return fill(word.there, Object.fromEntries(word.names.map((name, i) => [name, m[i + 1]])));
  }
  return text;
}
function relabelOne(e) {
  for (const attribute of NAMED) {
    const value = e.getAttribute(attribute);
    if (value === null) continue;
    const wrote = e.getAttribute("data-playground-wrote-" + attribute);
    const original = wrote !== null && value === wrote ? e.getAttribute("data-playground-" + attribute) : value;
    const text = translated(original);
    if (text === value) continue;
    e.setAttribute("data-playground-" + attribute, original);
    e.setAttribute("data-playground-wrote-" + attribute, text);
    e.setAttribute(attribute, text);
  }
}
function relabel(root) {
  if (root.matches && root.matches("[aria-label], [placeholder]")) relabelOne(root);
  for (const e of root.querySelectorAll("[aria-label], [placeholder]")) relabelOne(e);
}
function useWords(words) {
  const key = JSON.stringify(words || []);
  if (key === wordsKey) return;
  wordsKey = key;
  pageWords = (words || []).map(([english, there]) => {
    const names = [];
    const source = english.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_whole, name) => {
      names.push(name);
      return "(.+)";
    });
    return {pattern: new RegExp("^" + source + "$"), names, there};
  });
  relabel(document);
  if (!window.__playgroundRelabel) {
    window.__playgroundRelabel = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") relabelOne(r.target);
        else for (const node of r.addedNodes) if (node.nodeType === 1) relabel(node);
      }
    });
    window.__playgroundRelabel.observe(document.body, {subtree: true, childList: true, attributes: true,
      attributeFilter: NAMED});
  }
}

// ---- views

const SAY_EVERY = 2000;   // ms: the live region speaks no more often than this
// What the live region said, for the tests: [{text, time}].
const said = (window.__playgroundSaid = window.__playgroundSaid || []);

class Metrics {
  constructor(el) {
    this.el = el;
    // A polite live region: what happens to the run, in a sentence (Playing, Paused at epoch 342, ...).
    this.status = document.createElement("div");
    this.status.className = "alt";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.spokeAt = -Infinity;
  }

  say(text) {   // at most once every SAY_EVERY ms: a sentence that comes sooner waits, and a newer one replaces it
    clearTimeout(this.sayTimer);
    const speak = () => {
      this.spokeAt = performance.now();
      this.status.textContent = text;
      said.push({text, time: this.spokeAt});
    };
    const wait = this.spokeAt + SAY_EVERY - performance.now();
    if (wait <= 0) speak(); else this.sayTimer = setTimeout(speak, wait);
  }

  // The run's news in the live region: a change of mode (play, pause, a step done, a divergence), a goal reached.
  news(connection) {
    const h = connection.frame && connection.frame.header, labels = this.data.labels;
    if (!h) return;
    // A run first seen playing (a new run that Play started) was paused before.
    const before = connection.spokenMode === undefined ? "paused" : connection.spokenMode;
    connection.spokenMode = h.mode;
    if (before === h.mode) return;
    if (h.mode === "playing") this.say(labels.said_playing);
    else if (h.mode === "paused" && h.diverged) this.say(labels.said_diverged);
    else if (h.mode === "paused") this.say(fill(before === "stepping" ? labels.said_stepped : labels.said_paused, {epoch: h.epoch}));
  }

  draw(connection) {
    const data = this.data;
    const frame = data.past ? this.past : connection.frame;
    if (!frame) return;
    const h = frame.header;
    const latest = h.latest || {};
    const items = [[data.labels.epoch, String(h.epoch)], [data.labels.train_loss, short(latest.train_loss)],
      [data.labels.test_loss, short(latest.test_loss)], [data.labels.train_score, short(latest.train_score, 3)],
      [data.labels.test_score, short(latest.test_score, 3)]];
    if (!this.cells) {
      this.el.innerHTML = "";
      const row = document.createElement("div");
      row.className = "metrics";
      this.cells = items.map(([label], i) => {
        const cell = document.createElement("div");
        cell.className = "metric";
        const name = document.createElement("div");
        name.className = "label";
        const value = document.createElement("div");
        value.className = "value";
        cell.append(name, value);
        row.appendChild(cell);
        return {name, value};
      });
      this.note = document.createElement("div");
      this.note.className = "note";
      this.el.replaceChildren(row, this.note, this.status);
    }
    items.forEach(([label, value], i) => {
      this.cells[i].name.textContent = label;
      this.cells[i].value.textContent = value;
    });
    this.cells[0].value.setAttribute("data-live-epoch", String(h.epoch));
    this.note.textContent = h.mode !== "paused" && h.batch && !data.past
      ? data.labels.under_way.replace("{epoch}", h.epoch + 1).replace("{batch}", h.batch).replace("{batches}", h.batches)
      : "";
  }

  hear(connection) {
    if (!this.status.parentNode) this.el.appendChild(this.status);
    this.news(connection);
    // The run stopped by itself (a step done, a divergence, a lost worker): the page's buttons must say so.
    const h = connection.frame && connection.frame.header;
    const stopped = connection.lost || (h && this.data.mode !== "paused" && h.mode === "paused" && h.seq > this.startSeq);
    if (stopped && !this.told) {
      this.told = true;
      this.trigger("stopped", connection.lost ? "lost" : h.seq);
    }
    // A challenge's goal reached, or its epochs over: the banner must say so.
    const g = this.data.goal, latest = h && h.latest;
    if (g && latest && !this.toldGoal) {
      const v = latest[g.column];
      const reached = v !== null && h.epoch >= 1 && h.epoch <= g.epochs && (g.higher ? v >= g.target : v <= g.target);
      if (reached || h.epoch > g.epochs) {
        this.toldGoal = true;
        const goal = JSON.stringify(g);
        if (reached && connection.solved !== goal) {   // said once for a goal, however often the page runs
          connection.solved = goal;
          this.say(fill(this.data.labels.said_solved, {epoch: h.epoch}));
        }
        this.trigger("stopped", "goal " + h.seq);
      }
    }
  }
}

class Plane {
  constructor(el) {
    this.el = el;
    this.image = document.createElement("canvas");
    el.addEventListener("click", (event) => this.click(event));
    el.addEventListener("mousemove", (event) => this.hover(event));
    el.addEventListener("mouseleave", () => { this.tip.style.display = "none"; });
    this.tip = document.createElement("div");
    this.tip.className = "tip";
    this.legend = document.createElement("div");
    this.legend.className = "legend";
    // The cross-hair's place and what the network predicts there, said when it moves (the tip shows it too).
    this.readout = document.createElement("p");
    this.readout.className = "alt";
    this.readout.setAttribute("aria-live", "polite");
    el.append(this.legend, this.tip, this.readout);
    this.table = new DataTable(this);
    this.cross = null;   // the keyboard's cross-hair on the plane: {x, y}, shown while the plane has the focus
  }

  // The test points, their class (or value) and what the network predicts for each, at the epoch of the newest
  // frame that carried the predictions (a paused, stepped or replayed run's).
  tables() {   // the focused neuron's picture in numbers, then the test points'
    const frame = this.data.past ? this.past : this.connection.frame;
    return [...(frame && frame.arrays.focus ? [focusTable(this, frame)] : []), ...this.pointTables()];
  }

  pointTables() {
    const d = this.data, words = d.table, points = d.test;
    if (!points) return [];
    const predicted = d.past ? (this.past.arrays.predicted ? {epoch: this.past.header.epoch, batch: 0, values: this.past.arrays.predicted} : null)
      : this.connection.predicted;
    const fits = predicted && predicted.values.length === points.x.length;
    const name = (k) => d.regression ? short(k, 3) : k === NOT_FINITE ? "—" : String((d.classes || [])[k] ?? k);
    const rows = points.x.map((x, i) => [String(i + 1), short(x, 2), short(points.y[i], 2), name(points.label[i]),
      fits ? name(predicted.values[i]) : "—"]);
    // A run paused within an epoch: its weights, and so the predictions, are some batches past that epoch's.
    const caption = !fits ? words.test_waiting : predicted.batch ? fill(words.test_within, predicted) : fill(words.test, predicted);
    return [{caption, head: [words.number, "x1", "x2", d.regression ? words.target : words.class, words.predicted], rows}];
  }

  // What the network predicts at (x, y), from the frame's picture of the plane, in words; null without a picture.
  prediction(frame, x, y) {
    const d = this.data, words = d.table, b = frame && frame.header.boundary;
    if (!b) return null;
    if (frame.arrays.focus) return focusValue(this, frame, x, y);
    if (!b.finite) return d.labels.not_finite;
    const n = b.side, a = this.area();
    const col = Math.round((x - a.x0) / (a.x1 - a.x0) * (n - 1)), row = Math.round((a.y1 - y) / (a.y1 - a.y0) * (n - 1));
    const v = frame.arrays.boundary[Math.max(0, Math.min(n - 1, row)) * n + Math.max(0, Math.min(n - 1, col))];
    const classes = d.classes || [];
    if (b.kind === "value") return fill(words.predicts_value, {value: short(d.range[0] + v / 255 * (d.range[1] - d.range[0]), 2)});
    if (b.kind === "probability") {
      const p = v / 255;
      return fill(words.predicts_probability, {class: classes[p >= 0.5 ? 1 : 0] ?? "", positive: classes[1] ?? "", p: short(p, 2)});
    }
    const k = Math.max(classes.length, 2), cls = v >> 4;
    return fill(words.predicts_class, {class: classes[cls] ?? cls, p: short(1 / k + (v & 15) / 15 * (1 - 1 / k), 2)});
  }

  // The keyboard on the plane: arrow keys move the cross-hair (with Shift, in smaller steps); Enter adds a point of
  // the chosen class in draw mode, or opens the training point nearest the cross-hair in the step-through in look
  // mode; Delete (or Backspace) removes the point nearest it in erase mode.
  keys(canvas) {
    if (canvas.__keys) return;
    canvas.__keys = true;
    canvas.tabIndex = 0;
    // Shown when the keyboard brought the focus, or once a key is pressed; a click hides it, and puts it where it was.
    canvas.addEventListener("focus", () => {
      this.cross = this.cross || this.centre();
      this.crossShown = canvas.matches(":focus-visible");
      this.redraw();
    });
    canvas.addEventListener("blur", () => { this.focused = false; this.tip.style.display = "none"; this.redraw(); });
    canvas.addEventListener("mousedown", (event) => {
      const where = this.at(event);
      if (where) this.cross = {x: where.x, y: where.y};
      this.crossShown = false;
    });
    canvas.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Tab" || event.key === " " || event.key === "Shift") return;
      this.crossShown = true;
      const a = this.area(), step = (event.shiftKey ? 0.01 : 0.05) * (a.x1 - a.x0);
      const move = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]}[event.key];
      const mode = this.data.drawing ? this.data.mode : "look";
      this.cross = this.cross || this.centre();
      if (move) {
        this.cross = {x: Math.max(a.x0, Math.min(a.x1, this.cross.x + move[0] * step)),
                      y: Math.max(a.y0, Math.min(a.y1, this.cross.y + move[1] * step))};
      } else if (event.key === "Enter" && mode === "draw") {
        this.trigger("click", {kind: "plane", x: this.cross.x, y: this.cross.y, time: Date.now()});
      } else if ((event.key === "Delete" || event.key === "Backspace") && mode === "erase") {
        this.trigger("click", {kind: "plane", x: this.cross.x, y: this.cross.y, time: Date.now()});
      } else if (event.key === "Enter" && mode === "look" && !this.data.readonly) {
        const i = this.closest(this.cross);
        if (i < 0) return;
        this.trigger("click", {meta: "train", customdata: i, time: Date.now()});
        showStepThrough(i);
      } else return;
      event.preventDefault();
      this.redraw();
    });
  }

  centre() {
    const a = this.area();
    return {x: +((a.x0 + a.x1) / 2).toFixed(2), y: +((a.y0 + a.y1) / 2).toFixed(2)};
  }

  redraw() {
    this.focused = this.size && this.el.getRootNode().activeElement === this.size.canvas;
    if (this.connection) this.draw(this.connection);
  }

  closest(where) {   // the training point nearest (x, y) on the plane, wherever it is; -1 without one
    const points = this.data.train;
    let best = -1, distance = Infinity;
    for (let i = 0; points && i < points.x.length; i++) {
      const dd = Math.hypot(points.x[i] - where.x, points.y[i] - where.y);
      if (dd < distance) { best = i; distance = dd; }
    }
    return best;
  }

  // The cross-hair, drawn dark over a light halo, and its place and prediction as text beside it and in the readout.
  drawCross(g, frame) {
    if (!this.focused || !this.cross || !this.crossShown) return;
    const a = this.area(), [px, py] = this.toPixel(a, this.cross.x, this.cross.y), ink = this.data.ink || {};
    for (const [color, width] of [[ink.halo || "#ffffff", 4], [ink.cross || "#111111", 1.5]]) {
      g.strokeStyle = color;
      g.lineWidth = width;
      g.beginPath();
      g.moveTo(a.left, py); g.lineTo(a.left + a.side, py);
      g.moveTo(px, a.top); g.lineTo(px, a.top + a.side);
      g.stroke();
      g.beginPath(); g.arc(px, py, 7, 0, 2 * Math.PI); g.stroke();
    }
    const words = this.data.table, i = this.closest(this.cross);
    const text = fill(words.cross, {x: short(this.cross.x, 2), y: short(this.cross.y, 2)})
      + [this.prediction(frame, this.cross.x, this.cross.y), i >= 0 ? fill(words.nearest, {example: i}) : null]
        .filter(Boolean).map((part) => words.separator + part).join("");
    if (this.readout.textContent !== text) this.readout.textContent = text;
    this.tip.textContent = text;
    this.tip.style.display = "block";
    this.tip.style.whiteSpace = "normal";   // in lines as wide as the plane at most
    this.tip.style.maxWidth = Math.max(160, this.size.width - 8) + "px";
    this.tip.style.left = Math.max(0, Math.min(px + 12, this.size.width - this.tip.offsetWidth)) + "px";
    this.tip.style.top = (py + this.legend.offsetHeight + 12) + "px";
  }

  // The classes' names and marks, as text (a class's name is the user's: never markup); or the focused neuron's.
  fillLegend(frame) {
    const d = this.data, focus = frame && frame.arrays.focus ? frame.header.focus : null;
    const key = JSON.stringify([d.classes, d.show_test, d.regression, d.colors, d.shapes, focus]);
    if (this.legendKey === key) return;
    this.legendKey = key;
    if (focus) { focusLegend(this, focus); return; }
    this.legend.replaceChildren();
    const item = (mark, text) => {
      const span = document.createElement("span");
      span.append(mark, document.createTextNode(text));
      this.legend.appendChild(span);
    };
    // A class's mark as on the plane: its shape in its colour, outlined (a test point's has a dot in the middle).
    // SVG, not a canvas: the part's one canvas is the plane.
    const mark = (polygon, color, dot) => {
      const SVG = "http://www.w3.org/2000/svg", r = 4.5;
      const svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", "-6.5 -6.5 13 13");
      svg.setAttribute("width", "13");
      svg.setAttribute("height", "13");
      const shape = document.createElementNS(SVG, polygon ? "polygon" : "circle");
      if (polygon) shape.setAttribute("points", polygon.map(([u, v]) => `${u * r},${v * r}`).join(" "));
      else shape.setAttribute("r", String(r));
      shape.setAttribute("fill", color);
      shape.setAttribute("stroke", d.outline);
      svg.appendChild(shape);
      if (dot) {
        const centre = document.createElementNS(SVG, "circle");
        centre.setAttribute("r", String(r * 0.38));
        centre.setAttribute("fill", d.outline);
        svg.appendChild(centre);
      }
      return svg;
    };
    if (d.regression) {
      const bar = document.createElement("i");
      bar.className = "bar";
      bar.style.background = `linear-gradient(90deg, ${d.value_stops.map(([p, c]) => `${c} ${100 * p}%`).join(", ")})`;
      item(bar, d.labels.value);
    } else (d.classes || []).forEach((name, k) => item(mark(d.shapes[k % d.shapes.length], d.colors[k % d.colors.length], false), name));
    if (d.show_test) item(mark(null, "#ffffff", true), d.labels.test_points);
  }

  area() {
    const d = this.data, {width, height} = this.size;
    const left = 34 * (d.scale || 1), bottom = 26 * (d.scale || 1), top = 22 * (d.scale || 1);
    const side = Math.max(40, Math.min(width - left - 8, height - bottom - top));
    return {left, top, side, x0: d.x[0], x1: d.x[1], y0: d.y[0], y1: d.y[1]};
  }

  toPixel(a, x, y) {
    return [a.left + (x - a.x0) / (a.x1 - a.x0) * a.side, a.top + (a.y1 - y) / (a.y1 - a.y0) * a.side];
  }

  paint(frame) {
    const d = this.data, b = frame.header.boundary, values = frame.arrays.boundary, n = b.side;
    this.image.width = n;
    this.image.height = n;
    const g = this.image.getContext("2d");
    const pixels = g.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const v = values[i];
      let rgb;
      if (!b.finite) rgb = [209, 213, 219];
      else if (b.kind === "classes") {
        const cls = v >> 4, sure = (v & 15) / 15;
        const [least, most] = d.tint;
        rgb = mix(d.colors[cls % d.colors.length], d.discretize ? most : least + (most - least) * sure);
      } else if (b.kind === "probability" && d.discretize) {
        rgb = lerpScale(d.scale_stops, v > 127 ? 1 : 0);
      } else rgb = lerpScale(d.scale_stops, v / 255);
      pixels.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
    }
    g.putImageData(pixels, 0, 0);
  }

  draw(connection) {
    const d = this.data;
    const frame = d.past ? this.past : connection.frame;
    this.fillLegend(frame);
    const size = canvasIn(this.el, fitted(this, 200) - this.legend.offsetHeight);
    this.size = size;
    const g = size.g, a = this.area();
    if (frame && frame.arrays.focus) paintFocus(this, frame);
    if (frame && frame.header.boundary) {
      if (!frame.arrays.focus) this.paint(frame);
      g.imageSmoothingEnabled = true;
      g.imageSmoothingQuality = "high";
      g.drawImage(this.image, a.left, a.top, a.side, a.side);
      markOnce("playground-first-boundary");
    }
    g.strokeStyle = ink().frame;
    g.strokeRect(a.left, a.top, a.side, a.side);
    // Axes: whole numbers, every 2 (or 5) units.
    g.fillStyle = ink().muted;
    g.font = font(d, 12);
    const span = a.x1 - a.x0, step = span > 30 ? 10 : span > 12 ? 4 : span > 5 ? 2 : span > 2 ? 1 : 0.5;
    g.textAlign = "center";
    g.textBaseline = "top";
    for (let t = Math.ceil(a.x0 / step) * step; t <= a.x1; t += step) {
      const [px] = this.toPixel(a, t, 0);
      g.fillText(String(+t.toFixed(2)), px, a.top + a.side + 3);
    }
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (let t = Math.ceil(a.y0 / step) * step; t <= a.y1; t += step) {
      const [, py] = this.toPixel(a, 0, t);
      g.fillText(String(+t.toFixed(2)), a.left - 4, py);
    }
    g.textAlign = "left";
    g.textBaseline = "bottom";
    g.fillText("x2 ↑  x1 →", a.left, a.top - 3);
    // Points: each class in its colour and shape, outlined; test points with a dot in the middle.
    const radius = 4 * (d.scale || 1);
    const parts = [[d.train, "train"], d.show_test ? [d.test, "test"] : null].filter(Boolean);
    for (const [points, part] of parts) {
      if (!points) continue;
      for (let i = 0; i < points.x.length; i++) {
        const [px, py] = this.toPixel(a, points.x[i], points.y[i]);
        const label = points.label[i];
        const color = d.regression
          ? `rgb(${lerpScale(d.value_stops, (label - d.range[0]) / (d.range[1] - d.range[0] || 1))})`
          : d.colors[label % d.colors.length];
        drawMark(g, d.regression ? null : d.shapes[label % d.shapes.length], px, py, radius, color, d.outline,
          part === "test");
      }
    }
    if (frame && frame.header.boundary && !frame.header.boundary.finite) {
      g.fillStyle = "#111111";
      g.font = font(d, 14);
      g.textAlign = "center";
      g.fillText(d.labels.not_finite, a.left + a.side / 2, a.top + a.side / 2);
    }
    this.el.setAttribute("data-frames", String(connection.frames));
    if (frame && frame.arrays.focus) this.el.setAttribute("data-focus", focusName(this, frame.header.focus));
    else this.el.removeAttribute("data-focus");
    describe(this, size.canvas, d.labels.name, frame && frame.arrays.focus ? focusSentence(this, frame) : this.sentence(frame));
    this.keys(size.canvas);
    this.drawCross(g, frame);
    this.table.place(d.labels.name);
    this.table.update();
  }

  sentence(frame) {   // the plane in words: "Decision boundary at epoch 342: test accuracy 0.992; 4 of 250 ..."
    const d = this.data, words = d.labels;
    if (!frame) return words.name;
    const h = frame.header, latest = h.latest || {}, epoch = h.epoch;
    if (h.boundary && !h.boundary.finite) return fill(words.alt_not_finite, {epoch});
    const score = latest.test_score, total = d.test ? d.test.x.length : 0;
    if (score === null || score === undefined || !total) return fill(words.alt_epoch, {epoch});
    if (d.regression) return fill(words.alt, {epoch, score: short(score, 3)});
    return fill(words.alt, {epoch, accuracy: short(score, 3), wrong: Math.round((1 - score) * total), total});
  }

  at(event) {   // where on the plane an event is: canvas pixels and the plane's (x1, x2)
    const rect = this.size.canvas.getBoundingClientRect(), a = this.area();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    if (!(px >= a.left && px <= a.left + a.side && py >= a.top && py <= a.top + a.side)) return null;
    return {px, py, x: a.x0 + (px - a.left) / a.side * (a.x1 - a.x0), y: a.y1 - (py - a.top) / a.side * (a.y1 - a.y0)};
  }

  nearest(where) {
    const a = this.area(), points = this.data.train;
    let best = -1, distance = 8 * (this.data.scale || 1);
    for (let i = 0; points && i < points.x.length; i++) {
      const [px, py] = this.toPixel(a, points.x[i], points.y[i]);
      const dd = Math.hypot(px - where.px, py - where.py);
      if (dd <= distance) { best = i; distance = dd; }
    }
    return best;
  }

  click(event) {
    const where = this.at(event);
    if (!where || this.data.readonly) return;
    if (this.data.drawing) {
      this.trigger("click", {kind: "plane", x: where.x, y: where.y, time: Date.now()});
      return;
    }
    const i = this.nearest(where);
    if (i >= 0) {
      this.trigger("click", {meta: "train", customdata: i, time: Date.now()});
      showStepThrough(i);
    }
  }

  hover(event) {
    const where = this.at(event);
    if (!where) { this.tip.style.display = "none"; return; }
    const i = this.nearest(where);
    this.tip.style.whiteSpace = "nowrap";
    this.tip.style.maxWidth = "none";
    this.tip.textContent = i >= 0 ? `${this.data.labels.example} ${i}: x1 ${where.x.toFixed(2)}, x2 ${where.y.toFixed(2)}`
      : `x1 ${where.x.toFixed(2)}, x2 ${where.y.toFixed(2)}`;
    this.tip.style.display = "block";
    this.tip.style.left = (where.px + 12) + "px";
    this.tip.style.top = (where.py + this.legend.offsetHeight + 12) + "px";
  }
}

// The least side of a neuron's picture, and the least room for the links between two columns (CSS pixels, times
// the chart's scale).
const NETWORK_TILE = 24, NETWORK_GAP = 16;

class Network {
  constructor(el) {
    this.el = el;
    el.style.overflowX = "auto";   // a network wider than its part scrolls sideways
    this.tip = document.createElement("div");
    this.tip.className = "tip";
    el.appendChild(this.tip);
    el.addEventListener("mousemove", (event) => { this.hover(event); focusHover(this, event); });
    el.addEventListener("mouseleave", () => { this.tip.style.display = "none"; focusHover(this, null); });
    // A click on a neuron both chooses it in the weight editor (a link: its weight) and shows it on the plane.
    el.addEventListener("click", (event) => { this.click(event); focusClick(this, event); });
    this.tile = document.createElement("canvas");
    this.table = new DataTable(this);
  }

  // Per layer, the shown weights: a row per neuron it comes from, a column per neuron it goes to, then the biases.
  tables() {
    const d = this.data, words = d.table, frame = d.past ? this.past : this.connection.frame;
    if (!frame || !frame.header.sizes || !frame.arrays.weights) return [];
    const h = frame.header, weights = frame.arrays.weights, shown = [Math.min(h.sizes[0], 8), ...h.shown];
    const out = [];
    let at = 0;
    for (let c = 1; c < shown.length; c++) {
      const from = shown[c - 1], into = shown[c], last = c === shown.length - 1;
      const name = last ? d.labels.output : `${d.labels.layer} ${c}`;
      const source = (i) => c === 1 ? (d.features || [])[i] || "x" + (i + 1) : `${d.labels.neuron} ${i + 1}`;
      const rows = [];
      for (let i = 0; i < from; i++) rows.push([source(i), ...Array.from({length: into}, (_, j) => short(weights[at + i * into + j], 3))]);
      rows.push([words.bias, ...Array.from({length: into}, (_, j) => short(weights[at + from * into + j], 3))]);
      at += from * into + into;
      let caption = fill(words.layer, {layer: name, activation: (d.activations || [])[c - 1] || ""});
      if (h.sizes[c] > into || h.sizes[c - 1] > from) caption += " " + fill(words.shown, {n: Math.max(into, from)});
      out.push({caption, head: [words.from_to, ...Array.from({length: into}, (_, j) => `${d.labels.neuron} ${j + 1}`)], rows});
    }
    return out;
  }

  // Where each picture goes: as large as the part allows up to 52 px, never under NETWORK_TILE px, with room for
  // the links between the columns; a network too deep for its part is drawn wider than the part, which then scrolls.
  layout(h, g, width, height, top) {
    const d = this.data, s = d.scale || 1;
    const sizes = h.sizes, shown = [Math.min(sizes[0], 8), ...h.shown];
    // Room at the left for the input features' names, as wide as the widest (a fifth of the view at most).
    g.font = font(d, 12);
    const named = Math.max(0, ...(d.features || []).slice(0, shown[0]).map((name) => g.measureText(name).width));
    const columns = shown.length, bottom = 22 * s, least = NETWORK_TILE * s, gap = NETWORK_GAP * s;
    const left = Math.min(Math.max(width / 5, 60 * s), Math.max(30 * s, named + 8));
    const most = Math.max(...shown);
    const tile = Math.floor(Math.max(least, Math.min(52 * s, (height - top - bottom) / (most * 1.35),
      (width - left - 8) / (columns * 1.9))));   // whole pixels, so that each frame is a sharp line
    const wide = Math.max(width, left + 8 + columns * tile + (columns - 1) * gap);
    const tall = Math.max(height, top + bottom + most * tile * 1.35);
    const gapX = columns > 1 ? (wide - left - 8 - tile) / (columns - 1) : 0;
    const nodes = shown.map((k, c) => {
      const x = Math.round(left + c * gapX);
      const used = k * tile * 1.35;
      const y0 = top + (tall - top - bottom - used) / 2;
      return Array.from({length: k}, (_, j) => ({x, y: Math.round(y0 + j * tile * 1.35), c, j}));
    });
    return {tile, nodes, shown, sizes, top, gap: gapX, width: wide, height: tall};
  }

  picture(values, offset, side) {
    this.tile.width = side;
    this.tile.height = side;
    const g = this.tile.getContext("2d"), pixels = g.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const v = values[offset + i] / 127.5 - 1;
      const rgb = mix(this.data.tile_colors[v > 0 ? 1 : 0], Math.min(1, Math.abs(v)));
      pixels.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
    }
    g.putImageData(pixels, 0, 0);
    return this.tile;
  }

  draw(connection) {
    const d = this.data, s = d.scale || 1;
    const frame = d.past ? this.past : connection.frame;
    const h = frame && frame.header.sizes ? frame.header : null;
    // The title in as many lines as the part's width needs; then, once the layout is known, the canvas as wide
    // and as high as the pictures need.
    const room = Math.max(120, this.el.clientWidth || 300), height = fitted(this, 200);
    this.measure = this.measure || document.createElement("canvas").getContext("2d");
    this.measure.font = font(d, 13);
    const heading = wrap(this.measure, d.title, room - 4), top = (heading.length * 17 + 24) * s;
    const L = h ? this.layout(h, this.measure, room, height, top) : null;
    const size = canvasIn(this.el, L ? L.height : height, L ? L.width : 0);
    this.size = size;
    this.pickKeys(size.canvas);
    const g = size.g;
    this.labelBoxes = [];
    const text = (words, x, y, align, baseline) => {   // a label, and the box it takes (for tests)
      g.textAlign = align;
      g.textBaseline = baseline;
      g.fillText(words, x, y);
      const w = g.measureText(words).width, em = parseFloat(g.font);
      const x0 = align === "center" ? x - w / 2 : align === "right" ? x - w : x;
      const y0 = baseline === "middle" ? y - em / 2 : y;
      this.labelBoxes.push({text: words, x0, y0, x1: x0 + w, y1: y0 + em});
    };
    g.fillStyle = ink().text;
    g.font = font(d, 13);
    heading.forEach((line, i) => text(line, 0, i * 17 * s, "left", "top"));
    const words = d.labels, start = fill(words.alt_start, {sizes: words.sizes, activation: words.activation});
    describe(this, size.canvas, words.name, start);
    this.table.place(words.name);
    this.table.update();
    if (!L) return;
    const weights = frame.arrays.weights;
    describe(this, size.canvas, words.name, this.sentence(L, weights) || start);
    this.nodesAt = L;
    this.frameHeader = h;
    // Links first, behind the pictures: colour by sign, width by size.
    let at = 0;
    for (let c = 1; c < L.shown.length; c++) {
      const into = L.shown[c], from = L.shown[c - 1];
      for (let i = 0; i < from; i++) {
        for (let j = 0; j < into; j++) {
          const w = weights[at + i * into + j];
          const a = L.nodes[c - 1][i], b = L.nodes[c][j];
          const silent = this.isOff(h, c - 1, i) || this.isOff(h, c, j);
          g.strokeStyle = silent ? OFF_GREY : d.link_colors[w >= 0 ? 1 : 0];
          g.globalAlpha = silent ? 0.35 : Number.isFinite(w) ? Math.min(1, 0.25 + Math.abs(w) / 2) : 0.2;
          g.lineWidth = Number.isFinite(w) ? Math.min(5, 0.5 + 1.5 * Math.abs(w)) : 0.5;
          g.beginPath();
          g.moveTo(a.x + L.tile, a.y + L.tile / 2);
          g.lineTo(b.x, b.y + L.tile / 2);
          g.stroke();
        }
      }
      at += from * into + into;
    }
    g.globalAlpha = 1;
    // Pictures: the inputs', then each layer's neurons', each framed, over the links' ends.
    const side = h.side;
    let offset = 0;
    L.nodes.forEach((column, c) => {
      column.forEach((node, j) => {
        let source = null;
        if (c === 0 && connection.inputs && connection.inputs.length >= (j + 1) * side * side) {
          source = this.picture(connection.inputs, j * side * side, side);
        } else if (c > 0) {
          source = this.picture(frame.arrays.neurons, offset, side);
          offset += side * side;
        }
        if (source) {
          g.imageSmoothingEnabled = true;
          g.drawImage(source, node.x, node.y, L.tile, L.tile);
        } else {
          g.fillStyle = "#ffffff";
          g.fillRect(node.x, node.y, L.tile, L.tile);
        }
        g.strokeStyle = ink().faint;
        g.lineWidth = 1;
        g.strokeRect(node.x + 0.5, node.y + 0.5, L.tile - 1, L.tile - 1);
        if (this.isOff(h, c, j)) this.drawOff(g, node, L.tile);
      });
      // The column's title, and under a layer shown in part how many more it has: in full where the column's
      // width takes it, else short ("3" for "layer 3", "+24" for "+ 24 more").
      const last = c === L.nodes.length - 1, room = L.nodes.length > 1 ? L.gap - 6 : L.width;
      let title = c === 0 ? d.labels.input : last ? d.labels.output : `${d.labels.layer} ${c}`;
      g.fillStyle = ink().muted;
      g.font = font(d, 12);
      if (g.measureText(title).width > room) title = c === 0 ? "x" : last ? "ŷ" : String(c);
      const centre = (words) => {   // a column's label centred on it, inside the canvas
        const half = g.measureText(words).width / 2, x = column.length ? column[0].x + L.tile / 2 : 0;
        return Math.min(Math.max(x, half), L.width - half);
      };
      text(title, centre(title), L.top - 16 * s, "center", "top");
      if (L.sizes[c] > L.shown[c]) {
        const n = L.sizes[c] - L.shown[c];
        let more = d.labels.more.replace("{n}", n);
        if (g.measureText(more).width > room) more = "+" + n;
        text(more, centre(more), column[column.length - 1].y + L.tile + 3, "center", "top");
      }
    });
    (d.features || []).slice(0, L.shown[0]).forEach((name, j) => {
      const node = L.nodes[0][j];
      text(name, node.x - 3, node.y + L.tile / 2, "right", "middle");
    });
    this.drawChosen(g, L);
    this.drawCursor(g, L);
    markFocus(g, L, frame);
  }

  // The keyboard on the network: arrow keys move a ring from picture to picture (Left and Right between columns),
  // Enter chooses the ringed one in the weight editor, as a click does; a polite readout names it.
  pickKeys(canvas) {
    if (canvas.__pickKeys) return;
    canvas.__pickKeys = true;
    canvas.tabIndex = 0;
    this.readout = document.createElement("p");
    this.readout.className = "alt";
    this.readout.setAttribute("aria-live", "polite");
    this.el.appendChild(this.readout);
    canvas.addEventListener("focus", () => { this.cursor = this.cursor || {c: 1, j: 0}; this.redraw(); });
    canvas.addEventListener("blur", () => this.redraw());
    canvas.addEventListener("keydown", (event) => {
      const L = this.nodesAt, move = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}[event.key];
      if (!L || event.ctrlKey || event.metaKey || event.altKey || (!move && event.key !== "Enter")) return;
      event.preventDefault();
      const at = this.cursor || {c: 1, j: 0};
      if (move) {
        const c = Math.max(0, Math.min(L.nodes.length - 1, at.c + move[0]));
        this.cursor = {c, j: Math.max(0, Math.min(L.nodes[c].length - 1, at.j + move[1]))};
        this.redraw();
        this.readout.textContent = this.nodeName(L, this.cursor.c, this.cursor.j) + ". " + this.data.labels.choose;
      } else {
        this.pick({layer: at.c, from: at.j, to: null});
      }
    });
  }

  redraw() {
    if (this.connection) this.draw(this.connection);
  }

  nodeName(L, c, j) {
    const d = this.data;
    return c === 0 ? `${d.labels.input} ${(d.features || [])[j] || j + 1}`
      : `${c === L.nodes.length - 1 ? d.labels.output : d.labels.layer + " " + c} · ${d.labels.neuron} ${j + 1}`;
  }

  drawCursor(g, L) {
    const node = this.cursor && this.size.canvas.matches(":focus-visible")
      && (L.nodes[this.cursor.c] || [])[this.cursor.j];
    if (!node) return;
    g.strokeStyle = ink().text;
    g.lineWidth = 2;
    g.setLineDash([3, 2]);
    g.strokeRect(node.x - 5, node.y - 5, L.tile + 10, L.tile + 10);
    g.setLineDash([]);
  }

  // A hidden neuron switched off (the frame's `off`: [layer, neuron] pairs from 1): its picture greyed and crossed.
  isOff(h, c, j) {
    return (h.off || []).some(([layer, neuron]) => layer === c && neuron === j + 1);
  }

  drawOff(g, node, tile) {
    g.fillStyle = "rgba(128, 128, 128, 0.8)";
    g.fillRect(node.x, node.y, tile, tile);
    g.strokeStyle = "#ffffff";
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(node.x + 4, node.y + 4);
    g.lineTo(node.x + tile - 4, node.y + tile - 4);
    g.moveTo(node.x + tile - 4, node.y + 4);
    g.lineTo(node.x + 4, node.y + tile - 4);
    g.stroke();
  }

  // The weight editor's choice (`chosen`: [column, unit, neuron of the next column or null]): its link drawn over
  // the others, or its neuron ringed.
  drawChosen(g, L) {
    const chosen = this.data.chosen;
    const node = chosen && (L.nodes[chosen[0]] || [])[chosen[1]];
    if (!node) return;
    g.strokeStyle = ink().text;
    g.lineWidth = 3;
    g.beginPath();
    const next = chosen[2] === null ? null : (L.nodes[chosen[0] + 1] || [])[chosen[2]];
    if (next) {
      g.setLineDash([5, 3]);
      g.moveTo(node.x + L.tile, node.y + L.tile / 2);
      g.lineTo(next.x, next.y + L.tile / 2);
      g.stroke();
      g.setLineDash([]);
    } else if (chosen[2] === null) {
      g.strokeRect(node.x - 3, node.y - 3, L.tile + 6, L.tile + 6);
    }
  }

  // What is under the pointer: a picture {layer: its column, from: its place, to: null}, else a link within a few
  // pixels {layer: the source's column, from, to: the neuron it goes to}; null for neither.
  at(event) {
    const L = this.nodesAt;
    if (!L) return null;
    const rect = this.size.canvas.getBoundingClientRect(), px = event.clientX - rect.left, py = event.clientY - rect.top;
    for (const column of L.nodes) {
      for (const node of column) {
        if (px >= node.x && px <= node.x + L.tile && py >= node.y && py <= node.y + L.tile) return {layer: node.c, from: node.j, to: null};
      }
    }
    let best = null;
    for (let c = 1; c < L.nodes.length; c++) {
      for (const a of L.nodes[c - 1]) {
        for (const b of L.nodes[c]) {
          const x0 = a.x + L.tile, y0 = a.y + L.tile / 2, x1 = b.x, y1 = b.y + L.tile / 2;
          const t = Math.max(0, Math.min(1, ((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 || 1)));
          const dist = Math.hypot(px - (x0 + t * (x1 - x0)), py - (y0 + t * (y1 - y0)));
          if (dist <= 4 && (!best || dist < best.dist)) best = {dist, layer: c - 1, from: a.j, to: b.j};
        }
      }
    }
    return best && {layer: best.layer, from: best.from, to: best.to};
  }

  click(event) {
    const hit = this.at(event);
    if (hit && !this.data.readonly) this.pick(hit);
  }

  // A link or a neuron clicked: the weight editor below the view chooses it (the page's `on_pick`).
  pick(hit) {
    if (this.data.readonly) return;
    this.trigger("pick", {...hit, time: Date.now()});
  }

  // The network in words: its sizes, activation and its largest shown weight, from where to where.
  sentence(L, weights) {
    const d = this.data, words = d.labels, last = L.shown.length - 1;
    let best = null, at = 0;
    for (let c = 1; c <= last; c++) {
      const into = L.shown[c], from = L.shown[c - 1];
      for (let i = 0; i < from; i++) {
        for (let j = 0; j < into; j++) {
          const w = weights[at + i * into + j];
          if (Number.isFinite(w) && (!best || Math.abs(w) > Math.abs(best.w))) best = {w, c, i, j};
        }
      }
      at += from * into + into;
    }
    if (!best) return null;
    const source = best.c === 1 ? (d.features || [])[best.i] || "x" + (best.i + 1)
      : fill(words.neuron_of, {neuron: best.i + 1, layer: best.c - 1});
    const target = best.c < last ? fill(words.neuron_of, {neuron: best.j + 1, layer: best.c})
      : L.sizes[last] === 1 ? words.the_output : fill(words.output_neuron, {neuron: best.j + 1});
    return fill(words.alt, {sizes: words.sizes, activation: words.activation, weight: short(best.w, 1),
      source, target});
  }

  hover(event) {
    const L = this.nodesAt;
    if (!L) return;
    const rect = this.size.canvas.getBoundingClientRect(), px = event.clientX - rect.left, py = event.clientY - rect.top;
    for (const column of L.nodes) {
      for (const node of column) {
        if (px >= node.x && px <= node.x + L.tile && py >= node.y && py <= node.y + L.tile) {
          const d = this.data;
          this.tip.textContent = node.c === 0 ? `${d.labels.input} ${(d.features || [])[node.j] || node.j + 1}`
            : `${node.c === L.nodes.length - 1 ? d.labels.output : d.labels.layer + " " + node.c} · ${d.labels.neuron} ${node.j + 1} (${d.activations[node.c - 1]})`
            + (this.isOff(this.frameHeader || {}, node.c, node.j) ? ` · ${d.labels.off}` : "");
          this.tip.style.display = "block";
          this.tip.style.left = (px + 12) + "px";
          this.tip.style.top = (py + 12) + "px";
          return;
        }
      }
    }
    this.tip.style.display = "none";
  }
}

function ticks(low, high, log) {
  if (log) {
    const out = [];
    for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) out.push(10 ** e);
    return out.filter((t) => t >= low * 0.999 && t <= high * 1.001);
  }
  const span = high - low || 1, raw = span / 4, power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) out.push(+t.toPrecision(6));
  return out;
}

function tickText(t, log) {
  if (log) {
    const e = Math.round(Math.log10(t));
    return e >= -2 && e <= 3 ? String(t) : "1e" + String(e).replace("-", "−");
  }
  return Math.abs(t) >= 1e5 ? short(t) : String(+t.toPrecision(4));
}

const TABLE_ROWS = 10;   // the curves' table: the last epochs
class Curves {
  constructor(el) { this.el = el; this.table = new DataTable(this); }

  tables() {   // the last TABLE_ROWS epochs: training and test values
    const d = this.data, H = this.connection.history, n = H.epoch.length, words = d.table;
    const train = H["train_" + d.metric], test = H["test_" + d.metric], rows = [];
    for (let i = Math.max(0, n - TABLE_ROWS); i < n; i++) rows.push([String(H.epoch[i]), short(train[i]), short(test[i])]);
    return [{caption: fill(words.caption, {title: d.title, n: rows.length}), head: [d.labels.epoch, d.labels.train, d.labels.test], rows}];
  }

  draw(connection) {
    const d = this.data, H = connection.history;
    const {canvas, g, width, height} = canvasIn(this.el, fitted(this, 110));
    describe(this, canvas, d.title, this.sentence(H));
    this.table.place(d.title);
    this.table.update();
    const s = d.scale || 1;
    const left = 48 * s, right = 8, top = 24 * s, bottom = 28 * s;
    const lines = [[H.epoch, H["train_" + d.metric], d.train_color, d.labels.train, []],
      [H.epoch, H["test_" + d.metric], d.test_color, d.labels.test, []]];
    (d.pinned || []).forEach((p) => lines.push([p.epoch, p.values, p.color, p.label, [5, 3]]));
    let maxEpoch = 1, low = Infinity, high = -Infinity;
    for (const [xs, ys] of lines) {
      for (let i = 0; i < xs.length; i++) {
        maxEpoch = Math.max(maxEpoch, xs[i]);
        const y = ys[i];
        if (Number.isFinite(y) && (d.metric !== "loss" || y > 0)) { low = Math.min(low, y); high = Math.max(high, y); }
      }
    }
    const log = d.metric === "loss" && low > 0 && high > 100 * low;
    if (!Number.isFinite(low)) { low = 0; high = 1; }
    if (!log) { low = Math.min(0, low); if (high <= low) high = low + 1; }
    const Y = (y) => log ? (Math.log10(high) - Math.log10(y)) / (Math.log10(high) - Math.log10(low) || 1)
      : (high - y) / (high - low);
    const px = (x) => left + x / maxEpoch * (width - left - right);
    const py = (y) => top + Y(y) * (height - top - bottom);
    g.font = font(d, 12);
    this.labelBoxes = [];
    const put = (kind, words, x, y) => {   // a label at the context's alignment, and the box it takes (for tests)
      g.fillText(words, x, y);
      const w = g.measureText(words).width, em = 12 * s;
      const x0 = g.textAlign === "center" ? x - w / 2 : g.textAlign === "right" ? x - w : x;
      const y0 = g.textBaseline === "middle" ? y - em / 2 : y;
      this.labelBoxes.push({kind, text: words, x0, y0, x1: x0 + w, y1: y0 + em});
    };
    g.fillStyle = ink().text;
    g.textBaseline = "top";
    g.textAlign = "left";
    put("title", d.title, 0, 0);
    // Grid and ticks: labels no closer than a line of text.
    g.strokeStyle = ink().grid;
    g.fillStyle = ink().muted;
    g.textAlign = "right";
    g.textBaseline = "middle";
    let lastY = Infinity;
    for (const t of ticks(low, high, log)) {
      const y = py(t);
      if (lastY - y < 14 * s) continue;
      lastY = y;
      g.beginPath(); g.moveTo(left, y); g.lineTo(width - right, y); g.stroke();
      put("y", tickText(t, log), left - 4, y);
    }
    // The epochs below the plot, apart by a space at least, and none into the axis's name at the right.
    g.textAlign = "right";
    g.textBaseline = "top";
    const named = width - right - g.measureText(d.labels.epoch).width - 6;
    put("name", d.labels.epoch, width - right, height - 14 * s);
    g.textAlign = "center";
    let lastX = -Infinity;
    for (const t of ticks(0, maxEpoch, false)) {
      const x = px(t);
      const text = String(t), half = g.measureText(text).width / 2;
      if (x - half - lastX < 10) continue;
      const low = height - bottom + 4 + 12 * s > height - 14 * s;   // the epochs' row meets the name's
      if (low && x + half > named) continue;
      lastX = x + half;
      put("x", text, x, height - bottom + 4);
    }
    // The curves, clipped to the plot.
    g.save();
    g.beginPath();
    g.rect(left, top - 2, width - left - right, height - top - bottom + 4);
    g.clip();
    for (const [xs, ys, color, , dash] of lines) {
      g.strokeStyle = color;
      g.lineWidth = dash.length ? 1.8 : 2.5;
      g.setLineDash(dash);
      g.beginPath();
      let drawing = false;
      for (let i = 0; i < xs.length; i++) {
        const y = ys[i];
        if (!Number.isFinite(y) || (log && y <= 0)) { drawing = false; continue; }
        if (drawing) g.lineTo(px(xs[i]), py(y)); else g.moveTo(px(xs[i]), py(y));
        drawing = true;
      }
      if (xs.length === 1 && Number.isFinite(ys[0])) g.arc(px(xs[0]), py(ys[0]), 2, 0, 2 * Math.PI);
      g.stroke();
    }
    g.setLineDash([]);
    if (d.mark !== null && d.mark !== undefined) {
      g.strokeStyle = ink().muted;
      g.setLineDash([2, 3]);
      g.beginPath(); g.moveTo(px(d.mark), top); g.lineTo(px(d.mark), height - bottom); g.stroke();
      g.setLineDash([]);
    }
    g.restore();
    // The legend, top right, left of the table's button.
    g.textAlign = "left";
    g.textBaseline = "middle";
    let x = width - right - (this.table.button.offsetWidth ? this.table.button.offsetWidth + 4 : 0);
    for (const [, , color, label] of lines.slice().reverse()) {
      const w = g.measureText(label).width;
      x -= w + 26;
      g.strokeStyle = color;
      g.lineWidth = 2.5;
      g.beginPath(); g.moveTo(x, 8 * s); g.lineTo(x + 14, 8 * s); g.stroke();
      g.fillStyle = ink().muted;
      put("legend", label, x + 18, 8 * s);
    }
    if (H.epoch.length <= 1 && d.empty) {   // a hint, in as many lines as the chart's width needs
      g.fillStyle = ink().faint;
      g.textAlign = "center";
      const lines = wrap(g, d.empty, width - left - right - 8);
      const step = 15 * s, middle = (top + height - bottom) / 2 - (lines.length - 1) * step / 2;
      lines.forEach((line, i) => g.fillText(line, (left + width - right) / 2, middle + i * step));
    }
  }
}

Curves.prototype.sentence = function (H) {   // "Loss at epoch 342: training 0.017, test 0.040, falling."
  const d = this.data, words = d.labels, n = H.epoch.length;
  const train = H["train_" + d.metric], test = H["test_" + d.metric];
  if (n <= 1) return fill(words.alt_empty, {title: d.title});
  const digits = 3, now = train[n - 1];
  const back = train[Math.max(0, n - 1 - Math.max(1, Math.round(n / 10)))];   // a tenth of the run ago
  const change = now - back, size = Math.max(Math.abs(now), Math.abs(back), 1e-12);
  const trend = !Number.isFinite(change) || Math.abs(change) / size < 0.005 ? words.steady
    : change < 0 ? words.falling : words.rising;
  return fill(words.alt, {title: d.title, epoch: H.epoch[n - 1], train: short(now, digits), test: short(test[n - 1], digits), trend});
};

// Nothing to see: once the live view has drawn a frame, it asks the page for the charts below it.
class Ready {
  constructor(el) { this.el = el; }

  draw(connection) {   // once a frame has come: drawn after the other parts (mounted after them)
    if (connection && connection.frame && !this.el.__readySent) {
      this.el.__readySent = true;
      this.trigger("ready", true);
    }
  }
}

const VIEWS = {ready: Ready, metrics: Metrics, boundary: Plane, network: Network, loss: Curves, score: Curves};

// Called by the component on every render of the page's script, with the view's data.
export function mount(el, data, trigger) {
  let view = el.__live;
  if (!view || view.kind !== data.view) {
    el.innerHTML = "";
    view = new VIEWS[data.view](el);
    view.kind = data.view;
    el.__live = view;
  }
  view.trigger = trigger;
  view.data = data;
  readTheme(el);
  view.past = data.past ? parse(fromBase64(data.past)) : null;
  const connection = connect(data.token, data.run);
  if (view.connection !== connection) {
    if (view.connection) view.connection.views.delete(view);
    view.connection = connection;
  }
  connection.views.add(view);
  if (data.readonly) connection.readonly = true;   // shown, not driven: it sends the run no focus
  view.startSeq = connection.frame ? connection.frame.header.seq : 0;
  view.told = false;
  view.toldGoal = false;
  if (data.focus !== undefined) {   // the boundary's and the network's: the neuron the page keeps focused
    connection.kept = data.focus;
    sendFocus(connection);
  }
  if (data.view === "metrics") {
    useWords(data.streamlit_words);
    window.__playgroundLive = connection;   // for tests and the bench: frames drawn, the newest header
  }
  if (!view.observer && window.ResizeObserver) {
    view.observer = new ResizeObserver(() => view.connection && view.draw(view.connection));
    view.observer.observe(el);
  }
  if (connection.frame || data.past) view.draw(connection);
  return () => {
    connection.views.delete(view);
  };
}

// What the space view (layer_space.js, served beside this module) draws with.
export {VIEWS, canvasIn, describe, DataTable, drawMark, lerpScale, font, ink};
