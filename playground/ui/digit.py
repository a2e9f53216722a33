"""Draw a digit: a pad on the image sets (digits, MNIST), and beside it the network's ten probabilities.

The pad (`draw_digit`, a components-v2 element in the page) is square, as the sets' images are, and draws with
the mouse, a finger or a pen (pointer events), or the keyboard: arrow keys move a cursor, Space held down paints.
It sends its ink, PAD × PAD bytes, at the end of each stroke and every THROTTLE_MS while one is drawn; Clear
(`draw_digit_clear`) empties it. The ink is made into one of the set's images as the set's own were made
(data/handwriting.py) and goes through the run's network as it is now (`RunHandle.predict`, which keeps nothing).
A pad mounted again (the tool closed and opened) starts from the drawing the page holds.
The tool is a fragment: a stroke runs it alone, not the page.
"""
import numpy as np
import streamlit as st

from .. import plots
from ..data import handwriting
from ..i18n import N_, _, set_language
from .chart import chart
from .safe import md, section
from .state import page_state

SIDE = 300           # the pad's side in pixels at most; it narrows with its column
PEN = 0.1            # the pen's width, as a share of the pad's side
KEY_CELLS = 16       # the keyboard cursor moves on a grid of KEY_CELLS × KEY_CELLS
THROTTLE_MS = 250    # while a stroke is drawn, the ink goes to the page at most this often

