"""Rules: stored evaluations, authority rule settings, gate evidence on stage moves, project subsector.

Revision ID: 0002_rules
Revises: 0001
Create Date: 2026-11-27
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_rules"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("facts_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rule_sets", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("failing_blockers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation") as batch_op:
        batch_op.create_index("ix_evaluation_project_id", ["project_id"], unique=False)
        batch_op.create_index("ix_evaluation_project_latest", ["project_id", "is_latest"], unique=False)

    op.create_table(
        "rule_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("rule_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["authority_id"], ["authority.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rule_setting") as batch_op:
        batch_op.create_index("ix_rule_setting_authority_id", ["authority_id"], unique=False)

    with op.batch_alter_table("project") as batch_op:
        batch_op.add_column(sa.Column("subsector", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))

    with op.batch_alter_table("stage_history") as batch_op:
        batch_op.add_column(sa.Column("evaluation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("override_justification", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_stage_history_evaluation", "evaluation", ["evaluation_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("stage_history") as batch_op:
        batch_op.drop_constraint("fk_stage_history_evaluation", type_="foreignkey")
        batch_op.drop_column("override_justification")
        batch_op.drop_column("evaluation_id")
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_column("subsector")
    op.drop_table("rule_setting")
    op.drop_table("evaluation")
