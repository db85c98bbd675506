"""Client scenario with python3-websockets against a WebSocket echo server.

usage: websockets_client.py ws://127.0.0.1:PORT/path
Prints one JSON object with what came back; the jest test checks it.
"""
import asyncio
import json
import sys

import websockets


async def main(url):
    out = {}
    async with websockets.connect(
        url, subprotocols=["chat"], extra_headers={"X-Peer": "websockets"}, max_size=2 ** 20, open_timeout=5
    ) as ws:
        out["subprotocol"] = ws.subprotocol
        await ws.send("hello")
        out["text"] = await ws.recv()
        await ws.send(bytes(range(256)))
        b = await ws.recv()
        out["binary_ok"] = isinstance(b, bytes) and b == bytes(range(256))
        big = "κόσμε-" * 20000
        await ws.send(big)
        out["big_ok"] = (await ws.recv()) == big
        # An iterable sends one message in several fragments (opcode, then continuations).
        await ws.send(["frag", "ment", "ed ✓"])
        out["fragmented"] = await ws.recv()
        pong = await ws.ping(b"abc")
        await asyncio.wait_for(pong, 5)
        out["pong"] = True
        await ws.close(code=4000, reason="bye")
        out["close_code"] = ws.close_code
        out["close_reason"] = ws.close_reason
    print(json.dumps(out))


asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
