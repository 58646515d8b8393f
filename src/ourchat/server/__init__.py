"""The native gRPC transport: process start-up and the servicers bound to the call pipeline."""
