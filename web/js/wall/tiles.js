// The video wall: one tile per camera, a page of 1/4/9/16 at a time. Pictures arrive as JPEG
// bytes over /ws; each tile decodes at most one at a time (newer ones replace a waiting one),
// and tiles that are not shown decode nothing.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { time } from "../format.js";

export const GRID_SIZES = [1, 4, 9, 16];

/** Counters the benchmark and tests read: pictures drawn and dropped per camera. */
export const wallStats = { rendered: {}, dropped: {}, decodeErrors: 0 };
window.bkWallStats = wallStats;

export class TileWall {
  constructor(container) {
    this.container = container;
    this.tiles = new Map(); // camera id -> tile
    this.order = [];
    this.size = 4;
    this.page = 0;
    this.school = null;
  }

  /** A tile for the camera (made on first sight; cameras seen only on the bus get one too). */
  tile(cam) {
    let tile = this.tiles.get(cam.id);
    if (tile) return tile;
    const canvas = h("canvas", { width: 16, height: 9 });
    const badge = h("span", { class: "badge unknown" });
    const stamp = h("span", { class: "stamp" });
    const el = h("div", { class: "tile", "data-camera": cam.id, "data-testid": "tile", "data-nosignal": t("wall.no_signal"), hidden: true },
      canvas,
      h("div", { class: "label" },
        h("span", { class: "name" }, h("b", {}, cam.name || cam.id), cam.school_name ? h("span", { class: "school" }, ` · ${cam.school_name}`) : null),
        stamp, badge));
    tile = { id: cam.id, school: cam.school_id || "", el, canvas, badge, stamp, busy: false, pending: null, shown: false };
    this.tiles.set(cam.id, tile);
    this.order.push(cam.id);
    this.container.append(el);
    this.setStatus(cam.id, cam.state || "unknown", cam.reason || "");
    return tile;
  }

  setStatus(cameraId, state, reason) {
    const tile = this.tiles.get(cameraId);
    if (!tile) return;
    tile.state = state;
    tile.badge.className = `badge ${state}`;
    tile.badge.textContent = t(`cam.${state}`);
    tile.badge.title = reason || "";
  }

  /** The cameras the filter lets through, in order. */
  visibleIds() {
    return this.order.filter((id) => !this.school || this.tiles.get(id).school === this.school);
  }

  pages() {
    return Math.max(1, Math.ceil(this.visibleIds().length / this.size));
  }

  layout() {
    const ids = this.visibleIds();
    this.page = Math.min(this.page, this.pages() - 1);
    const shown = new Set(ids.slice(this.page * this.size, (this.page + 1) * this.size));
    const side = Math.sqrt(this.size);
    this.container.style.gridTemplateColumns = `repeat(${side}, 1fr)`;
    this.container.style.gridTemplateRows = `repeat(${side}, 1fr)`;
    this.container.dataset.grid = String(this.size);
    for (const tile of this.tiles.values()) {
      tile.shown = shown.has(tile.id);
      tile.el.hidden = !tile.shown;
    }
    this.shownIds = [...shown];
  }

  flash(cameraId, tier) {
    const tile = this.tiles.get(cameraId);
    if (!tile) return;
    tile.el.classList.remove("alarm", "tier-1", "tier-2", "tier-3");
    void tile.el.offsetWidth; // restart the animation
    tile.el.classList.add("alarm", `tier-${tier}`);
  }

  /** A picture from /ws: drawn if the tile is shown, else dropped without decoding. */
  frame({ camera, capturedMs, jpeg }) {
    let tile = this.tiles.get(camera);
    if (!tile) {
      tile = this.tile({ id: camera, name: camera }); // seen on the bus, not in the site
      this.layout();
    }
    if (!tile.shown) return;
    const picture = { capturedMs, blob: new Blob([jpeg], { type: "image/jpeg" }) };
    if (tile.busy) {
      if (tile.pending) wallStats.dropped[camera] = (wallStats.dropped[camera] || 0) + 1;
      tile.pending = picture;
      return;
    }
    this.draw(tile, picture);
  }

  async draw(tile, picture) {
    tile.busy = true;
    try {
      const bitmap = await createImageBitmap(picture.blob);
      if (tile.canvas.width !== bitmap.width || tile.canvas.height !== bitmap.height) {
        tile.canvas.width = bitmap.width;
        tile.canvas.height = bitmap.height;
      }
      tile.canvas.getContext("2d").drawImage(bitmap, 0, 0);
      bitmap.close();
      tile.el.dataset.frames = String((Number(tile.el.dataset.frames) || 0) + 1);
      tile.stamp.textContent = time(picture.capturedMs);
      wallStats.rendered[tile.id] = (wallStats.rendered[tile.id] || 0) + 1;
    } catch {
      wallStats.decodeErrors += 1;
    } finally {
      tile.busy = false;
    }
    const next = tile.pending;
    tile.pending = null;
    if (next && tile.shown) this.draw(tile, next);
  }
}
