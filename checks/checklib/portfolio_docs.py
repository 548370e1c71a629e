"""Reading a generated project's Markdown for the portfolio check.

A project made by `dlpath new` ships MODEL_CARD.md and WRITEUP.md as templates: each section the
author must write opens with a prompt marked ``TODO(you)``. These helpers compare a learner's
document with a fresh render of the same template and say, in plain words, what is still the
template's: the whole file, markers left over, prompts kept once their marker was deleted,
sections with no words of the author's own, a write-up that quotes no result. They also cut the
README's results section out from between its two marker comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = "TODO(you)"
RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"
MIN_OWN_WORDS = 12  # a section answered in fewer words than this has not been answered
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
# A result quoted in prose: a decimal (0.962, 3.5) or a percentage (96%, 96.2 %).
RESULT_NUMBER = re.compile(r"\d+\.\d+|\d+(?:\.\d+)?\s?%")
TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")


@dataclass
class Section:
    """A heading and the lines under it, up to the next heading of any level."""

    heading: str
    line: int  # 1-based line number of the heading (0 for text before the first heading)
    lines: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    """Lowercase, without Markdown emphasis or code marks, whitespace collapsed."""
    text = re.sub(r"[*_`>]", "", text.lower())
    return " ".join(text.split())


def split_sections(text: str) -> list[Section]:
    """The document's sections in order; a ``#`` inside a fenced code block is not a heading."""
    sections = [Section("", 0)]
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            sections.append(Section(match.group(2).strip(), number))
        else:
            sections[-1].lines.append(line)
    return sections


def section_at(sections: list[Section], line: int) -> str:
    """The heading of the section holding 1-based ``line`` ("" before the first heading)."""
    found = ""
    for section in sections:
        if section.line <= line:
            found = section.heading
    return found


def paragraphs(text: str) -> list[str]:
    """Blocks of text separated by blank lines."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def leftover_markers(text: str) -> list[tuple[int, str]]:
    """(line number, section heading) of every line that still holds a TODO(you) marker."""
    sections = split_sections(text)
    return [
        (number, section_at(sections, number))
        for number, line in enumerate(text.splitlines(), start=1)
        if MARKER in line
    ]


def template_prompts(template_text: str) -> list[tuple[str, str]]:
    """(section heading, prompt text) of each paragraph that opens with a TODO(you) marker,
    the marker itself removed: the question the author was asked to answer."""
    found = []
    for section in split_sections(template_text):
        for block in paragraphs("\n".join(section.lines)):
            bare = block.lstrip("*_ ")
            if bare.startswith(MARKER):
                prompt = bare[len(MARKER):].lstrip(":*_ ").strip()
                if len(prompt.split()) >= 6:
                    found.append((section.heading, prompt))
    return found


def kept_prompts(text: str, template_text: str) -> list[tuple[str, str]]:
    """The template's prompts still present, word for word, in ``text`` (marker or not)."""
    body = normalize(text)
    return [(h, p) for h, p in template_prompts(template_text) if normalize(p) in body]


def _asks(block: str) -> bool:
    """A paragraph that asks the author something: it opens with the marker, or it is a table
    with a cell left for the author. (A note that only mentions the marker asks nothing.)"""
    return block.lstrip("*_ ").startswith(MARKER) or (block.startswith("|") and MARKER in block)


def prompted_headings(template_text: str) -> list[str]:
    """Headings of the template's sections that ask the author to write something."""
    return [
        section.heading
        for section in split_sections(template_text)
        if section.heading and any(_asks(b) for b in paragraphs("\n".join(section.lines)))
    ]


def own_lines(lines: list[str], template_text: str) -> list[str]:
    """The lines the author wrote: not blank, not a table rule, not a line of the template."""
    template_lines = {normalize(line) for line in template_text.splitlines()}
    return [
        line
        for line in lines
        if line.strip()
        and not TABLE_RULE.match(line)
        and normalize(line) not in template_lines
        and MARKER not in line
    ]


def find_section(sections: list[Section], heading: str) -> Section | None:
    """The learner's section whose heading contains the template's heading (any case/level)."""
    wanted = normalize(heading)
    exact = next((s for s in sections if s.heading and normalize(s.heading) == wanted), None)
    return exact or next(
        (s for s in sections if s.heading and wanted in normalize(s.heading)), None
    )


def _short(text: str, words: int = 9) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def _lines_list(markers: list[tuple[int, str]], most: int = 6) -> str:
    shown = [f"line {n}" + (f" ({h})" if h else "") for n, h in markers[:most]]
    more = len(markers) - most
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def review_document(
    name: str, text: str, template_text: str, require_result: bool = False
) -> list[str]:
    """What is still the template's in document ``name``, as sentences; [] when it is the
    author's own."""
    if normalize(text) == normalize(template_text):
        return [
            f"{name} is still exactly as the template wrote it: answer each TODO(you) prompt "
            "in your own words"
        ]
    problems = []
    markers = leftover_markers(text)
    if markers:
        problems.append(
            f"{name} still has {len(markers)} line(s) with a TODO(you) marker: "
            f"{_lines_list(markers)}. Replace each prompt with your answer, and delete the "
            f"template's notes to you (`grep -n \"TODO(you)\" {name}` lists them)"
        )
    kept = kept_prompts(text, template_text)
    for heading, prompt in kept:
        problems.append(
            f"{name} still holds the template's prompt under '{heading}' "
            f"(\"{_short(prompt)}\"): deleting the TODO(you) marker is not answering it; "
            "replace the question with your answer"
        )
    sections = split_sections(text)
    for heading in prompted_headings(template_text):
        section = find_section(sections, heading)
        if section is None:
            problems.append(
                f"{name} has no '{heading}' section: keep the template's sections, a reader "
                "looks for them"
            )
            continue
        words = sum(len(line.split()) for line in own_lines(section.lines, template_text))
        flagged = {h for h, _ in kept} | {h for _, h in markers}
        if words < MIN_OWN_WORDS and heading not in flagged:
            problems.append(
                f"{name}'s '{heading}' section has {words} word(s) of your own: answer its "
                f"prompt in at least {MIN_OWN_WORDS} words"
            )
    if require_result and not problems:
        written = own_lines(text.splitlines(), template_text)
        if not any(RESULT_NUMBER.search(line) for line in written):
            problems.append(
                f"{name} quotes no result: cite the numbers of the README's results table "
                "(a test score such as 0.962, or a percentage) where you discuss them"
            )
    return problems


def results_section(text: str) -> str | None:
    """The README's text between the results markers, or None when a marker is missing."""
    start, end = text.find(RESULTS_START), text.find(RESULTS_END)
    if start < 0 or end < start:
        return None
    return text[start + len(RESULTS_START): end]


def section_lines(section: str) -> list[str]:
    """A results section as comparable lines: trailing spaces and blank edges dropped (so a
    file checked out with Windows line endings compares equal)."""
    lines = [line.rstrip() for line in section.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def first_difference(got: list[str], want: list[str]) -> tuple[int, str, str]:
    """(1-based line, got, want) of the first line where two line lists differ."""
    for index in range(max(len(got), len(want))):
        a = got[index] if index < len(got) else "(nothing)"
        b = want[index] if index < len(want) else "(nothing)"
        if a != b:
            return index + 1, a, b
    return 0, "", ""


IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def image_links(section: str) -> list[str]:
    """The relative paths of the images a results section shows."""
    return [p for p in IMAGE_LINK.findall(section) if "://" not in p]
