"""Per-user weight unit (kg or lb) for showing and entering loads; loads stay stored in kg.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weight_unit", sa.String(length=2), server_default="kg", nullable=False)
        )
        batch_op.create_check_constraint("weight_unit", "weight_unit IN ('kg', 'lb')")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_weight_unit"), type_="check")
        batch_op.drop_column("weight_unit")
