import logging

from celery import shared_task

from .retention import purge_expired

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3300, ignore_result=True)
def purge_expired_evidence() -> int:
    """Daily from beat: delete the content whose retention period ended (not on hold);
    the run's summary, with what was kept and why, goes to the log."""
    run = purge_expired()
    logger.info("evidence purge: %s", run.summary())
    return len(run.purged)
