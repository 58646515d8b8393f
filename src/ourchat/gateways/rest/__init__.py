"""The REST chat API of seed 003 under ``/api/v1/`` (FastAPI; OpenAPI at ``openapi.json``)."""
