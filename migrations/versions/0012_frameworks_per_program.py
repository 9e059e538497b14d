"""frameworks per programme

Hand-checked: a programme offers further frameworks besides its first (programs.framework_id),
in order; a cohort may choose one of them (null: the programme's first).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('program_frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_program_frameworks_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_frameworks_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_frameworks')),
    sa.UniqueConstraint('program_id', 'framework_id', name=op.f('uq_program_frameworks_program_id_framework_id'))
    )
    with op.batch_alter_table('program_frameworks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_frameworks_framework_id'), ['framework_id'], unique=False)

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('framework_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cohorts_framework_id'), ['framework_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cohorts_framework_id_frameworks'), 'frameworks', ['framework_id'], ['id'])


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohorts_framework_id_frameworks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cohorts_framework_id'))
        batch_op.drop_column('framework_id')

    with op.batch_alter_table('program_frameworks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_frameworks_framework_id'))

    op.drop_table('program_frameworks')
