"""Webhooks: alerts pushed to other systems (generic JSON, WeCom and DingTalk group robots)."""
