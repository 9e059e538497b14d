"""An SMTP server (aiosmtpd, on 127.0.0.1 unless told) that counts what it receives, by
outbox id."""

from __future__ import annotations

import re
import threading

OUTBOX_ID = re.compile(rb"^Message-ID:\s*<[^>]*plc-outbox-(\d+)@", re.IGNORECASE | re.MULTILINE)


class SmtpSink:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        from aiosmtpd.controller import Controller

        self._lock = threading.Lock()
        self.received: list[bytes] = []
        self._controller = Controller(self, hostname=host, port=port)

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def outbox_ids(self) -> list[int]:
        """The outbox id of every message received (a message received twice: twice)."""
        with self._lock:
            return [int(m.group(1)) for body in self.received
                    if (m := OUTBOX_ID.search(body))]


class SilentServer:
    """A server that accepts connections and never answers: an SMTP host that hangs (or a
    firewall that lets the handshake through), the harsh kind of "down"."""

    def __init__(self, port: int):
        import socket

        self._socket = socket.create_server(("127.0.0.1", port), backlog=512)
        self._held: list = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed by stop()
                return
            self._held.append(connection)

    def start(self) -> SilentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        import socket

        self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone
        self._socket.close()  # would leave the port listening until it returns
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
