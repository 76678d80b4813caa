"""Differential test: spawn's SigV4 signer against botocore's on generated requests.

Requests are generated with a fixed seed, signed by botocore (SigV4Auth / S3SigV4Auth for
headers, SigV4QueryAuth / S3SigV4QueryAuth for presigned URLs, the time fixed by patching
botocore.auth.get_current_datetime) and by spawn (build/bin/sigv4_tool, all requests in one
process), and the canonical request, string to sign, resulting headers and presigned URL must
agree byte for byte. Skipped when botocore is not installed.

Known, deliberate differences (so never generated): botocore keeps only the first value of a
repeated query key in a presigned URL and signs a stale Authorization header there; spawn keeps
every value and never signs Authorization.
"""
import collections
import datetime
import difflib
import json
import os
import random
import subprocess
import time
import types
import unittest
from unittest import mock

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode, percent_encode_sequence
except ImportError:  # pragma: no cover - the skip below says why
    botocore = None

SEED = 20150830
HEADER_CASES = 1200
PRESIGN_CASES = 400
SHOWN_FAILURES = 5
BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
TOOL = os.path.join(BIN, "sigv4_tool")

SERVICES = ["ec2", "s3", "sns", "ssm", "pricing"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1",
           "cn-north-1", "us-gov-west-1"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "get"]
# Times around edges: epoch, Y2K eve, a leap day's last second, the 2038 boundary.
EDGE_TIMES = [0, 946684799, 1709251199, 2147483647, 1440938160]

PATH_PIECES = (["a", "B", "key", "0", "x-y", "u_v", "t.txt", "~", "-", "a b", "  ", " lead", "trail ",
                "é", "日本", "😀", "ሴ", "%", "%2F", "%20", "100%", "!$&'()*+,;=:@", "[x]", "{y}", "|",
                "^", "`", "\\", '"', "<>", "."] + ["..", ".", ""] * 3)
QUERY_KEYS = ["Action", "Version", "Name", "name", "a", "A", "b", "B", "Z", "z", "Filter.1.Name",
              "Filter.1.Value.1", "MaxResults", "NextToken", "prefix", "list-type", "x-id", "uploads",
              "versionId", "key with space", "ключ", "日本", "emoji😀", "a+b", "a=b", "a&b", "~tilde",
              "-dash", "_u", "dot.", "%25", "q/s", ""]
VALUE_PIECES = ["", "v", "value", "1", "2", "10", "a b", "  ", "/", "+", "=", "&", "%", "%20", "é",
                "日本", "😀", "*", "~", "!'()", "x/y+z=="]
MESSY_VALUES = ["plain", "  leading", "trailing  ", "  both  ", "inner   run  of   spaces", "",
                "   ", "\ttab\tseparated\t", "a\x0bb\x0cc", "mixed \t \t spaces", "nbsp\xa0inside",
                "ideographic\u3000space", "em\u2003space", "line\u2028sep", "café  au   lait",
                "x\x1fy", "next\x85line", "many\u1680\u2000\u200a\u2029\u202f\u205fkinds",
                '"quoted   value"', "a,b,c", "k=v; k2=v2"]
UNSIGNED_HEADERS = [("User-Agent", "Boto3/1.43 Python/3.11 spawn"), ("Expect", "100-continue"),
                    ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
                    ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
                    ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
                    ("Proxy-Authorization", "Basic eDp5"), ("Proxy-Authenticate", "Basic"),
                    ("Trailer", "x-amz-checksum-crc32")]
