"""docs/spot.md, the user guide, run as a user would run it, so that it cannot rot.

The guide's blocks (see its last section, "How this guide is tested"):
  ```console [norun] [spot-capacity=TYPE:N,...]   `$ ` lines are commands (a line ending in `\\`
                                                  goes on), the lines under one its output
  ```bash FILE                                    a file the commands use, written to the scratch
                                                  folder they run in
Any other shell block (```sh, ```bash without a file name, ...) fails the test, so no command in
the guide escapes it; ```console norun is the one way to show a command that is not run.

Each command runs under bash in a pseudo-terminal (what a user sees: stderr and stdout
interleaved as written, spawn list's 💰), in the order of the guide, against one local AWS, with
build/bin and guide_bin/ (a stand-in for the two `aws s3` commands the guide uses) first on PATH.
It must exit 0, and print what the guide shows under it, both sides normalised by normalise().
Two differences from real AWS: S3 is the local AWS behind its https:// front (tls_relay, its
certificate trusted through AWS_CA_BUNDLE), because spawn refuses to give instances a download
URL of spored that is not https; and the instance profile job-runner the guide asks for is
created beforehand, as the guide says a user does.

The checkpoint example (job.sh, checkpoint.sh) runs for real: job.sh starts, spored runs
checkpoint.sh on a notice from the metadata-service fake, the job saves its step to the local S3
and stops, and job.sh on a fresh "instance" carries on from that step.

GUIDE_UPDATE=1 writes what the commands printed into docs/spot.md under each command (ids as
printed, the home folder as ~): the way to change the guide's output, never by hand.
"""
import fcntl
import os
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest

from fakes.imds_fake_fixture import ImdsFake
from fakes.local_aws_fixture import LocalAws
from spored_test_case import poll, read_text

