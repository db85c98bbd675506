"""Echo server with python3-websockets for mcnet's client.

Prints "PORT <n>" once listening. Text commands: "ping-me" (the server pings and reports
"pong-received:<payload>" once the pong is in), "fragment-me" (a three-fragment text message),
"close-me" (the server closes with 4001 "server says bye"). Everything else is echoed.
Exits after its first connection ends.
"""
import asyncio
import sys

import websockets


async def handler(ws, path=None):
    path = path if path is not None else ws.path
    await ws.send("path:" + path + " protocol:" + str(ws.subprotocol) + " ua:" + str(ws.request_headers.get("X-Peer")))
    try:
        async for msg in ws:
            if msg == "ping-me":
                waiter = await ws.ping(b"srv")
                await asyncio.wait_for(waiter, 5)
                await ws.send("pong-received:srv")
            elif msg == "fragment-me":
                await ws.send(["frag", "ment", "ed"])
            elif msg == "close-me":
                await ws.close(4001, "server says bye")
            else:
                await ws.send(msg)
    except websockets.ConnectionClosed:
        pass  # codes other than 1000/1001 end the iteration with an exception
    await ws.wait_closed()
    done.set_result(ws.close_code)


async def main():
    global done
    done = asyncio.get_running_loop().create_future()
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat"], max_size=2 ** 20) as server:
        port = server.sockets[0].getsockname()[1]
        print("PORT", port, flush=True)
        code = await asyncio.wait_for(done, 20)
        print("CLOSED", code, flush=True)


asyncio.run(main())
