// Canteen manager: the open alerts of their school, newest first, updated live.
import { describe } from "../api.js";
import { h } from "../dom.js";
import { t, ruleName } from "../i18n.js";
import { dateTime } from "../format.js";
import { cameraName } from "../directory.js";
import { OpenCases } from "../open_cases.js";
import { beep } from "../sound.js";

export function mount(root, ctx) {
  const body = h("tbody");
  const note = h("p", { class: "muted", "data-testid": "deadline-note" }, t("inbox.no_deadline"));
  const error = h("p", { class: "error", role: "alert" });
  const events = new Map();
  const cases = new OpenCases();
  let directory = null;
  let alive = true;
  root.append(h("section", { class: "page inbox" },
    h("h2", {}, t("inbox.title")), error,
    h("table", { class: "list", "data-testid": "inbox" },
      h("thead", {}, h("tr", {}, ...["col.time", "col.rule", "col.tier", "col.camera", "col.status", "inbox.deadline"]
        .map((k) => h("th", {}, t(k))))),
      body),
    note));

  function deadline(ev) {
    // The next deadline the case is held to: acknowledge (tier 1, while open), then rectify.
    const due = ev.status === "open" && ev.ack_deadline_ms ? ev.ack_deadline_ms : ev.rectify_deadline_ms;
    if (!due) return ev.escalated_ms ? `${t("status.escalated")} ${dateTime(ev.escalated_ms)}` : "—";
    const label = due === ev.ack_deadline_ms ? t("inbox.ack_by") : t("inbox.rectify_by");
    return h("span", { class: due < Date.now() ? "overdue" : "", "data-deadline": String(due) },
      `${label} ${dateTime(due)}`);
  }

  function render() {
    const rows = [...events.values()].filter((ev) => cases.cases.has(ev.id)).sort((a, b) => b.started_ms - a.started_ms);
    body.replaceChildren(...rows.map((ev) => h("tr", {
      "data-event": ev.id, class: `tier-${ev.tier} status-${ev.status}`,
      onclick: () => ctx.navigate(`/alert/${encodeURIComponent(ev.id)}`),
    },
    h("td", {}, h("a", { href: `#/alert/${encodeURIComponent(ev.id)}` }, dateTime(ev.started_ms))),
    h("td", {}, ruleName(ev.rule)),
    h("td", {}, h("span", { class: `tier tier-${ev.tier}` }, t(`tier.${ev.tier}`))),
    h("td", {}, cameraName(directory, ev.camera_id)),
    h("td", {}, h("span", { class: `status status-${ev.status}` }, t(`status.${ev.status}`))),
    h("td", {}, deadline(ev)))));
    if (!rows.length) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, t("inbox.empty"))));
  }

  async function load() {
    try {
      directory = await ctx.directory().catch(() => null);
      const items = await cases.load();
      if (!alive) return;
      events.clear();
      for (const ev of items) events.set(ev.id, ev);
      render();
    } catch (err) {
      error.textContent = `${t("error.load")}: ${describe(err)}`;
    }
  }

  const off = [
    ctx.live.on("event", ({ event }) => {
      if (events.has(event.id)) return;
      if (cases.onEvent(event)) {
        events.set(event.id, { ...event, status: "open" });
        beep(event.tier);
        render();
      }
    }),
    ctx.live.on("workflow", (msg) => {
      cases.onWorkflow(msg);
      const ev = events.get(msg.event_id);
      if (ev) ev.status = msg.status;
      else if (cases.cases.has(msg.event_id)) { load(); return; }
      render();
    }),
    ctx.live.on("reconnected", () => load()),
  ];
  load();
  return () => { alive = false; off.forEach((f) => f()); };
}
