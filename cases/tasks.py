from celery import shared_task

from .services.bulk import bulk_import_run, bulk_imports_recover
from .services.orders import sandbox_clarification_auto_answer


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800, ignore_result=True)
def run_bulk_import(job_id: str) -> None:
    """Import a queued CSV file; a redelivered task finds the job no longer queued."""
    bulk_import_run(job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def recover_bulk_imports() -> int:
    """Every five minutes from beat: imports whose task was lost are enqueued again."""
    return bulk_imports_recover()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def answer_sandbox_clarification(response_id: int) -> bool:
    """SANDBOX_ANSWER_DELAY_SECONDS after a platform asked on a sandbox order: the
    canned answer. A question answered meanwhile (or redelivered) is left alone."""
    return sandbox_clarification_auto_answer(response_id=response_id)
