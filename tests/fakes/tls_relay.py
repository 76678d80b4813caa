"""An https:// front for the local AWS: TLS on 127.0.0.1 with a certificate made for the test run
(trusted through AWS_CA_BUNDLE by spawn, CURL_CA_BUNDLE by curl), relayed byte for byte to the
local AWS's plain http port. For what must be https:// in spawn (the endpoint an instance fetches
code from) while the local AWS itself speaks http.

    relay = TlsRelay(target_port, folder)   # folder: where the certificate and key go
    relay.endpoint                          # https://127.0.0.1:<port>
    relay.cert                              # the PEM to trust
    relay.requests()                        # the request heads seen (bytes), oldest first
    relay.close()
"""
from __future__ import annotations

import os
import socket
import ssl
import subprocess
import threading


class TlsRelay:
    def __init__(self, target_port: int, folder: str):
        self.target_port = target_port
        self.cert = os.path.join(folder, "local-aws-tls.pem")
        key = os.path.join(folder, "local-aws-tls-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key,
                        "-out", self.cert], check=True, capture_output=True)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(self.cert, key)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"https://127.0.0.1:{self._listener.getsockname()[1]}"
        self._lock = threading.Lock()
        self._heads: list[bytes] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def requests(self) -> list[bytes]:
        with self._lock:
            return list(self._heads)

    def close(self) -> None:
        self._closed = True
        try:
            self._listener.close()
        except OSError:
            pass

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            tls = self._context.wrap_socket(client, server_side=True)
        except (OSError, ssl.SSLError):
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            tls.close()
            return
        threading.Thread(target=self._pump, args=(upstream, tls, False), daemon=True).start()
        self._pump(tls, upstream, True)

    def _pump(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        pending = b""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if record:
                    # Each request head (up to its blank line) is kept; bodies are not parsed:
                    # enough for GETs and for checking what was signed.
                    pending += data
                    while b"\r\n\r\n" in pending:
                        head, pending = pending.split(b"\r\n\r\n", 1)
                        if head.split(b" ", 1)[0] in (b"GET", b"PUT", b"POST", b"HEAD", b"DELETE"):
                            with self._lock:
                                self._heads.append(head)
                        else:
                            pending = b""
                sink.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass
