from django.db import transaction

from .models import Counter


def allocate(name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of the counter ``name`` (1-based).

    The row lock is held to the end of the caller's transaction: a rollback gives the
    numbers back, so references stay gap-free.
    """
    with transaction.atomic():
        Counter.objects.get_or_create(name=name)
        counter = Counter.objects.select_for_update().get(name=name)
        start = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
    return range(start, start + count)
