"""Register over the JSON protocol (v3), open a session with someone, send and receive.

Usage: python examples/json_protocol_client.py HOST:HTTP_PORT EMAIL [MEMBER_OCID]
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys

import websockets


async def main(address: str, email: str, member: str | None) -> None:
    password = hashlib.sha256(b"a password of mine").hexdigest()  # the seeds' clients hash it
    async with websockets.connect(f"ws://{address}/v1/json") as ws:
        await ws.send(json.dumps({"code": 4, "email": email, "password": password, "name": "ann"}))
        print(json.loads(await ws.recv()))
        login = {"code": 6, "login_type": 0, "account": email, "password": password}
        await ws.send(json.dumps(login))
        print(json.loads(await ws.recv()))
        await ws.send(json.dumps({"code": 8, "members": [member] if member else []}))
        created = json.loads(await ws.recv())
        print(created)
        text = {"type": 0, "text": "hello from the JSON protocol"}
        sender = {"session_id": created["session_id"]}
        await ws.send(json.dumps({"code": 0, "sender": sender, "msg": [text]}))
        print(json.loads(await ws.recv()))  # our message, pushed back like everyone's


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