CONTENT_TYPES = ["application/x-www-form-urlencoded; charset=utf-8", "application/x-amz-json-1.1",
                 "text/plain;  charset=UTF-8", "application/octet-stream"]
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class RequestGenerator:
    """Random request descriptions; the same seed gives the same requests."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def chance(self, p):
        return self.r.random() < p

    def text(self, alphabet, lo, hi):
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randint(lo, hi)))

    def cased(self, name):
        return self.r.choice([name, name.lower(), name.upper()])

    def host(self, service, region):
        suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
        if service == "s3":
            if self.chance(0.5):
                return f"{self.text('abcdefghijklmnopqrstuvwxyz0123456789-', 3, 12)}x.s3.{region}{suffix}"
            return f"s3.{region}{suffix}"
        if service == "pricing":
            return f"api.pricing.{region}{suffix}"
        return f"{service}.{region}{suffix}"

    def path(self, service):
        if service != "s3" and self.chance(0.3):
            return "/"
        segments = [self.r.choice(PATH_PIECES) + self.r.choice(["", "", self.r.choice(PATH_PIECES)])
                    for _ in range(self.r.randint(1, 5))]
        raw = "/" + "/".join(segments) + ("/" if self.chance(0.2) else "")
        style = self.r.random()
        if style < 0.6:  # how botocore serialises S3 keys and REST URIs
            return percent_encode(raw, safe="/~")
        if style < 0.75:  # sub-delimiters left as they are
            return percent_encode(raw, safe="/~!$&'()*+,;=:@")
        return raw  # as a caller might hand it over: spaces, unicode and '%' untouched

    def query(self, unique_keys):
        pairs = []
        for _ in range(self.r.choice([0, 0, 1, 2, 3, 4, 6])):
            if pairs and not unique_keys and self.chance(0.25):
                key = self.r.choice(pairs)[0]  # a repeated key
            else:
                key = self.r.choice(QUERY_KEYS)
                if unique_keys and key in (k for k, _ in pairs):
                    continue
            value = "" if self.chance(0.15) else "".join(self.r.choice(VALUE_PIECES)
                                                         for _ in range(self.r.randint(1, 3)))
            pairs.append((key, value))
        return pairs

    def credentials(self):
        token = None
        if self.chance(0.5):
            token = self.text(B64, 100, 400) + self.r.choice(["", "=", "=="])
        prefix = "ASIA" if token else "AKIA"
        return (prefix + self.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16), self.text(B64, 40, 40), token)

    def headers(self, service, host, mode, has_token):
        headers = []
        if self.chance(0.75):
            headers.append((self.cased("Host"), host))
        if self.chance(0.5):
            headers.append((self.cased("Content-Type"), self.r.choice(CONTENT_TYPES)))
        if service in ("ssm", "pricing") and self.chance(0.6):
            headers.append(("X-Amz-Target", self.r.choice(["AmazonSSM.GetParameter",
                                                            "AWSPriceListService.GetProducts"])))
        for _ in range(self.r.randint(0, 3)):
            headers.append(self.r.choice(UNSIGNED_HEADERS))
        for i in range(self.r.randint(0, 4)):
            headers.append((self.cased(f"X-Custom-{i}"), self.r.choice(MESSY_VALUES)))
        if self.chance(0.2):  # one name in several spellings: values joined in order
            for spelling in self.r.sample(["X-Dup", "x-dup", "X-DUP", "x-Dup"], self.r.randint(2, 3)):
                headers.append((spelling, self.r.choice(MESSY_VALUES)))
        if self.chance(0.1):
            headers.append(("Content-MD5", self.text(B64, 22, 22) + "=="))
        if self.chance(0.1):
            headers.append(("Range", "bytes=0-9"))
        if self.chance(0.1):
            headers.append(("x-amz-meta-Note", self.r.choice(MESSY_VALUES)))
        with_date = self.chance(0.05)
        if with_date:
            headers.append((self.cased("Date"), "Mon, 01 Jan 2001 00:00:00 GMT"))
        # Stale signing headers a retry would carry (Authorization only where botocore drops it).
        if mode == "headers" and self.chance(0.1):
            headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=stale"))
        if not with_date and self.chance(0.1):
            headers.append((self.cased("X-Amz-Date"), "20000101T000000Z"))
        if self.chance(0.05 if has_token else 0.02):
            headers.append(("X-Amz-Security-Token", "stale-token"))
        if self.chance(0.05):
            headers.append((self.cased("X-Amz-Content-SHA256"), self.text("0123456789abcdef", 64, 64)))
        self.r.shuffle(headers)
        return headers

    def body(self):
        kind = self.r.random()
        if kind < 0.4:
            return b""
        if kind < 0.7:
            return self.r.choice([b"Action=DescribeInstances&Version=2016-11-15",
                                  '{"Name": "/spawn/é", "WithDecryption": true}'.encode(), b" "])
        return bytes(self.r.randrange(256) for _ in range(self.r.randint(1, 300)))

    def case(self, ident, mode):
        service = self.r.choice(SERVICES)
        region = self.r.choice(REGIONS)
        host = self.host(service, region)
        scheme = "https" if self.chance(0.85) else "http"
        netloc = host + (self.r.choice([":8443", ":4566"]) if self.chance(0.1) else "")
        access_key, secret_key, token = self.credentials()
        body = self.body() if mode == "headers" else b""
        return {
            "id": ident, "mode": mode, "service": service, "region": region,
            "method": self.r.choice(METHODS if mode == "headers" else ["GET", "GET", "PUT", "HEAD"]),
            "scheme": scheme, "netloc": netloc, "path": self.path(service),
            "query": self.query(unique_keys=(mode == "presign")),
            "headers": self.headers(service, netloc, mode, token is not None),
            "body_hex": body.hex(),
            # botocore signs payloads over plain http whatever it is told, so only over https.
            "unsigned_payload": scheme == "https" and self.chance(0.1),
            "access_key": access_key, "secret_key": secret_key, "token": token,
            "time": self.r.choice(EDGE_TIMES) if self.chance(0.05) else self.r.randint(946684800, 2145916800),
            "expires": self.r.choice([1, 60, 900, 3600, 86400, 604800, self.r.randint(1, 604800)]),
        }


def generate():
    gen = RequestGenerator(SEED)
    cases = [gen.case(i, "headers") for i in range(HEADER_CASES)]
    cases += [gen.case(HEADER_CASES + i, "presign") for i in range(PRESIGN_CASES)]
    return cases


def url_of(case):
    url = f"{case['scheme']}://{case['netloc']}{case['path']}"
    if case["query"]:
        url += "?" + percent_encode_sequence(case["query"])
    return url


def recording(signer_class):
    """The signer, keeping the canonical request and the string to sign it computed."""

    class Recording(signer_class):
        def string_to_sign(self, request, canonical_request):
            self.canonical = canonical_request
            self.sts = super().string_to_sign(request, canonical_request)
            return self.sts

    return Recording


SIGNERS = {} if botocore is None else {
    ("headers", True): recording(botocore.auth.S3SigV4Auth),
    ("headers", False): recording(botocore.auth.SigV4Auth),
    ("presign", True): recording(botocore.auth.S3SigV4QueryAuth),
    ("presign", False): recording(botocore.auth.SigV4QueryAuth),
}


def sign_with_botocore(case):
    request = AWSRequest(method=case["method"], url=url_of(case), data=bytes.fromhex(case["body_hex"]) or None)
    for name, value in case["headers"]:
        request.headers[name] = value  # appends: repeated names stay repeated
    s3 = case["service"] == "s3"
    if case["unsigned_payload"]:
        if s3:
            request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
        else:
            request.context["payload_signing_enabled"] = False
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"])
    signer_class = SIGNERS[(case["mode"], s3)]
    if case["mode"] == "presign":
        signer = signer_class(credentials, case["service"], case["region"], expires=case["expires"])
    else:
        signer = signer_class(credentials, case["service"], case["region"])
    now = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        signer.add_auth(request)
    return {"canonical_request": signer.canonical, "string_to_sign": signer.sts,
            "headers": list(request.headers.items()), "url": request.url}


def tool_input(case):
    """What spawn is given: the same request, with the host header botocore would derive."""
    headers = list(case["headers"])
    if not any(name.lower() == "host" for name, _ in headers):
        headers.append(("host", case["netloc"].lower()))
    keys = ("id", "mode", "service", "region", "method", "path", "query", "body_hex", "unsigned_payload",
            "access_key", "secret_key", "token", "time", "expires")
    return json.dumps({**{k: case[k] for k in keys}, "headers": headers})


def sign_with_spawn(cases):
    stdin = "".join(tool_input(c) + "\n" for c in cases)
    done = subprocess.run([TOOL], input=stdin, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{TOOL} exited with {done.returncode}: {done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def spawn_headers_after_signing(case, added):
    """The request's headers once spawn's are set, each replacing any of the same name."""
    replaced = {name.lower() for name, _ in added}
    kept = [(n, v) for n, v in case["headers"] if n.lower() not in replaced and n.lower() != "authorization"]
    return kept + [tuple(h) for h in added]


def compare(case, ours, theirs):
    """[(field, botocore's, spawn's)] for every field that differs."""
    if "error" in ours:
        return [("error", "", ours["error"])]
    diffs = []
    for field in ("canonical_request", "string_to_sign"):
        if ours[field] != theirs[field]:
            diffs.append((field, theirs[field], ours[field]))
    if case["mode"] == "headers":
        mine = sorted((n.lower(), v) for n, v in spawn_headers_after_signing(case, ours["headers"]))
        boto = sorted((n.lower(), v) for n, v in theirs["headers"])
        if mine != boto:
            diffs.append(("headers", "\n".join(f"{n}: {v}" for n, v in boto),
                          "\n".join(f"{n}: {v}" for n, v in mine)))
    else:
        url = f"{case['scheme']}://{case['netloc']}{case['path']}?"
        if case["query"]:
            url += percent_encode_sequence(case["query"]) + "&"
        url += ours["query_string"]
        if url != theirs["url"]:
            diffs.append(("presigned url", theirs["url"], url))
    return diffs


def describe(case, diffs):
    out = [f"--- request {case['id']} ({case['mode']}, {case['service']}): "
           + json.dumps({k: case[k] for k in ("method", "netloc", "path", "query", "headers", "token")},
                        ensure_ascii=False)]
    for field, theirs, ours in diffs:
        out.append(f"  {field} differs (- botocore, + spawn):")
        out.extend("    " + line for line in difflib.unified_diff(
            theirs.split("\n"), ours.split("\n"), "botocore", "spawn", lineterm="", n=2))
    return "\n".join(out)


def coverage(cases):
    """How many requests exercise each feature, so a generator change cannot quietly drop one."""
    c = collections.Counter()
    for case in cases:
        c[case["mode"]] += 1
        c["service " + case["service"]] += 1
        c["method " + case["method"]] += 1
        segments = case["path"].split("/")
        c["path with '..' or '.'"] += any(s in ("..", ".") for s in segments)
        c["path with '//'"] += "//" in case["path"]
        c["path with a space"] += " " in case["path"] or "%20" in case["path"]
        c["path with non-ASCII"] += any(ord(ch) > 127 for ch in case["path"]) or "%E" in case["path"]
        c["path with '%25' (already encoded '%')"] += "%25" in case["path"]
        keys = [k for k, _ in case["query"]]
        c["repeated query key"] += len(keys) != len(set(keys))
        c["unsorted query keys"] += keys != sorted(keys)
        c["empty query value"] += any(v == "" for _, v in case["query"])
        values = [v for _, v in case["headers"]]
        c["header value with a run of spaces"] += any("  " in v for v in values)
        c["header value with leading/trailing space"] += any(v != v.strip() for v in values)
        c["repeated header name"] += len({n.lower() for n, _ in case["headers"]}) != len(case["headers"])
        c["empty body"] += case["body_hex"] == ""
        c["binary body"] += any(b >= 0x80 for b in bytes.fromhex(case["body_hex"]))
        c["session token"] += case["token"] is not None
        c["unsigned payload"] += case["unsigned_payload"]
        c["Date header"] += any(n.lower() == "date" for n, _ in case["headers"])
    return c


@unittest.skipIf(botocore is None, "botocore is not installed")
class Sigv4AgainstBotocoreTest(unittest.TestCase):
    def test_generated_requests_sign_exactly_like_botocore(self):
        self.assertTrue(os.access(TOOL, os.X_OK), f"{TOOL} not found: build the sigv4_tool target")
        cases = generate()
        self.assertGreaterEqual(len(cases), 1000)
        counts = coverage(cases)
        for feature in ("path with '..' or '.'", "path with '//'", "path with a space", "path with non-ASCII",
                        "repeated query key", "unsorted query keys", "empty query value",
                        "header value with a run of spaces", "header value with leading/trailing space",
                        "repeated header name", "empty body", "binary body", "session token",
                        "unsigned payload", "Date header"):
            self.assertGreaterEqual(counts[feature], 20, f"too few requests with {feature}")
        for service in SERVICES:
            self.assertGreaterEqual(counts["service " + service], 100, service)

        started = time.monotonic()
        theirs = [sign_with_botocore(c) for c in cases]
        botocore_seconds = time.monotonic() - started
        started = time.monotonic()
        ours = sign_with_spawn(cases)
        spawn_seconds = time.monotonic() - started
        self.assertEqual(len(ours), len(cases), "sigv4_tool did not answer every request")

        failures = []
        for case, mine, boto in zip(cases, ours, theirs):
            self.assertEqual(mine.get("id"), case["id"], "sigv4_tool answered out of order")
            diffs = compare(case, mine, boto)
            if diffs:
                failures.append(describe(case, diffs))
        print(f"\nsigv4 differential (seed {SEED}): compared {len(cases)} requests "
              f"({counts['headers']} header-signed, {counts['presign']} presigned) against botocore "
              f"{botocore.__version__}; botocore {botocore_seconds:.2f}s, spawn {spawn_seconds:.2f}s")
        print("coverage: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
        if failures:
            self.fail(f"{len(failures)} of {len(cases)} requests sign differently from botocore; "
                      f"the first {min(len(failures), SHOWN_FAILURES)}:\n"
                      + "\n".join(failures[:SHOWN_FAILURES]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
