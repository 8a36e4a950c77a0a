"""Files to physical lines: ingest, PDF, repair."""
