"""``$...$`` math in card text becomes readable Unicode; everything else is left alone."""

from __future__ import annotations

import pytest

from flashdl.render.math import escape_markdown, latex_to_unicode, render_math


@pytest.mark.parametrize(
    ("latex", "unicode"),
    [
        (r"\lambda\sum_i w_i^2", "λ∑ᵢ wᵢ²"),
        (r"\lambda\sum_i |w_i|", "λ∑ᵢ |wᵢ|"),
        (r"\sqrt{2/n}", "√(2/n)"),
        (r"\frac{1}{1-p}", "1/(1-p)"),  # plain pylatexenc would say 1/1-p, which is wrong
        (r"\frac{a+b}{2}", "(a+b)/2"),
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"\|w\|_2^2", "‖w‖₂²"),
        (r"x_{t+1}", "xₜ₊₁"),
        (r"e^{-x}", "e⁻ˣ"),
        (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"W^\top x", "Wᵀ x"),
        (r"\hat{y}", "ŷ"),
        (r"p \in [0, 1)", "p ∈ [0, 1)"),
        (r"\mathrm{Var}(x) = \sigma^2", "Var(x) = σ²"),
        (r"\tfrac{1}{4} + \dfrac{a+b}{2}", "1/4 + (a+b)/2"),
        (r"-\sum_i y_i \log \hat{y}_i", "-∑ᵢ yᵢ log ŷᵢ"),
        (r"\displaystyle \bigl( \overline{x} \bigr)", "( x̅)"),
        # a macro pylatexenc does not know: the source, rather than a silently shorter formula
        (r"x \xrightarrow{f} y", r"x \xrightarrow{f} y"),
    ],
)
def test_latex_reads_as_unicode(latex: str, unicode: str):
    assert latex_to_unicode(latex) == unicode


def test_scripts_without_a_unicode_form_stay_readable():
    assert latex_to_unicode(r"x_{bq}") == "x_(bq)"
    assert latex_to_unicode(r"\nabla_\theta L") == "∇_θ L"


def test_inline_math_is_converted_and_the_rest_left_untouched():
    text = "L1, $\\lambda\\sum_i |w_i|$, is **LASSO**; it zeroes weights."
    assert render_math(text, markdown=False) == "L1, λ∑ᵢ |wᵢ|, is **LASSO**; it zeroes weights."


def test_display_math_is_converted():
    assert render_math("Scale by\n$$\\frac{1}{1-p}$$\n", markdown=False) == "Scale by\n1/(1-p)\n"


def test_text_without_math_comes_back_identical():
    text = "Plain *Markdown* with [b]brackets[/b], a_b and x^2."
    assert render_math(text) == text


def test_prices_are_not_math():
    text = "It costs $5 and $10 a month."
    assert render_math(text) == text


def test_an_escaped_dollar_is_a_dollar():
    text = r"Pay \$3, not $x$."
    assert render_math(text, markdown=False) == r"Pay \$3, not x."


def test_math_inside_code_is_left_as_written():
    text = "Use `$x_i$` in a deck file:\n\n```toml\nback = \"$\\\\lambda$\"\n```\n"
    assert render_math(text) == text


def test_converted_math_is_escaped_so_markdown_shows_it_literally():
    # x^* must not open emphasis, a | must not start a table cell
    assert render_math("$x^*$ and $|a|$") == r"x\* and \|a\|"
    assert escape_markdown("[b]*_") == r"\[b\]\*\_"


def test_broken_latex_never_raises():
    for source in (r"\frac{1", r"x^{", r"\unknownmacro{y}", "}{"):
        assert isinstance(render_math(f"${source}$"), str)


def test_math_rendering_needs_no_textual():
    import subprocess
    import sys

    code = (
        "import sys; from flashdl.render.math import render_math; render_math('$x_i$');"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_mathjax_delimiters_are_math_too():
    text = r"Inline \(\sigma(x)\), display \[\frac{1}{1-p}\] and $x_i$."
    assert render_math(text, markdown=False) == "Inline σ(x), display 1/(1-p) and xᵢ."
    assert render_math(r"\(x \xrightarrow{f} y\)") == r"x \\xrightarrow\{f\} y"  # backslashes kept
