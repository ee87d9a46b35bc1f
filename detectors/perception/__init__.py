"""Perception: pure functions of pixels (plus per-camera memory of earlier pixels).

Nothing here imports Kafka, the database or the rules; each plugin is one module, registered by
name in :mod:`detectors.perception.registry`.
"""
