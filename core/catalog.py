"""The violation types the product knows, with the defaults regulators expect (DOMAIN.md).

Every number is a default that site configuration may override per school or per camera.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Active = Literal["always", "working_hours", "after_hours", "meal_prep"]


class RuleDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name_zh: str
    name_en: str
    tier: int = Field(ge=1, le=3)
    dwell_s: float = Field(ge=0)
    realarm_s: float = Field(ge=0)
    clear_s: float = Field(ge=0, description="Seconds without the condition before it closes.")
    active: Active
    sensitivity: int = Field(50, ge=0, le=100)


def _r(
    key: str, zh: str, en: str, tier: int, dwell: float, realarm: float, clear: float, active: Active
) -> RuleDefaults:
    return RuleDefaults(
        key=key, name_zh=zh, name_en=en, tier=tier, dwell_s=dwell, realarm_s=realarm, clear_s=clear, active=active
    )


CATALOG: dict[str, RuleDefaults] = {
    r.key: r
    for r in [
        _r("no_chef_hat", "未戴厨师帽", "No chef hat", 3, 3, 30, 5, "working_hours"),
        _r("no_mask", "未戴口罩", "No mask", 3, 3, 30, 5, "working_hours"),
        _r("no_uniform", "未穿工作服", "No work clothes", 3, 3, 30, 5, "working_hours"),
        _r("no_gloves", "未戴手套", "No gloves", 3, 3, 30, 5, "working_hours"),
        _r("smoking", "吸烟", "Smoking", 2, 3, 30, 5, "always"),
        _r("phone_use", "玩手机", "Phone use", 2, 3, 20, 5, "working_hours"),
        _r("rodent", "老鼠", "Rodent", 1, 0, 30, 5, "always"),
        _r("bin_open", "垃圾桶未盖", "Bin left open", 2, 30, 300, 10, "working_hours"),
        _r("stove_unattended", "动火离人", "Stove unattended", 1, 60, 120, 5, "always"),
        _r("intrusion", "非工作时间人员闯入", "Activity after hours", 1, 2, 60, 10, "after_hours"),
        _r("crowding", "人员聚集", "Crowding", 2, 5, 60, 10, "after_hours"),
        _r("camera_blocked", "视频遮挡", "Camera covered", 1, 3, 60, 3, "always"),
        _r("camera_blurred", "视频模糊", "Camera blurred", 2, 10, 300, 10, "always"),
        _r("camera_displaced", "视频不正", "Camera moved", 2, 10, 300, 10, "always"),
        _r("camera_frozen", "画面冻结", "Picture frozen", 2, 10, 300, 5, "always"),
        _r("camera_offline", "视频离线", "Camera offline", 1, 0, 300, 0, "always"),
    ]
}
