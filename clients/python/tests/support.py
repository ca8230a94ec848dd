"""Test fixtures: a real herald-server process, a scripted stand-in HTTP server
and a minimal WebSocket client (standard library only)."""

import base64
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SECRET = "python-client-tests-secret-0123456789abcdef"
API_KEY = "python-client-tests-api-key-0123456789abcdef"
_LISTENING = re.compile(r"listening: WebSocket \S+ (\d+) .*push API \S+ (\d+)")


def server_binary():
    """HERALD_SERVER_BINARY, or <repo>/build/server/herald-server. Tests
    needing it are skipped when only the default is missing; an explicitly
    named binary that is missing fails them."""
    explicit = os.environ.get("HERALD_SERVER_BINARY")
    path = Path(explicit) if explicit else REPO / "build" / "server" / "herald-server"
    if not path.is_file():
        if explicit:
            raise unittest.TestCase.failureException(
                f"HERALD_SERVER_BINARY={explicit} does not exist")
        raise unittest.SkipTest(f"no herald-server at {path}; build it or set "
                                "HERALD_SERVER_BINARY")
    return str(path)


def reserve_port():
    """A bound but not listening socket: connecting to its port is refused
    until it is closed and something else listens there."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


class HeraldServer:
    """herald-server on free ports (or the given API port) with a throwaway
    data folder. Use as a context manager, or start()/stop()."""

    def __init__(self, api_port=0, extra_args=()):
        self.api_port_requested = api_port
        self.extra_args = list(extra_args)
        self.process = None
        self.log = []
        self.ws_port = self.api_port = None
        self._listening = threading.Event()
        self._reader = None
        self._data_dir = None

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.ws_port}/ws"

    def start(self, timeout=30.0):
        binary = server_binary()
        self._data_dir = tempfile.mkdtemp(prefix="herald-py-test-")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "QT_NO_GLIB": "1",
               "HERALD_SECRET": SECRET, "HERALD_API_KEY": API_KEY}
        if os.environ.get("HERALD_EVENT_LOOP"):  # CI runs the suites once per event dispatcher
            env["HERALD_EVENT_LOOP"] = os.environ["HERALD_EVENT_LOOP"]
        self.process = subprocess.Popen(
            [binary, "--ws-port", "0", "--api-port", str(self.api_port_requested),
             "--data-dir", self._data_dir, *self.extra_args],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace")
        # Drained all along: the server logs every push, and a full pipe would stall it.
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("herald-server did not start:\n" + "".join(self.log))
        return self

    def _read_log(self):
        for line in self.process.stderr:
            self.log.append(line)
            match = _LISTENING.search(line)
            if match and not self._listening.is_set():
                self.ws_port, self.api_port = int(match.group(1)), int(match.group(2))
                self._listening.set()

    def stop(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
            self._reader.join(10)
            self.process.stderr.close()
            self.process = None
        if self._data_dir:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class StubServer:
    """An HTTP server answering from a script of (status, body, delay)
    entries, one per request (the last one repeats), recording each request
    as a dict with method, path, headers and body. A delay of HELD holds the
    answer until the stub is closed: a lost answer, however slow the machine."""

    HELD = float("inf")

    def __init__(self, script, port=0):
        self.script = list(script)
        self.requests = []
        self._closing = threading.Event()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                index = len(stub.requests)
                stub.requests.append({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers), "body": body})
                status, answer, delay = stub.script[min(index, len(stub.script) - 1)]
                if delay:
                    stub._closing.wait(None if delay == StubServer.HELD else delay)
                raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that timed out and left: expected here

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def bodies(self):
        return [json.loads(r["body"]) if r["body"] else None for r in self.requests]

    def close(self):
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


class WebSocket:
    """Just enough of a WebSocket client to open /ws and read text frames."""

    def __init__(self, port, token, timeout=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        self._buffer = b""
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        self.status = int(head.split(" ", 2)[1])
        self.body = b""
        length = re.search(r"(?im)^content-length:\s*(\d+)", head)
        if self.status != 101 and length:
            self.body = self._read_exact(int(length.group(1)))

    def _read_until(self, marker):
        while marker not in self._buffer:
            self._fill()
        head, self._buffer = self._buffer.split(marker, 1)
        return head

    def _read_exact(self, count):
        while len(self._buffer) < count:
            self._fill()
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self._buffer += chunk

    def read_frame(self):
        """(opcode, payload bytes) of the next frame from the server."""
        first, second = self._read_exact(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(self._read_exact(2), "big")
        elif length == 127:
            length = int.from_bytes(self._read_exact(8), "big")
        return first & 0x0F, self._read_exact(length)

    def next_message(self, type_):
        """The next JSON text frame whose "type" is type_ (others skipped);
        None once the server closes the connection."""
        while True:
            try:
                opcode, payload = self.read_frame()
            except ConnectionError:
                return None
            if opcode == 8:
                return None
            if opcode == 1:
                message = json.loads(payload)
                if message.get("type") == type_:
                    return message

    def close(self):
        self.sock.close()
