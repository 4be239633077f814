"""The batch's per-file review as the application composes it (``app.review_batch`` hands the batch
``app.BatchFileTasks``), for tests that drive ``batch.pool.review`` and ``batch.core.review_one``
directly."""

from functools import partial

from xl_tools.app import BatchFileTasks
from xl_tools.batch.core import review_one as _review_one
from xl_tools.batch.pool import review as _review

review = partial(_review, tasks=BatchFileTasks)
review_one = partial(_review_one, tasks=BatchFileTasks)
