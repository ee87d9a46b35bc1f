// Which workflow actions a role may take in a status (mirrors api/workflow.py; the api decides).

const ROLES = {
  acknowledge: ["canteen_manager"],
  rectify: ["canteen_manager"],
  approve: ["regulator", "admin"],
  reject: ["regulator", "admin"],
  dismiss: ["regulator", "inspector", "admin"],
  confirm: ["regulator", "inspector", "admin"],
};

const FROM = {
  acknowledge: ["open", "escalated"],
  rectify: ["acknowledged", "escalated"],
  approve: ["rectified"],
  reject: ["rectified"],
  dismiss: ["open", "acknowledged", "rectified", "escalated"],
  confirm: ["open", "acknowledged", "rectified", "escalated", "closed"],
};

/** The actions to offer this role on this event. */
export function allowedActions(role, ev) {
  return Object.keys(ROLES).filter((action) => {
    if (!ROLES[action].includes(role) || !FROM[action].includes(ev.status)) return false;
    const acknowledged = ev.acknowledged_ms !== null && ev.acknowledged_ms !== undefined;
    if (action === "acknowledge" && acknowledged) return false;
    if (action === "rectify" && !acknowledged) return false;
    if (action === "confirm" && ev.verdict === "true_positive") return false;
    return true;
  });
}
