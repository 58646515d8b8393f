"""The gRPC server: dependencies, interceptors, servicers and process start-up."""
