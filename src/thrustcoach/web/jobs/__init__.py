"""Video-check jobs: rows in the database, files on disk, run by warm workers.

* :mod:`.store`: the job rows (through :mod:`thrustcoach.log.jobqueue`) and job folders;
* :mod:`.workers`: the app's job workers, started with the server;
* :mod:`.dispatcher`: claims queued jobs, hands them to a pool, records progress and
  results, puts jobs of a stopped server back in the queue;
* :mod:`.pool` / :mod:`.ray_pool`: warm local processes or Ray actors;
* :mod:`.worker`: what runs inside a worker (a warm pose estimator, one job at a time).
"""

from thrustcoach.web.jobs.store import OUTPUT_FILES, Job, JobStore, valid_job_id
from thrustcoach.web.jobs.workers import JobWorkers

__all__ = ["OUTPUT_FILES", "Job", "JobStore", "JobWorkers", "valid_job_id"]
