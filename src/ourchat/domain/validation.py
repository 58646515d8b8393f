"""Shape rules for account fields (BEHAVIOR.md §2)."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key
from email_validator import EmailNotValidError, validate_email

MAX_NAME_BYTES = 60
MAX_OCID_BYTES = 50
MAX_STATUS_BYTES = 128
MIN_KEY_BYTES = 32
RSA_BITS = range(2048, 8193)


def is_valid_email(email: str) -> bool:
    """Whether ``email`` is a syntactically valid address (no DNS lookups)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_valid_user_name(name: str) -> bool:
    """Not blank, and at most 60 bytes of UTF-8."""
    return bool(name.strip()) and len(name.encode()) <= MAX_NAME_BYTES


def is_valid_public_key(key: bytes) -> bool:
    """An RSA public key (2048 to 8192 bits) as PKCS#8 DER, PKCS#1 DER or PKCS#8 PEM."""
    if len(key) < MIN_KEY_BYTES:
        return False
    parsers: tuple[Callable[[bytes], PublicKeyTypes], ...] = (
        load_der_public_key,
        lambda der: load_pem_public_key(_pkcs1_pem(der)),
        load_pem_public_key,
    )
    for parse in parsers:
        try:
            parsed = parse(key)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
        return isinstance(parsed, rsa.RSAPublicKey) and parsed.key_size in RSA_BITS
    return False


def _pkcs1_pem(der: bytes) -> bytes:
    import base64

    body = base64.encodebytes(der)
    return b"-----BEGIN RSA PUBLIC KEY-----\n" + body + b"-----END RSA PUBLIC KEY-----\n"
