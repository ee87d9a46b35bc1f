// Evidence pictures: the clean snapshot with the detection boxes drawn over it as SVG (the image
// itself stays as stored), and the clip when the event has one.
import { h, s } from "./dom.js";
import { t } from "./i18n.js";

/** The snapshot with an SVG layer of boxes in the frame's pixel coordinates. */
export function snapshotWithBoxes(ev) {
  if (!ev.snapshot_url) return h("div", { class: "snapshot empty" }, t("alert.no_snapshot"));
  const img = h("img", { src: ev.snapshot_url, alt: "", "data-testid": "snapshot" });
  const svg = s("svg", { class: "boxes", "data-testid": "boxes", preserveAspectRatio: "none" });
  const draw = (width, height) => {
    if (!width || !height) return;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const stroke = Math.max(2, width / 320);
    svg.replaceChildren(...(ev.boxes || []).map((b) => s("g", { class: "box", "data-label": b.label },
      s("rect", { x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1, "stroke-width": stroke }),
      s("text", { x: b.x1 + stroke, y: Math.max(b.y1 - stroke * 2, stroke * 7), "font-size": stroke * 7 },
        `${b.label} ${Math.round(b.score * 100)}%`))));
  };
  // Boxes are in pixels of the frame the detector saw; the event says its size (else the image's).
  if (ev.frame_width && ev.frame_height) draw(ev.frame_width, ev.frame_height);
  else img.addEventListener("load", () => draw(img.naturalWidth, img.naturalHeight));
  return h("div", { class: "snapshot" }, img, svg);
}

/** The clip player if the api gives the event a clip URL, else a note saying there is none. */
export function clip(ev) {
  if (!ev.clip_url) return h("p", { class: "muted", "data-testid": "no-clip" }, t("alert.no_clip"));
  return h("video", { src: ev.clip_url, controls: true, preload: "metadata", "data-testid": "clip", type: "video/webm" });
}
