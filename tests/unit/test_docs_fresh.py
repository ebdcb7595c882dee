"""The docs cannot drift: generated pages match their sources, every page is indexed, every relative link resolves."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs")
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

import render_docs  # noqa: E402  pylint: disable=wrong-import-position

LINK = re.compile(r"\]\(([^)\s]+)\)")


def pages():
    """Every Markdown page under docs/, relative to docs/."""
    found = []
    for folder, _dirs, files in os.walk(DOCS):
        found += [os.path.relpath(os.path.join(folder, name), DOCS) for name in files if name.endswith(".md")]
    return sorted(found)


def test_generated_pages_match_the_plugins_documentation():
    problems = render_docs.check(ROOT)
    assert not problems, "\n".join("%s: %s" % problem for problem in problems) + (
        "\n\nThe reference pages are stale: run `python tests/utils/render_docs.py` and commit docs/.")


def test_every_plugin_role_and_error_code_has_its_reference():
    generated = render_docs.expected(ROOT)
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    assert modules and all("docs/modules/%s.md" % module in generated for module in modules)
    assert "docs/modules/cluster_scale_role.md" in generated
    troubleshooting = generated["docs/troubleshooting.md"]
    for code, (meaning, advice) in render_docs.error_codes(ROOT).items():
        assert "| `%s` | %s | %s |" % (code, render_docs.plain(meaning), render_docs.plain(advice)) in troubleshooting


def test_the_index_links_every_page():
    with open(os.path.join(DOCS, "README.md"), encoding="utf-8") as index:
        linked = set(os.path.normpath(target.split("#")[0]) for target in LINK.findall(index.read()))
    missing = [page for page in pages() if page != "README.md" and page not in linked]
    assert not missing, "docs/README.md does not link %s" % missing


def test_relative_links_resolve():
    broken = []
    for page in pages() + ["../README.md"]:
        path = os.path.normpath(os.path.join(DOCS, page))
        with open(path, encoding="utf-8") as markdown:
            text = re.sub(r"```.*?```", "", markdown.read(), flags=re.DOTALL)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not os.path.exists(os.path.join(os.path.dirname(path), target.split("#")[0])):
                broken.append("%s -> %s" % (os.path.relpath(path, ROOT), target))
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_tested_blocks_exist():
    """The code blocks that integration tests run are still in the getting-started page."""
    page = os.path.join(DOCS, "getting_started.md")
    assert "hwcloud.mrs.mrs_cluster_nodes" in render_docs.tested_block(page, "first_playbook.yml")
    assert "version: 3" in render_docs.tested_block(page, "execution-environment.yml")
