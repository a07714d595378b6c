"""A TCP listener on 127.0.0.1 that counts the connections it receives: the witness of the tests that
prove queries make no outbound requests (SERVICE, FROM, LOAD, graph parameters aimed at it)."""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """Counts connections on a free loopback port until :meth:`close`."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def settle(self, seconds: float = 0.5) -> None:
        """Give a stray connection time to arrive (bounded), then stop waiting."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.connections == 0:
            time.sleep(0.05)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()