_JS = """
function fill(template, values) { return template.replace(/\\{(\\w+)\\}/g, (_m, k) => values[k]); }

function ink(el) {
  // The strokes at the pad's resolution, as bytes of ink (the alpha channel), in base64.
  const d = el.__data, n = d.cells, g = el.__small.getContext("2d", {willReadFrequently: true});
  g.clearRect(0, 0, n, n);
  if (el.__base) g.drawImage(el.__base, 0, 0);
  strokes(g, el.__strokes, n, d.pen * n, "#000");
  const alpha = g.getImageData(0, 0, n, n).data, bytes = new Uint8Array(n * n);
  for (let i = 0; i < n * n; i++) bytes[i] = alpha[4 * i + 3];
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return btoa(text);
}

function strokes(g, list, side, width, colour) {
  g.strokeStyle = colour; g.fillStyle = colour; g.lineWidth = width; g.lineCap = "round"; g.lineJoin = "round";
  for (const stroke of list) {
    if (stroke.length === 1) {
      g.beginPath(); g.arc(stroke[0][0] * side, stroke[0][1] * side, width / 2, 0, 2 * Math.PI); g.fill();
      continue;
    }
    g.beginPath();
    stroke.forEach(([x, y], i) => (i ? g.lineTo(x * side, y * side) : g.moveTo(x * side, y * side)));
    g.stroke();
  }
}

function paint(el) {
  const canvas = el.__canvas, side = canvas.getBoundingClientRect().width || el.__data.side;
  const pixels = Math.round(side * (window.devicePixelRatio || 1)), ratio = pixels / side;
  if (canvas.width !== pixels || canvas.height !== pixels) { canvas.width = canvas.height = pixels; }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle = "#ffffff"; g.fillRect(0, 0, side, side);
  if (el.__base) g.drawImage(el.__base, 0, 0, side, side);
  strokes(g, el.__strokes, side, el.__data.pen * side, "#111111");
  if (el.__keyboard) {   // the keyboard's cursor: a cell of the grid, outlined
    const cell = side / el.__data.keys, [cx, cy] = el.__cursor;
    g.lineWidth = 2; g.strokeStyle = el.__pen ? "#b91c1c" : "#1d4ed8";
    g.strokeRect(cx * cell + 1, cy * cell + 1, cell - 2, cell - 2);
  }
}

function send(el, now) {
  const t = performance.now();
  if (!now && t - el.__sent < el.__data.throttle) return;
  el.__sent = t;
  el.__trigger("ink", ink(el));
}

function say(el, text) { el.__status.textContent = text; }

function point(el, event) {
  const box = el.__canvas.getBoundingClientRect();
  return [Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
          Math.min(1, Math.max(0, (event.clientY - box.top) / box.height))];
}

function cursorPoint(el) {
  const k = el.__data.keys;
  return [(el.__cursor[0] + 0.5) / k, (el.__cursor[1] + 0.5) / k];
}

function base(text, n) {
  // The drawing the page holds, as the pad's ink: what a pad mounted again (the tool closed and opened) starts from.
  const canvas = document.createElement("canvas"), bytes = atob(text), image = new ImageData(n, n);
  canvas.width = canvas.height = n;
  for (let i = 0; i < n * n; i++) image.data[4 * i + 3] = bytes.charCodeAt(i);
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function build(parent, data) {
  const el = document.createElement("div");
  el.className = "pad";
  const canvas = document.createElement("canvas"), hint = document.createElement("p");
  const status = document.createElement("div");
  canvas.tabIndex = 0; canvas.setAttribute("role", "application");
  hint.className = "hint"; hint.id = "draw-digit-hint";
  canvas.setAttribute("aria-describedby", hint.id);
  status.className = "alt"; status.setAttribute("role", "status");
  el.append(canvas, hint, status);
  parent.appendChild(el);
  Object.assign(el, {__canvas: canvas, __hint: hint, __status: status, __small: document.createElement("canvas"),
                     __base: data.ink ? base(data.ink, data.cells) : null, __strokes: [], __stroke: null, __sent: 0,
                     __cursor: [7, 3], __pen: false, __keyboard: false});
  canvas.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.focus({preventScroll: true});
    canvas.setPointerCapture(event.pointerId);
    el.__keyboard = false;
    el.__stroke = {id: event.pointerId, points: [point(el, event)]};
    el.__strokes.push(el.__stroke.points);
    paint(el);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!el.__stroke || el.__stroke.id !== event.pointerId) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of (events.length ? events : [event])) el.__stroke.points.push(point(el, e));
    paint(el);
    send(el, false);
  });
  const end = (event) => {
    if (!el.__stroke || el.__stroke.id !== event.pointerId) return;
    el.__stroke = null;
    paint(el);
    send(el, true);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("keydown", (event) => {
    const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}, k = el.__data.keys;
    if (event.key !== " " && !(event.key in moves)) return;
    event.preventDefault(); event.stopPropagation();   // Space paints here: it is not the page's Play
    el.__keyboard = true;
    if (event.key === " ") {
      if (!el.__pen) {
        el.__pen = true;
        el.__strokes.push([cursorPoint(el)]);
      }
    } else {
      const [dx, dy] = moves[event.key];
      const within = (v) => Math.min(k - 1, Math.max(0, v));
      el.__cursor = [within(el.__cursor[0] + dx), within(el.__cursor[1] + dy)];
      if (el.__pen) { el.__strokes[el.__strokes.length - 1].push(cursorPoint(el)); send(el, false); }
    }
    paint(el);
    const words = el.__data.labels;
    say(el, fill(el.__pen ? words.painting : words.cursor,
                 {column: el.__cursor[0] + 1, row: el.__cursor[1] + 1, n: k}));
  });
  canvas.addEventListener("keyup", (event) => {
    if (event.key !== " ") return;
    event.preventDefault(); event.stopPropagation();
    if (!el.__pen) return;
    el.__pen = false;
    paint(el);
    send(el, true);
  });
  canvas.addEventListener("focus", () => paint(el));
  canvas.addEventListener("blur", () => {
    if (el.__pen) { el.__pen = false; send(el, true); }
    el.__keyboard = false; paint(el);
  });
  new ResizeObserver(() => paint(el)).observe(canvas);
  return el;
}

export default function (component) {
  const {parentElement, data, setTriggerValue} = component;
  const el = parentElement.querySelector("div.pad") || build(parentElement, data);
  el.__data = data; el.__trigger = setTriggerValue;
  el.__small.width = el.__small.height = data.cells;
  el.__canvas.style.maxWidth = data.side + "px";
  el.__canvas.setAttribute("aria-label", data.labels.name);
  el.__hint.textContent = data.labels.hint;
  if (el.__cleared !== data.clear) {   // Clear was pressed: the pad empties
    if (el.__cleared !== undefined) { el.__base = null; el.__strokes = []; el.__stroke = null; el.__pen = false; }
    el.__cleared = data.clear;
  }
  paint(el);
}
"""
_CSS = """
.pad { font-family: "Source Sans Pro", "Noto Sans CJK SC", sans-serif; }
.pad canvas { display: block; width: 100%; aspect-ratio: 1 / 1; border: 2px solid #6b7280; border-radius: 4px;
              touch-action: none; cursor: crosshair; background: #ffffff; box-sizing: border-box; }
.pad canvas:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.pad .hint { font-size: 0.875rem; color: var(--st-text-color, #111111); margin: 0.3rem 0 0 0; }
.pad .alt { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
            clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
"""
_pad = st.components.v2.component("playground_digit_pad", js=_JS, css=_CSS)


