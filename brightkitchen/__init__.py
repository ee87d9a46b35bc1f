"""The `brightkitchen` command: composes the ingest, detect and api roles."""
