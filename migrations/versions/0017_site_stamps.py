"""site stamps

Hand-checked: the one-row table of the site's stamps (plc/stamps.py), which the committed
writes that a kept page body could show change, so that the workers may keep whole page bodies.

Revision ID: 0017_site_stamps
Revises: 0016_outbox_claims
Create Date: 2026-12-01 12:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_site_stamps'
down_revision = '0016_outbox_claims'
branch_labels = None
depends_on = None


def upgrade():
    stamps = op.create_table(
        'site_stamps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site', sa.BigInteger(), nullable=False),
        sa.Column('content', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_stamps')),
    )
    op.bulk_insert(stamps, [{'id': 1, 'site': secrets.randbits(62),
                             'content': secrets.randbits(62)}])


def downgrade():
    op.drop_table('site_stamps')
