"""Rich display of sopgen objects in Jupyter, registered with IPython's formatters.

The models stay plain data (schema and checks import no renderer); the outer layer teaches IPython how to
show them. `sopgen.api` calls `register()` on import, so `import sopgen` plus any API call is enough.
"""

from __future__ import annotations

import sys
from typing import Any


def _sop_html(sop: Any) -> str:
    from sopgen.render.html import render_html

    return render_html(sop)


def _sop_markdown(sop: Any) -> str:
    from sopgen.render.markdown import render_markdown

    return render_markdown(sop, with_front_matter=False)


def _document_html(report: Any) -> str:
    from sopgen.checks.output import report_html_fragment

    return report_html_fragment(report)


def _report_html(report: Any) -> str:
    from sopgen.checks.output import heatmap_html

    return heatmap_html(report)


def register(shell: Any | None = None) -> bool:
    """Register the formatters with the running IPython shell; False outside IPython."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    if shell is None:
        return False
    from sopgen.checks.findings import DocumentReport, Report
    from sopgen.schema import SOP

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(SOP, _sop_html)
    formatters["text/markdown"].for_type(SOP, _sop_markdown)
    formatters["text/html"].for_type(DocumentReport, _document_html)
    formatters["text/html"].for_type(Report, _report_html)
    return True
