"""The one public port: each connection goes to native gRPC (grpcio) or to the HTTP side.

See :mod:`ourchat.front.listener`.
"""
