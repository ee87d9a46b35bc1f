// Zone editor: draw polygons on the camera's current picture and save them into the site
// (coordinates normalised to 0..1) with PUT /api/site; the api publishes the site on bk.site.
import { api, describe } from "../api.js";
import { h, s } from "../dom.js";
import { t } from "../i18n.js";

const KINDS = ["stove", "floor", "bin", "prep", "restricted", "other"];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

export function mount(root, ctx, cameraId) {
  let site = null;
  let zones = [];
  let draft = [];
  let size = { w: 1280, h: 720 };
  let dirty = false;
  const message = h("p", { class: "notice", role: "alert", "data-testid": "zone-message" });
  const svg = s("svg", { class: "zone-layer", "data-testid": "zone-canvas", preserveAspectRatio: "none" });
  const img = h("img", { alt: "", src: `/api/cameras/${encodeURIComponent(cameraId)}/latest.jpg?at=${Date.now()}` });
  const stage = h("div", { class: "zone-stage" }, img, svg);
  const list = h("ul", { class: "zone-list", "data-testid": "zones" });
  const idInput = h("input", { name: "zone_id", placeholder: "stove-1", "data-testid": "zone-id" });
  const kindSelect = h("select", { name: "kind", "data-testid": "zone-kind" }, ...KINDS.map((k) => h("option", { value: k }, t(`kind.${k}`))));
  const saveButton = h("button", { type: "button", class: "primary", "data-testid": "zone-save", onclick: save }, t("zones.save"));
  const heading = h("h2", {}, t("zones.title"), " · ", cameraId);

  img.addEventListener("load", () => { size = { w: img.naturalWidth, h: img.naturalHeight }; draw(); });
  img.addEventListener("error", () => { stage.classList.add("blank"); stage.dataset.note = t("zones.no_picture"); draw(); });
  svg.addEventListener("click", (e) => {
    const box = svg.getBoundingClientRect();
    draft.push([round((e.clientX - box.left) / box.width), round((e.clientY - box.top) / box.height)]);
    draw();
  });

  function draw() {
    svg.setAttribute("viewBox", `0 0 ${size.w} ${size.h}`);
    stage.style.aspectRatio = `${size.w} / ${size.h}`;
    const pts = (polygon) => polygon.map(([x, y]) => `${x * size.w},${y * size.h}`).join(" ");
    const r = Math.max(4, size.w / 160);
    svg.replaceChildren(
      ...zones.map((z) => s("g", { class: `zone kind-${z.kind}`, "data-zone": z.id },
        s("polygon", { points: pts(z.polygon) }),
        s("text", { x: z.polygon[0][0] * size.w + r, y: z.polygon[0][1] * size.h + r * 4, "font-size": r * 3.5 }, `${z.id} (${t(`kind.${z.kind}`)})`))),
      s("g", { class: "draft" },
        draft.length > 1 ? s("polyline", { points: pts(draft) }) : null,
        ...draft.map(([x, y]) => s("circle", { cx: x * size.w, cy: y * size.h, r }))));
    list.replaceChildren(...zones.map((z) => h("li", { "data-zone": z.id },
      h("b", {}, z.id), ` ${t(`kind.${z.kind}`)} · ${z.polygon.length} ${t("zones.points")} `,
      h("button", { type: "button", onclick: () => { zones = zones.filter((x) => x !== z); changed(); } }, t("zones.delete")))));
  }

  function changed() {
    dirty = true;
    message.className = "notice";
    message.textContent = t("zones.unsaved");
    draw();
  }

  function finish() {
    const id = idInput.value.trim();
    if (draft.length < 3) return fail(t("zones.help"));
    if (!ID.test(id) || zones.some((z) => z.id === id)) return fail(`${t("zones.id")}: ${id || "?"}`);
    zones.push({ id, kind: kindSelect.value, polygon: draft });
    draft = [];
    idInput.value = "";
    changed();
  }

  function fail(text) {
    message.className = "notice error";
    message.textContent = text;
  }

  async function save() {
    const next = structuredClone(site);
    const cam = next.schools.flatMap((school) => school.cameras).find((c) => c.id === cameraId);
    cam.zones = zones;
    saveButton.disabled = true;
    try {
      const answer = await api("/api/site", { method: "PUT", json: next });
      site = answer.site;
      dirty = false;
      message.className = "notice ok";
      message.textContent = `${t("zones.saved")} ${answer.site.version}`;
    } catch (err) {
      fail(describe(err));
    } finally {
      saveButton.disabled = false;
    }
  }

  root.append(h("section", { class: "page zones" },
    h("div", { class: "title-row" }, h("a", { class: "back", href: "#/admin" }, `‹ ${t("alert.back")}`), heading),
    h("p", { class: "muted" }, t("zones.help")),
    h("div", { class: "zone-editor" }, stage,
      h("div", { class: "side" },
        h("label", {}, t("zones.id"), idInput), h("label", {}, t("zones.kind"), kindSelect),
        h("div", { class: "buttons" },
          h("button", { type: "button", "data-testid": "zone-finish", onclick: finish }, t("zones.finish")),
          h("button", { type: "button", onclick: () => { draft.pop(); draw(); } }, t("zones.undo")),
          h("button", { type: "button", onclick: () => { draft = []; draw(); } }, t("zones.cancel"))),
        list, saveButton, message))));

  api("/api/site").then((answer) => {
    site = answer.site;
    const found = site.schools.flatMap((school) => school.cameras.map((c) => [school, c])).find(([, c]) => c.id === cameraId);
    if (!found) return fail(`${t("alert.not_found")}: ${cameraId}`);
    heading.replaceChildren(t("zones.title"), " · ", found[0].name, " · ", found[1].name);
    zones = structuredClone(found[1].zones);
    draw();
  }).catch((err) => fail(describe(err)));
  draw();
  const warn = (e) => { if (dirty) { e.preventDefault(); e.returnValue = ""; } };
  window.addEventListener("beforeunload", warn);
  return () => window.removeEventListener("beforeunload", warn);
}
