"""The room-key scheme of docs/e2ee.md, without a server: wrapping, message format, keys."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ourchat.client import (
    KeyFormatError,
    decrypt_text,
    encrypt_text,
    load_private_key,
    load_public_key,
    new_key_pair,
    new_room_key,
    unwrap_room_key,
    wrap_room_key,
)


def test_a_message_is_base64_of_nonce_ciphertext_and_tag() -> None:
    room_key = new_room_key()
    assert len(room_key) == 32
    text = "héllo, wörld"
    sealed = encrypt_text(room_key, text)
    raw = base64.b64decode(sealed, validate=True)
    assert len(raw) == 12 + len(text.encode()) + 16
    # Any AES-256-GCM implementation opens it: nonce first, no associated data.
    assert AESGCM(room_key).decrypt(raw[:12], raw[12:], None).decode() == text
    assert decrypt_text(room_key, sealed) == text
    assert encrypt_text(room_key, text) != sealed  # a fresh nonce every time


def test_the_wrong_key_or_a_damaged_text_opens_nothing() -> None:
    room_key, other = new_room_key(), new_room_key()
    sealed = encrypt_text(room_key, "secret")
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 1
    for attempt in (
        decrypt_text(other, sealed),
        decrypt_text(room_key, base64.b64encode(bytes(raw)).decode()),
        decrypt_text(room_key, "not base64 at all!"),
        decrypt_text(room_key, base64.b64encode(b"short").decode()),
        decrypt_text(room_key, "plain words"),
    ):
        assert attempt is None


def test_room_keys_are_wrapped_with_rsa_oaep_sha256() -> None:
    pair = new_key_pair()
    private = load_private_key(pair.private_pem)
    room_key = new_room_key()
    wrapped = wrap_room_key(room_key, pair.public_der)
    assert len(wrapped) == 256
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert private.decrypt(wrapped, oaep) == room_key
    assert unwrap_room_key(wrapped, private) == room_key
    stranger = load_private_key(new_key_pair().private_pem)
    assert unwrap_room_key(wrapped, stranger) is None


def test_every_registered_key_encoding_is_read() -> None:
    pair = new_key_pair()
    public = load_private_key(pair.private_pem).public_key()
    encodings = [
        pair.public_der,
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1),
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
    ]
    for data in encodings:
        assert load_public_key(data).public_numbers() == public.public_numbers()
    for bad in (b"", b"junk", pair.private_pem):
        with pytest.raises(KeyFormatError):
            load_public_key(bad)
    with pytest.raises(KeyFormatError):
        load_private_key(pair.public_der)
