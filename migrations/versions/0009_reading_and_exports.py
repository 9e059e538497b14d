"""reading record and my-data exports

Hand-checked: who opened whose worksheet or plan (one row per reader, object and day; the
object named by type and id and by a cascading foreign key of its kind, so that the record goes
with the content), and the export jobs of "my data". Times are naive UTC columns (sa.DateTime,
as in 0002 and on).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reading_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(
        "(object_type = 'worksheet' AND assessment_id = object_id AND plan_id IS NULL)"
        " OR (object_type = 'plan' AND plan_id = object_id AND assessment_id IS NULL)",
        name=op.f('ck_reading_records_names_its_object')),
    sa.ForeignKeyConstraint(['reader_id'], ['users.id'], name=op.f('fk_reading_records_reader_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['self_assessments.id'], name=op.f('fk_reading_records_assessment_id_self_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plans.id'], name=op.f('fk_reading_records_plan_id_action_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_records')),
    sa.UniqueConstraint('reader_id', 'object_type', 'object_id', 'day', name=op.f('uq_reading_records_reader_id_object_type_object_id_day'))
    )
    with op.batch_alter_table('reading_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_records_reader_id'), ['reader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_records_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_records_plan_id'), ['plan_id'], unique=False)

    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('parts', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_exports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports'))
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_exports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_data_exports_created_at'))

    op.drop_table('data_exports')
    with op.batch_alter_table('reading_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_records_plan_id'))
        batch_op.drop_index(batch_op.f('ix_reading_records_assessment_id'))
        batch_op.drop_index(batch_op.f('ix_reading_records_reader_id'))

    op.drop_table('reading_records')
