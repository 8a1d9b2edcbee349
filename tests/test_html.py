"""HTML to text: visible text only, block structure, entities, tables as pipe tables."""

from __future__ import annotations

import pytest

from trialex.errors import InputError
from trialex.html import html_to_text

CASES = [
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("<h1>Results</h1><p>Text</p>", "Results\n\nText"),
    ("<p>Results <h2>Methods</h2> after</p>", "Results\n\nMethods\n\nafter"),
    ("<div>a</div><div>b<div>c</div></div>", "a\nb\nc"),
    ("<p>line one<br>line two<br/>three</p>", "line one\nline two\nthree"),
    ("<p>  lots   of\n\t space  </p>", "lots of space"),
    (
        "<p>HR 0.62&nbsp;(95%&#160;CI 0.5&ndash;0.8); p &lt; 0.001 &amp; more</p>",
        "HR 0.62 (95% CI 0.5–0.8); p < 0.001 & more",
    ),
    ("<p>a<b>b</b>c <i>d</i></p>", "abc d"),
    ("<ul><li>one</li><li>two</li></ul><p>after</p>", "one\ntwo\n\nafter"),
    ("<pre>  x = 1\n    y = 2</pre>", "  x = 1\n    y = 2"),
    ("text before<p>para</p>text after", "text before\n\npara\n\ntext after"),
]

HIDDEN_CASES = [
    "<head><title>Hidden title</title><meta charset=utf-8></head><body><p>Shown</p></body>",
    "<p>Shown</p><script>var x = '<p>Hidden</p>';</script>",
    "<style>p { color: red } /* Hidden */</style><p>Shown</p>",
    "<p>Shown</p><template><p>Hidden</p></template>",
    "<noscript>Hidden</noscript><p>Shown</p>",
    "<svg><text>Hidden</text><g><title>Hidden</title></g></svg><p>Shown</p>",
    "<!-- Hidden comment --><p>Shown</p><!-- Hidden -->",
    "<html><head><title>Hidden</title><p>Shown</p>",
    "<div hidden><div>Hidden</div><p>Hidden</div><p>Shown</p>",
    '<p>Shown</p><span style="display: none">Hidden <b>x</b></span>',
    "<svg><svg><text>Hidden</text></svg><text>Hidden</text></svg><p>Shown</p>",
    "<p><math><semantics><mi>Shown</mi><annotation>Hidden</annotation></semantics></math></p>",
]

TABLE = """
<table>
  <caption>Table 1. Responses by arm</caption>
  <thead><tr><th>Arm</th><th>ORR, n (%)</th><th>HR (95% CI)</th></tr></thead>
  <tbody>
    <tr><td>A (n = 30)</td><td>12 (40.0)</td><td>0.62 (0.41&ndash;0.93)</td></tr>
    <tr><td>B</td><td></td><td>1</td></tr>
  </tbody>
</table>
<p>After the table.</p>
"""


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_html_block_structure_and_entities(html: str, expected: str) -> None:
    assert html_to_text(html, source="a.html") == expected


@pytest.mark.parametrize("html", HIDDEN_CASES)
def test_html_hidden_content_dropped(html: str) -> None:
    assert html_to_text(html, source="a.html") == "Shown"


def test_html_table_is_pipe_table_with_caption() -> None:
    text = html_to_text("<p>Before.</p>" + TABLE, source="a.html")
    assert text.split("\n") == [
        "Before.",
        "",
        "Table 1. Responses by arm",
        "Arm | ORR, n (%) | HR (95% CI) |",
        "---|---|---|",
        "A (n = 30) | 12 (40.0) | 0.62 (0.41–0.93) |",
        "B | | 1 |",
        "",
        "After the table.",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # a header row of <th> without <thead>
        (
            "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
            "a | b |\n---|---|\n1 | 2 |",
        ),
        # no header row: no separator
        (
            "<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>",
            "a | b |\n1 | 2 |",
        ),
        # unclosed cells and rows, colspan kept as empty cells
        ("<table><tr><th colspan=2>Group<tr><td>x<td>y</table>", "Group | |\n---|---|\nx | y |"),
        # block elements inside a cell stay on the row
        ("<table><tr><td><p>a</p><p>b</p></td><td>c<br>d</td></tr></table>", "a b | c d |"),
        # a nested table is flattened into its cell
        (
            "<table><tr><td>out</td><td><table><tr><td>in</td></tr></table></td></tr></table>",
            "out | in |",
        ),
        # an unclosed table at the end of the file is still written
        ("<table><tr><td>a</td><td>b", "a | b |"),
    ],
)
def test_html_table_edge_cases(html: str, expected: str) -> None:
    assert html_to_text(html, source="a.html") == expected


@pytest.mark.parametrize("html", ["", "   ", "<script>x</script>", "<p> </p><!-- c -->"])
def test_html_without_visible_text_is_an_error(html: str) -> None:
    with pytest.raises(InputError) as caught:
        html_to_text(html, source="dir/page.html")
    assert str(caught.value) == "dir/page.html: HTML without visible text"


def test_html_deep_hidden_content_with_stray_end_tags() -> None:
    depth = 100_000
    html = "<div hidden>" + "<span>" * depth + "</b>" * depth + "</div><p>Shown</p>"
    assert html_to_text(html, source="deep.html") == "Shown"


@pytest.mark.parametrize("tag", ["div", "span", "table", "td", "li", "svg", "p", "blockquote"])
def test_html_deep_nesting_is_linear(tag: str) -> None:
    depth = 100_000
    html = "<p>start</p>" + f"<{tag}>" * depth + "deep" + f"</{tag}>" * depth + "<p>end</p>"
    text = html_to_text(html, source="deep.html")
    assert text.startswith("start")
    if tag != "svg":
        assert "deep" in text and text.endswith("end")
    assert len(text) < 1_000
