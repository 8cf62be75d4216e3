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


class AccessDenied(ReadinessError):
    """The caller's role or region does not cover what was asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="access_denied")


class CodedError(ReadinessError):
    """An error known by its code and named fields; the text is the catalogue's template.

    The database layer raises these: it holds no user text, so the message is rendered from
    ``readiness.messages`` when someone reads it.
    """

    def __init__(self, code: str, /, **fields: object) -> None:
        Exception.__init__(self, code)
        self.code = code
        self.fields = fields

    @property
    def message(self) -> str:  # type: ignore[override]
        from readiness.messages import render_error  # the catalogue; imports no error class

        return render_error(self.code, self.fields)

    def __str__(self) -> str:
        return self.message


class DatabaseFileError(CodedError):
    """The database file is damaged or not a DuckDB file; ``path`` is the file concerned."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__("database_damaged", path=path, detail=detail)
        self.path = path
        self.detail = detail


class DatabaseBusyError(CodedError):
    """The database file stayed locked by another process for longer than we retry."""

    def __init__(self, file: str) -> None:
        super().__init__("database_busy", file=file)
