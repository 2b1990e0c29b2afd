"""The one exception tree of ThrustCoach.

Every error a user can cause derives from :class:`ThrustCoachError`. Messages are one line and
say what was wrong and what to do about it. The CLI maps ``exit_code`` to the process exit code;
the web app maps ``http_status`` to an RFC 9457 problem response. (The web app adds a few of
its own below the root: 401 sign-in required, 408 request timeout, 429 too many attempts.)

::

    ThrustCoachError                    exit 1  / HTTP 400
    ├── UsageError                      exit 2  / 400   bad option value or combination
    ├── InputFileError                  exit 3  / 422   a file is unreadable or not what it claims
    │   ├── UnsupportedFormatError      exit 3  / 415   not a format we read
    │   ├── FileTooLargeError           exit 3  / 413   above its size limit (max_*_mb settings)
    │   └── VideoError                  exit 3  / 422   not a video, corrupt, unreadable, no frames
    ├── DataError                       exit 4  / 500   a shipped data file is invalid (our bug)
    ├── AnalysisError                   exit 5  / 422   the input holds no analysable movement
    │   └── NoPersonError               exit 5  / 422   no (whole) person found
    ├── PlanError                       exit 2  / 422   plan inputs out of range or inconsistent
    ├── NotFoundError                   exit 6  / 404   unknown athlete, set, plan, variant ...
    ├── ConflictError                   exit 7  / 409   already exists / concurrent change
    ├── StorageError                    exit 8  / 503   database locked, read-only, corrupt, down
    ├── PermissionDeniedError           exit 9  / 403   not yours to read or change
    └── DependencyMissingError          exit 10 / 501   an optional extra (MediaPipe, Ray) is absent
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "ConflictError",
    "DataError",
    "DependencyMissingError",
    "FileTooLargeError",
    "InputFileError",
    "NoPersonError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanError",
    "StorageError",
    "ThrustCoachError",
    "UnsupportedFormatError",
    "UsageError",
    "VideoError",
]


class ThrustCoachError(Exception):
    """Root of every error ThrustCoach raises on purpose.

    ``message`` says what was wrong; ``hint`` (optional) says what to do. ``str(err)`` joins
    them into the single line the CLI prints.
    """

    exit_code: int = 1
    http_status: int = 400
    title: str = "ThrustCoach error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message.strip().replace("\n", " ")
        self.hint = hint.strip().replace("\n", " ") if hint else None
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(ThrustCoachError):
    exit_code = 2
    title = "Invalid request"


class InputFileError(ThrustCoachError):
    exit_code = 3
    http_status = 422
    title = "Unreadable input"


class UnsupportedFormatError(InputFileError):
    http_status = 415
    title = "Unsupported format"


class FileTooLargeError(InputFileError):
    http_status = 413
    title = "File too large"


class VideoError(InputFileError):
    title = "Video problem"


class DataError(ThrustCoachError):
    exit_code = 4
    http_status = 500
    title = "Invalid data file"


class AnalysisError(ThrustCoachError):
    exit_code = 5
    http_status = 422
    title = "Nothing to analyse"


class NoPersonError(AnalysisError):
    title = "No person found"


class PlanError(ThrustCoachError):
    exit_code = 2
    http_status = 422
    title = "Invalid plan input"


class NotFoundError(ThrustCoachError):
    exit_code = 6
    http_status = 404
    title = "Not found"


class ConflictError(ThrustCoachError):
    exit_code = 7
    http_status = 409
    title = "Conflict"


class StorageError(ThrustCoachError):
    exit_code = 8
    http_status = 503
    title = "Storage unavailable"


class PermissionDeniedError(ThrustCoachError):
    exit_code = 9
    http_status = 403
    title = "Forbidden"


class DependencyMissingError(ThrustCoachError):
    exit_code = 10
    http_status = 501
    title = "Optional component missing"
