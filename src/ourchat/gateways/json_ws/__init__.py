"""The JSON protocol (v1 to v3 of the seeds) over a WebSocket at ``/v1/json``."""
