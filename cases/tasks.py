from celery import shared_task

from .services.bulk import bulk_import_run


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800, ignore_result=True)
def run_bulk_import(job_id: str) -> None:
    """Import a queued CSV file; a redelivered task finds the job no longer queued."""
    bulk_import_run(job_id=job_id)
