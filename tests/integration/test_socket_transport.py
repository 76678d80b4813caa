"""SocketTransport (socket_probe http) against Python servers on loopback: TLS with certificates
made here by the openssl command (chain, host name, IP address, SNI), keep-alive over TLS, and
Python's own http.server. Framing edge cases are in tests/unit/aws/http/socket_transport_test.cpp.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
PROBE = os.path.join(BIN, "socket_probe")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    """A test CA, a server certificate for localhost + 127.0.0.1, one for another name."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=spawn test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    for name, san in (("good", "DNS:localhost,IP:127.0.0.1"), ("other", "DNS:other.invalid")):
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" % san)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name, cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext", cwd=d)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"over ", b"tls ", b"chunked"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        body = b"hello over tls"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TlsServer:
    def __init__(self, cert, key):
        self.sni = []
        self.connections = 0
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.sni_callback = lambda sock, name, c: self.sni.append(name)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.paths = []
        raw_get_request = self.httpd.get_request

        def get_request():
            sock, addr = raw_get_request()
            self.connections += 1
            return ctx.wrap_socket(sock, server_side=True), addr

        # The handshake happens in the handler thread (do_handshake_on_connect on first read).
        self.httpd.get_request = get_request
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@unittest.skipUnless(shutil.which("openssl"), "the openssl command is needed to make test certificates")
class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(PROBE, os.X_OK):
            raise unittest.SkipTest("socket_probe not built (%s)" % PROBE)
        cls.dir = tempfile.mkdtemp(prefix="spawn-tls-")
        make_certs(cls.dir)
        cls.ca = os.path.join(cls.dir, "ca.pem")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def server(self, name="good"):
        s = TlsServer(os.path.join(self.dir, name + ".pem"), os.path.join(self.dir, name + ".key"))
        self.addCleanup(s.close)
        return s

    def probe(self, url, *args):
        r = subprocess.run([PROBE, "http", url, "--timeout-ms", "5000", *args],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    def test_host_name_verified_and_sent_as_sni(self):
        s = self.server()
        out = self.probe("https://localhost:%d/" % s.port, "--ca-file", self.ca)
        self.assertEqual((out[0]["ok"], out[0].get("status"), out[0].get("body")), (True, 200, "hello over tls"), out)
        self.assertEqual(s.sni, ["localhost"])

    def test_ip_address_verified_without_sni(self):
        s = self.server()
        out = self.probe("https://127.0.0.1:%d/" % s.port, "--ca-file", self.ca)
        self.assertTrue(out[0]["ok"], out)
        self.assertEqual(s.sni, [None])

    def test_unknown_ca_rejected(self):
        # The system store does not know our test CA.
        s = self.server()
        out = self.probe("https://localhost:%d/" % s.port)
        self.assertEqual((out[0]["ok"], out[0]["code"], out[0]["http_status"]), (False, "NetworkError", 0))
        self.assertIn("certificate", out[0]["message"])
        self.assertEqual(s.httpd.paths, [])

    def test_ssl_cert_file_extends_the_system_store(self):
        s = self.server()
        r = subprocess.run([PROBE, "http", "https://localhost:%d/" % s.port], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, SSL_CERT_FILE=self.ca))
        self.assertTrue(json.loads(r.stdout)["ok"], r.stdout)

    def test_wrong_host_name_rejected(self):
        s = self.server("other")
        out = self.probe("https://localhost:%d/" % s.port, "--ca-file", self.ca)
        self.assertEqual((out[0]["ok"], out[0]["code"]), (False, "NetworkError"))
        self.assertIn("hostname mismatch", out[0]["message"])
        self.assertEqual(s.httpd.paths, [])

    def test_wrong_ip_rejected(self):
        s = self.server("other")
        out = self.probe("https://127.0.0.1:%d/" % s.port, "--ca-file", self.ca)
        self.assertEqual((out[0]["ok"], out[0]["code"]), (False, "NetworkError"))
        self.assertIn("IP address mismatch", out[0]["message"])

    def test_chunked_and_keep_alive_over_tls(self):
        s = self.server()
        out = self.probe("https://localhost:%d/chunked" % s.port, "--ca-file", self.ca, "--repeat", "3")
        self.assertEqual([o.get("body") for o in out], ["over tls chunked"] * 3, out)
        self.assertEqual(s.connections, 1)

    def test_no_keep_alive_over_tls(self):
        s = self.server()
        out = self.probe("https://localhost:%d/" % s.port, "--ca-file", self.ca, "--repeat", "2", "--no-keep-alive")
        self.assertTrue(all(o["ok"] for o in out), out)
        self.assertEqual(s.connections, 2)


