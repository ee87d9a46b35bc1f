"""The caller: a user with a role and a scope. District-wide roles see every school."""

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "regulator", "inspector", "canteen_manager"]
ROLES: tuple[Role, ...] = ("admin", "regulator", "inspector", "canteen_manager")
DISTRICT_ROLES = frozenset({"admin", "regulator", "inspector", "system"})


@dataclass(frozen=True)
class Principal:
    user_id: int | None  # None: the system itself (escalation, site apply from the CLI)
    username: str
    role: str
    school_id: str | None = None

    @property
    def school_ids(self) -> frozenset[str] | None:
        """The schools this caller may see; None means every school of the district."""
        if self.role in DISTRICT_ROLES:
            return None
        return frozenset({self.school_id}) if self.school_id else frozenset()

    def sees(self, school_id: str) -> bool:
        ids = self.school_ids
        return ids is None or school_id in ids


SYSTEM = Principal(None, "system", "system")
