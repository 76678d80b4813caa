"""spored is one static binary that runs on any x86-64 Linux AMI whatever its C library: the ELF has
no dynamic loader and needs no shared library, and it runs in an empty chroot against the metadata
fake and the local AWS on 127.0.0.1. The root holds the binary and /dev/null, nothing else:
/dev/null (a character device every Linux root has) is what spored gives the programs it starts
as their stdin, and without it the shutdown command cannot start (the spawn's open of /dev/null
fails with ENOENT) - the one thing the truly empty root taught us; everything else ran there.

What the chroot run proves, and why only that: an empty root has no bash, no libc, no /etc, no
CA certificates and no DNS configuration. So the instance is plain spot with on_interruption
terminate (no checkpoint script, which needs bash), the endpoints are IP addresses over http
(TLS would need CA files, DNS a resolv.conf), and the shutdown command is spored itself
(`/spored --version`: a real fork and exec inside the chroot, no shell involved). Inside that,
spored does everything the issue asks of it on a notice: IMDSv2 token, instance identity and
role credentials from the metadata fake, the notice seen, latched in its state dir, the instance
tagged through a SigV4-signed CreateTags that the local AWS records, the shutdown command run;
then `spored status` in the same chroot reads back what it saw. A second run adds only
/etc/hosts and /etc/nsswitch.conf (what every AMI has) and reaches both fakes by host name,
proving that name resolution works from the static binary without any libnss module.

Name resolution without NSS (docs/spored.md): a static glibc's getaddrinfo dlopen()s the modules
the hosts line of /etc/nsswitch.conf names, and a module of the host's glibc (Ubuntu 22.04, 24.04)
kills a static binary of ours with SIGFPE. These chroots reproduce that host without its glibc:
/etc as a systemd-resolved machine has it (the hosts line of Fedora and Amazon Linux 2023, which
names myhostname and resolve; resolv.conf pointing at a nameserver on a loopback address, here
dns_stub.py) and, where glibc looks for libnss_myhostname.so.2 and libnss_resolve.so.2,
nss_tripwire (tests/tools): a module that ends whoever loads it with status 97. No libc.so.6 in
the root. glibc's getaddrinfo trips it (the control); spored and resolve_probe (the transport's
resolver, linked the same way) resolve from /etc/hosts and from the nameserver, A and AAAA, never
load it; a silent nameserver costs no more than the request's deadline, and a dead first one
leaves time for the second. The same checks
against real Debian/Ubuntu roots (debootstrap) are tools/nss-chroot-check, run by hand.

chroot needs root (we are root here and in CI); without it those tests skip with the reason.

With SPAWN_SPORED_ARCH=aarch64 (integration.test_spored_static.aarch64) the same checks hold for
build/bin/spored-aarch64: the ELF is AArch64 (machine 183), has no loader and needs no library,
and it handles a notice in the empty chroots. Without a binfmt_misc handler for it, the root also
holds qemu-aarch64-static (itself a static binary) which runs it, and the shutdown command is
`/qemu-aarch64-static /spored --version`: spored's fork and exec of a program are still real. The
resolver chroots run resolve_probe, which is built for the build machine only: they are the
x86-64 entry's.
Sanitizer builds (make test-asan) link spored dynamically, so there these tests skip too.
"""
import json
import os
import shutil
import stat
import struct
import subprocess
import tempfile
import time
import unittest

from dns_stub import DnsStub
from spored_test_case import ARCH, BIN, SPORED, SporedTestCase, emulator, skip_unless_runnable

PT_INTERP, PT_DYNAMIC, DT_NEEDED = 3, 2, 1
PROBE = os.path.join(BIN, "resolve_probe")
TRIPWIRE = os.path.join(BIN, "..", "lib", "libnss_tripwire.so")
TRIPPED = 97  # nss_tripwire's exit status
# Fedora's and Amazon Linux 2023's hosts line (systemd-resolved): myhostname and resolve are modules.
RESOLVED_HOSTS_LINE = "hosts:      files myhostname resolve [!UNAVAIL=return] dns\n"
NSS_MODULES = ("libnss_myhostname.so.2", "libnss_resolve.so.2")
ELF_MACHINES = {"x86_64": 62, "aarch64": 183}  # EM_X86_64, EM_AARCH64


