"""activity roll-ups

Hand-checked: activity_rollups, one row per (programme, person, month in the programme's time
zone) with that month's counts of progress updates, comments given and received and submitted
worksheets (plc/dashboards/models.py:ActivityRollup). Filled here from the events, as
`flask plc rebuild-rollups` does, so that an upgraded database reads the right figures at once.
The fill calls the application's rollups.rebuild: a later revision that changes these tables
must freeze a copy of it here.

Revision ID: 0015_rollups
Revises: 0014_i15b
Create Date: 2026-12-01 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0015_rollups'
down_revision = '0014_i15b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'activity_rollups',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('updates', sa.Integer(), nullable=False),
        sa.Column('last_update_at', sa.DateTime(), nullable=True),
        sa.Column('comments_given', sa.Integer(), nullable=False),
        sa.Column('last_comment_at', sa.DateTime(), nullable=True),
        sa.Column('comments_received', sa.Integer(), nullable=False),
        sa.Column('worksheets', sa.Integer(), nullable=False),
        sa.Column('last_worksheet_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_activity_rollups_program_id_programs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_activity_rollups_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('program_id', 'user_id', 'month',
                                name=op.f('pk_activity_rollups')),
    )
    with op.batch_alter_table('activity_rollups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_rollups_user_id'), ['user_id'],
                              unique=False)
    from plc.dashboards import rollups
    rollups.rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table('activity_rollups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_rollups_user_id'))
    op.drop_table('activity_rollups')
