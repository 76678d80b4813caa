#!/usr/bin/env python3
"""A loopback fake of the EC2 instance metadata service (IMDSv2 only), for tests and benchmarks.

    python3 tests/fakes/imds_fake.py --port 0      # prints "READY http://127.0.0.1:<port>"

What it copies from EC2 (docs: "Use IMDSv2", "Retrieve instance metadata" in the EC2 user guide,
and replies captured with curl -v on real instances):
  - PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds in 1..21600 (else 400),
    is refused with 403 when it carries X-Forwarded-For, and with 403 on a versioned path
    (/2021-03-23/api/token); the reply carries the token and the TTL header.
  - Every GET needs a valid, unexpired X-aws-ec2-metadata-token (else 401: IMDSv2 required, no
    IMDSv1). Every GET reply carries X-Aws-Ec2-Metadata-Token-Ttl-Seconds with the token's
    remaining whole seconds (real replies show 21583 after 17 s).
  - Absent paths answer 404 with EC2's small HTML page (spot/instance-action before a notice).
  - Replies are HTTP/1.1 with "Connection: close" and "Server: EC2ws", text/plain.

The control API lives on the same port under /_fake/ (POST with a JSON body, GET for reads); see
CONTROL below or tests/fakes/imds_fake_fixture.py. Timestamps in /_fake/log and /_fake/notice are
time.monotonic() of this process (CLOCK_MONOTONIC, shared by every process on the machine), so a
benchmark can compare them with its own time.monotonic().
"""
import argparse
import datetime
import json
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
MAX_TTL = 21600

CONTROL = """\
POST /_fake/notice            {"action": "terminate|stop|hibernate", "time": "...Z" | "in_seconds": N,
                               "moving": false}   sets the spot interruption notice
POST /_fake/notice/clear      removes it (instance-action answers 404 again)
POST /_fake/rebalance         {"notice_time": "...Z"} or {"in_seconds": N} (default: now)
POST /_fake/rebalance/clear
POST /_fake/lifecycle         {"value": "spot|on-demand"}
POST /_fake/instance          {"instance_id", "instance_type", "region", "availability_zone",
                               "account_id", "image_id", "private_ip", "ami_launch_index",
                               "mac", "subnet_id"} (any subset; subnet_id "" has no subnet-id)
POST /_fake/tags              {"tags": {"k": "v"}, "enabled": true}
POST /_fake/credentials       {"role": "name", "AccessKeyId": ..., "SecretAccessKey": ...,
                               "Token": ..., "Expiration": ...} or {"role": null} (no role)
POST /_fake/fault             {"kind": K, "count": N (default 1; -1 = until cleared),
                               "path": "/latest/..." prefix filter (optional), ...}
      K = "status"  (+ "status": 503|429|500...)  the next N requests get that status
          "503"                                   same as status 503
          "stall"   (+ "seconds": S)              the next N requests hang S seconds, then answer
          "reset"                                 the next N requests: connection closed unanswered
          "malformed_notice"                      the next N instance-action reads: broken JSON
          "moving_time"                           each instance-action read: time one second later
          "invalidate_tokens"                     every token issued so far becomes invalid (now)
          "refuse"  (+ "seconds": S)              stop listening for S seconds (connections refused;
                                                  the control API too)
POST /_fake/fault/clear       drops pending faults
POST /_fake/tokens/invalidate same as fault invalidate_tokens
POST /_fake/advance           {"seconds": S} moves the fake's token clock forward (tokens expire)
POST /_fake/reset             everything back to the start state (log included)
POST /_fake/log/clear
GET  /_fake/log               {"requests": [{"method", "path", "token_present", "token_valid",
                               "status", "t", "t_end"}]}   (IMDS requests only)
GET  /_fake/notice            {"set": bool, "action", "time", "set_at", "first_read_at", "reads"}
GET  /_fake/state             the whole state, for debugging
"""

NOT_FOUND_HTML = """<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>{code} - {reason}</title>
 </head>
 <body>
  <h1>{code} - {reason}</h1>
 </body>
</html>
"""

REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def iso(dt):
    """Whole-second UTC, the way EC2 writes times: 2026-11-27T10:00:00Z."""
    return dt.astimezone(datetime.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class State:
    """Everything the fake knows; guarded by one lock, changed only through the control API."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.reset()

    def reset(self):
        self.tokens = {}          # token -> expiry on the token clock
        self.clock_offset = 0.0   # POST /_fake/advance
        self.notice = None        # {"action", "time", "set_at", "first_read_at", "reads", "moving"}
        self.rebalance = None     # noticeTime string
        self.lifecycle = "spot"
        self.instance = {
            "instance_id": "i-0123456789abcdef0",
            "instance_type": "m7i.large",
            "region": "us-east-1",
            "availability_zone": "us-east-1a",
            "account_id": "123456789012",
            "image_id": "ami-0abcdef1234567890",
            "private_ip": "10.0.0.12",
            "ami_launch_index": 0,
            "mac": "0e:00:00:00:00:01",
            "subnet_id": "subnet-0fake000000000001",
        }
        self.tags_enabled = True
        self.tags = {"Name": "spawn-test", "spawn:managed": "true"}
        self.role = "spawn-instance-role"
        self.credentials = self.default_credentials()
        self.faults = []          # dicts with kind, remaining, path, ...
        self.log = []

    @staticmethod
    def default_credentials():
        now = utcnow()
        return {
            "Code": "Success",
            "LastUpdated": iso(now),
            "Type": "AWS-HMAC",
            "AccessKeyId": "ASIAFAKEIMDS00000001",
            "SecretAccessKey": "fakeSecretKeyForTheMetadataFake000000000",
            "Token": "FwoGZXIvYXdzEFakeSessionTokenFromTheImdsFake",
            "Expiration": iso(now + datetime.timedelta(hours=6)),
        }

    def token_clock(self):
        return time.monotonic() + self.clock_offset

    def take_fault(self, kinds, path):
        """The first pending fault of one of these kinds that matches path; consumes one use."""
        for f in self.faults:
            if f["kind"] in kinds and path.startswith(f.get("path") or ""):
                if f["remaining"] > 0:
                    f["remaining"] -= 1
                if f["remaining"] == 0:
                    self.faults.remove(f)
                return f
        return None

    def tree(self):
        """path (under /latest/) -> (body, content type) for everything that exists right now."""
        i = self.instance
        t = {
            "meta-data/instance-id": i["instance_id"],
            "meta-data/instance-type": i["instance_type"],
            "meta-data/instance-life-cycle": self.lifecycle,
            "meta-data/ami-id": i["image_id"],
            "meta-data/ami-launch-index": str(i.get("ami_launch_index", 0)),
            "meta-data/local-ipv4": i["private_ip"],
            "meta-data/mac": i["mac"],
            "meta-data/placement/availability-zone": i["availability_zone"],
            "meta-data/placement/region": i["region"],
            "dynamic/instance-identity/document": json.dumps({
                "accountId": i["account_id"],
                "architecture": "x86_64",
                "availabilityZone": i["availability_zone"],
                "billingProducts": None,
                "devpayProductCodes": None,
                "marketplaceProductCodes": None,
                "imageId": i["image_id"],
                "instanceId": i["instance_id"],
                "instanceType": i["instance_type"],
                "kernelId": None,
                "pendingTime": "2026-01-01T00:00:00Z",
                "privateIp": i["private_ip"],
                "ramdiskId": None,
                "region": i["region"],
                "version": "2017-09-30",
            }, indent=2),
        }
        if i.get("subnet_id"):
            t["meta-data/network/interfaces/macs/%s/subnet-id" % i["mac"]] = i["subnet_id"]
        if self.tags_enabled:
            for k, v in self.tags.items():
                t["meta-data/tags/instance/" + k] = v
        if self.role is not None:
            t["meta-data/iam/security-credentials/" + self.role] = json.dumps(self.credentials, indent=2)
            t["meta-data/iam/info"] = json.dumps({
                "Code": "Success", "LastUpdated": self.credentials.get("LastUpdated", ""),
                "InstanceProfileArn": "arn:aws:iam::%s:instance-profile/%s" % (i["account_id"], self.role),
                "InstanceProfileId": "AIPAFAKEIMDS000000001"}, indent=2)
        if self.notice is not None:
            t["meta-data/spot/instance-action"] = None   # computed per read (moving time, faults)
            t["meta-data/spot/termination-time"] = self.notice["time"]
        if self.rebalance is not None:
            t["meta-data/events/recommendations/rebalance"] = json.dumps({"noticeTime": self.rebalance})
        return t


def listing(tree, prefix):
    """Directory listing like EC2's: child names, sub-directories with a trailing slash."""
    names = []
    for path in tree:
        if path.startswith(prefix) and path != prefix:
            rest = path[len(prefix):]
            name = rest.split("/", 1)[0] + ("/" if "/" in rest else "")
            if name not in names:
                names.append(name)
    return names


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EC2ws"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write("imds_fake: " + (format % args) + "\n")

    @property
    def state(self):
        return self.server.state

    # --- plumbing ---------------------------------------------------------------------------

    def reply(self, status, body="", content_type="text/plain", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status, REASONS.get(status))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True
        return status

    def error_page(self, status):
        reason = REASONS.get(status, "Error")
        return self.reply(status, NOT_FOUND_HTML.format(code=status, reason=reason), "text/html")

    def read_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        return json.loads(raw) if raw.strip() else {}

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        try:
            if self.path.startswith("/_fake/"):
                self.control()
            else:
                self.imds()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout tests)

    # --- the metadata service ---------------------------------------------------------------

    def imds(self):
        st = self.state
        start = time.monotonic()
        entry = {"method": self.command, "path": self.path,
                 "token_present": self.headers.get(TOKEN_HEADER) is not None,
                 "token_valid": False, "status": 0, "t": start}
        with st.lock:
            st.log.append(entry)
            stall = st.take_fault(("stall",), self.path)
            reset = st.take_fault(("reset",), self.path)
            forced = st.take_fault(("status", "503"), self.path)
        if stall is not None:
            st.stop.wait(float(stall.get("seconds", 5)))
        if reset is not None:
            entry["status"] = -1
            entry["t_end"] = time.monotonic()
            self.close_connection = True
            self.connection.shutdown(2)  # SHUT_RDWR: the client sees the connection close unanswered
            return
        if forced is not None:
            status = int(forced.get("status", 503))
            entry["status"] = self.error_page(status)
            entry["t_end"] = time.monotonic()
            return
        entry["status"] = self.imds_answer(entry)
        entry["t_end"] = time.monotonic()

    def imds_answer(self, entry):
        st = self.state
        path = self.path.split("?", 1)[0]
        if path.endswith("/api/token"):
            return self.token_request(path)
        if self.command not in ("GET", "HEAD"):
            return self.error_page(405)
        with st.lock:
            token = self.headers.get(TOKEN_HEADER)
            expiry = st.tokens.get(token) if token is not None else None
            now = st.token_clock()
            if expiry is None or expiry <= now:
                return self.error_page(401)
            entry["token_valid"] = True
            ttl_left = {"X-Aws-Ec2-Metadata-Token-Ttl-Seconds": str(max(0, int(expiry - now)))}
            if not path.startswith("/latest/"):
                return self.error_page(404)
            rel = path[len("/latest/"):]
            tree = st.tree()
            if rel in tree:
                body = tree[rel]
                if rel == "meta-data/spot/instance-action":
                    body = self.instance_action(path)
                return self.reply(200, body, headers=ttl_left)
            prefix = rel if rel.endswith("/") or rel == "" else rel + "/"
            names = listing(tree, prefix)
            if names:
                return self.reply(200, "\n".join(names), headers=ttl_left)
            return self.error_page(404)

    def instance_action(self, path):
        """Body of spot/instance-action (lock held): notes the first read, applies faults."""
        st = self.state
        n = st.notice
        n["reads"] += 1
        if n["first_read_at"] is None:
            n["first_read_at"] = time.monotonic()
        if n["moving"] and n["reads"] > 1:
            n["time"] = iso(parse_iso(n["time"]) + datetime.timedelta(seconds=1))
        if st.take_fault(("malformed_notice",), path) is not None:
            return '{"action": "%s", "time": "%s"' % (n["action"], n["time"][:10])
        return json.dumps({"action": n["action"], "time": n["time"]})

    def token_request(self, path):
        st = self.state
        if self.command != "PUT":
            return self.error_page(405)
        if path != "/latest/api/token":
            return self.error_page(403)    # EC2: PUT to a versioned path is forbidden
        if self.headers.get("X-Forwarded-For") is not None:
            return self.error_page(403)    # EC2: the token PUT must not come through a proxy
        raw = self.headers.get(TTL_HEADER)
        try:
            ttl = int(raw)
        except (TypeError, ValueError):
            return self.error_page(400)
        if ttl < 1 or ttl > MAX_TTL:
            return self.error_page(400)
        token = "AQAEA" + secrets.token_urlsafe(36)
        with st.lock:
            st.tokens[token] = st.token_clock() + ttl
        return self.reply(200, token, headers={"X-Aws-Ec2-Metadata-Token-Ttl-Seconds": str(ttl)})

    # --- the control API --------------------------------------------------------------------

    def control(self):
        st = self.state
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_json() if self.command == "POST" else {}
        except ValueError as e:
            return self.reply(400, json.dumps({"error": "bad JSON: %s" % e}), "application/json")
        with st.lock:
            try:
                result = self.control_locked(path, body)
            except (KeyError, ValueError, TypeError) as e:
                return self.reply(400, json.dumps({"error": repr(e)}), "application/json")
        if result is None:
            return self.reply(404, json.dumps({"error": "unknown control path", "help": CONTROL}),
                              "application/json")
        self.reply(200, json.dumps(result, indent=1), "application/json")
        if path == "/_fake/fault" and body.get("kind") == "refuse":
            self.server.refuse(float(body.get("seconds", 5)))

    def control_locked(self, path, body):
        st = self.state
        get = self.command == "GET"
        if get and path == "/_fake/log":
            return {"requests": st.log}
        if get and path == "/_fake/notice":
            n = st.notice or {}
            return {"set": st.notice is not None, "action": n.get("action"), "time": n.get("time"),
                    "set_at": n.get("set_at"), "first_read_at": n.get("first_read_at"),
                    "reads": n.get("reads", 0), "now": time.monotonic()}
        if get and path == "/_fake/state":
            return {"notice": st.notice, "rebalance": st.rebalance, "lifecycle": st.lifecycle,
                    "instance": st.instance, "tags": st.tags, "tags_enabled": st.tags_enabled,
                    "role": st.role, "faults": st.faults, "tokens": len(st.tokens),
                    "clock_offset": st.clock_offset}
        if get and path == "/_fake/help":
            return {"help": CONTROL}
        if self.command != "POST":
            return None
        if path == "/_fake/notice":
            action = body.get("action", "terminate")
            if action not in ("terminate", "stop", "hibernate"):
                raise ValueError("action must be terminate, stop or hibernate")
            if "time" in body:
                when = iso(parse_iso(body["time"]))
            else:
                when = iso(utcnow() + datetime.timedelta(seconds=float(body.get("in_seconds", 120))))
            st.notice = {"action": action, "time": when, "set_at": time.monotonic(),
                         "first_read_at": None, "reads": 0, "moving": bool(body.get("moving", False))}
            return {"notice": st.notice}
        if path == "/_fake/notice/clear":
            st.notice = None
            return {"notice": None}
        if path == "/_fake/rebalance":
            if "notice_time" in body:
                st.rebalance = iso(parse_iso(body["notice_time"]))
            else:
                st.rebalance = iso(utcnow() + datetime.timedelta(seconds=float(body.get("in_seconds", 0))))
            return {"rebalance": st.rebalance}
        if path == "/_fake/rebalance/clear":
            st.rebalance = None
            return {"rebalance": None}
        if path == "/_fake/lifecycle":
            if body["value"] not in ("spot", "on-demand"):
                raise ValueError("lifecycle must be spot or on-demand")
            st.lifecycle = body["value"]
            return {"lifecycle": st.lifecycle}
        if path == "/_fake/instance":
            for k, v in body.items():
                if k not in st.instance:
                    raise KeyError(k)
                st.instance[k] = str(v)
            return {"instance": st.instance}
        if path == "/_fake/tags":
            if "tags" in body:
                st.tags = {str(k): str(v) for k, v in body["tags"].items()}
            st.tags_enabled = bool(body.get("enabled", True))
            return {"tags": st.tags, "enabled": st.tags_enabled}
        if path == "/_fake/credentials":
            st.role = body.get("role", st.role)
            creds = State.default_credentials()
            creds.update({k: v for k, v in body.items() if k != "role"})
            st.credentials = creds
            return {"role": st.role, "credentials": creds}
        if path == "/_fake/fault":
            return self.add_fault(body)
        if path == "/_fake/fault/clear":
            st.faults = []
            return {"faults": []}
        if path == "/_fake/tokens/invalidate":
            st.tokens.clear()
            return {"tokens": 0}
        if path == "/_fake/advance":
            st.clock_offset += float(body["seconds"])
            return {"clock_offset": st.clock_offset}
        if path == "/_fake/reset":
            st.reset()
            return {"reset": True}
        if path == "/_fake/log/clear":
            st.log = []
            return {"requests": []}
        return None

    def add_fault(self, body):
        st = self.state
        kind = body["kind"]
        if kind == "invalidate_tokens":
            st.tokens.clear()
            return {"fault": kind}
        if kind == "moving_time":
            if st.notice is None:
                raise ValueError("moving_time needs a notice: POST /_fake/notice first")
            st.notice["moving"] = True
            return {"fault": kind}
        if kind == "refuse":
            return {"fault": kind, "seconds": float(body.get("seconds", 5))}
        if kind not in ("status", "503", "stall", "reset", "malformed_notice"):
            raise ValueError("unknown fault kind %r" % kind)
        count = int(body.get("count", 1))
        fault = {"kind": kind, "remaining": -1 if count < 0 else count, "path": body.get("path", "")}
        if kind == "status":
            fault["status"] = int(body["status"])
        if kind == "503":
            fault["status"] = 503
        if kind == "stall":
            fault["seconds"] = float(body.get("seconds", 5))
        if count != 0:
            st.faults.append(fault)
        return {"fault": fault}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Fake:
    """Owns the state and the listening socket; "refuse" closes the socket and binds it again."""

    def __init__(self, host, port, verbose=False):
        self.host = host
        self.port = port
        self.verbose = verbose
        self.state = State()
        self.httpd = None
        self.reopen_at = 0.0
        self.cond = threading.Condition()

    def open(self):
        httpd = Server((self.host, self.port), Handler)
        httpd.state = self.state
        httpd.verbose = self.verbose
        httpd.refuse = self.refuse
        self.port = httpd.server_address[1]
        self.httpd = httpd
        return httpd

    def refuse(self, seconds):
        with self.cond:
            self.reopen_at = time.monotonic() + seconds
        threading.Thread(target=self.httpd.shutdown, daemon=True).start()

    def serve(self, on_ready):
        httpd = self.open()
        on_ready(self.port)
        while True:
            httpd.serve_forever(poll_interval=0.05)
            httpd.server_close()
            if self.state.stop.is_set():
                return
            # Refusing: nothing listens until reopen_at, so connections get ECONNREFUSED.
            while not self.state.stop.is_set() and time.monotonic() < self.reopen_at:
                self.state.stop.wait(min(0.05, max(0.0, self.reopen_at - time.monotonic())))
            if self.state.stop.is_set():
                return
            httpd = self.open()

    def stop(self):
        self.state.stop.set()
        if self.httpd is not None:
            threading.Thread(target=self.httpd.shutdown, daemon=True).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=CONTROL)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = ap.parse_args(argv)

    fake = Fake(args.host, args.port, args.verbose)

    def on_signal(signum, frame):
        fake.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def ready(port):
        print("READY http://%s:%d" % (args.host, port), flush=True)

    fake.serve(ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
