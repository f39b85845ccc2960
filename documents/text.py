"""The text of a version written in the app: plain paragraphs, with headings and lists marked the simplest way.

A blank line separates paragraphs; a line starting with "#" is a heading; a paragraph whose every line starts with
"- " (or "* ") is a list. Nothing else is markup: whatever else is typed is printed as typed, escaped.
"""

import re
from dataclasses import dataclass

HEADING, PARAGRAPH, LIST = "heading", "paragraph", "list"
BULLETS = ("- ", "* ", "• ")
# Control characters other than the line break and the tab: nothing a person types, and nothing to print.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Block:
    kind: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def normalise(body: str) -> str:
    """The text as stored: Unix line breaks, no control characters, no spaces at line ends or around the text."""
    body = CONTROL.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in body.split("\n")).strip("\n ")


def blocks(body: str) -> list[Block]:
    """The text as headings, paragraphs (their line breaks kept) and lists, in order."""
    found: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", normalise(body)):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        while lines and lines[0].startswith("#"):
            heading = lines.pop(0).lstrip("#").strip()
            if heading:
                found.append(Block(HEADING, (heading,)))
        if not lines:
            continue
        if all(line.startswith(BULLETS) for line in lines):
            found.append(Block(LIST, tuple(line[2:].strip() for line in lines)))
        else:
            found.append(Block(PARAGRAPH, tuple(lines)))
    return found
