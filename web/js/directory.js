// The cameras in the caller's scope and the schools they belong to (from GET /api/cameras).
import { api } from "./api.js";

/** {cameras: [...], schools: Map(id -> {id, name, cameras: [...]})} */
export async function loadDirectory() {
  const cameras = await api("/api/cameras");
  const schools = new Map();
  for (const cam of cameras) {
    if (!schools.has(cam.school_id)) schools.set(cam.school_id, { id: cam.school_id, name: cam.school_name, cameras: [] });
    schools.get(cam.school_id).cameras.push(cam);
  }
  return { cameras, schools };
}

export function schoolName(directory, id) {
  return directory && directory.schools.has(id) ? directory.schools.get(id).name : id;
}

export function cameraName(directory, id) {
  const cam = directory && directory.cameras.find((c) => c.id === id);
  return cam ? cam.name : id;
}
