"""ServerManageService: running the server (roles, bans, maintenance, settings, health)."""
