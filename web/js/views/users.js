// The user list and the form that adds one (admins only).
import { api, describe } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

const ROLES = ["admin", "regulator", "inspector", "canteen_manager"];

/** The users table and add form in ``root``; ``schools`` resolves to the site's schools. */
export function users(root, schools) {
  const body = h("tbody");
  const message = h("p", { class: "notice", role: "alert", "data-testid": "user-message" });
  const schoolSelect = h("select", { name: "school_id" }, h("option", { value: "" }, "—"));
  const form = h("form", { class: "add-user", "data-testid": "add-user" },
    h("label", {}, t("col.user"), h("input", { name: "username", required: true, pattern: "[A-Za-z0-9][A-Za-z0-9_.@\\-]{0,63}" })),
    h("label", {}, t("col.name"), h("input", { name: "display_name", maxlength: 100 })),
    h("label", {}, t("login.password"), h("input", { name: "password", type: "password", minlength: 8, required: true, autocomplete: "new-password" })),
    h("label", {}, t("col.role"), h("select", { name: "role" }, ...ROLES.map((r) => h("option", { value: r }, t(`role.${r}`))))),
    h("label", {}, t("admin.school_id"), schoolSelect),
    h("button", { type: "submit" }, t("admin.add_user")), message);

  async function list() {
    const rows = await api("/api/users");
    body.replaceChildren(...rows.map((u) => h("tr", { "data-user": u.username },
      h("td", {}, u.username), h("td", {}, u.display_name), h("td", {}, t(`role.${u.role}`)),
      h("td", {}, u.school_id || "—"), h("td", {}, u.active ? "✓" : "✗"))));
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {
      username: data.get("username"), password: data.get("password"), role: data.get("role"),
      display_name: data.get("display_name") || "", school_id: data.get("school_id") || null,
    };
    try {
      await api("/api/users", { method: "POST", json: body });
      message.className = "notice";
      message.textContent = `${t("admin.added")}: ${body.username}`;
      form.reset();
      await list();
    } catch (err) {
      message.className = "notice error";
      message.textContent = describe(err);
    }
  });

  root.append(h("table", { class: "list", "data-testid": "users" },
    h("thead", {}, h("tr", {}, ...["col.user", "col.name", "col.role", "admin.school_id", "col.active"].map((k) => h("th", {}, t(k))))),
    body), form);
  list().catch((err) => { message.className = "notice error"; message.textContent = describe(err); });
  schools.then((list) => {
    for (const s of list) schoolSelect.append(h("option", { value: s.id }, s.name));
  });
}
