"""Request bodies and signatures for each webhook format."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from typing import Any, Literal

from core.catalog import CATALOG

Format = Literal["generic", "wecom", "dingtalk"]
Trigger = Literal["event.opened", "event.escalated"]
TRIGGERS: tuple[Trigger, ...] = ("event.opened", "event.escalated")
SIGNATURE_HEADER = "X-BK-Signature"
_TITLES = {"event.opened": "新告警 New alert", "event.escalated": "告警升级 Alert escalated"}


def _markdown(trigger: str, event: dict[str, Any]) -> tuple[str, str]:
    rule = CATALOG.get(str(event.get("rule")))
    name = f"{rule.name_zh} {rule.name_en}" if rule else str(event.get("rule"))
    title = f"{_TITLES.get(trigger, trigger)}: {name}"
    lines = [
        f"### {title}",
        f"> 学校 School: {event.get('school_name') or event.get('school_id')}",
        f"> 摄像头 Camera: {event.get('camera_name') or event.get('camera_id')}",
        f"> 级别 Tier: {event.get('tier')}   状态 Status: {event.get('status')}",
        f"> 事件 Event: {event.get('id')}",
    ]
    return title, "\n".join(lines)


def body(fmt: str, trigger: str, event: dict[str, Any], sent_ms: int) -> bytes:
    if fmt == "wecom":
        _, text = _markdown(trigger, event)
        doc: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": text}}
    elif fmt == "dingtalk":
        title, text = _markdown(trigger, event)
        doc = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    else:
        doc = {"type": trigger, "sent_ms": sent_ms, "event": event}
    return json.dumps(doc, ensure_ascii=False).encode()


def signature(secret: str, payload: bytes) -> str:
    """``X-BK-Signature``: ``sha256=`` + hex HMAC-SHA256 of the body with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk's signed robot URL: ``timestamp`` and ``sign`` = base64(HMAC-SHA256(secret,
    "timestamp\\nsecret")), URL-encoded, appended to the robot's address."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={sign}"
