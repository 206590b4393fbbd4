"""Running the batch verbs on a Ray cluster (`pip install 'sopgen[ray]'`; Ray is imported only when asked).

Ray core tasks rather than Ray Data: the unit of work is one document, whose cost varies by orders of
magnitude (a one-page note, a 300-page PDF), and the results go to a Chroma server or a gap report
written by the driver as they arrive; a task per document with `ray.wait` gives that ordering, retries
on lost nodes and per-document timeouts with nothing more than Ray's own scheduler.
"""

from sopgen.cluster.ray_pool import RayPool, connect

__all__ = ["RayPool", "connect"]
