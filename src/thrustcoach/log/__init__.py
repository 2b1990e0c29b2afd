"""The per-leg training log: SQL storage, data access, asymmetry analytics, charts, import/export.

Storage: :func:`get_engine` (migrated to the newest schema on first use) and
:func:`session_scope` (one transaction). Data access: keyword-only functions in
:mod:`thrustcoach.log.repo` (and, for the web app's users, API tokens and coach links,
:mod:`thrustcoach.log.accounts`) taking a SQLAlchemy ``Session``.
Models: :mod:`thrustcoach.log.models`.
"""

from thrustcoach.log.db import (
    commit_and_yield,
    dispose_engines,
    get_engine,
    make_engine,
    make_sessionmaker,
    session_scope,
    storage_error,
    upgrade_database,
)
from thrustcoach.log.models import (
    ApiToken,
    Athlete,
    Base,
    BodyMass,
    CoachLink,
    LoginSession,
    RepMetric,
    Role,
    SetEntry,
    StoredPlan,
    TrainingSession,
    User,
    VideoAnalysis,
)
from thrustcoach.log.values import match_variant, parse_load_kg, parse_side, parse_variant

__all__ = [
    "ApiToken",
    "Athlete",
    "Base",
    "BodyMass",
    "CoachLink",
    "LoginSession",
    "RepMetric",
    "Role",
    "SetEntry",
    "StoredPlan",
    "TrainingSession",
    "User",
    "VideoAnalysis",
    "commit_and_yield",
    "dispose_engines",
    "get_engine",
    "make_engine",
    "make_sessionmaker",
    "match_variant",
    "parse_load_kg",
    "parse_side",
    "parse_variant",
    "session_scope",
    "storage_error",
    "upgrade_database",
]
