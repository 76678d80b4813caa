"""A tiny DNS nameserver on UDP port 53 of a loopback address, for the name-resolution tests of the
static spored (test_spored_static.py) and tools/nss-chroot-check: what /etc/resolv.conf points at
in their chroots, as it points at systemd-resolved's stub (127.0.0.53) on Ubuntu and Amazon Linux.

    stub = DnsStub({"imds.spawn.test": {"A": ["127.0.0.1"], "AAAA": ["::1"]}})
    stub.start()          # binds 127.53.x.y:53 (a fresh address of 127/8 each time; needs root)
    ... "nameserver " + stub.address ...
    stub.queries          # [("imds.spawn.test", "A"), ("imds.spawn.test", "AAAA"), ...]
    stub.stop()

It answers A and AAAA from the table (names compared without case or trailing dot): a name with
no record of the asked type gets NOERROR and no answer, an unknown name NXDOMAIN (RFC 1035
header, question and answer sections; no EDNS, no TCP, no recursion). With silent=True it records
the queries and answers none: a nameserver that is down or filtered.
"""
import ipaddress
import errno
import random
import socket
import struct
import threading

TYPES = {1: "A", 28: "AAAA"}
NOERROR, NXDOMAIN = 0, 3


def parse_question(packet):
    """(id, flags, name, qtype) of a query with one question; ValueError when malformed."""
    if len(packet) < 12:
        raise ValueError("short header")
    ident, flags, qdcount = struct.unpack_from("!HHH", packet, 0)
    if qdcount != 1:
        raise ValueError("not one question")
    labels, at = [], 12
    while True:
        if at >= len(packet):
            raise ValueError("name runs past the packet")
        length = packet[at]
        at += 1
        if length == 0:
            break
        if length > 63:
            raise ValueError("compressed or bad label in a question")
        labels.append(packet[at:at + length].decode("ascii", "replace"))
        at += length
    if at + 4 > len(packet):
        raise ValueError("question without type and class")
    qtype, = struct.unpack_from("!H", packet, at)
    return ident, flags, ".".join(labels), qtype, packet[12:at + 4]


def answer(packet, records):
    """The reply to one query packet, or None when it cannot be parsed."""
    try:
        ident, flags, name, qtype, question = parse_question(packet)
    except ValueError:
        return None
    entry = records.get(name.lower().rstrip("."))
    rcode = NXDOMAIN if entry is None else NOERROR
    rdatas = []
    if entry is not None and qtype in TYPES:
        for text in entry.get(TYPES[qtype], []):
            rdatas.append(ipaddress.ip_address(text).packed)
    reply_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode  # QR, AA, RD copied, RA
    out = struct.pack("!HHHHHH", ident, reply_flags, 1, len(rdatas), 0, 0) + question
    for rdata in rdatas:
        out += struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata  # name: the question's
    return out


class DnsStub:
    def __init__(self, records=None, silent=False):
        self.records = {k.lower().rstrip("."): v for k, v in (records or {}).items()}
        self.silent = silent
        self.queries = []
        self.address = None
        self._sock = None
        self._thread = None
        self._lock = threading.Lock()

    def start(self):
        last = None
        for _ in range(20):
            address = "127.53.%d.%d" % (random.randint(0, 255), random.randint(1, 254))
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind((address, 53))
            except OSError as e:  # taken by a parallel test, or no permission (not root)
                sock.close()
                last = e
                if e.errno != errno.EADDRINUSE:
                    raise
                continue
            self._sock, self.address = sock, address
            break
        else:
            raise last
        self._sock.settimeout(0.2)
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self):
        while self._running:
            try:
                packet, peer = self._sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                _, _, name, qtype, _ = parse_question(packet)
                with self._lock:
                    self.queries.append((name.lower().rstrip("."), TYPES.get(qtype, str(qtype))))
            except ValueError:
                pass
            if self.silent:
                continue
            reply = answer(packet, self.records)
            if reply is not None:
                self._sock.sendto(reply, peer)

    def queried(self, name):
        """The record types asked for name, in order."""
        with self._lock:
            return [t for n, t in self.queries if n == name.lower().rstrip(".")]

    def stop(self):
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
