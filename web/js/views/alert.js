// One alert: evidence (snapshot with boxes, clip), facts, the workflow timeline and the actions
// this user may take. A 409 from the api (someone else acted first) is shown as it came.
import { api, describe } from "../api.js";
import { h } from "../dom.js";
import { t, ruleName } from "../i18n.js";
import { dateTime } from "../format.js";
import { schoolName, cameraName } from "../directory.js";
import { snapshotWithBoxes, clip } from "../evidence.js";
import { allowedActions } from "../workflow.js";

export function mount(root, ctx, eventId) {
  const path = `/api/events/${encodeURIComponent(eventId)}`;
  const message = h("p", { class: "notice", role: "alert", "data-testid": "action-message" });
  let directory = null;
  let alive = true;

  async function load() {
    try {
      directory = await ctx.directory().catch(() => null);
      const ev = await api(path);
      if (alive) render(ev);
    } catch (err) {
      if (!alive) return;
      root.replaceChildren(h("section", { class: "page" }, back(),
        h("p", { class: "error", "data-testid": "not-found" }, err.status === 404 ? t("alert.not_found") : describe(err))));
    }
  }

  function back() {
    return h("a", { class: "back", href: "#", onclick: (e) => { e.preventDefault(); history.back(); } }, `‹ ${t("alert.back")}`);
  }

  async function act(action, note, photo) {
    message.className = "notice";
    message.textContent = "";
    try {
      let ev;
      if (action === "rectify") {
        const form = new FormData();
        form.set("note", note);
        form.set("photo", photo);
        ev = await api(`${path}/rectify`, { method: "POST", form });
      } else {
        ev = await api(`${path}/${action}`, { method: "POST", json: { note } });
      }
      message.textContent = `${t("alert.done")}: ${t(`action.${action}`)}`;
      render(ev);
    } catch (err) {
      message.className = "notice error";
      message.textContent = err.status === 409 ? `${t("alert.conflict")} — ${err.detail}` : describe(err);
      if (err.status === 409) api(path).then((ev) => alive && render(ev)).catch(() => {});
    }
  }

  function actions(ev) {
    const allowed = allowedActions(ctx.user.role, ev);
    if (!allowed.length) return h("p", { class: "muted", "data-testid": "no-actions" }, t("alert.none"));
    const note = h("textarea", { name: "note", rows: 3, maxlength: 2000, placeholder: t("alert.note") });
    const photo = allowed.includes("rectify")
      ? h("input", { type: "file", name: "photo", accept: "image/jpeg,image/png", "data-testid": "photo" }) : null;
    const buttons = allowed.map((action) => h("button", {
      type: "button", "data-action": action, class: `action ${action}`,
      onclick: () => {
        const text = note.value.trim();
        if ((action === "reject" || action === "rectify") && !text) {
          message.className = "notice error";
          message.textContent = t("alert.note_required");
          return;
        }
        if (action === "rectify" && !(photo.files && photo.files[0])) {
          message.className = "notice error";
          message.textContent = t("alert.photo_required");
          return;
        }
        act(action, text, photo && photo.files[0]);
      },
    }, t(`action.${action}`)));
    return h("div", { class: "actions", "data-testid": "actions" },
      h("label", {}, t("alert.note"), note),
      photo ? h("label", {}, t("alert.photo"), photo) : null,
      h("div", { class: "buttons" }, buttons));
  }

  function timeline(ev) {
    const steps = [h("li", { class: "step detected" }, h("time", {}, dateTime(ev.started_ms)), h("b", {}, t("alert.detected")),
      ev.message ? h("p", {}, ev.message) : null)];
    for (const step of ev.timeline) {
      steps.push(h("li", { class: `step ${step.action}`, "data-step": step.action },
        h("time", {}, dateTime(step.at_ms)),
        h("b", {}, t(`action.${step.action}`)),
        h("span", { class: "muted" }, ` ${step.actor} (${t(`role.${step.role}`)}) · ${t(`status.${step.from_status}`)} → ${t(`status.${step.to_status}`)}`),
        step.note ? h("p", { class: "note" }, step.note) : null,
        step.photo_url ? h("a", { href: step.photo_url, target: "_blank" }, h("img", { class: "photo", src: step.photo_url, alt: t("alert.photo") })) : null));
    }
    return h("ol", { class: "timeline", "data-testid": "timeline" }, steps);
  }

  function render(ev) {
    const fact = (key, value) => [h("dt", {}, t(key)), h("dd", {}, value ?? "—")];
    root.replaceChildren(h("section", { class: "page alert-detail", "data-event": ev.id, "data-status": ev.status },
      h("div", { class: "title-row" }, back(),
        h("h2", {}, h("span", { class: `tier tier-${ev.tier}` }, t(`tier.${ev.tier}`)), " ", ruleName(ev.rule)),
        h("span", { class: `status status-${ev.status}`, "data-testid": "status" }, t(`status.${ev.status}`))),
      h("div", { class: "columns" },
        h("div", { class: "evidence" }, snapshotWithBoxes(ev), h("h3", {}, t("alert.clip")), clip(ev)),
        h("div", { class: "side" },
          h("dl", { class: "facts" },
            fact("alert.school", schoolName(directory, ev.school_id)),
            fact("alert.camera", cameraName(directory, ev.camera_id)),
            fact("alert.zone", ev.zone),
            fact("alert.time", `${dateTime(ev.started_ms)}${ev.ended_ms ? ` – ${dateTime(ev.ended_ms)}` : ""}`),
            fact("alert.score", `${Math.round(ev.score * 100)}%`),
            fact("alert.verdict", ev.verdict ? t(`verdict.${ev.verdict}`) : null),
            ev.message ? fact("alert.message", ev.message) : null),
          h("h3", {}, t("alert.actions")), message, actions(ev),
          h("h3", {}, t("alert.timeline")), timeline(ev)))));
  }

  const off = ctx.live.on("workflow", (msg) => { if (msg.event_id === eventId) load(); });
  load();
  return () => { alive = false; off(); };
}