def digit_section(run):
    """The tool: on an image set, the pad and the network's reading of it; elsewhere, a sentence."""
    if not handwriting.drawable(run.dataset):
        st.info(_("Drawing a digit works on the image sets: choose digits or MNIST in the sidebar."))
        return
    digit_part(run)


@st.fragment
def digit_part(run):
    set_language(st.session_state.get("lang"))  # a fragment's own run: the page's language is set per run
    with section(N_("the drawing pad")):
        pad_column, reading_column = st.columns([2, 3], gap="medium")
        with pad_column:
            pad(run.dataset)
            st.button(_("Clear"), key="draw_digit_clear", on_click=_clear, help=_("Empty the pad and draw again."))
        with reading_column:
            reading(run)


def pad(ds):
    shape = " × ".join(map(str, ds.image_shape))
    labels = {"name": _("Drawing pad: draw a digit"),
              "hint": _("Draw a digit with the mouse, a finger or a pen. Keyboard: arrow keys move the cursor, "
                        "hold Space to paint. The drawing becomes a {shape} image, as the data set's are.").format(
                  shape=shape),
              "cursor": _("Cursor at column {column}, row {row} of {n}"),
              "painting": _("Painting at column {column}, row {row} of {n}")}
    _pad(data={"cells": handwriting.PAD, "keys": KEY_CELLS, "pen": PEN, "side": SIDE, "throttle": THROTTLE_MS,
               "clear": page_state().draw_digit_cleared, "ink": page_state().draw_digit_text,
               "labels": labels},
         key="draw_digit", height="content", on_ink_change=_took_ink)


def _took_ink():
    """A stroke (or part of one) came: its ink waits for the reading, which checks it."""
    value = st.session_state.get("draw_digit")
    page_state().draw_digit_payload = value.get("ink") if hasattr(value, "get") else None


def _clear():
    s = page_state()
    s.draw_digit_cleared += 1
    s.reset("draw_digit_payload", "draw_digit_ink", "draw_digit_text")


def reading(run):
    """The network's ten probabilities for the drawing, as bars, and the digit it names."""
    s, ds = page_state(), run.dataset
    payload = s.take("draw_digit_payload")
    if payload is not None:
        try:
            s.draw_digit_ink, s.draw_digit_text = handwriting.read_ink(payload), payload
        except ValueError as error:  # what the pad sent cannot be its drawing: the last drawing stays
            st.error(md(error))
    ink = s.draw_digit_ink
    if ink is None or not ink.any():
        st.info(_("Draw a digit on the pad: the network's probability for each digit appears here as you draw."))
        return
    outputs = run.predict(handwriting.network_inputs(ds, ink))[0]
    if not np.isfinite(outputs).all():
        st.warning(_("The network's outputs are not finite numbers: its training diverged. Reset the run, then draw."))
        return
    probabilities = run.spec.output_activation == "softmax"
    best = int(outputs.argmax())
    name = ds.class_names[best]
    if probabilities:
        said = _("The network reads a {digit} (probability {p:.0%}).").format(digit=name, p=float(outputs[best]))
    else:
        said = _("The network reads a {digit} (its largest output, {value:.2f}).").format(digit=name,
                                                                                          value=float(outputs[best]))
    st.markdown(f"**{md(said)}**")
    chart(plots.drawn_digit_figure(outputs, ds.class_names, probabilities), key="chart_draw_digit", height=300)
