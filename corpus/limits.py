"""Limits on what a file handed to Gongkai may cost (the defaults of their settings)."""

from __future__ import annotations

# The largest file the app accepts for upload, in MiB (setting ``max_upload_mb``).
MAX_UPLOAD_MB = 20
