// Statistics: totals, violations by type and by day, the league table (红黑榜), camera coverage.
import { api, query, describe } from "../api.js";
import { h } from "../dom.js";
import { t, ruleName } from "../i18n.js";
import { duration, percent } from "../format.js";
import { cameraName, schoolName } from "../directory.js";
import { barChart, dayChart } from "../charts.js";

const WINDOWS = [7, 30, 90];
// Default tiers of the catalog (core/catalog.py), to colour the bars of each violation type.
const TIERS = { rodent: 1, stove_unattended: 1, intrusion: 1, camera_blocked: 1, camera_offline: 1, smoking: 2,
  phone_use: 2, bin_open: 2, crowding: 2, camera_blurred: 2, camera_displaced: 2, camera_frozen: 2 };

export function mount(root, ctx) {
  const days = WINDOWS.includes(Number(ctx.query.get("days"))) ? Number(ctx.query.get("days")) : 7;
  const until = Date.now();
  const since = until - days * 86400000;
  const params = query({ since_ms: since, until_ms: until });
  const panel = (title, testid, ...content) => h("section", { class: "panel card", "data-testid": testid }, h("h3", {}, title), ...content);
  const content = h("div", { class: "stats-grid" }, h("p", { class: "muted" }, t("loading")));
  let alive = true;
  root.append(h("section", { class: "page stats" },
    h("div", { class: "title-row" }, h("h2", {}, t("stats.title")),
      h("div", { class: "segmented" }, ...WINDOWS.map((n) =>
        h("a", { href: `#/stats?days=${n}`, class: n === days ? "active" : null }, `${n} ${t("stats.days")}`)))),
    content));

  function league(rows, directory) {
    const table = (list, cls) => h("table", { class: `list league ${cls}` },
      h("thead", {}, h("tr", {}, ...["col.rank", "col.school", "col.violations", "col.per_cam_day", "col.rectify", "col.rectified_share"]
        .map((k) => h("th", {}, t(k))))),
      h("tbody", {}, ...list.map((r) => h("tr", { "data-school": r.school_id },
        h("td", {}, String(r.rank)), h("td", {}, r.school_name || schoolName(directory, r.school_id)),
        h("td", {}, String(r.violations)), h("td", {}, r.violations_per_camera_day.toFixed(2)),
        h("td", {}, duration(r.median_rectify_s)), h("td", {}, percent(r.rectified_share))))));
    if (!rows.length) return h("p", { class: "muted" }, t("stats.empty"));
    const half = Math.ceil(rows.length / 2);
    const black = rows.slice(half).reverse();
    return h("div", { class: "league-pair" },
      h("div", {}, h("h4", { class: "red" }, t("stats.red")), table(rows.slice(0, half), "red")),
      black.length ? h("div", {}, h("h4", { class: "black" }, t("stats.black")), table(black, "black")) : null);
  }

  async function load() {
    try {
      const [directory, summary, byRule, byDay, leagueRows, coverage] = await Promise.all([
        ctx.directory().catch(() => null),
        api(`/api/stats/summary${params}`), api(`/api/stats/by-rule${params}`),
        api(`/api/stats/by-day${params}`), api(`/api/stats/league${params}`), api(`/api/stats/coverage${params}`),
      ]);
      if (!alive) return;
      const card = (label, value, key) => h("div", { class: "kpi", "data-kpi": key }, h("b", {}, value), h("span", {}, t(label)));
      const rules = Object.entries(byRule).map(([key, v]) => ({ key, label: ruleName(key), value: v.events, className: `bar rule-tier-${TIERS[key] || 3}` }))
        .sort((a, b) => b.value - a.value);
      const cams = Object.entries(coverage).map(([id, v]) => ({
        key: id, label: `${schoolName(directory, v.school_id).split(" ")[0]} · ${cameraName(directory, id)}`, value: v.online_share,
        className: v.online_share >= 0.95 ? "bar good" : v.online_share >= 0.8 ? "bar warn" : "bar bad",
      }));
      content.replaceChildren(
        h("div", { class: "kpis" },
          card("stats.events", String(summary.events), "events"), card("kpi.open", String(summary.open_cases), "open"),
          card("stats.precision", percent(summary.precision), "precision"),
          card("stats.ack", duration(summary.median_ack_s), "ack"), card("stats.rectify", duration(summary.median_rectify_s), "rectify")),
        panel(t("stats.by_rule"), "by-rule", barChart(rules, { testid: "chart-rules" })),
        panel(t("stats.by_day"), "by-day", dayChart(byDay, days, { testid: "chart-days" })),
        panel(t("stats.league"), "league", league(leagueRows, directory)),
        panel(t("stats.coverage"), "coverage", barChart(cams, { format: percent, max: 1, testid: "chart-coverage", labelWidth: 260 })));
    } catch (err) {
      content.replaceChildren(h("p", { class: "error" }, `${t("error.load")}: ${describe(err)}`));
    }
  }

  load();
  return () => { alive = false; };
}
