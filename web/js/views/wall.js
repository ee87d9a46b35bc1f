// Command center (大屏): counts, the schools, the live video wall and the live alert stream.
import { api, query, describe } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { startOfToday } from "../format.js";
import { schoolName, cameraName } from "../directory.js";
import { OpenCases } from "../open_cases.js";
import { beep, setSound, soundOn } from "../sound.js";
import { TileWall, GRID_SIZES } from "../wall/tiles.js";
import { AlertStream } from "../wall/stream.js";

const GRID_KEY = "bk.grid";

export function mount(root, ctx, schoolId) {
  const kpis = {};
  const kpi = (key) => h("div", { class: "kpi", "data-kpi": key }, kpis[key] = h("b", {}, "—"), h("span", {}, t(`kpi.${key}`)));
  const schoolList = h("ul", { class: "schools", "data-testid": "schools" });
  const grid = h("div", { class: "grid", "data-testid": "wall" });
  const alerts = h("ol", { class: "stream", "data-testid": "alerts" });
  const pager = h("span", { class: "pager" });
  const soundBox = h("input", { type: "checkbox", "data-testid": "sound", checked: soundOn(), onchange: (e) => setSound(e.target.checked) });
  const sizeButtons = GRID_SIZES.map((n) => h("button", { type: "button", "data-grid": n, onclick: () => setSize(n) }, String(n)));
  const error = h("p", { class: "error", role: "alert" });
  root.append(
    h("section", { class: "command" },
      h("div", { class: "kpis" }, kpi("schools"), kpi("cameras"), kpi("today"), kpi("open")),
      h("aside", { class: "panel schools-panel" }, h("h2", {}, t("wall.schools")), schoolList),
      h("section", { class: "panel wall-panel" },
        h("div", { class: "toolbar" }, h("span", {}, t("wall.grid")), ...sizeButtons, pager,
          h("label", { class: "sound" }, soundBox, t("wall.sound"))),
        error, grid),
      h("aside", { class: "panel stream-panel" }, h("h2", {}, t("wall.alerts")), alerts)));

  const wall = new TileWall(grid);
  wall.size = GRID_SIZES.includes(Number(localStorage.getItem(GRID_KEY))) ? Number(localStorage.getItem(GRID_KEY)) : 4;
  wall.school = schoolId || null;
  const cases = new OpenCases();
  let directory = null;
  const names = { school: (id) => schoolName(directory, id), camera: (id) => cameraName(directory, id) };
  const stream = new AlertStream(alerts, names);
  stream.filter(wall.school);
  let alive = true;

  function setSize(n) {
    wall.size = n;
    wall.page = 0;
    localStorage.setItem(GRID_KEY, String(n));
    relayout();
  }

  function turn(step) {
    wall.page = (wall.page + step + wall.pages()) % wall.pages();
    relayout();
  }

  function relayout() {
    wall.layout();
    ctx.live.setCameras(wall.shownIds);  // the api sends pictures of the visible tiles only
    for (const b of sizeButtons) b.classList.toggle("active", Number(b.dataset.grid) === wall.size);
    const pages = wall.pages();
    pager.replaceChildren(...(pages > 1
      ? [h("button", { type: "button", onclick: () => turn(-1) }, "‹"), ` ${wall.page + 1} / ${pages} `,
        h("button", { type: "button", onclick: () => turn(1) }, "›")]
      : []));
    if (!wall.order.length) grid.replaceChildren(h("p", { class: "empty" }, t("wall.no_cameras")));
  }

  function renderSchools() {
    if (!directory) return;
    const item = (id, name, online, total, open) => h("li", { "data-school": id || "", class: (wall.school || "") === (id || "") ? "active" : null },
      h("a", { href: id ? `#/wall/school/${encodeURIComponent(id)}` : "#/wall" },
        h("span", { class: "name" }, name),
        h("span", { class: "cams" }, `${online}/${total} ${t("wall.cams")}`),
        h("span", { class: `open${open ? " some" : ""}`, "data-open": open }, `${open} ${t("wall.open")}`)));
    const tiles = [...wall.tiles.values()];
    const online = (school) => tiles.filter((x) => (!school || x.school === school) && x.state === "online").length;
    const rows = [...directory.schools.values()].map((s) =>
      item(s.id, s.name, online(s.id), tiles.filter((x) => x.school === s.id).length, cases.count(s.id)));
    schoolList.replaceChildren(item(null, t("wall.all"), online(null), tiles.length, cases.count(null)), ...rows);
    kpis.schools.textContent = String(directory.schools.size);
    kpis.cameras.textContent = `${online(null)}/${tiles.length}`;
    kpis.open.textContent = String(cases.count(wall.school));
  }

  async function load() {
    try {
      directory = await ctx.directory();
      if (!alive) return;
      grid.replaceChildren();
      wall.tiles.clear();
      wall.order = [];
      for (const cam of directory.cameras) wall.tile(cam);
      relayout();
      const [recent] = await Promise.all([
        api(`/api/events${query({ limit: 40, school_id: wall.school })}`),
        cases.load(),
        loadToday(),
      ]);
      if (!alive) return;
      for (const ev of recent.items.slice().reverse()) stream.show(ev);
      renderSchools();
      error.textContent = "";
    } catch (err) {
      error.textContent = `${t("error.load")}: ${describe(err)}`;
    }
  }

  async function loadToday() {
    const summary = await api(`/api/stats/summary${query({ since_ms: startOfToday(), school_id: wall.school })}`);
    kpis.today.textContent = String(summary.events);
  }

  const off = [
    ctx.live.on("frame", (frame) => wall.frame(frame)),
    ctx.live.on("hello", (msg) => { for (const s of msg.statuses) wall.setStatus(s.camera_id, s.state, s.reason); renderSchools(); }),
    ctx.live.on("camera_status", ({ status }) => { wall.setStatus(status.camera_id, status.state, status.reason); renderSchools(); }),
    ctx.live.on("event", ({ event }) => {
      const isNew = stream.show(event, { fresh: true });
      if (isNew && event.state === "open") {
        wall.flash(event.camera_id, event.tier);
        beep(event.tier);
        if (!wall.school || wall.school === event.school_id) kpis.today.textContent = String((Number(kpis.today.textContent) || 0) + 1);
      }
      if (cases.onEvent(event)) renderSchools();
    }),
    ctx.live.on("workflow", (msg) => {
      stream.setStatus(msg.event_id, msg.status);
      if (cases.onWorkflow(msg)) renderSchools();
    }),
    ctx.live.on("reconnected", () => load()),
  ];
  ctx.live.setFrames(true);
  load();
  return () => {
    alive = false;
    off.forEach((f) => f());
    ctx.live.setCameras(null);
    ctx.live.setFrames(false);
  };
}
