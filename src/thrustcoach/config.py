"""Typed application settings: defaults < TOML file < environment < CLI flags.

* defaults: the field defaults below;
* TOML file: ``$THRUSTCOACH_CONFIG`` or ``<user config dir>/thrustcoach/config.toml`` if present;
* environment: ``THRUSTCOACH_<FIELD>`` (e.g. ``THRUSTCOACH_DATABASE_URL``);
* CLI flags: passed to :func:`load_settings` as keyword overrides.

Stage tunables (analysis thresholds, fault rules, program templates) are data files owned by
their domain package, not settings; a settings field may point at a user copy of one.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from thrustcoach.errors import UsageError

__all__ = ["Settings", "default_config_path", "default_data_dir", "load_settings"]

APP_NAME = "thrustcoach"


def default_data_dir() -> Path:
    """Where the embedded database, uploads and job outputs live unless told otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    env = os.environ.get("THRUSTCOACH_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


class Settings(BaseSettings):
    """Application settings. Frozen: derive a new object with ``model_copy(update=...)``."""

    model_config = SettingsConfigDict(env_prefix="THRUSTCOACH_", frozen=True, extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file 'thrustcoach.db' in data_dir.",
    )
    log_level: str = "WARNING"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_upload_mb: int = Field(default=500, ge=1)
    secret_key: str | None = Field(
        default=None,
        description="Signs session cookies; generated and stored in data_dir if unset.",
    )
    # Video-check jobs (see thrustcoach.web.jobs): where they run and how much one may take.
    job_workers: int | None = Field(
        default=None,
        ge=1,
        description="Jobs run side by side (warm pose worker processes); default: CPU cores.",
    )
    ray_address: str | None = Field(
        default=None,
        description="Run jobs on Ray: 'local' (a private instance), 'auto' or HOST:PORT.",
    )
    job_timeout_s: float = Field(default=600.0, gt=0, description="A job running longer fails.")
    max_video_s: float = Field(default=300.0, gt=0, description="Longest clip a job analyses.")
    max_active_jobs_per_user: int = Field(
        default=3, ge=1, description="Queued plus running checks one person may have."
    )
    pose_warm_start: bool = Field(
        default=True, description="Build the pose model when a worker starts, not at its first job."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Server logs: 'text' lines or one JSON object per line."
    )
    # Input limits: a file larger than its limit is refused before it is read whole (a
    # 327 MB landmark file took 161 s and 2.7 GB; /dev/zero never ends). 36,000 frames x 33
    # landmarks (20 minutes at 30 fps) is a 66 MB landmark CSV.
    max_landmark_mb: int = Field(
        default=100, ge=1, description="Largest landmark CSV or TRC file read (MB)."
    )
    max_import_mb: int = Field(
        default=50, ge=1, description="Largest Strong/Hevy CSV export imported (MB)."
    )
    max_json_mb: int = Field(
        default=20, ge=1, description="Largest plan, results or analysis JSON file read (MB)."
    )
    # Slow or stalled clients: a request must send its headers within header_timeout_s of
    # connecting, and its body may pause at most body_idle_timeout_s between chunks and must
    # arrive at body_min_rate_kib_s on average (after the first body_idle_timeout_s).
    header_timeout_s: float = Field(default=10.0, gt=0, le=600)
    body_idle_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    body_min_rate_kib_s: float = Field(default=16.0, gt=0)
    # Proxy headers (X-Forwarded-For/-Proto) are believed only from these addresses or
    # networks (e.g. ["127.0.0.1"] behind a local nginx); empty = never: the client address
    # is the TCP peer, so nobody can dodge the login throttle with a made-up header.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        """``THRUSTCOACH_TRUSTED_PROXIES=10.0.0.1,10.0.0.0/8`` as well as a TOML list."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'thrustcoach.db'}"


MAX_CONFIG_BYTES = 1024 * 1024  # a settings file is a few lines


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise UsageError(
                f"config file {path} is larger than 1 MB", hint="is it really the config file?"
            )
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"config file {path} is not UTF-8 text",
            hint="save it as UTF-8 or unset THRUSTCOACH_CONFIG",
        ) from exc
    except OSError as exc:
        raise UsageError(
            f"cannot read config file {path}: {exc.strerror}",
            hint="fix its permissions or unset THRUSTCOACH_CONFIG",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f"config file {path} is not valid TOML: {exc}", hint="fix the line it names"
        ) from exc


def load_settings(*, config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from all layers. ``overrides`` are CLI flags; ``None`` values are ignored."""
    path = config_file or default_config_path()
    file_values: dict[str, Any] = _read_toml(path) if path.is_file() else {}
    # Environment beats the file: drop file keys that the environment sets.
    file_values = {
        k: v for k, v in file_values.items() if f"THRUSTCOACH_{k.upper()}" not in os.environ
    }
    cli = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**{**file_values, **cli})
    except SettingsError as exc:  # an environment value that should be JSON is not
        raise UsageError(
            f"invalid setting: {exc}", hint="check the THRUSTCOACH_* environment variables"
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(
            f"invalid setting {where!r}: {first['msg']}",
            hint=f"check {path} and the THRUSTCOACH_* environment variables",
        ) from exc
