"""Versioned message contracts; docs/contracts.md describes them for third-party producers."""

from core.contracts.event import Box, Event, EventState, event_id
from core.contracts.frame import Frame
from core.contracts.status import CameraState, CameraStatus

__all__ = ["Box", "CameraState", "CameraStatus", "Event", "EventState", "Frame", "event_id"]
