"""Client scenario with python3-autobahn (asyncio flavour) against a WebSocket echo server.

usage: autobahn_client.py ws://127.0.0.1:PORT/path
Prints one JSON object with what came back; the jest test checks it.
"""
import asyncio
import json
import sys

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol

BIG = ("κόσμε-" * 20000).encode("utf8")
out = {"messages": []}


class Client(WebSocketClientProtocol):
    def onConnect(self, response):
        out["subprotocol"] = response.protocol

    def onOpen(self):
        self.sendMessage("hello".encode("utf8"))
        self.sendMessage(bytes(range(256)), isBinary=True)
        self.sendMessage(BIG)
        # 40-byte fragments: the server must join them into one message.
        self.sendMessage(("fragmented ✓ " * 10).encode("utf8"), fragmentSize=40)
        self.sendPing(b"abc")

    def onMessage(self, payload, isBinary):
        if payload == BIG:
            out["messages"].append("<big>")
        elif isBinary:
            out["messages"].append("<binary %s>" % (payload == bytes(range(256))))
        else:
            out["messages"].append(payload.decode("utf8"))

    def onPong(self, payload):
        out["pong"] = payload.decode("utf8")
        self.sendClose(code=4000, reason="bye")

    def onClose(self, wasClean, code, reason):
        out["was_clean"] = wasClean
        out["close_code"] = code
        out["close_reason"] = reason
        asyncio.get_event_loop().stop()


def main(url):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # autobahn schedules through txaio: it must use this loop, not one made at import time.
    factory = WebSocketClientFactory(url, protocols=["chat"], loop=loop)
    factory.protocol = Client
    factory.setProtocolOptions(maxMessagePayloadSize=2 ** 20, autoFragmentSize=0)
    host, port = url.split("//")[1].split("/")[0].split(":")
    loop.run_until_complete(loop.create_connection(factory, host, int(port)))
    loop.call_later(20, loop.stop)
    loop.run_forever()
    print(json.dumps(out))


main(sys.argv[1])
