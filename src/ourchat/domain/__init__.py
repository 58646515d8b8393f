"""Business rules, free of gRPC: accounts, friends, sessions, messages, permissions."""
