// Alerts whose workflow is not finished, per school: seeded from the api, kept current by /ws.
import { api, query } from "./api.js";

export const UNFINISHED = ["open", "escalated", "acknowledged", "rectified"];
const PAGE = 500;

export class OpenCases {
  constructor() {
    this.cases = new Map(); // event id -> {school_id, status, tier}
  }

  /** Load from the api (one list per unfinished status; the newest 500 of each). */
  async load(schoolId) {
    const pages = await Promise.all(UNFINISHED.map((status) =>
      api(`/api/events${query({ status, school_id: schoolId, limit: PAGE })}`)));
    this.cases.clear();
    for (const page of pages) for (const ev of page.items) this.track(ev);
    return pages.flatMap((p) => p.items);
  }

  track(ev) {
    const status = ev.status || "open";
    if (UNFINISHED.includes(status)) this.cases.set(ev.id, { school_id: ev.school_id, status, tier: ev.tier });
    else this.cases.delete(ev.id);
  }

  /** A live event from /ws: a new incident starts the workflow as "open". */
  onEvent(ev) {
    if (this.cases.has(ev.id) || ev.state === "closed") return false;
    this.cases.set(ev.id, { school_id: ev.school_id, status: "open", tier: ev.tier });
    return true;
  }

  /** Apply a workflow message from /ws; answers whether anything changed. */
  onWorkflow(msg) {
    const known = this.cases.get(msg.event_id);
    if (!UNFINISHED.includes(msg.status)) return this.cases.delete(msg.event_id);
    this.cases.set(msg.event_id, { school_id: msg.school_id, status: msg.status, tier: known ? known.tier : 3 });
    return true;
  }

  count(schoolId) {
    let n = 0;
    for (const c of this.cases.values()) if (!schoolId || c.school_id === schoolId) n += 1;
    return n;
  }
}
