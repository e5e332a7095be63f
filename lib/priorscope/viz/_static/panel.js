// priorscope panel front end: draws a declarative figure (priorscope.viz.figure) in the browser.
// uPlot (prepended to this module by priorscope.viz.widget as the global `uPlot`) lays out each axes: scales,
// ticks, grid, labels. The artists are drawn on uPlot's canvas in its "draw" hook. Data arrive as float32 buffers.
// Live mode: the kernel sets the `frame` trait; replay mode: a precomputed bundle, no kernel (see replay()).
/* global uPlot */

const Z = { image: 0, band: 1, stairs: 1, bars: 1, line: 2, vline: 2, hline: 2, scatter: 2, text: 3 };
const TITLE_PX = 18;

function f32(view) {
  // ipywidgets hands binary buffers over as DataView; Float32Array needs a 4-byte aligned offset
  if (view == null) return new Float32Array(0);
  if (view instanceof Float32Array) return view;
  if (view.byteOffset % 4 === 0) return new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function rgba(hex, alpha) {
  const h = hex.replace("#", "");
  const n = parseInt(h.length === 3 ? h.replace(/./g, "$&$&") : h.slice(0, 6), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha ?? 1})`;
}

// Ticks of a log axis: 1, 2, 5 × 10^k over at most two decades, else every decade (at most ~8 of them).
function logTicks(min, max) {
  const lo = Math.min(min, max), hi = Math.max(min, max);
  if (!(lo > 0) || !Number.isFinite(hi)) return [];
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const step = Math.max(1, Math.ceil((e1 - e0) / 8)), mults = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const out = [];
  for (let e = e0; e <= e1; e += step) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

function logLabel(v) {
  if (v == null) return ""; // uPlot blanks ticks that would collide
  return v >= 1e-3 && v < 1e4 ? String(+v.toPrecision(3)) : v.toExponential(0);
}

// ----------------------------------------------------------------------------------------- drawing artists
function drawArtist(u, ctx, a, d, cmaps, px) {
  const X = (v) => u.valToPos(v, "x", true);
  const Y = (v) => u.valToPos(v, "y", true);
  ctx.save();
  ctx.lineWidth = (a.width ?? 1) * px;
  ctx.setLineDash(a.dash ? a.dash.map((v) => v * px) : []);
  ctx.strokeStyle = rgba(a.color, a.alpha);
  ctx.fillStyle = rgba(a.color, a.alpha);
  const { left, top, width, height } = u.bbox;
  if (a.kind === "line") {
    const x = f32(d.x), y = f32(d.y);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) { pen = false; continue; }
      pen ? ctx.lineTo(X(x[i]), Y(y[i])) : ctx.moveTo(X(x[i]), Y(y[i]));
      pen = true;
    }
    ctx.stroke();
    const r = ((a.marker_size ?? 6) * px) / 2; // marker_size is a diameter in CSS px, as in the PNG
    if (a.marker) for (let i = 0; i < x.length; i++) dot(ctx, X(x[i]), Y(y[i]), r);
  } else if (a.kind === "scatter") {
    // size / sizes are diameters in CSS px (the PNG draws the same at 100 dpi); values go through the cmap
    const x = f32(d.x), y = f32(d.y), s = f32(d.sizes), c = f32(d.values), r = (a.size * px) / 2;
    const lut = c.length && a.cmap ? cmaps[a.cmap] : null;
    for (let i = 0; i < x.length; i++) {
      if (lut) ctx.fillStyle = lutColor(lut, c[i], d.clim, a.alpha);
      dot(ctx, X(x[i]), Y(y[i]), s.length ? (s[i] * px) / 2 : r);
    }
  } else if (a.kind === "band") {
    const x = f32(d.x), lo = f32(d.lo), hi = f32(d.hi);
    if (x.length) {
      ctx.beginPath();
      ctx.moveTo(X(x[0]), Y(hi[0]));
      for (let i = 1; i < x.length; i++) ctx.lineTo(X(x[i]), Y(hi[i]));
      for (let i = x.length - 1; i >= 0; i--) ctx.lineTo(X(x[i]), Y(lo[i]));
      ctx.closePath();
      ctx.fill();
    }
  } else if (a.kind === "stairs") {
    const v = f32(d.values), e = f32(d.edges);
    if (e.length) {
      ctx.beginPath();
      ctx.moveTo(X(e[0]), Y(a.fill ? 0 : v[0]));
      for (let i = 0; i < v.length; i++) { ctx.lineTo(X(e[i]), Y(v[i])); ctx.lineTo(X(e[i + 1]), Y(v[i])); }
      if (a.fill) { ctx.lineTo(X(e[e.length - 1]), Y(0)); ctx.closePath(); ctx.fill(); } else ctx.stroke();
    }
  } else if (a.kind === "bars") {
    const x = f32(d.x), h = f32(d.heights), b = f32(d.bottom), w = a.width / 2;
    for (let i = 0; i < x.length; i++) {
      const base = b.length ? b[i] : 0;
      const x0 = X(x[i] - w), x1 = X(x[i] + w), y0 = Y(base), y1 = Y(base + h[i]);
      ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    }
  } else if (a.kind === "vline" || a.kind === "hline") {
    const p = f32(a.kind === "vline" ? d.x : d.y);
    ctx.beginPath();
    for (const v of p) {
      if (a.kind === "vline") { ctx.moveTo(X(v), top); ctx.lineTo(X(v), top + height); }
      else { ctx.moveTo(left, Y(v)); ctx.lineTo(left + width, Y(v)); }
    }
    ctx.stroke();
  } else if (a.kind === "image") {
    drawImage(ctx, d, cmaps[a.cmap], X, Y);
  } else if (a.kind === "text" && d.text) {
    const x = f32(d.x)[0], y = f32(d.y)[0];
    const cx = a.coords === "axes" ? left + x * width : X(x);
    const cy = a.coords === "axes" ? top + (1 - y) * height : Y(y);
    ctx.font = `${(a.size * 100 / 72) * px}px sans-serif`; // points at 100 dpi, as matplotlib
    ctx.textAlign = a.align;
    ctx.textBaseline = "top";
    ctx.fillStyle = a.color;
    ctx.fillText(d.text, cx, cy);
  }
  ctx.restore();
}

function lutColor(lut, v, clim, alpha) {
  const [lo, hi] = clim || [0, 1];
  const t = (v - lo) / (hi - lo);
  const k = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255))) * 3;
  return `rgba(${lut[k]},${lut[k + 1]},${lut[k + 2]},${alpha ?? 1})`;
}

function dot(ctx, x, y, r) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

function drawImage(ctx, d, lut, X, Y) {
  const [ny, nx] = d.shape;
  if (!ny || !nx) return;
  const v = f32(d.values), [lo, hi] = d.clim, [x0, x1, y0, y1] = d.extent;
  const off = document.createElement("canvas");
  off.width = nx; off.height = ny;
  const octx = off.getContext("2d"), img = octx.createImageData(nx, ny);
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const t = (v[i * nx + j] - lo) / (hi - lo);
      const k = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255))) * 3;
      const o = ((ny - 1 - i) * nx + j) * 4; // row 0 is the bottom of the image
      img.data[o] = lut[k]; img.data[o + 1] = lut[k + 1]; img.data[o + 2] = lut[k + 2]; img.data[o + 3] = 255;
    }
  }
  octx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  const px0 = X(x0), px1 = X(x1), py0 = Y(y1), py1 = Y(y0);
  ctx.drawImage(off, Math.min(px0, px1), Math.min(py0, py1), Math.abs(px1 - px0), Math.abs(py1 - py0));
}

function drawLegend(u, ctx, artists, loc, ncol, px) {
  const items = artists.filter((a) => a.label);
  if (!loc || !items.length) return;
  const fs = 11 * px, row = 15 * px, glyph = 22 * px, pad = 6 * px, gap = 10 * px;
  ctx.save();
  ctx.font = `${fs}px sans-serif`;
  ctx.textAlign = "left";
  // columns filled top to bottom, then left to right (as matplotlib's ncols)
  const cols = Math.max(1, Math.min(ncol || 1, items.length)), rows = Math.ceil(items.length / cols);
  const colW = glyph + 6 * px + Math.max(...items.map((a) => ctx.measureText(a.label).width));
  const w = cols * colW + (cols - 1) * gap, h = rows * row;
  const { left, top, width, height } = u.bbox;
  const [vert, horiz] = loc === "center" ? ["center", "center"] : loc.split(" ");
  const x0 = horiz === "left" ? left + pad : horiz === "right" ? left + width - pad - w : left + (width - w) / 2;
  const y0 = vert === "upper" ? top + pad : vert === "lower" ? top + height - pad - h : top + (height - h) / 2;
  ctx.fillStyle = "rgba(255,255,255,0.75)";
  ctx.fillRect(x0 - 3 * px, y0 - 2 * px, w + 6 * px, h + 4 * px);
  items.forEach((a, i) => {
    const x = x0 + Math.floor(i / rows) * (colW + gap), y = y0 + (i % rows) * row;
    const mid = y + row / 2;
    ctx.strokeStyle = ctx.fillStyle = rgba(a.color, a.kind === "line" ? a.alpha : Math.max(a.alpha ?? 1, 0.35));
    ctx.lineWidth = Math.min(a.width ?? 1.5, 3) * px;
    ctx.setLineDash(a.dash ? a.dash.map((v) => v * px) : []);
    if (["band", "stairs", "bars", "image"].includes(a.kind)) ctx.fillRect(x, mid - 4 * px, glyph, 8 * px);
    else if (a.kind === "scatter") dot(ctx, x + glyph / 2, mid, 3 * px);
    else { ctx.beginPath(); ctx.moveTo(x, mid); ctx.lineTo(x + glyph, mid); ctx.stroke(); }
    ctx.setLineDash([]);
    ctx.fillStyle = "#222";
    ctx.textBaseline = "middle";
    ctx.fillText(a.label, x + glyph + 6 * px, mid);
  });
  ctx.restore();
}

// ----------------------------------------------------------------------------------------- the figure
const inverted = (lim) => lim && lim[0] > lim[1];
// what needs a new uPlot (axes, ticks, scale kind or direction) rather than new limits
const plotKey = (p) => [p.xlabel, p.ylabel, p.xscale, p.yscale, inverted(p.xlim), inverted(p.ylim), p.xaxis, p.yaxis,
  JSON.stringify([p.xticks, p.xticklabels, p.yticks, p.yticklabels])];

// aspect "equal": widen the range with fewer data units per pixel about its centre (matplotlib's "datalim")
function equalAspect(xlim, ylim, w, h) {
  const ux = (xlim[1] - xlim[0]) / w, uy = (ylim[1] - ylim[0]) / h;
  if (!(w > 0 && h > 0) || !(ux > 0 && uy > 0)) return [xlim, ylim];
  const widen = (lim, half) => [(lim[0] + lim[1]) / 2 - half, (lim[0] + lim[1]) / 2 + half];
  return ux < uy ? [widen(xlim, (uy * w) / 2), ylim] : [xlim, widen(ylim, (ux * h) / 2)];
}

class FigureView {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.frame = null;
    this.cells = [];
    root.innerHTML = "";
    const total = spec.width_ratios.reduce((s, r) => s + r, 0);
    const widths = spec.width_ratios.map((r) => Math.floor((spec.width * r) / total));
    Object.assign(root.style, {
      display: "grid", gridTemplateColumns: widths.map((w) => `${w}px`).join(" "), width: `${spec.width}px`,
      fontFamily: "sans-serif", background: "white",
    });
    for (const ax of spec.axes) {
      const cell = document.createElement("div");
      cell.style.gridRow = `${ax.row + 1}`;
      cell.style.gridColumn = `${ax.col + 1}`;
      const title = document.createElement("div");
      Object.assign(title.style, {
        height: `${TITLE_PX}px`, fontSize: "12px", textAlign: "center", whiteSpace: "nowrap", overflow: "hidden",
        textOverflow: "ellipsis", color: "#222",
      });
      const plot = document.createElement("div");
      cell.append(title, plot);
      root.appendChild(cell);
      const artists = spec.artists.filter((a) => a.axes === this.cells.length);
      this.cells.push({ title, plot, artists, width: widths[ax.col], u: null, labels: null });
    }
  }

  makePlot(i, p) {
    const cell = this.cells[i];
    if (cell.u) cell.u.destroy();
    const self = this;
    // explicit ticks win; a log axis gets 1-2-5 (or decade) ticks from logTicks: uPlot's own log splits loop
    // without end for some limit pairs (e.g. 0.096..3.14), which hung the page
    const tickOpts = (t, labels, log) => (t ? { splits: () => t, values: () => labels || t.map(String) }
      : log ? { splits: (u, ax, lo, hi) => logTicks(lo, hi), values: (u, v) => v.map(logLabel) } : {});
    const logRange = { range: (u, lo, hi) => [lo, hi] };
    const opts = {
      width: cell.width, height: this.spec.row_height - TITLE_PX,
      legend: { show: false }, cursor: { show: false }, select: { show: false },
      scales: { // an inverted limit pair (hi first) runs the scale backwards
        x: { time: false, auto: false, distr: p.xscale === "log" ? 3 : 1, log: 10, dir: inverted(p.xlim) ? -1 : 1,
          ...(p.xscale === "log" ? logRange : {}) },
        y: { auto: false, distr: p.yscale === "log" ? 3 : 1, log: 10, dir: inverted(p.ylim) ? -1 : 1,
          ...(p.yscale === "log" ? logRange : {}) },
      },
      axes: [
        { show: p.xaxis !== false, label: p.xlabel || null, labelSize: 20, size: 32, font: "11px sans-serif",
          labelFont: "12px sans-serif", ...tickOpts(p.xticks, p.xticklabels, p.xscale === "log") },
        { show: p.yaxis !== false, label: p.ylabel || null, labelSize: 20, size: 46, font: "11px sans-serif",
          labelFont: "12px sans-serif", ...tickOpts(p.yticks, p.yticklabels, p.yscale === "log") },
      ],
      series: [{}, { show: false }],
      hooks: { draw: [(u) => self.paintArtists(i, u)] },
    };
    cell.u = new uPlot(opts, [[0, 1], [null, null]], cell.plot);
    cell.labels = plotKey(p);
    cell.laidOut = false;
  }

  paintArtists(i, u) {
    if (!this.frame) return;
    const cell = this.cells[i], px = uPlot.pxRatio || 1, ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const order = [...cell.artists].sort((a, b) => Z[a.kind] - Z[b.kind]);
    for (const a of order) {
      const d = this.frame.artists[a.name];
      if (d && d.visible !== false) drawArtist(u, ctx, a, d, this.spec.cmaps, px);
    }
    ctx.restore();
    const p = this.frame.axes[i];
    drawLegend(u, ctx, cell.artists, p.legend, p.legend_ncol, px);
  }

  show(frame) {
    this.frame = frame;
    frame.axes.forEach((p, i) => {
      const cell = this.cells[i];
      const labels = plotKey(p);
      if (!cell.u || labels.some((v, k) => v !== cell.labels[k])) this.makePlot(i, p);
      cell.title.textContent = p.title || "";
      cell.title.title = p.title || "";
      const u = cell.u;
      const xlim = [Math.min(...p.xlim), Math.max(...p.xlim)], ylim = [Math.min(...p.ylim), Math.max(...p.ylim)];
      const apply = ([xl, yl]) => u.batch(() => {
        u.setScale("x", { min: xl[0], max: xl[1] });
        u.setScale("y", { min: yl[0], max: yl[1] });
        u.redraw(false, true); // setScale alone skips the redraw when the limits did not change
      });
      if (p.aspect !== "equal") apply([xlim, ylim]);
      else {
        // the plot box is known only once uPlot has laid out its axes (after its first commit)
        if (!cell.laidOut) { apply([xlim, ylim]); cell.laidOut = true; }
        apply(equalAspect(xlim, ylim, u.bbox.width, u.bbox.height));
      }
    });
  }

  destroy() {
    for (const c of this.cells) if (c.u) c.u.destroy();
  }
}

// ----------------------------------------------------------------------------------------- anywidget entry points
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "priorscope-figure";
  el.appendChild(root);
  let view = null, pending = null, raf = 0;
  const paint = () => {
    raf = 0;
    const frame = pending;
    pending = null;
    if (frame && view) {
      view.show(frame);
      root.dataset.seq = String(frame.seq ?? ""); // tests and benchmarks read which frame is on screen
    }
  };
  const onFrame = () => {
    pending = model.get("frame"); // the newest frame replaces any frame not yet painted: latest wins
    if (!raf) raf = requestAnimationFrame(paint);
  };
  const onSpec = () => {
    if (view) view.destroy();
    view = new FigureView(root, model.get("spec"));
    onFrame();
  };
  model.on("change:spec", onSpec);
  model.on("change:frame", onFrame);
  onSpec();
  return () => { if (view) view.destroy(); };
}

// ----------------------------------------------------------------------------------------- replay (no kernel)
// A bundle from priorscope.viz.replay.precompute: the figure spec, the control grid and one frame per state,
// arrays as {"$ref": [offset, length]} into one base64 float32 blob. Controls step through the grid values;
// the state that matches the most controls is shown.
function replay(el, bundle) {
  const bytes = Uint8Array.from(atob(bundle.blob), (c) => c.charCodeAt(0));
  const blob = new Float32Array(bytes.buffer);
  const decode = (frame) => {
    const artists = {};
    for (const [name, entry] of Object.entries(frame.artists)) {
      artists[name] = {};
      for (const [k, v] of Object.entries(entry)) {
        artists[name][k] = v && v.$ref ? blob.subarray(v.$ref[0], v.$ref[0] + v.$ref[1]) : v;
      }
    }
    return { axes: frame.axes, artists };
  };
  el.innerHTML = "";
  const controls = document.createElement("div");
  Object.assign(controls.style, { display: "flex", flexWrap: "wrap", gap: "4px 24px", font: "13px sans-serif" });
  const root = document.createElement("div");
  root.className = "priorscope-figure";
  const caption = document.createElement("div");
  Object.assign(caption.style, { font: "italic 12px sans-serif", marginTop: "4px" });
  caption.textContent = bundle.caption ? `What you should see: ${bundle.caption}` : "";
  if (bundle.title) {
    const t = document.createElement("div");
    t.style.font = "bold 14px sans-serif";
    t.textContent = bundle.title;
    el.append(t);
  }
  el.append(controls, root, caption);
  const current = {};
  const key = (v) => JSON.stringify(v);
  const view = new FigureView(root, bundle.spec);
  const show = () => {
    let best = bundle.states[0], bestScore = -1;
    for (const s of bundle.states) {
      const score = Object.keys(current).filter((n) => key(s.params[n]) === key(current[n])).length;
      if (score > bestScore) { best = s; bestScore = score; }
    }
    view.show(decode(best.frame));
    root.dataset.state = key(best.params);
  };
  for (const [name, c] of Object.entries(bundle.controls)) {
    const values = [...c.values];
    if (values.every((v) => typeof v === "number")) values.sort((a, b) => a - b);
    current[name] = c.default;
    const label = document.createElement("label");
    const input = document.createElement("input");
    const readout = document.createElement("span");
    Object.assign(input, { type: "range", min: 0, max: values.length - 1, step: 1 });
    input.value = String(values.findIndex((v) => key(v) === key(c.default)));
    input.dataset.control = name;
    readout.textContent = String(c.default);
    input.addEventListener("input", () => {
      current[name] = values[Number(input.value)];
      readout.textContent = String(current[name]);
      show();
    });
    label.append(`${c.description} `, input, " ", readout);
    controls.append(label);
  }
  show();
  return view;
}

export { replay };
export default { render };
