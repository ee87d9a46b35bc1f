// brightkitchen command center: live camera wall and alert stream over one WebSocket.
"use strict";

const RULES = {
  camera_blocked: "视频遮挡 Camera covered", intrusion: "非工作时间闯入 After-hours activity",
  no_chef_hat: "未戴厨师帽 No chef hat", no_mask: "未戴口罩 No mask", no_uniform: "未穿工作服 No work clothes",
  smoking: "吸烟 Smoking", phone_use: "玩手机 Phone use", rodent: "老鼠 Rodent", bin_open: "垃圾桶未盖 Bin open",
  stove_unattended: "动火离人 Stove unattended", crowding: "人员聚集 Crowding", no_gloves: "未戴手套 No gloves",
  camera_blurred: "视频模糊 Blurred", camera_displaced: "视频不正 Camera moved", camera_frozen: "画面冻结 Frozen",
  camera_offline: "视频离线 Offline",
};
const tiles = new Map();   // camera id -> {el, img, badge, url}
const alerts = new Map();  // event id -> li
const wall = document.getElementById("wall");
const list = document.getElementById("alerts");
const conn = document.getElementById("conn");

function tile(cameraId, name, school) {
  let t = tiles.get(cameraId);
  if (t) return t;
  const el = document.createElement("div");
  el.className = "tile"; el.dataset.camera = cameraId; el.dataset.testid = "tile";
  el.innerHTML = `<img alt=""><div class="label"><span class="name"></span><span class="badge unknown">…</span></div>`;
  el.querySelector(".name").textContent = school ? `${school} · ${name || cameraId}` : (name || cameraId);
  wall.appendChild(el);
  t = { el, img: el.querySelector("img"), badge: el.querySelector(".badge"), url: null };
  tiles.set(cameraId, t);
  return t;
}

function setStatus(s) {
  const t = tile(s.camera_id);
  t.badge.className = `badge ${s.state}`;
  t.badge.textContent = s.state;
  t.badge.title = s.reason || "";
}

function fmt(ms) { return new Date(ms).toLocaleTimeString(); }

function showEvent(ev) {
  let li = alerts.get(ev.id);
  if (!li) {
    li = document.createElement("li");
    li.dataset.event = ev.id; li.dataset.rule = ev.rule;
    li.innerHTML = `<img alt=""><div><div class="rule"></div><div class="meta"></div></div>`;
    li.querySelector("img").src = ev.snapshot_url;
    list.prepend(li);
    alerts.set(ev.id, li);
    while (list.children.length > 200) { alerts.delete(list.lastChild.dataset.event); list.lastChild.remove(); }
    const t = tiles.get(ev.camera_id);
    if (t && ev.state === "open") { t.el.classList.remove("alarm"); void t.el.offsetWidth; t.el.classList.add("alarm"); }
  }
  li.className = `tier-${ev.tier} state-${ev.state}`;
  li.querySelector(".rule").textContent = RULES[ev.rule] || ev.rule;
  li.querySelector(".meta").textContent =
    `${ev.school_id} · ${ev.camera_id} · ${fmt(ev.started_ms)}${ev.state === "closed" ? " – " + fmt(ev.ended_ms) : ""} · ${ev.state}`;
}

function showFrame(buf) {
  const bytes = new Uint8Array(buf);
  if (bytes[0] !== 70) return;  // 'F'
  const n = bytes[1];
  const cameraId = new TextDecoder().decode(bytes.subarray(2, 2 + n));
  const jpeg = bytes.subarray(2 + n + 8);
  const t = tile(cameraId);
  const url = URL.createObjectURL(new Blob([jpeg], { type: "image/jpeg" }));
  t.img.onload = () => { if (t.url) URL.revokeObjectURL(t.url); t.url = url; };
  t.img.src = url;
}

async function loadInitial() {
  try {
    const cams = await (await fetch("/api/cameras")).json();
    for (const c of cams) { tile(c.id, c.name, c.school_name); setStatus({ camera_id: c.id, state: c.state, reason: c.reason }); }
    const page = await (await fetch("/api/events?limit=50")).json();
    for (const ev of page.items.reverse()) showEvent(ev);
  } catch (e) { console.warn("initial load failed", e); }
}

let backoff = 500;
function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { conn.className = "conn online"; conn.textContent = "在线 live"; backoff = 500; };
  ws.onclose = (e) => {
    if (e.code === 4401) { location.reload(); return; }
    conn.className = "conn offline"; conn.textContent = "离线 offline";
    setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 10000);
  };
  ws.onmessage = (m) => {
    if (typeof m.data !== "string") { showFrame(m.data); return; }
    const msg = JSON.parse(m.data);
    if (msg.type === "event") showEvent(msg.event);
    else if (msg.type === "camera_status") setStatus(msg.status);
    else if (msg.type === "hello") msg.statuses.forEach(setStatus);
  };
}

const loginForm = document.getElementById("login");
const app = document.getElementById("app");

async function start() {
  const me = await fetch("/api/auth/me");
  if (me.status === 401) { loginForm.hidden = false; app.hidden = true; return; }
  const user = await me.json();
  document.getElementById("me").textContent = `${user.username} · ${user.role}${user.school_id ? " · " + user.school_id : ""}`;
  document.getElementById("logout").hidden = false;
  loginForm.hidden = true; app.hidden = false;
  await loadInitial();
  connect();
}

loginForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(loginForm);
  const answer = await fetch("/api/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  if (answer.ok) { document.getElementById("login-error").textContent = ""; start(); return; }
  const detail = (await answer.json().catch(() => ({}))).detail;
  document.getElementById("login-error").textContent =
    answer.status === 429 ? "尝试过多，请稍后 Too many attempts, wait a moment" : (detail || "登录失败 Login failed");
});

document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/api/auth/logout", { method: "POST" });
  location.reload();
});

start();
