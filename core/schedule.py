"""When a school works: weekly working hours, meal-prep windows, term days and holidays."""

from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_window(text: str) -> str:
    try:
        start, end = text.split("-")
        t0, t1 = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"expected a time window like '06:00-13:30', got {text!r}") from None
    if t0 == t1:
        raise ValueError(f"window {text!r} is empty")
    return f"{t0:%H:%M}-{t1:%H:%M}"


Window = Annotated[str, AfterValidator(_parse_window)]


def _in_window(window: str, moment: time) -> bool:
    start, end = (time.fromisoformat(p) for p in window.split("-"))
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # crosses midnight


class DateRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class Schedule(BaseModel):
    """A school's weekly arming schedule in its own time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = Field("Asia/Shanghai", description="IANA time zone of the school.")
    working_hours: dict[str, list[Window]] = Field(
        default_factory=lambda: {d: ["06:00-19:00"] for d in WEEKDAYS[:5]},
        description="Weekday (mon..sun) to time windows, e.g. {'mon': ['06:00-13:30']}.",
    )
    meal_prep: dict[str, list[Window]] = Field(
        default_factory=lambda: {d: ["09:30-12:30", "15:30-18:00"] for d in WEEKDAYS[:5]},
        description="Weekday to meal-preparation windows.",
    )
    terms: list[DateRange] = Field(
        default_factory=list, description="Term date ranges; empty means every week is a term week."
    )
    holidays: list[date] = Field(default_factory=list, description="Days with no service at all.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name like Asia/Shanghai)") from None
        return value

    @field_validator("working_hours", "meal_prep")
    @classmethod
    def _known_days(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday(s) {unknown}; expected some of {list(WEEKDAYS)}")
        return value

    def local(self, epoch_ms: int) -> datetime:
        return datetime.fromtimestamp(epoch_ms / 1000, ZoneInfo(self.timezone))

    def is_service_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return not self.terms or any(t.contains(day) for t in self.terms)

    def is_working(self, epoch_ms: int) -> bool:
        """True during working hours on a service day."""
        return self._within(self.working_hours, epoch_ms)

    def is_meal_prep(self, epoch_ms: int) -> bool:
        return self._within(self.meal_prep, epoch_ms)

    def _within(self, table: dict[str, list[str]], epoch_ms: int) -> bool:
        moment = self.local(epoch_ms)
        if not self.is_service_day(moment.date()):
            return False
        windows = table.get(WEEKDAYS[moment.weekday()], [])
        return any(_in_window(w, moment.time()) for w in windows)
