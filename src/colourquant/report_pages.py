"""Tables and texts as small HTML pages, for Snakemake's report to show inline.

The report shows an HTML result in the page (a CSV or text result can only be
downloaded), so the workflow writes each table and text the report holds as an
HTML page too. Everything taken from a table or text is escaped: a page shows
what a config or an image name holds, never runs it.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["table_page", "text_page", "PAGE_STYLE"]

#: Kept small: the report embeds every page.
PAGE_STYLE = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:1em;color:#111}"
    "table{border-collapse:collapse}th,td{padding:2px 8px;border-bottom:1px solid #ddd;"
    "text-align:right;white-space:nowrap}th{position:sticky;top:0;background:#f4f4f4}"
    "td:first-child,th:first-child{text-align:left}p{max-width:50em}"
    "pre{white-space:pre-wrap}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def _cell(value) -> str:
    """A cell as the page shows it: floats to 4 significant digits, blanks for missing."""
    if isinstance(value, float):
        return "" if value != value else format(value, ".4g")
    return str(value)


def table_page(table: pd.DataFrame, title: str, note: str = "") -> str:
    """A table as an HTML page: a header row, then one row per table row, escaped.

    Parameters
    ----------
    table : DataFrame
    title : str
        The page's heading.
    note : str
        A paragraph under the heading (plain text), e.g. where the full
        precision CSV is.

    Returns
    -------
    str

    Examples
    --------
    >>> page = table_page(pd.DataFrame({"image": ["<b>"], "psnr": [31.234567]}), "runs")
    >>> "<td>&lt;b&gt;<td>31.23" in page
    True
    """
    # HTML lets a cell's and a row's end tags out: the report embeds every
    # page, and they would be a quarter of a long table's bytes.
    header = "".join(f"<th>{html.escape(str(column))}" for column in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(value))}" for value in row)
        for row in table.itertuples(index=False, name=None)
    )
    # Numbers right-aligned (PAGE_STYLE), text left-aligned.
    text_columns = [
        i for i, column in enumerate(table.columns, start=1)
        if not pd.api.types.is_numeric_dtype(table[column])
    ]  # fmt: skip
    align = ",".join(f"td:nth-child({i}),th:nth-child({i})" for i in text_columns)
    intro = (f"<style>{align}{{text-align:left}}</style>" if align else "") + (
        f"<p>{html.escape(note)}</p>" if note else ""
    )
    return _page(title, f"{intro}<table><thead><tr>{header}</thead><tbody>{rows}</tbody></table>")


def text_page(text: str, title: str, *, preformatted: bool = False) -> str:
    """A text as an HTML page: a paragraph per blank-line-separated block, escaped.

    With `preformatted` (a config file), the text is kept as it is, in a ``<pre>``.

    Examples
    --------
    >>> text_page("a < b\\n\\nc", "findings").count("<p>")
    2
    """
    if preformatted:
        return _page(title, f"<pre>{html.escape(text)}</pre>")
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    return _page(title, "".join(f"<p>{html.escape(block)}</p>" for block in blocks))
