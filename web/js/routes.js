// Hash routes: which view answers which address, who may see it, and each role's home.
import * as wall from "./views/wall.js";
import * as alert from "./views/alert.js";
import * as inbox from "./views/inbox.js";
import * as history from "./views/history.js";
import * as stats from "./views/stats.js";
import * as admin from "./views/admin.js";
import * as zones from "./views/zones.js";

const DISTRICT = ["admin", "regulator"];
const EVERYONE = ["admin", "regulator", "inspector", "canteen_manager"];

export const ROUTES = [
  { name: "wall", pattern: /^\/wall(?:\/school\/([^/]+))?$/, roles: DISTRICT, view: wall, nav: "nav.wall" },
  { name: "inbox", pattern: /^\/inbox$/, roles: ["canteen_manager"], view: inbox, nav: "nav.inbox" },
  { name: "history", pattern: /^\/history$/, roles: EVERYONE, view: history, nav: "nav.history" },
  { name: "stats", pattern: /^\/stats$/, roles: EVERYONE, view: stats, nav: "nav.stats" },
  { name: "admin", pattern: /^\/admin$/, roles: ["admin"], view: admin, nav: "nav.admin" },
  { name: "zones", pattern: /^\/admin\/zones\/([^/]+)$/, roles: ["admin"], view: zones },
  { name: "alert", pattern: /^\/alert\/([^/]+)$/, roles: EVERYONE, view: alert },
];

const HOME = { admin: "/wall", regulator: "/wall", canteen_manager: "/inbox", inspector: "/history" };

export function home(role) {
  return HOME[role] || "/history";
}

/** The route for a path (without "#") and its decoded parameters, if the role may see it. */
export function resolve(path, role) {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match && route.roles.includes(role)) {
      return { route, params: match.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p))) };
    }
  }
  return null;
}
