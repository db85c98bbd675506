"""Echo server with python3-autobahn (asyncio flavour) for mcnet's client.

Prints "PORT <n>" once listening; same commands as websockets_server.py. Exits after its first
connection ends, printing "CLOSED <code> <wasClean>".
"""
import asyncio

from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol


class Echo(WebSocketServerProtocol):
    def onConnect(self, request):
        self.info = "path:%s protocols:%s" % (request.path, ",".join(request.protocols))
        return "chat" if "chat" in request.protocols else None

    def onOpen(self):
        self.sendMessage(self.info.encode("utf8"))

    def onMessage(self, payload, isBinary):
        if not isBinary and payload == b"ping-me":
            self.sendPing(b"srv")
        elif not isBinary and payload == b"fragment-me":
            self.sendMessage(b"fragmented", fragmentSize=4)
        elif not isBinary and payload == b"close-me":
            self.sendClose(code=4001, reason="server says bye")
        else:
            self.sendMessage(payload, isBinary)

    def onPong(self, payload):
        self.sendMessage(b"pong-received:" + payload)

    def onClose(self, wasClean, code, reason):
        print("CLOSED", code, wasClean, flush=True)
        asyncio.get_event_loop().call_later(0.1, asyncio.get_event_loop().stop)


def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # autobahn schedules through txaio: it must use this loop, not one made at import time.
    factory = WebSocketServerFactory(loop=loop)
    factory.protocol = Echo
    factory.setProtocolOptions(maxMessagePayloadSize=2 ** 20)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    loop.call_later(20, loop.stop)
    loop.run_forever()


main()
