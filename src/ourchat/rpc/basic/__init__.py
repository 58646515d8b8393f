"""BasicService: server facts anyone may ask for without a token."""
