"""Problems found in the sources, and the exceptions that carry them (on the kernel's error base).

A :class:`Problem` names the file, the line, the field, what is wrong and what to do about it. The
builder collects every problem of a run before it stops, so a curator sees them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from heg_core.errors import ConfigError, HegError, ReleaseError

__all__ = ["ConfigError", "HegError", "Problem", "Problems", "ReleaseError", "SourceErrors",
           "ValidationFailed"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located as precisely as we can."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" stops a release; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.severity}: {self.field}: {self.message}" if self.field else (
            f"{where}: {self.severity}: {self.message}"
        )
        return f"{text}\n    fix: {self.hint}" if self.hint else text


@dataclass
class Problems:
    """A collector of problems, so one run reports all of them."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: Path | str,
        line: int,
        field: str,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> None:
        self.items.append(Problem(str(file), line, field, message, hint, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity != "error"]

    def __bool__(self) -> bool:  # truthy when there is at least one error
        return bool(self.errors)


class SourceErrors(HegError):
    """The sources have problems: a curator must fix them (exit code 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the sources")


class ValidationFailed(HegError):
    """The built graph violates the SHACL shapes (exit code 1)."""

    def __init__(self, report_text: str, violations: int) -> None:
        self.report_text = report_text
        self.violations = violations
        super().__init__(f"the graph has {violations} SHACL violation{'s' if violations != 1 else ''}")
