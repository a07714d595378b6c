"""The one error base of the project: every error carries an exit code (for ``heg``) and an HTTP status
(for the server), a message in the user's terms and a hint saying how to fix the problem.

The builder maps errors to exit codes in its commands, the server to responses in its application
factory; both read them from here, so an error means the same thing on either side.
"""

from __future__ import annotations

from typing import Any


class HegError(Exception):
    """Base of every error the project reports."""

    exit_code = 1
    status = 500
    title = "Internal Server Error"
    hint = "Try again later; if it persists, report it to the operator with the reference shown."

    def __init__(self, message: str = "", *, hint: str | None = None, headers: dict[str, str] | None = None,
                 **context: Any) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        self.headers = headers or {}
        self.context = context


class ConfigError(HegError):
    """Usage or configuration is wrong: a missing folder, a bad option or setting (exit code 2)."""

    exit_code = 2
    title = "Configuration error"
    hint = "Fix the option or setting named in the message (`heg COMMAND --help` lists the options; the server's settings are in docs/endpoint.md)."


class ReleaseError(ConfigError):
    """A release cannot be written or read (exit code 2)."""

    hint = "Build a release with `heg build`, or point --release / HEG_RELEASE_DIR at a release directory."
