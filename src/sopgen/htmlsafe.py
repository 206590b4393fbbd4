"""Generated HTML that treats every document and brief string as text, never as markup or script.

Two rules serve every HTML sopgen writes (draft pages, gap reports, notebook views): data embedded in a
script is JSON with `<`, `>` and `&` escaped, so no document line can close the script or open a comment
inside it; and each page carries a Content-Security-Policy that allows only its own scripts (by hash), no
network requests and no inline event handlers, so even a renderer bug cannot run injected script.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any


def script_json(data: Any) -> str:
    """JSON that is inert inside <script>: no '</script>', '<!--' or line separators survive."""
    return (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_meta(scripts: list[str]) -> str:
    """A CSP <meta> allowing exactly `scripts` (by sha256) and inline styles: the hashes come from what the
    renderer meant to run, never from scanning its output, so text that slipped through as a <script>
    still cannot run."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"
        for script in scripts
    )
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {hashes or chr(39) + 'none' + chr(39)}; "
              "base-uri 'none'; form-action 'none'")
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'


def with_csp(page: str, scripts: list[str]) -> str:
    """`page` with a CSP for `scripts` as the first element of <head> (before anything can run)."""
    if "<head>" not in page:
        raise ValueError("a generated page must have a plain <head> for its Content-Security-Policy")
    return page.replace("<head>", "<head>" + csp_meta(scripts), 1)
