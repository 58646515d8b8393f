"""The web client's end-to-end encryption vectors are what the SDK reads and writes.

``web/src/state/testdata/e2ee-vectors.json`` (made by ``scripts/e2ee-vectors``) is opened by the
web client's unit tests with WebCrypto; this test opens it with the SDK, so both sides are held
to the same scheme.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from ourchat.client import (
    decrypt_text,
    load_private_key,
    load_public_key,
    unwrap_room_key,
    wrap_room_key,
)

VECTORS = Path(__file__).resolve().parents[2] / "web/src/state/testdata/e2ee-vectors.json"


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS.read_text())
    return data


def test_the_sdk_opens_the_vectors(vectors: dict[str, Any]) -> None:
    private = load_private_key(vectors["private_pkcs8_pem"].encode())
    room_key = unwrap_room_key(base64.b64decode(vectors["wrapped_room_key"]), private)
    assert room_key == base64.b64decode(vectors["room_key"])
    assert [decrypt_text(room_key, m["markdown_text"]) for m in vectors["messages"]] == [
        m["text"] for m in vectors["messages"]
    ]
    older = base64.b64decode(vectors["older_room_key"])
    assert (
        decrypt_text(older, vectors["older_message"]["markdown_text"]) == "sent before the rotation"
    )
    assert decrypt_text(room_key, vectors["older_message"]["markdown_text"]) is None


def test_every_key_encoding_in_the_vectors_is_one_key(vectors: dict[str, Any]) -> None:
    private = load_private_key(vectors["private_pkcs8_pem"].encode())
    same = load_private_key(vectors["private_pkcs1_pem"].encode())
    assert same.private_numbers() == private.private_numbers()
    encodings = [
        base64.b64decode(vectors["public_spki_der"]),
        base64.b64decode(vectors["public_pkcs1_der"]),
        vectors["public_spki_pem"].encode(),
        vectors["public_pkcs1_pem"].encode(),
    ]
    for data in encodings:
        public = load_public_key(data)
        assert public.public_numbers() == private.public_key().public_numbers()
        assert unwrap_room_key(wrap_room_key(b"k" * 32, public), private) == b"k" * 32
