"""The ingest role: read cameras, keep only the newest picture, publish JPEG frames and camera
status to Kafka. Imports only ``core`` and third-party libraries."""
