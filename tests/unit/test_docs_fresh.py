"""The Markdown guides cannot drift: the error-code table matches ERROR_CODES, every page is indexed, every
relative link resolves, and the tarball name they show is the version galaxy.yml builds. (That every block runs,
and every `<!-- tested: NAME -->` marker has its block: tests/integration/test_docs_snippets.py and
tests/unit/test_docs_blocks.py.)

The plugins' reference documentation is checked by antsibull-docs (`make docs`), not here.
"""

import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs")
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

import docs_tools  # noqa: E402  pylint: disable=wrong-import-position

LINK = re.compile(r"\]\(([^)\s]+)\)")
# the Markdown files a reader meets: the guides, and the top-level community files
TOP_LEVEL = ["README.md", "CONTRIBUTING.md", "CODE_OF_CONDUCT.md"]


def pages():
    """Every Markdown page under docs/, relative to docs/."""
    found = []
    for folder, _dirs, files in os.walk(DOCS):
        found += [os.path.relpath(os.path.join(folder, name), DOCS) for name in files if name.endswith(".md")]
    return sorted(found)


def read(path):
    with open(path, encoding="utf-8") as markdown:
        return markdown.read()


def test_the_error_code_table_is_rendered_from_error_codes():
    current, wanted = docs_tools.troubleshooting(ROOT)
    assert current == wanted, "docs/troubleshooting.md's error-code table is stale: run `python tests/utils/docs_tools.py`"
    for code, (meaning, advice) in docs_tools.error_codes(ROOT).items():
        assert "| `%s` | %s | %s |" % (code, docs_tools.plain(meaning), docs_tools.plain(advice)) in current


def test_the_rendering_escapes_markdown_in_cells():
    table = docs_tools.render_error_table({"12000999": ("a | b <c> *d*", "see [x]"), "X.1": ("other", "")})
    assert "| `12000999` | a \\| b &lt;c> \\*d\\* | see \\[x] |" in table
    assert "### Other codes" in table and "| `X.1` | other |  |" in table


def test_the_index_links_every_page():
    linked = set(os.path.normpath(target.split("#")[0]) for target in LINK.findall(read(os.path.join(DOCS, "README.md"))))
    missing = [page for page in pages() if page != "README.md" and page not in linked]
    assert not missing, "docs/README.md does not link %s" % missing


def test_relative_links_resolve():
    broken = []
    top = [os.path.join("..", name) for name in TOP_LEVEL if os.path.exists(os.path.join(ROOT, name))]
    for page in pages() + top:
        path = os.path.normpath(os.path.join(DOCS, page))
        text = re.sub(r"```.*?```", "", read(path), flags=re.DOTALL)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not os.path.exists(os.path.join(os.path.dirname(path), target.split("#")[0])):
                broken.append("%s -> %s" % (os.path.relpath(path, ROOT), target))
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_no_page_links_the_removed_generated_reference():
    """docs/modules/ is gone (antsibull-docs builds the reference); no guide may still point there."""
    assert not os.path.exists(os.path.join(DOCS, "modules"))
    stale = [page for page in pages() + [os.path.join("..", name) for name in TOP_LEVEL if os.path.exists(os.path.join(ROOT, name))]
             if re.search(r"\]\((\.\./docs/|docs/)?modules/", read(os.path.join(DOCS, page)))]
    assert not stale, "links to docs/modules/ in %s" % stale


def test_the_tarball_the_docs_name_is_the_one_galaxy_yml_builds():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as galaxy:
        version = yaml.safe_load(galaxy)["version"]
    wrong = []
    for page in pages() + [os.path.join("..", name) for name in TOP_LEVEL if os.path.exists(os.path.join(ROOT, name))]:
        for named in re.findall(r"hwcloud-mrs-(\d+\.\d+\.\d+)\.tar\.gz", read(os.path.join(DOCS, page))):
            if named != version:
                wrong.append("%s: hwcloud-mrs-%s.tar.gz" % (os.path.normpath(os.path.join("docs", page)), named))
    assert not wrong, "galaxy.yml builds hwcloud-mrs-%s.tar.gz, but the docs name:\n%s" % (version, "\n".join(wrong))
