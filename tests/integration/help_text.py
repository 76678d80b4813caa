"""Reading spawn's and spored's --help texts (CLI11's layout): the subcommands they list and the
option names they show. The man-page and completion tests check their output against these, so
a new command or option is checked without a test being edited."""
import re


def subcommands(help_text):
    """The names under "Subcommands:", in order."""
    out, on = [], False
    for line in help_text.splitlines():
        if line.startswith("Subcommands:"):
            on = True
        elif on and not line.strip():
            break
        elif on:
            out.append(line.split()[0])
    return out


def option_names(help_text):
    """The option names of a --help, in order: -t, --instance-type, ..."""
    names = []
    for line in help_text.splitlines():
        m = re.match(r"^  (-[\w-]+(?:, -[\w-]+)*)", line)
        if m:
            names += m.group(1).split(", ")
    return names
