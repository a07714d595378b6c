"""SPARQL tokens, read with the SPARQL 1.1 grammar's terminals as pyoxigraph's parser reads them.

IRIs, prefixed names, variables, the four string forms and comments are terminals, so a keyword inside a
string, an IRI or a comment is never mistaken for the keyword itself; no ``\\u`` pre-unescaping happens
outside strings and IRIs (as in pyoxigraph). The :mod:`.policy` reads these tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

_PN_CHARS_BASE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00B7\u0300-\u036F\u203F-\u2040\\-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^"\\]|\\.))*\"\"\"
              | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][""" + _PN_CHARS + r"""]+)
  | (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""_](?:[""" + _PN_CHARS + r""".]*[""" + _PN_CHARS + r"""])?)?:
               (?:(?:[""" + _PN_CHARS + r""":]|""" + _PLX + r""")(?:[""" + _PN_CHARS + r""".:]|""" + _PLX + r""")*
                  (?<!\.))?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|&&|\|\||<=|>=|!=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    offset: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> Iterator[Token]:
    """SPARQL tokens, whitespace and comments dropped."""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), position)
        position = match.end()


def position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


class Resolver:
    """Expands IRIs and prefixed names as the query's prologue declares them."""

    def __init__(self) -> None:
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}

    def iri(self, token: Token) -> str | None:
        if token.kind == "iri":
            value = unescape_iri(token.text[1:-1])
            if self.base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value):
                return urljoin(self.base, value)
            return value
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                return None
            return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None


def unescape_iri(value: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), value)


def is_relative(token: Token) -> bool:
    """An IRI token without a scheme (``<x>``, ``<../y>``, ``<>``): it resolves against the base."""
    return token.kind == "iri" and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", unescape_iri(token.text[1:-1]))
