"""@mentions: ``@`` and the local part of a person's e-mail address (``@ana.alvarez``), resolved
only among the people who may read the plan in its author's cohorts.

Mentions stay as typed in the stored Markdown and are resolved when shown, so a person who left
the cohort is no longer named. A local part shared by two such people names nobody (ambiguous).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plc import markdown

# Not after a word character, a dot, a slash or another @: "ana@example.org" and URLs are not
# mentions. A trailing dot ends a sentence, not the handle.
_MENTION = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)")
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Person:
    id: int
    handle: str
    name: str


def handle_of(email: str) -> str:
    return email.split("@", 1)[0].lower()


def by_handle(people) -> dict[str, Person]:
    """``(id, email, name)`` rows -> the people one can mention, by handle (ambiguous ones out)."""
    found: dict[str, Person] = {}
    ambiguous: set[str] = set()
    for person_id, email, name in people:
        handle = handle_of(email)
        if handle in found and found[handle].id != person_id:
            ambiguous.add(handle)
        found[handle] = Person(person_id, handle, name)
    return {h: p for h, p in sorted(found.items()) if h not in ambiguous}


def mentioned(body: str, people: dict[str, Person]) -> list[Person]:
    """The people ``body`` mentions, each once, in order of first mention."""
    seen: dict[int, Person] = {}
    for match in _MENTION.finditer(body or ""):
        person = people.get(match.group(1).lower())
        if person is not None:
            seen.setdefault(person.id, person)
    return list(seen.values())


def _escaped(text: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def with_names(body: str, people: dict[str, Person]) -> str:
    """Markdown source with each known @handle replaced by the person's name in bold (the
    name is escaped as Markdown; the sanitizer runs afterwards on the whole)."""
    def name(match: re.Match) -> str:
        person = people.get(match.group(1).lower())
        return f"**@{_escaped(person.name)}**" if person else match.group(0)

    return _MENTION.sub(name, body or "")


def render(body: str, people: dict[str, Person]):
    """The comment as safe HTML, mentions shown as names."""
    return markdown.render(with_names(body, people))


def plain_with_names(body: str, people: dict[str, Person]) -> str:
    """Plain text (for excerpts and e-mail): @handle -> @Name."""
    def name(match: re.Match) -> str:
        person = people.get(match.group(1).lower())
        return f"@{person.name}" if person else match.group(0)

    return _MENTION.sub(name, body or "")
