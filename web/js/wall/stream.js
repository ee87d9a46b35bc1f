// The live alert stream beside the wall: newest first, coloured by tier, each a link to its detail.
import { h } from "../dom.js";
import { t, ruleName } from "../i18n.js";
import { time, dateTime, startOfToday } from "../format.js";

const KEEP = 100;

export class AlertStream {
  constructor(list, names) {
    this.list = list;
    this.names = names; // {school(id), camera(id)} -> display name
    this.items = new Map(); // event id -> {li, ev}
    this.school = null;
  }

  /** Add or refresh one alert; answers true if it is new. */
  show(ev, { fresh = false } = {}) {
    let item = this.items.get(ev.id);
    const isNew = !item;
    if (!item) {
      const li = h("li", { "data-event": ev.id, "data-school": ev.school_id });
      item = { li, ev };
      this.items.set(ev.id, item);
      this.list.prepend(li);
      while (this.list.children.length > KEEP) {
        const last = this.list.lastElementChild;
        this.items.delete(last.dataset.event);
        last.remove();
      }
      if (fresh) li.classList.add("fresh");
    }
    item.ev = { ...item.ev, ...ev };
    this.render(item);
    return isNew;
  }

  setStatus(eventId, status) {
    const item = this.items.get(eventId);
    if (!item) return;
    item.ev.status = status;
    this.render(item);
  }

  render({ li, ev }) {
    const status = ev.status || "open";
    li.className = `alert tier-${ev.tier} status-${status}${li.classList.contains("fresh") ? " fresh" : ""}`;
    li.hidden = Boolean(this.school && ev.school_id !== this.school);
    const thumb = ev.snapshot_url ? h("img", { src: ev.snapshot_url, alt: "", loading: "lazy" }) : h("div", { class: "noimg" });
    li.replaceChildren(h("a", { href: `#/alert/${encodeURIComponent(ev.id)}` },
      thumb,
      h("div", { class: "body" },
        h("div", { class: "rule" }, h("span", { class: `tier tier-${ev.tier}` }, t(`tier.${ev.tier}`)), ruleName(ev.rule)),
        h("div", { class: "meta" }, `${this.names.school(ev.school_id)} · ${this.names.camera(ev.camera_id)}`),
        h("div", { class: "meta" }, ev.started_ms >= startOfToday() ? time(ev.started_ms) : dateTime(ev.started_ms), " · ", t(`status.${status}`)))));
  }

  filter(school) {
    this.school = school;
    for (const item of this.items.values()) item.li.hidden = Boolean(school && item.ev.school_id !== school);
  }
}
