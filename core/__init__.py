"""Shared core of brightkitchen: message contracts, settings, the Kafka bus, the site model.

`ingest`, `detectors` and `api` depend on this package and never on one another.
"""

__version__ = "0.1.0"
