"""The man pages the build writes (build/man, tools/man-pages: help2man on each command's --help):
one page per command and subcommand of spawn (section 1) and spored (section 8); every
subcommand and every option the --help lists is in its page; and `man -l` (groff where man is
missing) renders each page without a warning. Skipped with a message when build/man is missing
(help2man not installed: scripts/bootstrap installs it)."""
import os
import re
import shutil
import subprocess
import unittest

from help_text import option_names, subcommands

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
MAN = os.path.join(BIN, "..", "man")


def run(*args, env=None):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, env=env)


def help_of(program, path):
    r = run(os.path.join(BIN, program), *path, "--help")
    assert r.returncode == 0, r.stderr
    return r.stdout


def commands(program, path=()):
    """Every command path of program: (), ("launch",), ..., ("agent", "upload")."""
    out = [tuple(path)]
    for sub in subcommands(help_of(program, path)):
        out += commands(program, (*path, sub))
    return out


def page_text(source):
    """The page's words as roff source spells them, without font changes and escapes."""
    text = re.sub(r"\\f[BIRP]|\\[,/&]", "", source)
    return text.replace("\\-", "-").replace("\\(aq", "'")


class ManPagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(MAN):
            raise unittest.SkipTest(f"{os.path.normpath(MAN)} is missing: help2man is not installed "
                                    "(scripts/bootstrap installs it) or the man target was not built")

    def pages(self):
        for program, section in (("spawn", 1), ("spored", 8)):
            for path in commands(program):
                yield program, path, os.path.join(MAN, "-".join((program, *path)) + f".{section}")

    def test_a_page_per_command_and_nothing_else(self):
        expected = sorted(os.path.basename(p) for _, _, p in self.pages())
        self.assertIn("spawn-launch.1", expected)
        self.assertIn("spored-status.8", expected)
        found = sorted(f for f in os.listdir(MAN) if re.search(r"\.[18]$", f))
        self.assertEqual(found, expected)

    def test_every_option_and_subcommand_of_the_help_is_in_its_page(self):
        for program, path, page in self.pages():
            with self.subTest(page=os.path.basename(page)):
                with open(page, encoding="utf-8") as f:
                    text = page_text(f.read())
                name = "-".join((program, *path))
                self.assertRegex(text, rf'\.TH {re.escape(name.upper())} "[18]"')
                self.assertIn(f"{name} - ", text)  # NAME: "spawn-launch - Launch EC2 instances"
                self.assertNotIn("??", text, "UTF-8 of the help (💰) lost on the way")
                help_text = help_of(program, path)
                for option in option_names(help_text):
                    self.assertRegex(text, rf"(?<![\w-]){re.escape(option)}(?![\w-])", f"{option} missing")
                for sub in subcommands(help_text):
                    self.assertRegex(text, rf"\b{re.escape(sub)}\b")
                    self.assertIn(f"{name}-{sub}", text, "SEE ALSO names the subcommand's page")

    def test_version_is_what_help2man_reads(self):
        for program in ("spawn", "spored"):
            r = run(os.path.join(BIN, program), "--version")
            self.assertEqual(r.returncode, 0)
            self.assertRegex(r.stdout, rf"^{program} \d+\.\d+\.\d+\n$")
            version = r.stdout.split()[1]
            with open(os.path.join(MAN, f"{program}.{1 if program == 'spawn' else 8}"), encoding="utf-8") as f:
                self.assertIn(f'"{program} {version}"', f.read())

    def test_pages_render_without_warnings(self):
        env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8")
        env.pop("MANPAGER", None)
        env.pop("PAGER", None)
        for _, _, page in self.pages():
            with self.subTest(page=os.path.basename(page)):
                if shutil.which("man"):
                    r = run("man", "--warnings", "-E", "UTF-8", "-l", page, env=env)
                elif shutil.which("groff"):
                    r = run("groff", "-k", "-man", "-Tutf8", "-ww", page, env=env)  # -k: UTF-8 input
                else:
                    self.skipTest("neither man nor groff is installed")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertIn("NAME", r.stdout)
                self.assertIn("OPTIONS", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
