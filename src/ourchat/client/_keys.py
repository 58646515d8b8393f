"""Key pairs for new accounts: OurChat servers require an RSA public key at registration."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class KeyPair:
    """An RSA key pair: the private key as unencrypted PKCS#8 PEM, the public key as DER."""

    private_pem: bytes
    public_der: bytes


def new_key_pair(bits: int = 2048) -> KeyPair:
    """Generate an RSA key pair for :meth:`OurChatClient.register`.

    Keep ``private_pem`` secret: it is what end-to-end encrypted sessions would need.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(private_pem, public_der)
