"""Generated protobuf and gRPC modules; never edit by hand (scripts/gen_protos.py)."""
