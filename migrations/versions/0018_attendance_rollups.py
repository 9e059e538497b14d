"""attendance roll-ups

Hand-checked: attendance_rollups, one row per (cohort, person, month in the programme's time
zone) with that month's meetings that count for the person (not cancelled, on or after the
day they joined or with their attendance taken) and how many they came to
(plc/dashboards/models.py:AttendanceRollup). Filled here from the meetings, as
`flask plc rebuild-rollups` does, so that an upgraded database reads the right figures at once.
The fill calls the application's attendance_rollups.rebuild: a later revision that changes
these tables must freeze a copy of it here.

Revision ID: 0018_attendance_rollups
Revises: 0017_site_stamps
Create Date: 2026-12-02 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_attendance_rollups'
down_revision = '0017_site_stamps'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attendance_rollups',
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('meetings', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'],
                                name=op.f('fk_attendance_rollups_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_attendance_rollups_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cohort_id', 'user_id', 'month',
                                name=op.f('pk_attendance_rollups')),
    )
    with op.batch_alter_table('attendance_rollups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_rollups_user_id'), ['user_id'],
                              unique=False)
    from plc.dashboards import attendance_rollups
    attendance_rollups.rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table('attendance_rollups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_rollups_user_id'))
    op.drop_table('attendance_rollups')
