"""The demo site: two schools of synthetic kitchen cameras that play scripted incidents.

The schedule is made relative to today so the demo behaves the same at any hour: the first
school works all day (its cooks are expected), the second is on a holiday (anyone there is an
after-hours intrusion).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.schedule import WEEKDAYS
from core.site import Site

TZ = "Asia/Shanghai"


def _cam(ident: str, name: str, kitchen: str, query: str) -> dict[str, object]:
    return {"id": ident, "name": name, "kitchen": kitchen, "url": f"synthetic://kitchen?{query}"}


def demo_site(cameras_per_school: int = 3) -> Site:
    today = datetime.now(ZoneInfo(TZ)).date()
    all_day = {d: ["00:00-23:59"] for d in WEEKDAYS}
    first = [
        _cam("sunny-cook-1", "烹饪间 Cooking 1", "cook", "seed=1&people=2&period=120&script=cover@20+15"),
        _cam("sunny-prep-1", "切配间 Prep", "prep", "seed=2&people=1&period=150&script=cover@70+12"),
        _cam("sunny-wash-1", "清洗消毒 Washing", "wash", "seed=3&people=1&period=180&script=lights_off@40+20"),
        _cam("sunny-cook-2", "烹饪间 Cooking 2", "cook", "seed=4&people=3"),
    ][: max(1, cameras_per_school + 1)]
    second = [
        _cam("yucai-store-1", "仓库 Store room", "store", "seed=5&people=0&period=90&script=intruder@30+20"),
        _cam("yucai-cook-1", "烹饪间 Cooking", "cook", "seed=6&people=0"),
        _cam("yucai-serve-1", "备餐间 Serving", "serve", "seed=7&people=0&period=200&script=cover@100+15"),
    ][: max(1, cameras_per_school)]
    return Site.model_validate(
        {
            "district": "示范区 Demo district",
            "schools": [
                {
                    "id": "sunny",
                    "name": "阳光小学 Sunny Primary",
                    "schedule": {"timezone": TZ, "working_hours": all_day, "meal_prep": all_day},
                    "kitchens": [
                        {"id": "cook", "name": "烹饪间"}, {"id": "prep", "name": "切配间"},
                        {"id": "wash", "name": "清洗消毒间"},
                    ],
                    "cameras": first,
                },
                {
                    "id": "yucai",
                    "name": "育才中学 Yucai Middle (holiday)",
                    "schedule": {"timezone": TZ, "holidays": [(today + timedelta(days=d)).isoformat() for d in range(-1, 8)]},  # noqa: E501
                    "kitchens": [
                        {"id": "store", "name": "仓库"}, {"id": "cook", "name": "烹饪间"},
                        {"id": "serve", "name": "备餐间"},
                    ],
                    "cameras": second,
                },
            ],
        }
    )
