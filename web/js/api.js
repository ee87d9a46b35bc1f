// REST calls to the api (same origin, session cookie). Errors carry the status and the api's detail.

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
  }
}

/** Call the api; ``json`` or ``form`` become the body. Answers parsed JSON (null for 204). */
export async function api(path, { method = "GET", json, form } = {}) {
  const init = { method, headers: {}, credentials: "same-origin" };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  const answer = await fetch(path, init);
  if (answer.status === 401 && !path.startsWith("/api/auth/login")) {
    window.dispatchEvent(new Event("bk:unauthorized"));
  }
  if (!answer.ok) {
    const body = await answer.json().catch(() => ({}));
    throw new ApiError(answer.status, body.detail ?? answer.statusText);
  }
  return answer.status === 204 ? null : answer.json();
}

/** "?a=1&b=x" from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** A readable message for an error from api(). */
export function describe(error) {
  if (error instanceof ApiError) {
    const detail = Array.isArray(error.detail)
      ? error.detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ")
      : error.message;
    return `${error.status}: ${detail}`;
  }
  return String(error && error.message ? error.message : error);
}
