# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find every example the collection shows its users.

- every fenced code block of README.md, roles/*/README.md and tests/emulator/README.md;
- every file under examples/;
- every module's EXAMPLES (read from the module file without importing it), and the ad hoc
  command lines its comments show.

Each example is keyed by file, the heading it sits under and its number under that heading,
which is how tests/examples/manifest.yml classifies it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = ["README.md", "tests/emulator/README.md"]
FENCE_RE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*$")
# An ad hoc command line, possibly after environment assignments: CAPGO_API_KEY=... ansible localhost -m ...
ADHOC_RE = re.compile(r"^(?:[A-Z_]+=\S*\s+)*(ansible\s+localhost\s+-m\s+.*)$")


@dataclass
class Example:
    file: str
    heading: str
    index: int
    language: str
    text: str

    @property
    def key(self):
        return "%s | %s | %d" % (self.file, self.heading, self.index)

    @property
    def first_line(self):
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")


def markdown_files():
    files = [ROOT / name for name in MARKDOWN]
    files += sorted((ROOT / "roles").glob("*/README.md"))
    return [f for f in files if f.is_file()]


def markdown_examples(path):
    rel = str(path.relative_to(ROOT))
    heading, counts, found = "", {}, []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE_RE.match(lines[i])
        if fence:
            indent, marker, language = fence.groups()
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            counts[heading] = counts.get(heading, 0) + 1
            found.append(Example(rel, heading, counts[heading], language or "text", "\n".join(body) + "\n"))
        else:
            match = HEADING_RE.match(lines[i])
            if match:
                heading = match.group(1)
        i += 1
    return found


def module_examples(path):
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    text = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            text = node.value.value
    if text is None:
        return []
    found = [Example(rel, "EXAMPLES", 1, "yaml", text)]
    adhoc = []
    for line in text.splitlines():
        stripped = line.lstrip("#").strip()
        if line.lstrip().startswith("#") and ADHOC_RE.match(stripped):
            adhoc.append(stripped)
    if adhoc:
        found.append(Example(rel, "EXAMPLES ad hoc", 1, "bash", "\n".join(adhoc) + "\n"))
    return found


def example_files():
    found = []
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.is_file():
            found.append(Example(str(path.relative_to(ROOT)), "", 1, path.suffix.lstrip(".") or "text",
                                 path.read_text(encoding="utf-8")))
    return found


def all_examples():
    found = []
    for path in markdown_files():
        found += markdown_examples(path)
    for path in sorted((ROOT / "plugins" / "modules").glob("*.py")):
        found += module_examples(path)
    found += example_files()
    return found


def adhoc_commands(text):
    """The ad hoc command lines of a shell block, without their environment assignments."""
    commands = []
    for line in text.splitlines():
        match = ADHOC_RE.match(line.strip())
        if match:
            commands.append(match.group(1))
    return commands


if __name__ == "__main__":
    for example in all_examples():
        print("%-70s %-6s %s" % (example.key, example.language, example.first_line[:60]))
