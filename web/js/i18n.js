// Chinese by default, English on request; the choice is remembered in localStorage.

const KEY = "bk.lang";

// Rule names mirror core/catalog.py (the api has no catalog route yet).
const RULES = {
  no_chef_hat: ["未戴厨师帽", "No chef hat"], no_mask: ["未戴口罩", "No mask"],
  no_uniform: ["未穿工作服", "No work clothes"], no_gloves: ["未戴手套", "No gloves"],
  smoking: ["吸烟", "Smoking"], phone_use: ["玩手机", "Phone use"], rodent: ["老鼠", "Rodent"],
  bin_open: ["垃圾桶未盖", "Bin left open"], stove_unattended: ["动火离人", "Stove unattended"],
  intrusion: ["非工作时间人员闯入", "Activity after hours"], crowding: ["人员聚集", "Crowding"],
  camera_blocked: ["视频遮挡", "Camera covered"], camera_blurred: ["视频模糊", "Camera blurred"],
  camera_displaced: ["视频不正", "Camera moved"], camera_frozen: ["画面冻结", "Picture frozen"],
  camera_offline: ["视频离线", "Camera offline"],
};
export const RULE_KEYS = Object.keys(RULES);

const TEXT = {
  title: ["明厨亮灶 智慧监管平台", "Bright Kitchen Command Center"],
  "login.title": ["登录", "Sign in"], "login.user": ["用户名", "User name"], "login.password": ["密码", "Password"],
  "login.submit": ["登录", "Sign in"], "login.failed": ["用户名或密码错误", "Wrong user name or password"],
  "login.throttled": ["尝试次数过多，请稍后再试", "Too many attempts; try again in a moment"],
  logout: ["退出", "Log out"], "lang.switch": ["English", "中文"],
  online: ["在线", "Live"], offline: ["离线", "Offline"],
  "offline.banner": ["与服务器的连接已断开，正在重连…", "Connection to the server lost; reconnecting…"],
  "nav.wall": ["指挥中心", "Command center"], "nav.inbox": ["待办告警", "Inbox"], "nav.history": ["历史记录", "History"],
  "nav.stats": ["统计分析", "Statistics"], "nav.admin": ["系统管理", "Administration"],
  "role.admin": ["管理员", "Administrator"], "role.regulator": ["监管人员", "Regulator"],
  "role.inspector": ["巡查员", "Inspector"], "role.canteen_manager": ["食堂负责人", "Canteen manager"],
  "kpi.schools": ["学校", "Schools"], "kpi.cameras": ["在线摄像头", "Cameras online"],
  "kpi.today": ["今日告警", "Alerts today"], "kpi.open": ["待处理", "Open cases"],
  "wall.schools": ["学校", "Schools"], "wall.all": ["全部学校", "All schools"], "wall.alerts": ["实时告警", "Live alerts"],
  "wall.grid": ["分屏", "Grid"], "wall.sound": ["声音", "Sound"], "wall.page": ["页", "page"],
  "wall.no_cameras": ["暂无摄像头", "No cameras yet"], "wall.cams": ["路在线", "online"],
  "wall.open": ["待处理", "open"], "wall.no_signal": ["暂无画面", "No picture yet"],
  "cam.online": ["在线", "online"], "cam.offline": ["离线", "offline"], "cam.stalled": ["卡顿", "stalled"],
  "cam.degraded": ["降级", "degraded"], "cam.unknown": ["未知", "unknown"],
  "tier.1": ["一级", "Tier 1"], "tier.2": ["二级", "Tier 2"], "tier.3": ["三级", "Tier 3"],
  "state.open": ["进行中", "ongoing"], "state.update": ["持续", "ongoing"], "state.closed": ["已结束", "ended"],
  "status.open": ["待确认", "Open"], "status.acknowledged": ["已确认", "Acknowledged"],
  "status.rectified": ["已整改待审核", "Rectified, pending review"], "status.closed": ["已闭环", "Closed"],
  "status.dismissed": ["误报", "Dismissed (false positive)"], "status.escalated": ["已超时上报", "Escalated"],
  "verdict.true_positive": ["确认属实", "Confirmed"], "verdict.false_positive": ["误报", "False positive"],
  "action.acknowledge": ["确认收到", "Acknowledge"], "action.rectify": ["提交整改", "Submit rectification"],
  "action.approve": ["审核通过", "Approve"], "action.reject": ["驳回", "Reject"],
  "action.dismiss": ["标记误报", "Dismiss as false positive"], "action.confirm": ["确认属实", "Confirm"],
  "action.escalate": ["超时上报", "Escalated"],
  "alert.back": ["返回", "Back"], "alert.rule": ["违规类型", "Violation"], "alert.zone": ["区域", "Zone"],
  "alert.school": ["学校", "School"], "alert.camera": ["摄像头", "Camera"], "alert.time": ["时间", "Time"],
  "alert.score": ["置信度", "Score"], "alert.status": ["状态", "Status"], "alert.tier": ["等级", "Tier"],
  "alert.message": ["说明", "Message"], "alert.timeline": ["处置流程", "Workflow"],
  "alert.detected": ["系统检测到", "Detected by the system"], "alert.clip": ["视频片段", "Clip"],
  "alert.no_clip": ["该告警没有视频片段", "This alert has no clip"],
  "alert.no_snapshot": ["没有抓拍图片", "No snapshot"], "alert.actions": ["操作", "Actions"],
  "alert.note": ["备注", "Note"], "alert.photo": ["整改照片", "Photo of the fix"],
  "alert.note_required": ["请填写说明", "Please write a note"],
  "alert.photo_required": ["请上传整改照片", "Please add a photo"],
  "alert.none": ["当前状态下您无可执行的操作", "Nothing for you to do in this status"],
  "alert.not_found": ["告警不存在或无权查看", "No such alert, or not in your scope"],
  "alert.conflict": ["操作冲突", "Conflict"], "alert.done": ["已提交", "Done"],
  "alert.verdict": ["复核结论", "Verdict"], "alert.boxes": ["检测框", "Boxes"],
  "inbox.title": ["待办告警", "Open alerts"],
  "inbox.deadline": ["整改期限", "Deadline"],
  "inbox.no_deadline": ["一级告警须在期限内确认；各级告警须在整改期限内提交整改，逾期自动上报监管部门。",
    "Tier-1 alerts must be acknowledged by their deadline; every alert must be rectified by its deadline, or it is escalated to the regulator."],
  "inbox.ack_by": ["确认期限", "Acknowledge by"],
  "inbox.rectify_by": ["整改期限", "Rectify by"],
  "inbox.empty": ["没有待处理的告警", "No open alerts"],
  "history.title": ["历史记录", "History"], "history.search": ["查询", "Search"], "history.reset": ["重置", "Reset"],
  "history.export": ["导出 CSV", "Export CSV"], "history.more": ["加载更多", "Load more"],
  "history.end": ["没有更多了", "No more"], "history.since": ["开始时间", "From"], "history.until": ["结束时间", "Until"],
  "history.any": ["全部", "Any"], "history.state": ["检测状态", "Detection"], "history.count": ["条", "shown"],
  "col.time": ["时间", "Time"], "col.school": ["学校", "School"], "col.camera": ["摄像头", "Camera"],
  "col.rule": ["违规类型", "Violation"], "col.tier": ["等级", "Tier"], "col.status": ["状态", "Status"],
  "col.evidence": ["证据", "Evidence"], "col.rank": ["排名", "Rank"], "col.violations": ["违规数", "Violations"],
  "col.per_cam_day": ["每路每日", "Per camera-day"], "col.rectify": ["整改中位用时", "Median time to rectify"],
  "col.rectified_share": ["整改率", "Rectified"], "col.cameras": ["摄像头", "Cameras"],
  "col.online": ["在线率", "Online"], "col.user": ["用户名", "User"], "col.name": ["姓名", "Name"],
  "col.role": ["角色", "Role"], "col.active": ["启用", "Active"], "col.kitchen": ["区域", "Area"],
  "col.url": ["视频源", "Source"], "col.zones": ["区域数", "Zones"], "col.id": ["编号", "Id"],
  "stats.title": ["统计分析", "Statistics"], "stats.days": ["天", "days"],
  "stats.by_rule": ["违规类型分布", "Violations by type"], "stats.by_day": ["每日告警", "Alerts per day"],
  "stats.league": ["红黑榜", "League table"], "stats.red": ["红榜", "Best"], "stats.black": ["黑榜", "Worst"],
  "stats.coverage": ["摄像头在线率", "Camera coverage"], "stats.events": ["告警总数", "Alerts"],
  "stats.precision": ["复核准确率", "Reviewed precision"], "stats.ack": ["确认中位用时", "Median time to acknowledge"],
  "stats.rectify": ["整改中位用时", "Median time to rectify"], "stats.empty": ["暂无数据", "No data"],
  "admin.title": ["系统管理", "Administration"], "admin.schools": ["学校与摄像头", "Schools and cameras"],
  "admin.schedule": ["作息时间", "Schedule"], "admin.working": ["工作时间", "Working hours"],
  "admin.meal": ["备餐时间", "Meal preparation"], "admin.holidays": ["节假日", "Holidays"],
  "admin.users": ["用户", "Users"], "admin.add_user": ["添加用户", "Add user"],
  "admin.school_id": ["所属学校", "School"], "admin.added": ["已添加", "Added"],
  "admin.edit_zones": ["编辑区域", "Edit zones"], "admin.no_site": ["尚未配置站点", "No site applied yet"],
  "admin.version": ["配置版本", "Site version"],
  "zones.title": ["区域编辑", "Zone editor"], "zones.help": [
    "在画面上依次点击绘制多边形顶点，至少3个点，然后点击“完成多边形”。",
    "Click on the picture to place the polygon's corners (at least 3), then “Finish polygon”."],
  "zones.finish": ["完成多边形", "Finish polygon"], "zones.undo": ["撤销一点", "Undo point"],
  "zones.cancel": ["取消", "Cancel"], "zones.save": ["保存到站点配置", "Save to the site"],
  "zones.saved": ["已保存，版本", "Saved, version"], "zones.delete": ["删除", "Delete"],
  "zones.id": ["区域编号", "Zone id"], "zones.kind": ["类型", "Kind"], "zones.points": ["顶点", "points"],
  "zones.no_picture": ["暂无实时画面，可在空白画布上绘制", "No live picture yet; you can draw on a blank canvas"],
  "zones.unsaved": ["有未保存的修改", "Unsaved changes"],
  "kind.stove": ["灶台", "Stove"], "kind.floor": ["地面", "Floor"], "kind.bin": ["垃圾桶", "Bin"],
  "kind.prep": ["加工台", "Prep"], "kind.restricted": ["禁入区", "Restricted"], "kind.other": ["其他", "Other"],
  "error.load": ["加载失败", "Failed to load"], "error.forbidden": ["无权访问", "Not allowed"],
  save: ["保存", "Save"], loading: ["加载中…", "Loading…"], all: ["全部", "All"],
  "day.mon": ["周一", "Mon"], "day.tue": ["周二", "Tue"], "day.wed": ["周三", "Wed"], "day.thu": ["周四", "Thu"],
  "day.fri": ["周五", "Fri"], "day.sat": ["周六", "Sat"], "day.sun": ["周日", "Sun"],
};

let current = localStorage.getItem(KEY) === "en" ? "en" : "zh";
document.documentElement.lang = current === "zh" ? "zh-CN" : "en";

export function lang() {
  return current;
}

export function setLang(next) {
  current = next === "en" ? "en" : "zh";
  localStorage.setItem(KEY, current);
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  window.dispatchEvent(new Event("bk:lang"));
}

/** The text for ``key`` in the current language (the key itself if the table lacks it). */
export function t(key) {
  const pair = TEXT[key];
  return pair ? pair[current === "zh" ? 0 : 1] : key;
}

export function ruleName(key) {
  const pair = RULES[key];
  return pair ? pair[current === "zh" ? 0 : 1] : key;
}
