"""A small TCP proxy on the loopback interface, in front of the test PostgreSQL server,
that can pass, drop or stall connections: a door's network going away, for tests.

Bounded: it serves loopback only and stops by itself after ``lifetime`` seconds.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time

PASS, DROP, STALL, CUT = "pass", "drop", "stall", "cut"


class FlakyProxy:
    def __init__(self, target_host: str, target_port: int, lifetime: float = 600.0) -> None:
        self.target = (target_host, target_port)
        self.mode = PASS
        self._deadline = time.monotonic() + lifetime
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        #: connections cut for good (CUT): held open, nothing forwarded, ever again
        self._dead: set[socket.socket] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="flaky-proxy")
        self._thread.start()

    def set_mode(self, mode: str) -> None:
        """PASS forwards; DROP closes every connection and refuses new ones; STALL keeps
        connections open but forwards nothing (a weak Wi-Fi gone quiet); CUT is a network
        that changed under the door: every connection open now, and every one made
        while cut, stays open but dead for good, also after PASS (new ones work again)."""
        if mode == CUT:
            with self._lock:
                self._dead.update(self._open)
        self.mode = mode
        if mode == DROP:
            self._close_all()

    def _close_all(self) -> None:
        with self._lock:
            conns, self._open = self._open, []
            self._dead.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()

    def _serve(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.mode == DROP:
                client.close()
                continue
            if self.mode == CUT:  # accepted, never answered
                with self._lock:
                    self._open.append(client)
                    self._dead.add(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
        self.close()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                if self.mode == STALL or a in self._dead:
                    self._stop.wait(0.2)  # hold everything: nothing goes through
                    continue
                ready, _, _ = select.select([a, b], [], [], 0.2)
                if self.mode == DROP:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # a socket closed by DROP meanwhile
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def url(self, database_url: str) -> str:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(database_url)
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        netloc = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
        return urlunsplit(parts._replace(netloc=netloc))

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.close()
        self._close_all()
