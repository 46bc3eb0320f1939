"""The sdrscan HTTP service (FastAPI)."""
