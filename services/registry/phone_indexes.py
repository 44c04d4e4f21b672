"""Fill the blind index of the phones of members registered before phones had one (registry
migration 0013): decrypt each phone, index it, a batch a transaction, until none is left.
Run once after that migration (`python -m services.registry index-phones`); it is safe to run
again or to stop midway."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from services.registry.components import PHONE_FIELD, Components
from services.registry.models import Member

BATCH = 1000


async def index_phones(components: Components, batch: int = BATCH) -> int:
    """How many members' phones were indexed."""
    protector, indexed = components.protector, 0
    while True:
        async with components.db.unit_of_work() as session:
            statement = (
                select(Member.id, Member.phone_cipher)
                .where(col(Member.phone_cipher).is_not(None), col(Member.phone_index).is_(None))
                .limit(batch)
            )
            found = (await session.exec(statement)).all()
            for member_id, cipher in found:
                assert cipher is not None
                phone = protector.decrypt(cipher, PHONE_FIELD)
                await session.exec(
                    update(Member)
                    .where(col(Member.id) == member_id)
                    .values(phone_index=protector.blind_index(phone, PHONE_FIELD))
                )
        indexed += len(found)
        if len(found) < batch:
            return indexed
