// Event history: filters kept in the address (#/history?rule=…), cursor paging, evidence, CSV.
import { api, query, describe } from "../api.js";
import { h } from "../dom.js";
import { t, ruleName, RULE_KEYS } from "../i18n.js";
import { dateTime } from "../format.js";
import { schoolName, cameraName } from "../directory.js";

const FILTERS = ["school_id", "camera_id", "rule", "tier", "state", "status", "since_ms", "until_ms"];
const STATUSES = ["open", "acknowledged", "rectified", "closed", "dismissed", "escalated"];
const PAGE = 25;
const MAX_PAGE = 500;

function localInput(ms) {
  if (!ms) return "";
  const d = new Date(Number(ms));
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export function mount(root, ctx) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) || ""]));
  const limit = Math.min(MAX_PAGE, Math.max(1, Number(ctx.query.get("limit")) || PAGE));
  const body = h("tbody");
  const more = h("button", { type: "button", class: "more", "data-testid": "more", hidden: true }, t("history.more"));
  const count = h("span", { class: "muted", "data-testid": "count" });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "filters", "data-testid": "filters" });
  const exportLink = h("a", { class: "button", href: `/api/events/export.csv${query(filters)}`, download: "events.csv", "data-testid": "export" }, t("history.export"));
  let directory = null;
  let cursor = null;
  let shown = 0;
  let alive = true;

  const select = (name, options) => h("select", { name },
    h("option", { value: "" }, t("history.any")),
    ...options.map(([value, label]) => h("option", { value, selected: String(value) === filters[name] }, label)));

  function buildForm() {
    const schools = directory ? [...directory.schools.values()] : [];
    const cameras = directory ? directory.cameras.filter((c) => !filters.school_id || c.school_id === filters.school_id) : [];
    const field = (label, input) => h("label", {}, h("span", {}, t(label)), input);
    form.replaceChildren(
      ctx.user.role === "canteen_manager" ? null : field("col.school", select("school_id", schools.map((s) => [s.id, s.name]))),
      field("col.camera", select("camera_id", cameras.map((c) => [c.id, c.name]))),
      field("col.rule", select("rule", RULE_KEYS.map((k) => [k, ruleName(k)]))),
      field("col.tier", select("tier", [1, 2, 3].map((n) => [n, t(`tier.${n}`)]))),
      field("col.status", select("status", STATUSES.map((s) => [s, t(`status.${s}`)]))),
      field("history.state", select("state", ["open", "update", "closed"].map((s) => [s, t(`state.${s}`)]))),
      field("history.since", h("input", { type: "datetime-local", name: "since", value: localInput(filters.since_ms) })),
      field("history.until", h("input", { type: "datetime-local", name: "until", value: localInput(filters.until_ms) })),
      h("div", { class: "buttons" },
        h("button", { type: "submit" }, t("history.search")),
        h("button", { type: "button", onclick: () => ctx.navigate("/history") }, t("history.reset")),
        exportLink));
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const key of ["school_id", "camera_id", "rule", "tier", "status", "state"]) next[key] = data.get(key) || "";
    const since = data.get("since");
    const until = data.get("until");
    next.since_ms = since ? new Date(since).getTime() : "";
    next.until_ms = until ? new Date(until).getTime() : "";
    ctx.navigate(`/history${query(next)}`);
  });

  function row(ev) {
    const link = `#/alert/${encodeURIComponent(ev.id)}`;
    return h("tr", { "data-event": ev.id, "data-status": ev.status, class: `tier-${ev.tier}` },
      h("td", {}, ev.snapshot_url ? h("a", { href: link }, h("img", { class: "thumb", src: ev.snapshot_url, alt: "", loading: "lazy" })) : "—"),
      h("td", {}, h("a", { href: link }, dateTime(ev.started_ms))),
      h("td", {}, schoolName(directory, ev.school_id)),
      h("td", {}, cameraName(directory, ev.camera_id)),
      h("td", {}, ruleName(ev.rule)),
      h("td", {}, h("span", { class: `tier tier-${ev.tier}` }, t(`tier.${ev.tier}`))),
      h("td", {}, h("span", { class: `status status-${ev.status}` }, t(`status.${ev.status}`)),
        ev.verdict ? h("span", { class: "muted" }, ` · ${t(`verdict.${ev.verdict}`)}`) : null));
  }

  async function page() {
    more.disabled = true;
    try {
      const answer = await api(`/api/events${query({ ...filters, limit, cursor })}`);
      if (!alive) return;
      body.append(...answer.items.map(row));
      shown += answer.items.length;
      cursor = answer.next_cursor;
      more.hidden = !cursor;
      count.textContent = `${shown} ${t("history.count")}${cursor ? "" : ` · ${t("history.end")}`}`;
      error.textContent = "";
    } catch (err) {
      error.textContent = `${t("error.load")}: ${describe(err)}`;
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", page);
  root.append(h("section", { class: "page history" }, h("h2", {}, t("history.title")), form, error,
    h("table", { class: "list", "data-testid": "history" },
      h("thead", {}, h("tr", {}, ...["col.evidence", "col.time", "col.school", "col.camera", "col.rule", "col.tier", "col.status"]
        .map((k) => h("th", {}, t(k))))),
      body),
    h("div", { class: "pager" }, more, count)));
  buildForm();
  ctx.directory().then((d) => { directory = d; if (alive) buildForm(); }).catch(() => {}).finally(page);
  return () => { alive = false; };
}
