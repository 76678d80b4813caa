"""spawn connect against a local sshd on 127.0.0.1, the instance's public address in the local
AWS: the host key trusted is the one the instance printed on its console (cloud-init's blocks,
as Amazon Linux prints them), written to a known_hosts file of spawn's for that instance alone;
a console showing another key, or contradicting itself, or showing none, is never connected to;
spawn terminate removes the file; --ssm says what to install when Session Manager is missing."""
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from spawn_test_case import SpawnTestCase

SSHD = "/usr/sbin/sshd"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path, kind="ed25519"):
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "", "-f", path], check=True)
    with open(path + ".pub", encoding="utf-8") as f:
        return f.read().strip()


def fingerprint(pub_path):
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", pub_path], check=True, capture_output=True,
                         text=True).stdout
    return out.split()[1]


def console(host_pub, host_pub_path, prints=None):
    """What an Amazon Linux instance prints: fingerprints with an ec2: prefix, then the keys."""
    fp = prints or [fingerprint(host_pub_path)]
    lines = ["[   12.345678] cloud-init[1566]: Cloud-init v. 22.2.2 running 'modules:final'",
             "ec2: #############################################################",
             "ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----"]
    lines += [f"ec2: 256 {p} no comment (ED25519)" for p in fp]
    lines += ["ec2: -----END SSH HOST KEY FINGERPRINTS-----",
              "ec2: #############################################################",
              "-----BEGIN SSH HOST KEY KEYS-----", host_pub, "-----END SSH HOST KEY KEYS-----", ""]
    return "\n".join(lines)


@unittest.skipUnless(os.path.exists(SSHD) and shutil.which("ssh"), "openssh-server and -client (scripts/bootstrap)")
class ConnectTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        cls.dir = tempfile.mkdtemp(prefix="spawn-connect-")
        cls.home = os.path.join(cls.dir, "home")
        os.makedirs(os.path.join(cls.home, ".ssh"), mode=0o700)
        cls.host_pub = keygen(os.path.join(cls.dir, "host_ed25519"))
        cls.other_pub = keygen(os.path.join(cls.dir, "other_ed25519"))
        # The instance's key pair: its private half where spawn looks (~/.ssh/<name>.pem).
        client_pub = keygen(os.path.join(cls.home, ".ssh", "test-key.pem"))
        cls.ec2.import_key_pair(KeyName="test-key", PublicKeyMaterial=client_pub.encode())
        with open(os.path.join(cls.dir, "authorized_keys"), "w", encoding="utf-8") as f:
            f.write(client_pub + "\n")
        cls.port = free_port()
        config = os.path.join(cls.dir, "sshd_config")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"Port {cls.port}\nListenAddress 127.0.0.1\nHostKey {cls.dir}/host_ed25519\n"
                    f"AuthorizedKeysFile {cls.dir}/authorized_keys\nPidFile none\nStrictModes no\nUsePAM no\n"
                    "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n")
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        cls.sshd_log = open(os.path.join(cls.dir, "sshd.log"), "wb")
        cls.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdout=subprocess.DEVNULL, stderr=cls.sshd_log)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait(timeout=10)
        cls.sshd_log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        super().tearDownClass()

    def tearDown(self):
        self.terminate_all()

    def env(self):
        return {"HOME": self.home, "XDG_STATE_HOME": os.path.join(self.dir, "state")}

    def launch(self, output):
        launched = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--key-name", "test-key",
                                   "--name", "box", env=self.env())
        instance_id = launched["instances"][0]["instance_id"]
        self.aws.set_instance_address(instance_id, "127.0.0.1")
        if output is not None:
            self.aws.set_console_output(instance_id, output)
        return instance_id

    def connect(self, *args):
        return self.spawn("connect", "--user", getpass.getuser(), "--port", str(self.port), *args, env=self.env(),
                          timeout=60)

    def known_hosts(self, instance_id):
        return os.path.join(self.dir, "state", "spawn", "known_hosts", instance_id)

    def test_the_host_key_the_console_printed_is_trusted_and_terminate_forgets_it(self):
        instance_id = self.launch(console(self.host_pub, os.path.join(self.dir, "host_ed25519.pub")))
        r = self.connect("box", "--", "echo", "connected-to", "$((40+2))")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "connected-to 42")
        path = self.known_hosts(instance_id)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(f.read(), f"{instance_id} {self.host_pub}\n")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.dirname(path)).st_mode & 0o777, 0o700)
        self.assertEqual([q["action"] for q in self.requests() if q["action"] == "GetConsoleOutput"][-1:],
                         ["GetConsoleOutput"])
        self.spawn_ok("terminate", instance_id, env=self.env())
        self.assertFalse(os.path.exists(path), "spawn terminate removes what connect trusted")

    def test_another_host_key_on_the_console_is_refused_by_ssh(self):
        self.launch(console(self.other_pub, os.path.join(self.dir, "other_ed25519.pub")))
        r = self.connect("box", "--", "echo", "should-not-run")
        self.assertEqual(r.returncode, 255, r.stderr)
        self.assertIn("Host key verification failed", r.stderr)
        self.assertNotIn("should-not-run", r.stdout)

    def test_a_console_that_contradicts_itself_or_shows_no_key_is_never_connected_to(self):
        wrong_print = fingerprint(os.path.join(self.dir, "other_ed25519.pub"))
        instance_id = self.launch(console(self.host_pub, os.path.join(self.dir, "host_ed25519.pub"), [wrong_print]))
        r = self.connect(instance_id, "--", "echo", "should-not-run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("is not among the fingerprints it printed: trusting none of them", r.stderr)
        self.assertFalse(os.path.exists(self.known_hosts(instance_id)))
        self.aws.set_console_output(instance_id, "[    0.000000] Linux version 6.1\n")
        started = time.time()
        r = self.connect(instance_id, "--wait-keys", "6s")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("waiting for", r.stderr)
        self.assertIn("console shows no SSH host key after 6s: not connecting unverified", r.stderr)
        self.assertLess(time.time() - started, 30)

    def test_ssh_is_connect(self):
        r = self.spawn("ssh", "--job-array-name", "x", env=self.env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--job-array-name needs --index", r.stderr)

    def test_ssm_says_what_to_install_and_bad_usage_sends_nothing(self):
        instance_id = self.launch(None)
        r = self.spawn("connect", instance_id, "--ssm", env={**self.env(), "PATH": "/usr/bin:/bin"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Session Manager plugin", r.stderr)
        for args, says in ((["--job-array-name", "x"], "needs --index"), (["box", "--user", "Root;rm"], "--user"),
                           (["box", "--wait-keys", "soon"], "--wait-keys"), (["box", "--ssm", "--user", "a"], "--ssm"),
                           (["box", "--key", "/nonexistent"], "--key"), ([], "which instance?")):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("connect", *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])


if __name__ == "__main__":
    unittest.main()
