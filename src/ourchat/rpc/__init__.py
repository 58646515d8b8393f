"""One module per RPC, grouped like the proto tree: check the request's shape, call the domain."""
