"""dashboards: nudges and nudge thresholds

Hand-checked: times are naive UTC columns (sa.DateTime, as in 0002); the programme's new
columns get server defaults so that existing programmes are valid.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:27:12.061475

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nudges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_nudges_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_nudges_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nudges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudges'))
    )
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nudges_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nudges_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudge_update_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('nudge_missed_meetings', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('nudge_no_feedback', sa.Boolean(), nullable=False, server_default=sa.true()))



def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('nudge_no_feedback')
        batch_op.drop_column('nudge_missed_meetings')
        batch_op.drop_column('nudge_update_days')

    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudges_user_id'))
        batch_op.drop_index(batch_op.f('ix_nudges_created_at'))
        batch_op.drop_index(batch_op.f('ix_nudges_cohort_id'))

    op.drop_table('nudges')
