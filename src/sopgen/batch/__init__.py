"""Running many documents: budgets per document and a worker pool that enforces them."""

from sopgen.batch.limits import Limits

__all__ = ["Limits"]
