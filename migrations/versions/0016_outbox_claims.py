"""outbox claims

Hand-checked: outbox.claimed_until, set while a deliverer (a worker on any host, or
`flask plc send-mail`) is sending the message, so that `send-mail --all` no longer makes a
message being sent due again (it went out twice). Rows of earlier versions have none.

Revision ID: 0016_outbox_claims
Revises: 0015_rollups
Create Date: 2026-12-01 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_outbox_claims'
down_revision = '0015_rollups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
