"""Register a phone account on the REST API, complete it, then listen on the push socket.

Usage: python examples/rest_api_client.py HOST:HTTP_PORT PHONE [--listen]
(without --listen it stops after the push socket's first packet)
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx
import websockets


async def main(address: str, phone: str, listen: bool) -> None:
    credentials = {"phone": phone, "password": "a password of mine"}
    async with httpx.AsyncClient(base_url=f"http://{address}/api/v1") as api:
        print((await api.post("/register", json=credentials)).json())
        print((await api.post("/login", json=credentials)).json())
        print((await api.post("/account", json={"username": f"user {phone}"})).json())
        cookie = f"sessionid={api.cookies.get('sessionid')}"
    push = f"ws://{address}/api/v1/push"
    async with websockets.connect(push, additional_headers={"Cookie": cookie}) as ws:
        async for text in ws:
            packet = json.loads(text)
            print(packet)
            if not listen:
                return
            if isinstance(packet["message"], list):  # a message: acknowledge it
                item = packet["message"][0]
                ack = {key: item[key] for key in ("fromId", "toId", "chatId")}
                await ws.send(json.dumps({**ack, "content": "ok"}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], "--listen" in sys.argv[3:]))
