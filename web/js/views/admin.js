// Administration: the site (schools, schedules, kitchen areas, cameras, zones) and the users.
import { api, describe } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { users } from "./users.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Hide credentials in a camera URL (rtsp://user:secret@host → rtsp://***@host). */
function safeUrl(url) {
  return url.replace(/\/\/[^/@]*@/, "//***@");
}

function schedule(s) {
  const days = (windows) => DAYS.filter((d) => windows[d] && windows[d].length)
    .map((d) => `${t(`day.${d}`)} ${windows[d].join(", ")}`).join("; ") || "—";
  return h("dl", { class: "facts schedule" },
    h("dt", {}, "TZ"), h("dd", {}, s.timezone),
    h("dt", {}, t("admin.working")), h("dd", {}, days(s.working_hours)),
    h("dt", {}, t("admin.meal")), h("dd", {}, days(s.meal_prep)),
    h("dt", {}, t("admin.holidays")), h("dd", {}, s.holidays.length ? s.holidays.join(", ") : "—"));
}

function schoolCard(school) {
  const kitchens = new Map(school.kitchens.map((k) => [k.id, k.name]));
  return h("section", { class: "panel card school", "data-school": school.id },
    h("h3", {}, school.name, h("span", { class: "muted" }, ` · ${school.id}`)),
    h("h4", {}, t("admin.schedule")), schedule(school.schedule),
    h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ...["col.id", "col.name", "col.kitchen", "col.url", "col.zones", ""].map((k) => h("th", {}, k ? t(k) : "")))),
      h("tbody", {}, ...school.cameras.map((c) => h("tr", { "data-camera": c.id },
        h("td", {}, c.id), h("td", {}, c.name), h("td", {}, kitchens.get(c.kitchen) || c.kitchen),
        h("td", { class: "url" }, safeUrl(c.url)), h("td", {}, String(c.zones.length)),
        h("td", {}, h("a", { href: `#/admin/zones/${encodeURIComponent(c.id)}`, "data-testid": "edit-zones" }, t("admin.edit_zones"))))))));
}

export function mount(root, ctx) {
  const site = h("div", { class: "site" }, h("p", { class: "muted" }, t("loading")));
  const people = h("div", { class: "users" });
  root.append(h("section", { class: "page admin" }, h("h2", {}, t("admin.title")),
    h("div", { class: "admin-grid" },
      h("div", {}, h("h3", {}, t("admin.schools")), site),
      h("div", {}, h("h3", {}, t("admin.users")), people))));
  const loaded = api("/api/site");
  loaded.then((answer) => {
    site.replaceChildren(h("p", { class: "muted" }, `${answer.site.district} · ${t("admin.version")} ${answer.site.version}`),
      ...answer.site.schools.map(schoolCard));
  }).catch((err) => {
    site.replaceChildren(h("p", { class: "muted" }, err.status === 404 ? t("admin.no_site") : `${t("error.load")}: ${describe(err)}`));
  });
  users(people, loaded.then((answer) => answer.site.schools).catch(() => []));
}
