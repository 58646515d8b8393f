"""TLS on the public port: the server's certificate and ALPN in server-preference order.

ALPN offers ``http/1.1`` before ``h2`` and the server's order wins: browsers (which offer both)
get HTTP/1.1, where gRPC-Web and the HTTP routes live, and native gRPC clients (which offer only
``h2``) get HTTP/2, which goes to grpcio.
"""

from __future__ import annotations

import ssl

from ourchat.config import Settings

ALPN_PROTOCOLS = ["http/1.1", "h2"]


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """The server's TLS context, or None when no certificate is configured."""
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings.tls_cert_file, settings.tls_key_file)
    context.set_alpn_protocols(ALPN_PROTOCOLS)
    return context