def elf_facts(path):
    """(machine, has PT_INTERP, number of DT_NEEDED) of a 64-bit little-endian ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not a 64-bit little-endian ELF"
    machine, = struct.unpack_from("<H", data, 18)
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    interp, needed = False, 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == PT_INTERP:
            interp = True
        if p_type == PT_DYNAMIC:
            offset, = struct.unpack_from("<Q", data, phoff + i * phentsize + 8)
            size, = struct.unpack_from("<Q", data, phoff + i * phentsize + 32)
            for d in range(offset, offset + size, 16):
                tag, = struct.unpack_from("<q", data, d)
                if tag == 0:
                    break
                needed += tag == DT_NEEDED
    return machine, interp, needed


def is_static(path):
    _, interp, needed = elf_facts(path)
    return not interp and needed == 0


def plant_resolved_etc(root, hosts, nameserver):
    """/etc of a systemd-resolved host in root (hosts line naming the modules, /etc/hosts, a
    resolv.conf like the stub's own), and the tripwire where glibc looks for the modules first."""
    etc = os.path.join(root, "etc")
    os.makedirs(etc, exist_ok=True)
    for name, text in (("hosts", hosts), ("nsswitch.conf", RESOLVED_HOSTS_LINE),
                       ("resolv.conf", f"nameserver {nameserver}\noptions edns0 trust-ad\nsearch .\n")):
        with open(os.path.join(etc, name), "w", encoding="utf-8") as f:
            f.write(text)
    lib = os.path.join(root, "lib", "x86_64-linux-gnu")
    os.makedirs(lib, exist_ok=True)
    for module in NSS_MODULES:
        shutil.copy2(TRIPWIRE, os.path.join(lib, module))


def make_dev_null(root):
    os.makedirs(os.path.join(root, "dev"), exist_ok=True)
    null = os.path.join(root, "dev", "null")
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.chmod(null, 0o666)


SANITIZED_SKIP = "sanitizer builds (SPAWN_SANITIZE) link spored dynamically; the release suite checks this"


@unittest.skipIf(os.environ.get("SPAWN_SANITIZED") == "1", SANITIZED_SKIP)
class StaticBinaryTest(unittest.TestCase):
    def setUp(self):
        if not os.access(SPORED, os.X_OK):
            self.skipTest(f"{SPORED} is not built (set SPAWN_BIN_DIR)")

    def test_it_runs(self):
        skip_unless_runnable()
        out = subprocess.run([*emulator(), SPORED, "--version"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"^spored \d+\.\d+\.\d+")

    def test_the_elf_has_no_loader_and_needs_no_library(self):
        machine, interp, needed = elf_facts(SPORED)
        self.assertEqual(machine, ELF_MACHINES[ARCH], f"{SPORED} is not an ELF for {ARCH}")
        self.assertFalse(interp, "a PT_INTERP header: the binary needs a dynamic loader")
        self.assertEqual(needed, 0, "DT_NEEDED entries: the binary needs shared libraries")

    def test_file_says_statically_linked(self):
        if shutil.which("file") is None:
            self.skipTest("file(1) is not installed; the ELF headers are checked by the test above")
        out = subprocess.run(["file", "-L", SPORED], capture_output=True, text=True, check=True).stdout
        self.assertRegex(out, r"statically linked|static-pie linked", out)
        self.assertIn({"x86_64": "x86-64", "aarch64": "ARM aarch64"}[ARCH], out)


@unittest.skipIf(os.environ.get("SPAWN_SANITIZED") == "1", SANITIZED_SKIP)
class EmptyChrootTest(SporedTestCase):
    poll_interval = "200ms"

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("chroot needs root (run the suite as root, as CI does)")
        super().setUp()
        self.root = tempfile.mkdtemp(prefix="spored-chroot-")
        self.addCleanup(shutil.rmtree, self.root, True)
        shutil.copy2(SPORED, os.path.join(self.root, "spored"))
        os.chmod(os.path.join(self.root, "spored"), 0o755)
        make_dev_null(self.root)
        # Emulated: qemu-user (a static binary) in the root runs spored, and its shutdown command.
        self.runner = []
        self.base_files = {"spored", "dev", "dev/null"}
        for qemu in emulator():
            name = os.path.basename(qemu)
            shutil.copy2(qemu, os.path.join(self.root, name))
            self.runner = ["/" + name]
            self.base_files.add(name)
        self.shutdown_command = " ".join(self.runner + ["/spored", "--version"])
        self.imds.set_lifecycle("spot")

    def enter_root(self):
        """In the child, before exec: / becomes the folder (what chroot(8) does), so "/spored" is
        looked up, loaded and run from inside it."""
        os.chroot(self.root)
        os.chdir("/")

    def chroot_env(self, aws_endpoint=None):
        # Only what spored reads; no PATH, no HOME: nothing to find in an empty root anyway.
        return {"AWS_ENDPOINT_URL": aws_endpoint or self.aws.endpoint}

    def start_in_chroot(self, imds_endpoint=None, aws_endpoint=None):
        log_path = os.path.join(self.dir, "spored.log")
        args = [*self.runner, "/spored", "--imds-endpoint", imds_endpoint or self.imds.endpoint,
                "--state-dir", "/state", "--poll-interval", self.poll_interval, "--log-format", "json",
                "--shutdown-command", self.shutdown_command]
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(args, env=self.chroot_env(aws_endpoint), stdout=log, stderr=log,
                                    stdin=subprocess.DEVNULL, preexec_fn=self.enter_root)
        proc.log_path = log_path
        self.procs.append(proc)
        return proc

    def files_in_root(self):
        found = set()
        for base, dirs, names in os.walk(self.root):
            for n in dirs + names:
                found.add(os.path.relpath(os.path.join(base, n), self.root))
        return found

    def assert_notice_handled(self, proc):
        self.wait_for("watching", proc=proc, timeout=20)
        notice = self.imds.set_notice("terminate", in_seconds=120)
        self.wait_for("interruption_notice", proc=proc, notice_time=notice["time"])
        self.wait_for("notification_sent", proc=proc)
        self.wait_for("shutdown", proc=proc, command=self.shutdown_command)
        time.sleep(0.5)  # the shutdown command's outcome is recorded after it ends
        self.assertEqual(self.records("shutdown_failed", proc), [], self.log_text(proc))
        tags = self.wait_until(lambda: [c for c in self.create_tags_requests()
                                        if "spawn:interruption-notice" in c["tags"]], message="CreateTags")
        self.assertEqual(tags[0]["resource"], self.instance_id)
        self.assertEqual(tags[0]["tags"]["spawn:interruption-notice"], notice["time"])
        self.assertEqual(self.instance_tags()["spawn:interruption-notice"], notice["time"])
        return notice

    def test_spored_handles_a_notice_in_an_empty_chroot(self):
        self.assertEqual(self.files_in_root(), self.base_files, "the binary, /dev/null, nothing else (but the emulator)")
        proc = self.start_in_chroot()
        notice = self.assert_notice_handled(proc)
        with open(os.path.join(self.root, "state", "events.json"), encoding="utf-8") as f:
            events = json.load(f)
        self.assertIn("interruption", json.dumps(events))
        self.assertEqual(self.stop(proc), 0, self.log_text(proc))

        status = subprocess.run([*self.runner, "/spored", "status", "--state-dir", "/state", "--json"], env={},
                                capture_output=True, text=True, timeout=20, preexec_fn=self.enter_root)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn(notice["time"], status.stdout)
        self.assertIn(self.instance_id, status.stdout)
        # All it wrote is its state dir: nothing else was needed, nothing else was touched.
        self.assertEqual({f for f in self.files_in_root() if not f.startswith("state")}, self.base_files)

    def test_names_resolve_from_etc_hosts_without_any_libnss_module(self):
        etc = os.path.join(self.root, "etc")
        os.mkdir(etc)
        with open(os.path.join(etc, "hosts"), "w", encoding="utf-8") as f:
            f.write("127.0.0.1 imds.spawn.test aws.spawn.test\n")
        with open(os.path.join(etc, "nsswitch.conf"), "w", encoding="utf-8") as f:
            f.write("hosts: files\n")
        imds = self.imds.endpoint.replace("127.0.0.1", "imds.spawn.test")
        aws = self.aws.endpoint.replace("127.0.0.1", "aws.spawn.test")
        proc = self.start_in_chroot(imds_endpoint=imds, aws_endpoint=aws)
        self.assert_notice_handled(proc)
        self.assertFalse(any(f.startswith("lib") or f.startswith("usr") for f in self.files_in_root()))

    def test_names_resolve_through_the_nameserver_without_loading_the_hosts_nss_modules(self):
        if not os.path.exists(TRIPWIRE):
            self.skipTest(f"{TRIPWIRE} is not built")
        # A dual-stack name whose IPv6 address refuses (the fake listens on 127.0.0.1 only): the
        # transport tries both.
        stub = DnsStub({"imds.spawn.test": {"A": ["127.0.0.1"], "AAAA": ["::1"]}}).start()
        self.addCleanup(stub.stop)
        plant_resolved_etc(self.root, "127.0.0.1 aws.spawn.test\n", stub.address)
        imds = self.imds.endpoint.replace("127.0.0.1", "imds.spawn.test")
        aws = self.aws.endpoint.replace("127.0.0.1", "aws.spawn.test")
        proc = self.start_in_chroot(imds_endpoint=imds, aws_endpoint=aws)
        self.assert_notice_handled(proc)
        self.assertNotIn("nss_tripwire", self.log_text(proc))
        self.assertIsNone(proc.poll(), "spored is still running")
        self.assertEqual(sorted(set(stub.queried("imds.spawn.test"))), ["A", "AAAA"])
        self.assertEqual(stub.queried("aws.spawn.test"), [], "a name of /etc/hosts is not asked for")
        self.assertFalse(any(os.path.basename(f).startswith("libc.") for f in self.files_in_root()))


@unittest.skipIf(os.environ.get("SPAWN_SANITIZED") == "1", SANITIZED_SKIP)
class ResolverChrootTest(unittest.TestCase):
    """resolve_probe (the socket transport's resolve(), linked statically like spored) in a chroot
    of a systemd-resolved host whose NSS modules are the tripwire."""

    records = {
        "dns-only.spawn.test": {"A": ["127.0.0.4"]},
        "v6-only.spawn.test": {"AAAA": ["::1"]},
        "dual.spawn.test": {"A": ["127.0.0.5"], "AAAA": ["::1"]},
    }

    def setUp(self):
        if ARCH != "x86_64":
            self.skipTest(f"resolve_probe is built for the build machine only; the {ARCH} spored's resolution is "
                          "checked by EmptyChrootTest")
        if os.geteuid() != 0:
            self.skipTest("chroot and a nameserver on port 53 need root (run the suite as root, as CI does)")
        for path in (PROBE, TRIPWIRE):
            if not os.path.exists(path):
                self.skipTest(f"{path} is not built")
        if not is_static(PROBE):
            self.skipTest("resolve_probe is not linked statically (SPAWN_STATIC_AGENT=OFF)")
        self.root = tempfile.mkdtemp(prefix="spored-resolve-")
        self.addCleanup(shutil.rmtree, self.root, True)
        shutil.copy2(PROBE, os.path.join(self.root, "resolve_probe"))
        make_dev_null(self.root)
        self.stub = DnsStub(self.records).start()
        self.addCleanup(self.stub.stop)
        plant_resolved_etc(self.root, "127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
                                      "127.0.0.3 files.spawn.test\n", self.stub.address)

    def enter_root(self):
        os.chroot(self.root)
        os.chdir("/")

    def probe(self, *hosts, timeout_ms=3000, libc=False):
        """(exit status, {host: JSON line}, stderr) of resolve_probe in the chroot."""
        args = ["/resolve_probe", "--timeout-ms", str(timeout_ms)] + (["--libc"] if libc else []) + list(hosts)
        done = subprocess.run(args, env={}, capture_output=True, text=True, timeout=60, preexec_fn=self.enter_root)
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        return done.returncode, {line["host"]: line for line in lines}, done.stderr

    def test_the_chroot_trips_glibcs_getaddrinfo(self):
        # The control: what spored used before loads the module the hosts line names as soon as
        # /etc/hosts has no answer. A real module of another glibc ends the process the same way.
        status, lines, stderr = self.probe("files.spawn.test", "dns-only.spawn.test", libc=True)
        self.assertEqual(lines["files.spawn.test"]["addresses"], ["127.0.0.3"])
        self.assertEqual(status, TRIPPED, stderr)
        self.assertIn("nss_tripwire: an NSS module was loaded", stderr)
        self.assertNotIn("dns-only.spawn.test", lines)

    def test_a_name_of_etc_hosts_is_answered_from_the_file(self):
        status, lines, stderr = self.probe("files.spawn.test", "localhost")
        self.assertEqual(status, 0, stderr)
        self.assertEqual(lines["files.spawn.test"]["addresses"], ["127.0.0.3"])
        self.assertEqual(sorted(lines["localhost"]["addresses"]), ["127.0.0.1", "::1"])
        self.assertEqual(self.stub.queries, [], "nothing asked of the nameserver")

    def test_a_name_only_the_nameserver_knows(self):
        status, lines, stderr = self.probe("dns-only.spawn.test")
        self.assertEqual(status, 0, stderr)
        self.assertNotIn("nss_tripwire", stderr)
        self.assertEqual(lines["dns-only.spawn.test"], {**lines["dns-only.spawn.test"], "ok": True,
                                                        "addresses": ["127.0.0.4"]})
        self.assertEqual(sorted(set(self.stub.queried("dns-only.spawn.test"))), ["A", "AAAA"])

    def test_aaaa_records_are_used_alone_and_beside_a_records(self):
        status, lines, stderr = self.probe("v6-only.spawn.test", "dual.spawn.test")
        self.assertEqual(status, 0, stderr)
        self.assertEqual(lines["v6-only.spawn.test"]["addresses"], ["::1"])
        self.assertEqual(sorted(lines["dual.spawn.test"]["addresses"]), ["127.0.0.5", "::1"])

    def test_an_unknown_name_is_a_network_error(self):
        status, lines, stderr = self.probe("nowhere.spawn.test")
        self.assertEqual(status, 0, stderr)
        line = lines["nowhere.spawn.test"]
        self.assertFalse(line["ok"])
        self.assertEqual(line["code"], "NetworkError")
        self.assertIn("cannot resolve nowhere.spawn.test", line["message"])
        self.assertIn("A", self.stub.queried("nowhere.spawn.test"))

    def test_ip_literals_need_no_lookup(self):
        status, lines, stderr = self.probe("169.254.169.254", "fd00:ec2::254", "127.0.0.1")
        self.assertEqual(status, 0, stderr)
        for host in ("169.254.169.254", "fd00:ec2::254", "127.0.0.1"):
            self.assertEqual(lines[host]["addresses"], [host])
        self.assertEqual(self.stub.queries, [])

    def test_a_silent_nameserver_costs_the_deadline_not_the_resolvers_timeouts(self):
        # c-ares on its own tries 4 rounds (1, 2, 4, 8 s as the transport sets it: 15 s; 75 s with
        # its own 5 s); the transport's deadline ends the lookup.
        self.stub.silent = True
        status, lines, stderr = self.probe("dns-only.spawn.test", timeout_ms=500)
        self.assertEqual(status, 0, stderr)
        line = lines["dns-only.spawn.test"]
        self.assertEqual(line["code"], "RequestTimeout", line)
        self.assertIn("resolving dns-only.spawn.test timed out", line["message"])
        self.assertLess(line["ms"], 4500, "ended by the 500 ms deadline, not by c-ares's 15 s")
        self.assertIn("A", self.stub.queried("dns-only.spawn.test"))

    def test_a_dead_first_nameserver_leaves_time_for_the_next(self):
        # Within the default 3 s connect deadline: c-ares's own 5 s per try would never get there.
        dead = DnsStub(silent=True).start()
        self.addCleanup(dead.stop)
        with open(os.path.join(self.root, "etc", "resolv.conf"), "w", encoding="utf-8") as f:
            f.write(f"nameserver {dead.address}\nnameserver {self.stub.address}\n")
        status, lines, stderr = self.probe("dns-only.spawn.test", timeout_ms=3000)
        self.assertEqual(status, 0, stderr)
        self.assertEqual(lines["dns-only.spawn.test"].get("addresses"), ["127.0.0.4"], lines)
        self.assertIn("A", dead.queried("dns-only.spawn.test"), "the first nameserver was asked first")
        self.assertIn("A", self.stub.queried("dns-only.spawn.test"))


if __name__ == "__main__":
    unittest.main()
