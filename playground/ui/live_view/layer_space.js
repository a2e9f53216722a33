// The space view: the training points and the plane's grid lines as a hidden layer sees them (playground/space.py),
// drawn from the run's frames that live.js receives, at the same animation frame as the live view's other parts.
// Mounted as live.js mounts those (ui/space_view.py); a replayed epoch's frame comes as the part's `past`.
import {VIEWS, canvasIn, describe, DataTable, drawMark, lerpScale, font, ink, fill, short} from "./live.js";

const MARGIN = 0.08;    // of each axis's span, around the points
const NARROW = 0.15;    // the share by which the axes close in on the points each frame (they widen at once)

class Space {
  constructor(el) {
    this.el = el;
    this.table = new DataTable(this);
    this.range = null;   // the axes' ranges shown: [u0, u1, v0, v1], and what they were for
  }

  frame() {
    const frame = this.data.past ? this.past : this.connection.frame;
    return frame && frame.header.space ? frame : null;
  }

  // Every point's view coordinates (the training points first, then the grid lines'), from their bytes.
  coordinates(frame) {
    const s = frame.header.space, bytes = frame.arrays.space, [u0, u1, v0, v1] = s.bounds;
    const n = bytes.length / 2, u = new Float64Array(n), v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      u[i] = u0 + bytes[2 * i] / 255 * (u1 - u0);
      v[i] = v0 + bytes[2 * i + 1] / 255 * (v1 - v0);
    }
    if (s.kind === "one") {   // one neuron: the points of each class on a row (a regression's at their target)
      const d = this.data;
      for (let i = 0; i < s.points; i++) {
        v[i] = d.regression ? d.label[i] : (d.label[i] ?? 0) + 0.5 * (((i * 0.618034) % 1) - 0.5);
      }
    }
    return {u, v};
  }

  // The axes' ranges: the points' with a margin; wider at once when they spread, narrower a little each frame.
  axes(s) {
    const d = this.data, [u0, u1] = s.bounds;
    const [v0, v1] = s.kind !== "one" ? s.bounds.slice(2) : d.regression ? d.range : [-0.5, Math.max(1, d.classes.length - 1) + 0.5];
    const du = (u1 - u0) * MARGIN || 0.1, dv = s.kind === "one" && !d.regression ? 0 : (v1 - v0) * MARGIN || 0.1;
    const target = [u0 - du, u1 + du, v0 - dv, v1 + dv], key = s.kind + "/" + s.layer;
    if (!this.range || this.range.key !== key) this.range = {key, at: target};
    else {
      this.range.at = this.range.at.map((was, k) => {
        const wider = k % 2 ? target[k] > was : target[k] < was;
        return wider ? target[k] : was + NARROW * (target[k] - was);
      });
    }
    return this.range.at;
  }

  axisNames(s) {
    const words = this.data.labels, share = (k) => Math.round(100 * s.shares[k]) + "%";
    if (s.kind === "components") {
      return [1, 2].map((n) => fill(words.component, {n, share: share(n - 1)}));
    }
    if (s.kind === "two") return [1, 2].map((n) => fill(words.neuron, {n}));
    return [words.activation, ""];
  }

  draw(connection) {
    const d = this.data, words = d.labels, frame = this.frame();
    const size = canvasIn(this.el, d.height);
    this.size = size;
    const g = size.g, scale = d.scale || 1;
    const left = 40 * scale, right = 10 * scale, top = 24 * scale, bottom = 30 * scale;
    // A square: the layer's two axes drawn alike.
    const side = Math.max(40, Math.min(size.width - left - right, size.height - top - bottom)), w = side, h = side;
    g.strokeStyle = ink().frame;
    g.strokeRect(left, top, w, h);
    if (!frame) {
      g.fillStyle = ink().muted;
      g.font = font(d, 14);
      g.textAlign = "center";
      g.fillText(words.waiting, left + w / 2, top + h / 2);
      describe(this, size.canvas, words.name, words.waiting);
      return;
    }
    const s = frame.header.space, {u, v} = this.coordinates(frame), [u0, u1, v0, v1] = this.axes(s);
    const x = (value) => left + (value - u0) / (u1 - u0) * w, y = (value) => top + (v1 - value) / (v1 - v0) * h;
    g.save();
    g.beginPath();
    g.rect(left, top, w, h);
    g.clip();
    // The plane's grid lines, bent by the layer: thin, under the points.
    g.strokeStyle = ink().frame;
    g.globalAlpha = 0.55;
    g.lineWidth = 1;
    const lines = s.kind === "one" ? 0 : 2 * s.lines;
    for (let k = 0; k < lines; k++) {
      g.beginPath();
      for (let j = 0; j < s.along; j++) {
        const i = s.points + k * s.along + j;
        if (j) g.lineTo(x(u[i]), y(v[i])); else g.moveTo(x(u[i]), y(v[i]));
      }
      g.stroke();
    }
    g.globalAlpha = 1;
    const radius = 3.5 * scale;
    for (let i = 0; i < s.points; i++) {
      const label = d.label[i];
      const color = d.regression ? `rgb(${lerpScale(d.value_stops, (label - d.range[0]) / (d.range[1] - d.range[0] || 1))})`
        : d.colors[label % d.colors.length];
      drawMark(g, d.regression ? null : d.shapes[label % d.shapes.length], x(u[i]), y(v[i]), radius, color, d.outline, false);
    }
    if (s.line) this.drawLine(g, s.line, [u0, u1, v0, v1], x, y);
    g.restore();
    this.drawAxes(g, s, [u0, u1, v0, v1], {left, top, w, h});
    this.el.setAttribute("data-frames", String(connection.frames));
    this.el.setAttribute("data-epoch", String(frame.header.epoch));
    describe(this, size.canvas, words.name, this.sentence(frame));
    this.table.place(words.name);
    this.table.update();
  }

  // The output's boundary p·u + q·v + r = 0, dashed, across the view.
  drawLine(g, [p, q, r], [u0, u1, v0, v1], x, y) {
    const ends = Math.abs(q) > Math.abs(p)
      ? [u0, u1].map((a) => [a, -(p * a + r) / q]) : [v0, v1].map((b) => [-(q * b + r) / p, b]);
    g.strokeStyle = ink().text;
    g.lineWidth = 2;
    g.setLineDash([6, 4]);
    g.beginPath();
    g.moveTo(x(ends[0][0]), y(ends[0][1]));
    g.lineTo(x(ends[1][0]), y(ends[1][1]));
    g.stroke();
    g.setLineDash([]);
  }

  drawAxes(g, s, [u0, u1, v0, v1], {left, top, w, h}) {
    const d = this.data, words = d.labels, [across, up] = this.axisNames(s);
    g.fillStyle = ink().muted;
    g.font = font(d, 12);
    g.textBaseline = "top";
    g.textAlign = "left";
    g.fillText(short(u0, 2), left, top + h + 3);
    g.textAlign = "right";
    g.fillText(short(u1, 2), left + w, top + h + 3);
    g.textAlign = "center";
    g.fillText(across + " →", left + w / 2, top + h + 3);
    if (s.kind !== "one" || d.regression) {
      g.textAlign = "right";
      g.textBaseline = "bottom";
      g.fillText(short(v1, 2), left - 3, top + 12 * (d.scale || 1));
      g.textBaseline = "top";
      g.fillText(short(v0, 2), left - 3, top + h - 12 * (d.scale || 1));
    }
    g.textAlign = "left";
    g.textBaseline = "bottom";
    const said = [up ? up + " ↑" : "", s.kind === "components" ? fill(words.shown, {share: this.share(s)}) : "",
      s.line ? "– – " + words.boundary : ""].filter(Boolean).join("   ");
    g.fillText(said, left, top - 3);
  }

  share(s) {
    return Math.round(100 * (s.shares[0] + s.shares[1])) + "%";
  }

  sentence(frame) {
    const words = this.data.labels, s = frame.header.space;
    const values = {layer: s.layer + 1, epoch: frame.header.epoch, points: s.points,   // the frame's own layer
                    share: s.kind === "components" ? this.share(s) : ""};
    const text = fill(words["alt_" + s.kind], values);
    if (!s.line) return text;
    const [p, q, r] = s.line;
    return text + " " + fill(words.alt_line, {p: short(p, 3), q: short(q, 3), r: short(r, 3)});
  }

  // The training points where the layer puts them, for the table.
  tables() {
    const frame = this.frame(), d = this.data, words = d.table;
    if (!frame) return [];
    const s = frame.header.space, {u, v} = this.coordinates(frame), [across, up] = this.axisNames(s);
    const name = (k) => d.regression ? short(k, 3) : String((d.classes || [])[k] ?? k);
    const rows = [];
    for (let i = 0; i < s.points; i++) {
      rows.push([String(i + 1), short(u[i], 3), ...(s.kind === "one" ? [] : [short(v[i], 3)]), name(d.label[i])]);
    }
    const head = [words.number, across, ...(s.kind === "one" ? [] : [up]), d.regression ? words.target : words.class];
    return [{caption: fill(words.caption, {epoch: frame.header.epoch}), head, rows}];
  }
}

VIEWS.space = Space;
export {mount} from "./live.js";
