"""Collections of reports: ingest files into the store; the demo corpus generator."""
