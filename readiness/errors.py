"""The one user-facing exception family: each carries a Bahasa Indonesia message with the fix."""


class ReadinessError(Exception):
    """A problem the user can fix; ``message`` is shown as is, ``code`` is for tests and JSON."""

    def __init__(self, message: str, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ReferenceDataError(ReadinessError):
    """A bundled reference or settings file is malformed: start-up stops with file, row, problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="reference_data")


class DatabaseBusyError(ReadinessError):
    """The database file stayed locked by another process for longer than we retry."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="database_busy")


class AccessDenied(ReadinessError):
    """The caller's role or region does not cover what was asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="access_denied")
