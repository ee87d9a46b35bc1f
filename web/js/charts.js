// Charts drawn as SVG by hand (no library): horizontal bars and day columns.
import { h, s } from "./dom.js";
import { t } from "./i18n.js";

/** Horizontal bars: rows of {label, value, extra?}; ``format`` writes the value. */
export function barChart(rows, { format = String, max = null, testid, labelWidth = 150 } = {}) {
  if (!rows.length) return h("p", { class: "muted" }, t("stats.empty"));
  const rowH = 26;
  const labelW = labelWidth;
  const width = 560;
  const top = max ?? Math.max(...rows.map((r) => r.value), 1);
  const barW = width - labelW - 70;
  return s("svg", { class: "chart bars", viewBox: `0 0 ${width} ${rows.length * rowH + 4}`, "data-testid": testid, role: "img" },
    rows.map((r, i) => {
      const y = i * rowH + 2;
      const w = Math.max(1, (r.value / top) * barW);
      return s("g", { "data-key": r.key ?? r.label },
        s("text", { x: labelW - 8, y: y + 17, class: "label", "text-anchor": "end" }, r.label),
        s("rect", { x: labelW, y: y + 4, width: w, height: rowH - 8, rx: 3, class: r.className || "bar" }),
        s("text", { x: labelW + w + 6, y: y + 17, class: "value" }, format(r.value)));
    }));
}

/** Columns per day: {"2024-05-01": 3, ...}, every day of the window shown (zero days too). */
export function dayChart(byDay, days, { testid } = {}) {
  const keys = [];
  const today = new Date();
  for (let i = days - 1; i >= 0; i -= 1) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    keys.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`);
  }
  const width = 560;
  const height = 200;
  const base = height - 24;
  const top = Math.max(1, ...keys.map((k) => byDay[k] || 0));
  const step = (width - 30) / keys.length;
  const labelEvery = Math.ceil(keys.length / 10);
  return s("svg", { class: "chart days", viewBox: `0 0 ${width} ${height}`, "data-testid": testid, role: "img" },
    s("line", { x1: 24, y1: base, x2: width, y2: base, class: "axis" }),
    s("text", { x: 0, y: 14, class: "value" }, String(top)),
    keys.map((k, i) => {
      const n = byDay[k] || 0;
      const hgt = (n / top) * (base - 20);
      const x = 30 + i * step;
      return s("g", { "data-day": k },
        s("rect", { x: x + step * 0.15, y: base - hgt, width: step * 0.7, height: hgt, class: "bar" }, s("title", {}, `${k}: ${n}`)),
        n ? s("text", { x: x + step / 2, y: base - hgt - 4, class: "value", "text-anchor": "middle" }, String(n)) : null,
        i % labelEvery === 0 ? s("text", { x: x + step / 2, y: height - 6, class: "label", "text-anchor": "middle" }, k.slice(5)) : null);
    }));
}
