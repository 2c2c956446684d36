"""Errors backgen reports to its users.

Every problem with the user's forward function is a ``BackgenError``: a
``SyntaxError`` subclass carrying the user's file, line, column and the text of
the offending line, so tracebacks and editors point at the user's code.
"""


class BackgenError(SyntaxError):
    """The forward function uses something backgen cannot differentiate."""

    def __init__(self, message, filename="<string>", lineno=None, col=None, text=None):
        super().__init__(message, (filename, lineno, col, text))

    def location(self):
        """``FILE:LINE:COL`` (columns are 1-based), as compilers print it."""
        parts = [self.filename or "<string>"]
        if self.lineno:
            parts.append(str(self.lineno))
            if self.offset:
                parts.append(str(self.offset))
        return ":".join(parts)

    def __str__(self):
        return f"{self.location()}: {self.msg}"


class NoSourceError(TypeError):
    """backgen cannot read a function's source (typed at a prompt, made by exec)."""