class RawTlsServer:
    """Answers each connection's request with the given bytes, then ends the TLS session with a
    close_notify (clean=True) or closes the TCP connection without one (what a cut stream looks
    like)."""

    def __init__(self, cert, key, reply, clean):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.reply, self.clean = reply, clean
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            raw.settimeout(5)
            conn = raw
            try:
                conn = self.ctx.wrap_socket(raw, server_side=True)  # takes raw's descriptor
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(self.reply)
                if self.clean:
                    conn.unwrap()  # sends close_notify (and waits for the client's, or its close)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()  # without unwrap(): no close_notify, the TCP connection just ends

    def close(self):
        self.listener.close()


@unittest.skipUnless(shutil.which("openssl"), "the openssl command is needed to make test certificates")
class TlsTruncationTest(unittest.TestCase):
    """A TLS stream that ends without close_notify is a truncation, not the end of a body."""

    @classmethod
    def setUpClass(cls):
        if not os.access(PROBE, os.X_OK):
            raise unittest.SkipTest("socket_probe not built (%s)" % PROBE)
        cls.dir = tempfile.mkdtemp(prefix="spawn-tls-eof-")
        make_certs(cls.dir)
        cls.ca = os.path.join(cls.dir, "ca.pem")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def fetch(self, reply, clean, *args):
        s = RawTlsServer(os.path.join(self.dir, "good.pem"), os.path.join(self.dir, "good.key"), reply, clean)
        self.addCleanup(s.close)
        r = subprocess.run([PROBE, "http", "https://localhost:%d/script.sh" % s.port, "--ca-file", self.ca,
                            "--timeout-ms", "5000", *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout.splitlines()[0])

    UNTIL_CLOSE = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n#!/bin/sh\nrm -rf /srv/job/tmp"

    def test_body_until_close_cut_without_close_notify_is_an_error(self):
        out = self.fetch(self.UNTIL_CLOSE, False, "--close-allowed")
        self.assertEqual((out["ok"], out.get("code"), out.get("http_status")), (False, "NetworkError", 0), out)
        self.assertIn("close_notify", out["message"])
        self.assertIn("truncated", out["message"])

    def test_body_until_close_ended_by_close_notify_is_whole(self):
        out = self.fetch(self.UNTIL_CLOSE, True, "--close-allowed")
        self.assertEqual((out["ok"], out.get("body")), (True, "#!/bin/sh\nrm -rf /srv/job/tmp"), out)

    def test_body_until_close_refused_by_default(self):
        out = self.fetch(self.UNTIL_CLOSE, True)
        self.assertEqual((out["ok"], out.get("code")), (False, "InvalidReply"), out)

    def test_content_length_body_then_close_without_close_notify_is_whole(self):
        # Many servers close without close_notify after a framed reply: that stays fine.
        out = self.fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", False)
        self.assertEqual((out["ok"], out.get("body")), (True, "hello"), out)

    def test_content_length_body_cut_is_truncated(self):
        out = self.fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n#!/bin/sh\nrm", False)
        self.assertEqual((out["ok"], out.get("code")), (False, "NetworkError"), out)
        self.assertIn("truncated", out["message"])

    def test_body_over_the_limit_refused(self):
        out = self.fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + b"#" * 2000, True, "--max-body", "1024")
        self.assertEqual((out["ok"], out.get("code")), (False, "ReplyTooLarge"), out)


class PlainHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(PROBE, os.X_OK):
            raise unittest.SkipTest("socket_probe not built (%s)" % PROBE)

    def test_python_http_server_http10(self):
        # http.server's default handler speaks HTTP/1.0 and closes after each reply.
        d = tempfile.mkdtemp(prefix="spawn-http-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "file.txt"), "w") as f:
            f.write("x" * 100000)

        class Quiet(SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=d, **kw)

            def log_message(self, *args):
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        r = subprocess.run([PROBE, "http", "http://127.0.0.1:%d/file.txt" % httpd.server_address[1], "--repeat", "2"],
                           capture_output=True, text=True, timeout=60)
        out = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual([(o["status"], len(o["body"])) for o in out], [(200, 100000)] * 2)
        missing = subprocess.run([PROBE, "http", "http://127.0.0.1:%d/nope" % httpd.server_address[1]],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(json.loads(missing.stdout)["status"], 404)


if __name__ == "__main__":
    unittest.main()
