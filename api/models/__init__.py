"""Tables. Times are epoch milliseconds (UTC), as they travel in the contracts.

Every table is created by the Alembic migrations in ``api/migrations``; the models here and the
migrations are kept equal by ``tests/api/test_migrations.py``.
"""

from api.models.base import Base
from api.models.events import EventRow
from api.models.people import AuditRow, UserRow
from api.models.site import CameraRow, CameraStatusRow, KitchenRow, SchoolRow, SiteVersionRow
from api.models.webhooks import DeliveryRow, WebhookRow
from api.models.workflow import ActionRow

__all__ = [
    "ActionRow", "AuditRow", "Base", "CameraRow", "CameraStatusRow", "DeliveryRow", "EventRow", "KitchenRow",
    "SchoolRow", "SiteVersionRow", "UserRow", "WebhookRow",
]
