// Formatting of times and durations for the current language.
import { lang } from "./i18n.js";

const locale = () => (lang() === "zh" ? "zh-CN" : "en-GB");

export function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString(locale(), { hour12: false }) : "—";
}

export function dateTime(ms) {
  if (!ms) return "—";
  return new Date(ms).toLocaleString(locale(), {
    hour12: false, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit",
  });
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.round(seconds);
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

export function percent(share) {
  return share === null || share === undefined ? "—" : `${(share * 100).toFixed(1)}%`;
}

/** Milliseconds at local midnight today. */
export function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
