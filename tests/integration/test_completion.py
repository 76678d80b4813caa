"""Shell completion, as a user's shell runs it: the script `spawn completion bash` prints (and the
build installs as build/completion/spawn.bash) is sourced in `bash --norc` and its function called
as bash calls it, with COMP_WORDS and COMP_CWORD; the zsh one (build/completion/_spawn) is loaded
by compinit in an interactive `zsh -f` on a pseudo-terminal and completes a line typed with TAB,
its candidates caught by a wrapper around compadd. The expected words come from spawn's own
--help, not from a list kept here. zsh: skipped with a message when it is not installed
(scripts/bootstrap installs it)."""
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

from help_text import option_names, subcommands

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
SPAWN = os.path.join(BIN, "spawn")
COMPLETION_DIR = os.path.join(BIN, "..", "completion")


def spawn(*args):
    return subprocess.run([SPAWN, *args], capture_output=True, text=True, timeout=30)


class BashCompletionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(SPAWN, os.X_OK):
            raise unittest.SkipTest(f"{SPAWN} is not built (set SPAWN_BIN_DIR)")
        r = spawn("completion", "bash")
        assert r.returncode == 0, r.stderr
        cls.script = r.stdout
        cls.dir = tempfile.mkdtemp(prefix="completion-")
        cls.path = os.path.join(cls.dir, "spawn.bash")
        with open(cls.path, "w", encoding="utf-8") as f:
            f.write(cls.script)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def complete(self, *words):
        """COMPREPLY for the command line `words`, the cursor at the end of the last word."""
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        program = (f"source {self.path}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
                   "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
                   "_spawn\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        return [w for w in r.stdout.split("\n") if w]

    def test_installed_script_is_what_spawn_prints(self):
        installed = os.path.join(COMPLETION_DIR, "spawn.bash")
        if not os.path.exists(installed):
            self.skipTest(f"{installed} not built (the completion target)")
        with open(installed, encoding="utf-8") as f:
            self.assertEqual(f.read(), self.script)

    def test_commands(self):
        top = subcommands(spawn("--help").stdout)
        self.assertEqual(top, ["launch", "list", "status", "relaunch", "interrupt", "logs", "connect", "pool", "terminate", "extend", "stop", "start", "price", "cost", "history", "agent", "completion"])
        self.assertEqual(self.complete("spawn", ""), top)
        self.assertEqual(self.complete("spawn", "l"), ["launch", "list", "logs"])
        self.assertEqual(self.complete("spawn", "agent", ""), ["upload"])
        self.assertEqual(self.complete("spawn", "pool", ""), ["create", "list", "status", "resize", "delete"])
        self.assertEqual(self.complete("spawn", "c"), ["connect", "cost", "completion"])

    def test_every_spot_flag(self):
        spot = [o for o in option_names(spawn("launch", "--help").stdout) if o.startswith("--sp")]
        self.assertIn("--spot-count", spot)
        self.assertEqual(sorted(self.complete("spawn", "launch", "--sp")), sorted(spot))

    def test_every_option_of_every_command(self):
        for path in (["launch"], ["list"], ["terminate"], ["price"], ["agent", "upload"]):
            with self.subTest(path=path):
                expected = option_names(spawn(*path, "--help").stdout)
                self.assertEqual(sorted(self.complete("spawn", *path, "-")), sorted(expected))

    def test_choices(self):
        self.assertEqual(self.complete("spawn", "launch", "--on-interruption", ""), ["checkpoint", "hibernate", "terminate"])
        self.assertEqual(self.complete("spawn", "launch", "--on-interruption", "h"), ["hibernate"])
        self.assertEqual(self.complete("spawn", "launch", "--spot-allocation-strategy", ""),
                         ["price-capacity-optimized", "capacity-optimized", "lowest-price", "diversified"])
        self.assertEqual(self.complete("spawn", "list", "--output", ""), ["table", "json"])
        self.assertEqual(self.complete("spawn", "price", "-o", "j"), ["json"])
        self.assertIn("shutting-down", self.complete("spawn", "list", "--state", ""))
        # --output=json: bash splits the word at '='
        self.assertEqual(self.complete("spawn", "terminate", "--output", "=", "t"), ["table"])
        self.assertIn("--on-interruption checkpoint|hibernate|terminate", spawn("launch", "--help").stdout,
                      "the help shows the same words")

    def test_option_values_are_not_commands(self):
        # `list` is the value of --name here, not the command; the options are launch's.
        self.assertEqual(self.complete("spawn", "launch", "--name", "list", "--out"), ["--output"])
        self.assertEqual(self.complete("spawn", "launch", "--name", ""), [], "a free value: bash's own completion")

    def test_bad_shell_is_bad_usage(self):
        r = spawn("completion", "fish")
        self.assertEqual(r.returncode, 2)
        self.assertIn("fish", r.stderr)
        self.assertIn("completion", subcommands(spawn("--help").stdout), "listed: the README uses it")


class ZshCompletionTest(unittest.TestCase):
    """zsh's completion system run for real: compinit loads _spawn from $fpath, TAB completes."""

    @classmethod
    def setUpClass(cls):
        if not os.access(SPAWN, os.X_OK):
            raise unittest.SkipTest(f"{SPAWN} is not built (set SPAWN_BIN_DIR)")
        cls.zsh = shutil.which("zsh")
        if not cls.zsh:
            raise unittest.SkipTest("zsh is not installed (scripts/bootstrap installs it)")
        cls.dir = tempfile.mkdtemp(prefix="zsh-completion-")
        cls.functions = os.path.join(cls.dir, "functions")
        os.mkdir(cls.functions)
        r = spawn("completion", "zsh")
        assert r.returncode == 0, r.stderr
        cls.script = r.stdout
        with open(os.path.join(cls.functions, "_spawn"), "w", encoding="utf-8") as f:
            f.write(cls.script)
        cls.shell = ZshSession(cls.zsh, cls.dir, cls.functions)

    @classmethod
    def tearDownClass(cls):
        cls.shell.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_syntax(self):
        r = subprocess.run([self.zsh, "-n", os.path.join(self.functions, "_spawn")], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_installed_script_is_what_spawn_prints(self):
        installed = os.path.join(COMPLETION_DIR, "_spawn")
        if not os.path.exists(installed):
            self.skipTest(f"{installed} not built (the completion target)")
        with open(installed, encoding="utf-8") as f:
            self.assertEqual(f.read(), self.script)

    def test_commands(self):
        self.assertEqual(self.shell.complete("spawn "), ["launch", "list", "status", "relaunch", "interrupt", "logs", "connect", "pool", "terminate", "extend", "stop", "start", "price", "cost", "history", "agent", "completion"])
        self.assertEqual(sorted(self.shell.complete("spawn l")), ["launch", "list", "logs"])
        self.assertEqual(self.shell.complete("spawn agent "), ["upload"])

    def test_options_and_choices(self):
        spot = [o for o in option_names(spawn("launch", "--help").stdout) if o.startswith("--sp")]
        self.assertEqual(sorted(self.shell.complete("spawn launch --sp")), sorted(spot))
        self.assertEqual(sorted(self.shell.complete("spawn launch --on-interruption ")),
                         ["checkpoint", "hibernate", "terminate"])
        self.assertEqual(sorted(self.shell.complete("spawn list --output ")), ["json", "table"])
        self.assertEqual(sorted(self.shell.complete("spawn agent upload --b")), ["--binary", "--bucket"])


class ZshSession:
    """An interactive `zsh -f` on a pseudo-terminal with compinit loaded; complete(line) types the
    line and TAB and returns the words zsh's completion offered (caught by wrapping compadd: a
    call with -O, -A, -D or -E is the completion system asking, not offering, and passes through)."""

    SETUP = r"""
PS1='' RPS1='' PROMPT_EOL_MARK=''
unsetopt beep
fpath=(%(functions)s $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' list-grouped false
bindkey '^I' complete-word
compadd() {
  if (( ${@[(I)-[OADE]]} )); then builtin compadd "$@"; return; fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -r -- "<<${(j:>> <<:)__hits}>>"
  builtin compadd "$@"
}
print -r -- READY-$((6*7))
"""

    def __init__(self, zsh, home, functions):
        master, slave = os.openpty()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "dumb", "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen([zsh, "-f", "-i"], stdin=slave, stdout=slave, stderr=slave, env=env,
                                     cwd=home, start_new_session=True)
        os.close(slave)
        self.master = master
        self.buffer = ""
        for line in (self.SETUP % {"functions": functions}).strip().split("\n"):
            self.write(line + "\n")
        self.read_until("READY-42")

    def write(self, text):
        os.write(self.master, text.encode())

    def read_until(self, marker, timeout=20):
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"zsh did not print {marker!r} within {timeout} s:\n{self.buffer[-3000:]}")
            self.buffer += os.read(self.master, 65536).decode("utf-8", "replace")
        text, self.buffer = self.buffer.split(marker, 1)
        return text

    def complete(self, line):
        self.write(line + "\t")
        time.sleep(0.3)
        self.write("\x15print -r -- DONE-$((40+2))\n")  # ^U: clear the line, then a marker
        text = self.read_until("DONE-42")
        words = []
        for offer in re.findall(r"<<(.*?)>>(?:\r?\n|$)", text):
            words += [w for w in offer.split(">> <<") if w not in words]
        return words

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


if __name__ == "__main__":
    unittest.main(verbosity=2)
