"""The detect role: decode frames, judge pixels (perception), apply rules, publish events.

Never imports ``ingest``, ``api`` or ``brightkitchen``; it meets them through ``core`` and Kafka.
"""
