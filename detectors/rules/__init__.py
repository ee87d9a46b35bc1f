"""Rules: turn perception results, zones, time and the school's schedule into incidents.

One rule per module, registered by its catalog key in :mod:`detectors.rules.registry`; the shared
dwell / re-alarm / clear state machine lives in :mod:`detectors.rules.incident`.
"""
