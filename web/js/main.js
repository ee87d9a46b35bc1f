// The single-page app: login, the header, and the hash router that mounts one view at a time.
import { api } from "./api.js";
import { h, clear } from "./dom.js";
import { t, lang, setLang } from "./i18n.js";
import { Live } from "./ws.js";
import { loadDirectory } from "./directory.js";
import { ROUTES, home, resolve } from "./routes.js";

const el = (id) => document.getElementById(id);
const view = el("view");
const loginForm = el("login");
const live = new Live();
let user = null;
let unmount = null;
let directory = null;

function ctx(query) {
  return {
    user,
    live,
    query,
    directory: () => (directory ||= loadDirectory().catch((e) => { directory = null; throw e; })),
    navigate: (path) => { location.hash = `#${path}`; },
  };
}

function applyTexts() {
  document.title = `${t("title")} · brightkitchen`;
  el("title").textContent = t("title");
  el("lang").textContent = t("lang.switch");
  el("logout").textContent = t("logout");
  el("login-title").textContent = t("login.title");
  el("login-user-label").textContent = t("login.user");
  el("login-password-label").textContent = t("login.password");
  el("login-submit").textContent = t("login.submit");
  el("offline").textContent = t("offline.banner");
  showConnection(live.online);
  if (user) {
    el("me").textContent = [user.display_name || user.username, t(`role.${user.role}`), user.school_id]
      .filter(Boolean).join(" · ");
    renderNav();
  }
}

function showConnection(online) {
  const conn = el("conn");
  conn.className = `conn ${online ? "online" : "offline"}`;
  conn.textContent = online ? t("online") : t("offline");
  // The banner only once the app runs: before login there is no connection to lose.
  el("offline").hidden = online || !user;
}

function renderNav() {
  const current = location.hash.slice(1).split("?")[0];
  const links = ROUTES.filter((r) => r.nav && r.roles.includes(user.role)).map((r) => {
    const path = r.name === "wall" ? "/wall" : `/${r.name}`;
    return h("a", { href: `#${path}`, "data-nav": r.name, class: current.startsWith(path) ? "active" : null }, t(r.nav));
  });
  el("nav").replaceChildren(...links);
}

function route() {
  if (!user) return;
  const [path, search] = location.hash.slice(1).split("?");
  const found = resolve(path || "", user.role);
  if (!found) {
    location.replace(`#${home(user.role)}`);
    return;
  }
  if (unmount) unmount();
  unmount = null;
  live.setFrames(false);
  clear(view);
  view.dataset.view = found.route.name;
  renderNav();
  const cleanup = found.route.view.mount(view, ctx(new URLSearchParams(search || "")), ...found.params);
  unmount = typeof cleanup === "function" ? cleanup : null;
}

async function start() {
  applyTexts();
  try {
    user = await api("/api/auth/me");
  } catch {
    user = null;
  }
  if (!user) {
    showLogin();
    return;
  }
  loginForm.hidden = true;
  el("logout").hidden = false;
  applyTexts();
  live.start();
  if (!location.hash || location.hash === "#" || location.hash === "#/") location.replace(`#${home(user.role)}`);
  route();
}

function showLogin() {
  if (unmount) unmount();
  unmount = null;
  user = null;
  directory = null;
  live.stop();
  clear(view);
  clear(el("nav"));
  el("me").textContent = "";
  el("logout").hidden = true;
  el("offline").hidden = true;
  loginForm.hidden = false;
  loginForm.querySelector("input[name=username]").focus();
}

loginForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(loginForm);
  const error = el("login-error");
  try {
    await api("/api/auth/login", { method: "POST", json: { username: form.get("username"), password: form.get("password") } });
  } catch (err) {
    error.textContent = err.status === 429 ? t("login.throttled") : t("login.failed");
    return;
  }
  error.textContent = "";
  loginForm.reset();
  location.hash = "";
  start();
});

el("logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST" }).catch(() => {});
  showLogin();
});

el("lang").addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));
window.addEventListener("bk:lang", () => { applyTexts(); route(); });
window.addEventListener("bk:unauthorized", () => { if (user) showLogin(); });
window.addEventListener("hashchange", route);
live.on("connection", ({ online }) => showConnection(online));
live.on("reconnected", () => { directory = null; });

start();
