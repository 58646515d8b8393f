"""AuthService: Register, Auth, Verify."""
