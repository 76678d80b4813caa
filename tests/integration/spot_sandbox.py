"""Runs spawn's generated spot script under bash in a sandbox folder, recording every command.

The script writes only under "$spawn_root" (its fourth line, `spawn_root=''`, is the documented
test seam, see src/spawn/launcher/user_data.hpp); the sandbox sets it to a folder of its own.
PATH holds only recording stubs of the commands the script is meant to run (each stub logs its
argv, then runs the real program); any other command is caught by bash's
command_not_found_handle (defined through BASH_ENV) and logged as NOT-FOUND. Builtins cannot be
stubbed, so the tests also check that the sandbox holds exactly the expected files.
"""
import os
import re
import shlex
import shutil
import subprocess
import tempfile

ALLOWED = ("install", "mktemp", "cat", "chmod", "mv", "base64")
SEAM = "spawn_root=''"


class Sandbox:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="spot-sandbox-")
        self.root = os.path.join(self.dir, "root")   # stands for / on the instance
        self.cwd = os.path.join(self.dir, "cwd")     # where the script runs: must stay empty
        self.bin = os.path.join(self.dir, "bin")
        self.log = os.path.join(self.dir, "calls.log")
        for d in (self.root, self.cwd, self.bin):
            os.mkdir(d)
        for name in ALLOWED:
            real = shutil.which(name, path="/usr/bin:/bin")
            self._write(os.path.join(self.bin, name),
                        "#!/usr/bin/bash\n"
                        # One write per record (O_APPEND): the commands of a pipeline log at the same time.
                        f"record=$(printf '%s\\037' {name} \"$@\"); printf '%s\\036' \"$record\" >> \"$SANDBOX_LOG\"\n"
                        f"exec {real} \"$@\"\n", 0o755)
        self.bash_env = os.path.join(self.dir, "bash_env")
        self._write(self.bash_env,
                    "command_not_found_handle() {\n"
                    "  local record; record=$(printf '%s\\037' NOT-FOUND \"$@\"); printf '%s\\036' \"$record\" >> \"$SANDBOX_LOG\"\n"
                    "  return 127\n}\n", 0o644)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _write(path, text, mode):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)

    def run(self, script, append=""):
        """Runs script (the seam redirected to the sandbox) plus `append`; the CompletedProcess."""
        assert script.count(SEAM + "\n") == 1, "the test seam line is missing"
        text = script.replace(SEAM + "\n", f"spawn_root={shlex.quote(self.root)}\n", 1) + append
        path = os.path.join(self.dir, "user-data.sh")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        env = {"PATH": self.bin, "BASH_ENV": self.bash_env, "SANDBOX_LOG": self.log, "HOME": self.cwd,
               "LANG": "C.UTF-8"}
        return subprocess.run(["/usr/bin/bash", path], cwd=self.cwd, env=env, capture_output=True, timeout=60)

    def calls(self):
        """Every command run, as tuples; temporary file names become <tmp:NAME>."""
        if not os.path.exists(self.log):
            return []
        with open(self.log, "rb") as f:
            records = f.read().decode("utf-8", "surrogateescape").split("\x1e")
        tmp = re.compile(r"^" + re.escape(self.root) + r"/.*/([^/]+)\.(?!XXXXXX$)[A-Za-z0-9]{6}$")
        out = []
        for rec in records:
            if rec:
                out.append(tuple(tmp.sub(r"<tmp:\1>", a) for a in rec.split("\x1f")[:-1]))
        return out

    def files(self):
        """Every file and folder under the sandbox, relative, but the sandbox's own machinery."""
        found = set()
        for base, dirs, names in os.walk(self.dir):
            for n in dirs + names:
                rel = os.path.relpath(os.path.join(base, n), self.dir)
                if rel.split(os.sep)[0] not in ("bin",) and rel not in ("bash_env", "calls.log", "user-data.sh"):
                    found.add(rel)
        return found

    def expected_calls(self, embedded):
        etc = os.path.join(self.root, "etc/spawn")
        calls = [("install", "-d", "-m", "0755", etc),
                 ("mktemp", f"{etc}/spot-config.json.XXXXXX"), ("cat",),
                 ("chmod", "0600", "<tmp:spot-config.json>"),
                 ("mv", "-f", "<tmp:spot-config.json>", f"{etc}/spot-config.json")]
        if embedded:
            calls += [("base64", "-d"), ("mktemp", f"{etc}/checkpoint.sh.XXXXXX"), ("cat",),
                      ("chmod", "0700", "<tmp:checkpoint.sh>"),
                      ("mv", "-f", "<tmp:checkpoint.sh>", f"{etc}/checkpoint.sh")]
        return calls

    def assert_calls(self, test, embedded):
        """Exactly the intended commands ran (each once), each file written in its order.

        The two ends of a pipeline (base64 -d | spawn_write ...) run at once, so the log is
        compared as a multiset; the order that matters (mktemp, chmod, then mv) is checked per file.
        """
        calls, expected = self.calls(), self.expected_calls(embedded)
        test.assertCountEqual(calls, expected, "nothing but the intended commands ran")
        for name in ("spot-config.json",) + (("checkpoint.sh",) if embedded else ()):
            steps = [c[0] for c in calls if any(name in a for a in c[1:])]
            test.assertEqual(steps, ["mktemp", "chmod", "mv"], f"{name}: temporary file, mode, then rename")

