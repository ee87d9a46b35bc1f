// The live connection: JSON messages (hello, event, camera_status, workflow, heartbeat) and
// binary frames. Reconnects by itself with backoff; tells listeners when it is on- or offline.

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;
const SILENCE_MS = 40000; // the api sends a heartbeat every 15 s
const UNAUTHENTICATED = 4401;
const decoder = new TextDecoder();

/** Split a binary frame message: 'F', id length, camera id, capture ms (8 bytes, BE), JPEG. */
export function parseFrame(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 11 || bytes[0] !== 70) return null;
  const n = bytes[1];
  const camera = decoder.decode(bytes.subarray(2, 2 + n));
  const capturedMs = Number(new DataView(buffer, 2 + n, 8).getBigUint64(0));
  return { camera, capturedMs, jpeg: bytes.subarray(10 + n) };
}

export class Live extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.online = false;
    this.wantFrames = false;
    this.cameras = null;
    this.backoff = FIRST_BACKOFF_MS;
    this.stopped = true;
    this.timer = null;
    this.watchdog = null;
    this.everOpened = false;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.setOnline(false);
  }

  /** Ask the api for pictures only while a view shows them. */
  setFrames(on) {
    this.wantFrames = on;
    this.sendFrameWish();
  }

  /** Pictures of these cameras only (the visible tiles); null: every camera in scope. */
  setCameras(ids) {
    this.cameras = ids ? [...ids] : null;
    this.sendFrameWish();
  }

  sendFrameWish() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: "frames", on: this.wantFrames, cameras: this.cameras ?? null }));
    }
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws?frames=${this.wantFrames ? 1 : 0}`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let lastMessage = Date.now();
    ws.onopen = () => {
      this.backoff = FIRST_BACKOFF_MS;
      this.setOnline(true);
      if (this.everOpened) this.emit("reconnected", null);
      this.everOpened = true;
      this.setFrames(this.wantFrames);
    };
    ws.onmessage = (m) => {
      lastMessage = Date.now();
      if (typeof m.data !== "string") {
        const frame = parseFrame(m.data);
        if (frame) this.emit("frame", frame);
        return;
      }
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      if (msg && typeof msg.type === "string") this.emit(msg.type, msg);
    };
    ws.onclose = (e) => {
      clearInterval(this.watchdog);
      if (this.ws !== ws) return;
      this.ws = null;
      this.setOnline(false);
      if (e.code === UNAUTHENTICATED) {
        this.stopped = true;
        window.dispatchEvent(new Event("bk:unauthorized"));
        return;
      }
      if (this.stopped) return;
      const jitter = Math.random() * 0.3 * this.backoff;
      this.timer = setTimeout(() => this.connect(), this.backoff + jitter);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    };
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (Date.now() - lastMessage > SILENCE_MS) ws.close(4000, "silent");
    }, 5000);
  }

  setOnline(online) {
    if (this.online === online) return;
    this.online = online;
    this.emit("connection", { online });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Listen until the returned function is called (views call it when they unmount). */
  on(type, handler) {
    const listener = (e) => handler(e.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }
}
