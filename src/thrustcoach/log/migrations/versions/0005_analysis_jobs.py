"""Video-check jobs in the database (state, progress, owner) and the processes that run them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "analysis_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("input_name", sa.String(length=255), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("hint", sa.Text(), nullable=True),
        sa.Column("warnings_json", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.String(length=120), nullable=True),
        sa.Column("frames", sa.Integer(), nullable=True),
        sa.Column("pose_s", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("set_id", sa.Integer(), nullable=True),
        sa.Column("analysis_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_analysis_jobs_state")
        ),
        sa.CheckConstraint(
            "progress >= 0 AND progress <= 1", name=op.f("ck_analysis_jobs_progress_range")
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_analysis_jobs_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_analysis_jobs_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_analysis_jobs_set_id_sets"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["video_analyses.id"],
            name=op.f("fk_analysis_jobs_analysis_id_video_analyses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_jobs")),
    )
    with op.batch_alter_table("analysis_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analysis_jobs_athlete_id"), ["athlete_id"])
        batch_op.create_index(batch_op.f("ix_analysis_jobs_user_id"), ["user_id"])
        batch_op.create_index("ix_analysis_jobs_state_created", ["state", "created_at"])

    op.create_table(
        "job_runners",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("busy", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runners")),
    )


def downgrade() -> None:
    op.drop_table("job_runners")
    with op.batch_alter_table("analysis_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_analysis_jobs_state_created")
        batch_op.drop_index(batch_op.f("ix_analysis_jobs_user_id"))
        batch_op.drop_index(batch_op.f("ix_analysis_jobs_athlete_id"))
    op.drop_table("analysis_jobs")