SOURCE = os.environ.get("SPAWN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(SOURCE, "build", "bin"))
GUIDE = os.path.join(SOURCE, "docs", "spot.md")
GUIDE_BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guide_bin")
BUCKET = "my-bucket"
JOB_PROFILE = "job-runner"
COMMAND_TIMEOUT = 60


# --- the guide -----------------------------------------------------------------------------

class Command:
    def __init__(self, text, line, expected, output_lines):
        self.text = text                  # what bash runs (continuation lines included)
        self.line = line                  # 1-based line of its `$ ` in the guide
        self.expected = expected          # the output lines shown, [] when none
        self.output_lines = output_lines  # (first, end) 0-based indices of those lines in the file


class Block:
    def __init__(self, lang, words, line):
        self.lang = lang
        self.words = words                # the info string after the language
        self.line = line
        self.body = []                    # its lines
        self.commands = []

    @property
    def norun(self):
        return "norun" in self.words

    @property
    def file_name(self):
        names = [w for w in self.words if "=" not in w and w != "norun"]
        return names[0] if names else None

    def attribute(self, key):
        for w in self.words:
            if w.startswith(key + "="):
                return w.split("=", 1)[1]
        return None


def parse_guide(text):
    """The fenced blocks of the guide, with the commands of the console blocks."""
    lines = text.split("\n")
    blocks, block = [], None
    for i, line in enumerate(lines):
        if block is None:
            m = re.match(r"^```(\S*)\s*(.*)$", line)
            if m:
                block = Block(m.group(1), m.group(2).split(), i + 1)
                block.first = i + 1
            continue
        if line.startswith("```"):
            block.end = i
            blocks.append(block)
            block = None
            continue
        block.body.append(line)
    for b in blocks:
        if b.lang == "console":
            b.commands = parse_console(b, lines)
    return blocks


def parse_console(block, lines):
    commands = []
    i = block.first
    while i < block.end:
        if not lines[i].startswith("$ "):
            raise AssertionError(f"docs/spot.md:{i + 1}: output before any command in a console block")
        start = i
        parts = [lines[i][2:]]
        while parts[-1].endswith("\\") and i + 1 < block.end:
            i += 1
            parts.append(lines[i])
        i += 1
        first_output = i
        while i < block.end and not lines[i].startswith("$ "):
            i += 1
        commands.append(Command("\n".join(parts), start + 1, lines[first_output:i], (first_output, i)))
    return commands


# --- what the terminal shows ---------------------------------------------------------------

def run_in_terminal(command, env, cwd, timeout=COMMAND_TIMEOUT):
    """(exit status, text) of `bash -c command` with stdout and stderr on one pseudo-terminal."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen(["bash", "-c", command], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env=env, cwd=cwd, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                proc.kill()
                raise AssertionError(f"{command!r} still running after {timeout} s:\n"
                                     + b"".join(chunks).decode("utf-8", "replace"))
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    status = proc.wait(timeout=10)
    return status, terminal_text(b"".join(chunks).decode("utf-8", "replace"))


def terminal_text(raw):
    """The lines as the terminal shows them: \\r\\n is a newline, a \\r rewrites its line."""
    lines = raw.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rsplit("\r", 1)[-1].rstrip() for line in lines]


# Placeholders for what differs on every run. Both the guide's lines and the real ones go
# through them, so the guide can show real output.
PLACEHOLDERS = [
    (re.compile(r"\bfleet-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "fleet-…"),  # EC2 Fleet's ids
    (re.compile(r"\b(i|ja|ami|sir|lt|fleet|r|vpc|subnet|sg)-[0-9a-f]{8,17}\b"), r"\1-…"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<request-id>"),
    (re.compile(r"\bEX[PT][A-Za-z0-9]{10,20}\b"), "<fis-id>"),  # FIS experiment and template ids
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "<time>"),
    (re.compile(r"(?<= )\d+[sm](?= )"), "<age>"),  # spawn list's AGE: 3s, 2m
    (re.compile(r"\b\d+(\.\d+)? (bytes|KiB|MiB)\b"), "<size>"),  # spored's size changes with its code
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"), "<ipv4>"),  # spawn list's ADDRESS: the local AWS picks them at random
]


def normalise(lines):
    out = []
    for line in lines:
        for pattern, placeholder in PLACEHOLDERS:
            line = pattern.sub(placeholder, line)
        out.append(" ".join(line.split()))
    return out


# --- the test ------------------------------------------------------------------------------

class UserGuideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for binary in ("spawn", "spored"):
            if not os.access(os.path.join(BIN, binary), os.X_OK):
                raise unittest.SkipTest(f"{BIN}/{binary} is not built (set SPAWN_BIN_DIR)")
        with open(GUIDE, encoding="utf-8") as f:
            cls.text = f.read()
        cls.blocks = parse_guide(cls.text)
        cls.files = {b.file_name: "\n".join(b.body) + "\n" for b in cls.blocks if b.lang == "bash" and b.file_name}
        cls.aws = LocalAws()
        cls.aws.start()
        cls.dir = tempfile.mkdtemp(prefix="user-guide-")
        cls.home = os.path.join(cls.dir, "home")
        cls.work = os.path.join(cls.dir, "work")
        os.makedirs(cls.home)
        os.makedirs(cls.work)
        for name, body in cls.files.items():
            path = os.path.join(cls.work, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            os.chmod(path, 0o755)
        iam = cls.aws.client("iam")
        iam.create_role(RoleName=JOB_PROFILE, AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName=JOB_PROFILE)
        iam.add_role_to_instance_profile(InstanceProfileName=JOB_PROFILE, RoleName=JOB_PROFILE)

    @classmethod
    def tearDownClass(cls):
        cls.aws.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def env(self, **extra):
        env = dict(self.aws.env())
        env.update({
            "HOME": self.home,
            "PATH": os.pathsep.join([os.path.abspath(BIN), GUIDE_BIN, os.environ.get("PATH", "/usr/bin:/bin")]),
            "LANG": "C.UTF-8",
            "TERM": "xterm",
        })
        env.pop("LC_ALL", None)
        # S3 over https (the instance fetches spored from it): the local AWS's TLS front.
        env["AWS_ENDPOINT_URL_S3"], env["AWS_CA_BUNDLE"] = self.aws.https()
        env.update(extra)
        return env

    def test_1_every_shell_block_is_run_or_marked(self):
        console = [b for b in self.blocks if b.lang == "console"]
        self.assertTrue(console, "no console block in docs/spot.md")
        for b in self.blocks:
            where = f"docs/spot.md:{b.line}"
            if b.lang in ("sh", "shell", "bash", "zsh") and not b.file_name and not b.norun:
                self.fail(f"{where}: a ```{b.lang} block that no test runs: make it ```console "
                          f"(with `$ ` commands), ```bash FILE, or mark it norun")
            if b.lang == "console":
                self.assertTrue(b.commands, f"{where}: a console block without a `$ ` command")
        self.assertIn("job.sh", self.files)
        self.assertIn("checkpoint.sh", self.files)
        self.assertLessEqual(sum(b.norun for b in console), 2, "norun blocks are to be few")

    @unittest.skipIf(os.environ.get("SPAWN_SANITIZED") == "1",
                     "the guide uploads the built spored, which sanitizer builds link dynamically and spawn "
                     "refuses; the release suite runs the guide")
    def test_2_commands_print_what_the_guide_shows(self):
        updates = []
        for block in self.blocks:
            if block.lang != "console" or block.norun:
                continue
            capacity = block.attribute("spot-capacity")
            if capacity:
                self.aws.set_scenario({"capacity": [
                    {"instance_type": t, "market": "spot", "available": int(n)}
                    for t, n in (entry.split(":") for entry in capacity.split(","))]})
            try:
                for command in block.commands:
                    status, output = run_in_terminal(command.text, self.env(), self.work)
                    output = [line.replace(self.home, "~") for line in output]
                    shown = "\n".join(output)
                    self.assertEqual(status, 0, f"docs/spot.md:{command.line}: `{command.text}` exited {status}:\n{shown}")
                    if os.environ.get("GUIDE_UPDATE"):
                        updates.append((command.output_lines, output))
                    elif command.expected:
                        self.assertEqual(normalise(command.expected), normalise(output),
                                         f"docs/spot.md:{command.line}: `{command.text}` printed:\n{shown}")
            finally:
                if capacity:
                    self.aws.set_scenario({})
        if updates:
            lines = self.text.split("\n")
            for (first, end), output in reversed(updates):
                lines[first:end] = output
            with open(GUIDE, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print(f"wrote the output of {len(updates)} commands into {GUIDE}", file=sys.stderr)

    def test_3_checkpoint_example_survives_two_interruptions_in_a_row(self):
        s3 = self.aws.client("s3")
        if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            s3.create_bucket(Bucket=BUCKET)
        ec2 = self.aws.ec2()
        scratch = tempfile.mkdtemp(prefix="checkpoint-", dir=self.dir)
        progress_key = "jobs/render/3/progress"
        # Member 3 of a job array launched in one call (the tags of all, its own place in the call),
        # then its replacements (--relaunch), each with its own index tag and the next generation.
        generations = [
            {"Name": "render", "spawn:managed": "true", "spawn:job-array-name": "render",
             "spawn:job-array-id": "ja-0123456789abcdef", "spawn:job-array-index-base": "0"},
            {"Name": "render-3", "spawn:managed": "true", "spawn:job-array-name": "render",
             "spawn:job-array-id": "ja-0123456789abcdef", "spawn:job-array-index": "3", "spawn:generation": "1"},
            {"Name": "render-3", "spawn:managed": "true", "spawn:job-array-name": "render",
             "spawn:job-array-id": "ja-0123456789abcdef", "spawn:job-array-index": "3", "spawn:generation": "2"},
        ]
        with ImdsFake() as imds:
            imds.set_lifecycle("spot")
            on_instance = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.endpoint}
            step = 0
            for generation, tags in enumerate(generations):
                instance_id = ec2.run_instances(ImageId="ami-12345678", InstanceType="c7i.large", MinCount=1,
                                                MaxCount=1)["Instances"][0]["InstanceId"]
                imds.clear_notice()
                imds.set_instance(instance_id=instance_id, region="us-east-1", ami_launch_index=3 if generation == 0 else 0)
                imds.set_tags(tags)
                job_dir = os.path.join(scratch, f"generation-{generation}")
                if generation == len(generations) - 1:
                    # The last replacement: an empty disk; the job carries on from the saved step and ends.
                    job = Job(os.path.join(self.work, "job.sh"),
                              self.env(JOB_DIR=job_dir, STEPS=str(step + 2), **on_instance))
                    self.assertEqual(job.wait(20), 0, job.output())
                    self.assertEqual(job.output().splitlines(),
                                     [f"job render/3: starting at step {step} of {step + 2}", "job render/3: done"])
                    saved = s3.get_object(Bucket=BUCKET, Key=progress_key)["Body"].read().decode()
                    self.assertEqual(saved, f"{step + 2}\n")
                    break
                before = step
                step = self.interrupted_run(imds, on_instance, os.path.join(scratch, f"spored-{generation}"), job_dir)
                self.assertGreater(step, before, "each generation carries on from the last and does some work")
                saved = s3.get_object(Bucket=BUCKET, Key=progress_key)["Body"].read().decode()
                self.assertEqual(saved, f"{step}\n")

    def interrupted_run(self, imds, on_instance, folder, job_dir):
        """job.sh on one instance until EC2's notice: spored runs checkpoint.sh, which stops the job
        and saves its step. The step saved."""
        os.makedirs(folder)
        job = Job(os.path.join(self.work, "job.sh"), self.env(JOB_DIR=job_dir, **on_instance))
        wait_until(lambda: "job render/3: starting at step " in job.output(), 20, job.output)
        job.wait_for_file(os.path.join(job_dir, "pid"))
        time.sleep(2.5)  # a few steps of work
        config = os.path.join(folder, "spot-config.json")
        with open(config, "w", encoding="utf-8") as f:
            f.write("{}")
        shutdown_log = os.path.join(folder, "shutdown.log")
        spored_log = os.path.join(folder, "spored.log")
        spored_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home, "LANG": "C.UTF-8",
                      "AWS_ENDPOINT_URL": self.aws.endpoint, "JOB_DIR": job_dir}
        with open(spored_log, "wb") as log:
            spored = subprocess.Popen(
                [os.path.join(BIN, "spored"), "--imds-endpoint", imds.endpoint, "--state-dir",
                 os.path.join(folder, "state"), "--poll-interval", "200ms", "--config", config,
                 "--on-interruption", "checkpoint", "--checkpoint-script", os.path.join(self.work, "checkpoint.sh"),
                 "--shutdown-command", f"sh -c {shlex.quote('echo poweroff >> ' + shlex.quote(shutdown_log))}"],
                env=spored_env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        try:
            wait_until(lambda: '"watching"' in read_text(spored_log), 20, lambda: read_text(spored_log))
            imds.set_notice("terminate", in_seconds=120)
            self.assertEqual(job.wait(20), 0, job.output())
            stopped = re.search(r"job render/3: stopped after step (\d+), progress saved", job.output())
            self.assertTrue(stopped, job.output())
            wait_until(lambda: os.path.exists(shutdown_log), 20, lambda: read_text(spored_log))
            log_text = read_text(spored_log)
            self.assertIn('"status":"ok"', log_text.replace(" ", ""), log_text)
            self.assertIn("checkpoint: job stopped and saved before", log_text)
            return int(stopped.group(1))
        finally:
            if spored.poll() is None:
                spored.terminate()
            spored.wait(timeout=20)


class Job:
    """job.sh started as the instance's user-data would be; reaped at once when it ends (a zombie
    would look alive to checkpoint.sh's `kill -0`)."""

    def __init__(self, path, env):
        self.log = path + f".{time.monotonic_ns()}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([path], env=env, cwd=os.path.dirname(path), stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.reaper = threading.Thread(target=self.proc.wait, daemon=True)
        self.reaper.start()

    def output(self):
        return read_text(self.log)

    def wait_for_line(self, line, timeout=20):
        wait_until(lambda: line in self.output().splitlines(), timeout, self.output)

    def wait_for_file(self, path, timeout=20):
        wait_until(lambda: os.path.exists(path), timeout, self.output)

    def wait(self, timeout):
        self.reaper.join(timeout)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"job.sh still running after {timeout} s:\n{self.output()}")
        return self.proc.returncode


def wait_until(predicate, timeout, describe):
    if not poll(predicate, timeout):
        raise AssertionError(f"not within {timeout} s:\n{describe()}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
