"""Initial schema: athletes, body mass, plans, sessions, sets, video analyses.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("weak_side", sa.String(length=5), nullable=True),
        sa.Column("bilateral_ref_load_kg", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("bilateral_ref_reps", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("weak_side IN ('left', 'right')", name=op.f("ck_athletes_weak_side")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_athletes")),
        sa.UniqueConstraint("name", name=op.f("uq_athletes_name")),
    )
    op.create_table(
        "body_mass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("mass_kg", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.CheckConstraint("mass_kg > 0", name=op.f("ck_body_mass_positive")),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_body_mass_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_mass")),
        sa.UniqueConstraint("athlete_id", "measured_on", name="uq_body_mass_athlete_day"),
    )
    with op.batch_alter_table("body_mass", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_mass_athlete_id"), ["athlete_id"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("weeks", sa.Integer(), nullable=True),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_plans_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_athlete_id"), ["athlete_id"], unique=False)

    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("plan_week", sa.Integer(), nullable=True),
        sa.Column("plan_session_index", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("feel", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "feel IS NULL OR (feel BETWEEN 1 AND 5)", name=op.f("ck_training_sessions_feel_range")
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_training_sessions_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_training_sessions_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
        sa.UniqueConstraint("athlete_id", "import_key", name="uq_training_sessions_import"),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_sessions_athlete_id"), ["athlete_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_sessions_performed_on"), ["performed_on"], unique=False
        )

    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=60), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("order_index", sa.Integer(), nullable=False),
        sa.Column("target_reps", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("target_load_kg", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("load_kg", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("pause_s", sa.Float(), nullable=True),
        sa.Column("lowering_s", sa.Float(), nullable=True),
        sa.Column("rpe", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("rir", sa.Integer(), nullable=True),
        sa.Column("bench_contact", sa.Boolean(), nullable=True),
        sa.Column("pelvis_level", sa.Boolean(), nullable=True),
        sa.Column("full_range", sa.Boolean(), nullable=True),
        sa.Column("pain", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("side IN ('left', 'right', 'both')", name=op.f("ck_sets_side")),
        sa.CheckConstraint("load_kg >= 0", name=op.f("ck_sets_load_nonneg")),
        sa.CheckConstraint("reps >= 0", name=op.f("ck_sets_reps_nonneg")),
        sa.CheckConstraint("rir IS NULL OR rir >= 0", name=op.f("ck_sets_rir_nonneg")),
        sa.CheckConstraint(
            "rpe IS NULL OR (rpe >= 1 AND rpe <= 10)", name=op.f("ck_sets_rpe_range")
        ),
        sa.CheckConstraint(
            "target_reps IS NULL OR target_reps >= 0", name=op.f("ck_sets_target_nonneg")
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_sets_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_sets_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
        sa.UniqueConstraint("athlete_id", "import_key", name="uq_sets_import"),
    )
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sets_athlete_id"), ["athlete_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sets_session_id"), ["session_id"], unique=False)

    op.create_table(
        "video_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("exercise", sa.String(length=60), nullable=True),
        sa.Column("analysis_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_video_analyses_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_video_analyses_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_analyses")),
    )
    with op.batch_alter_table("video_analyses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_analyses_athlete_id"), ["athlete_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_video_analyses_set_id"), ["set_id"], unique=False)

    op.create_table(
        "rep_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("rep_index", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("concentric_s", sa.Float(), nullable=True),
        sa.Column("pause_s", sa.Float(), nullable=True),
        sa.Column("eccentric_s", sa.Float(), nullable=True),
        sa.Column("peak_hip_angle_deg", sa.Float(), nullable=True),
        sa.Column("knee_angle_top_deg", sa.Float(), nullable=True),
        sa.Column("shin_angle_top_deg", sa.Float(), nullable=True),
        sa.Column("fault_codes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["video_analyses.id"],
            name=op.f("fk_rep_metrics_analysis_id_video_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_rep_metrics_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_metrics")),
    )
    with op.batch_alter_table("rep_metrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rep_metrics_analysis_id"), ["analysis_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rep_metrics_athlete_id"), ["athlete_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rep_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rep_metrics_athlete_id"))
        batch_op.drop_index(batch_op.f("ix_rep_metrics_analysis_id"))

    op.drop_table("rep_metrics")
    with op.batch_alter_table("video_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_analyses_set_id"))
        batch_op.drop_index(batch_op.f("ix_video_analyses_athlete_id"))

    op.drop_table("video_analyses")
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sets_session_id"))
        batch_op.drop_index(batch_op.f("ix_sets_athlete_id"))

    op.drop_table("sets")
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_sessions_performed_on"))
        batch_op.drop_index(batch_op.f("ix_training_sessions_athlete_id"))

    op.drop_table("training_sessions")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_athlete_id"))

    op.drop_table("plans")
    with op.batch_alter_table("body_mass", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_mass_athlete_id"))

    op.drop_table("body_mass")
    op.drop_table("athletes")
