"""What the docs snippet test takes each fenced block of the guides for (tests/utils/docs_blocks.py), and the
limits on the blocks it does not run. The blocks themselves run in tests/integration/test_docs_snippets.py."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

import docs_blocks  # noqa: E402  pylint: disable=wrong-import-position
import docs_run  # noqa: E402  pylint: disable=wrong-import-position
import docs_tools  # noqa: E402  pylint: disable=wrong-import-position

# The blocks that need what the test suite lacks (a cloud account, AWX, a container engine, Galaxy, a release,
# many minutes). They are shown with their reason, and must stay few: raise this only with a reason a reviewer
# accepts, never to let an example that could run go untested.
MAX_NEEDS = 16


def page(tmp_path, text):
    path = tmp_path / "page.md"
    path.write_text(text)
    return docs_blocks.parse(str(path))


@pytest.mark.parametrize("info, text, kind", [
    ("yaml", "- name: A play\n  hosts: localhost\n  tasks: []\n", "playbook"),
    ("yaml", "- ansible.builtin.import_playbook: site.yml\n", "playbook"),
    ("yaml", "- name: A task\n  ansible.builtin.debug:\n    msg: hi\n", "tasks"),
    ("yaml", "- hwcloud.mrs.mrs_cluster_info:\n    cluster_name: analytics\n  register: mrs\n", "tasks"),
    ("yaml", "plugin: hwcloud.mrs.mrs\nclusters: [analytics]\n", "inventory"),
    ("yaml", "mrs_fleet:\n  hosts:\n    a: {}\n", "inventory"),
    ("yaml", "- name: Rules\n  hosts: all\n  sources: [{x: {}}]\n  rules: []\n", "rulebook"),
    ("yaml", "module_defaults:\n  group/hwcloud.mrs.mrs: {region: x}\n", "yaml-file"),
    ("yml", "---\nversion: 3\n", "yaml-file"),
    ("sh", "make demo\n", "shell"),
    ("bash", "echo hi\n", "shell"),
    ("console", "$ ansible-playbook x.yml\nok\n", "shell"),
    ("console", "ok: [localhost]\n", "output"),
    ("text", "@all:\n", "output"),
    ("python", "import os\n", "code"),
    ("", "anything\n", "unlabelled"),
])
def test_each_block_is_classified_by_its_fence_and_content(tmp_path, info, text, kind):
    (block,) = page(tmp_path, "Intro\n\n```%s\n%s```\n" % (info, text))
    assert block.kind == kind
    assert block.runnable == (kind in docs_blocks.RUNNABLE)


def test_a_block_that_is_not_yaml_is_an_error_not_a_fragment(tmp_path):
    (block,) = page(tmp_path, "```yaml\n- name: x\n  msg: {{ unquoted }}\n```\n")
    assert block.error and "not valid YAML" in block.error


def test_names_and_needs_come_from_the_leading_comments(tmp_path):
    blocks = page(tmp_path, "\n".join([
        "```yaml", "# first_playbook.yml", "---", "- hosts: localhost", "```",
        "```yaml", "---", "# tasks/job.yml", "- debug: {}", "```",
        "```sh", "#!/usr/bin/env bash", "# ci.sh", "echo", "```",
        "```sh", "# needs a container engine (podman or docker)", "podman push x", "```",
        "```sh", "echo", "# later.yml", "```",
        "```yaml", "# the dots are yours", "plugin: x", "```",
    ]) + "\n")
    assert [(block.name, block.needs) for block in blocks] == [
        ("first_playbook.yml", None), ("tasks/job.yml", None), ("ci.sh", None),
        (None, "a container engine (podman or docker)"), (None, None), (None, None)]


def test_indented_blocks_and_tested_markers(tmp_path):
    blocks = page(tmp_path, "1. A step:\n\n   <!-- tested: step -->\n   ```yaml\n   ---\n   release_summary: x\n   ```\n\n"
                            "````text\n```\nnested\n```\n````\n")
    assert [(block.kind, block.tested, block.text) for block in blocks] == [
        ("yaml-file", "step", "---\nrelease_summary: x\n"), ("output", None, "```\nnested\n```\n")]
    assert blocks[0].line == 4


def test_console_commands_and_their_continuations():
    text = "$ ansible-playbook x.yml \\\n    --check\nPLAY [x]\n$ echo done\ndone\n"
    assert docs_blocks.console_commands(text) == ["ansible-playbook x.yml \\\n    --check", "echo done"]


def test_console_output_must_appear_in_order():
    commands = ["run"]
    assert docs_run.missing_output("$ run\nA\n...\nC\n", commands, "A\nB\nC  \n") is None
    assert docs_run.missing_output("$ run\nC\nA\n", commands, "A\nB\nC\n") == "A"
    assert docs_run.missing_output("$ run\nD\n", commands, "A\n") == "D"


def test_a_file_counts_as_used_only_by_its_own_path():
    assert docs_blocks.mentions("ansible-playbook -i inventory/fleet.yml fleet.yml --forks 10", "fleet.yml")
    assert not docs_blocks.mentions("ansible-playbook -i inventory/fleet.yml site.yml", "fleet.yml")
    assert docs_blocks.mentions('file: "{{ playbook_dir }}/tasks/job.yml"', "tasks/job.yml")
    assert not docs_blocks.mentions("my-fleet.yml", "fleet.yml")


def test_the_variables_a_task_list_leaves_are_carried():
    tasks = [{"register": "mrs"}, {"ansible.builtin.set_fact": {"a": 1, "cacheable": True}},
             {"block": [{"set_fact": {"b": 2}}], "rescue": [{"register": "c"}]}]
    assert docs_run.carried_names(tasks) == ["mrs", "a", "b", "c"]


def test_every_guide_is_found_and_every_block_says_what_it_is():
    pages = docs_blocks.pages(ROOT)
    assert "README.md" in pages and "docs/getting_started.md" in pages
    assert len(pages) == 1 + len([name for name in os.listdir(os.path.join(ROOT, "docs")) if name.endswith(".md")])
    errors = ["%s: %s" % (block.where, block.error) for name in pages for block in docs_blocks.parse(os.path.join(ROOT, name), ROOT)
              if block.error]
    assert not errors, "\n".join(errors)


def test_every_tested_marker_names_the_block_after_it():
    """Other tests run the block after ``<!-- tested: NAME -->`` (docs_tools.tested_block): no marker may dangle."""
    for name in docs_blocks.pages(ROOT):
        with open(os.path.join(ROOT, name), encoding="utf-8") as markdown:
            markers = docs_blocks.TESTED.findall(markdown.read())
        assert sorted(markers) == sorted(block.tested for block in docs_blocks.parse(os.path.join(ROOT, name)) if block.tested), name
    assert "hwcloud.mrs.mrs_cluster_nodes" in docs_tools.tested_block(os.path.join(ROOT, "docs", "getting_started.md"), "first_playbook.yml")


def test_few_blocks_are_left_unrun_and_each_says_why():
    blocks = [block for name in docs_blocks.pages(ROOT) for block in docs_blocks.parse(os.path.join(ROOT, name), ROOT)]
    needs = ["%s: needs %s" % (block.where, block.needs) for block in blocks if block.needs]
    runnable = [block for block in blocks if block.runnable and not block.needs]
    print("%d blocks, %d run (or saved and run by a later block), %d need what the tests lack:\n%s"
          % (len(blocks), len(runnable), len(needs), "\n".join(needs)))
    assert len(needs) <= MAX_NEEDS, "more blocks than MAX_NEEDS are not run:\n" + "\n".join(needs)
    assert len(runnable) > 3 * len(needs)


def test_pages_that_install_from_pypi_run_on_the_network():
    """A page in its own network namespace has no PyPI: a block that installs (pip, make demo) must be on the network."""
    installing = set()
    for name in docs_blocks.pages(ROOT):
        for block in docs_blocks.parse(os.path.join(ROOT, name), ROOT):
            if block.kind == "shell" and not block.needs and ("pip install" in block.text or "make " in block.text):
                installing.add(name)
    assert installing <= set(docs_run.NETWORK_PAGES), sorted(installing - set(docs_run.NETWORK_PAGES))


def test_the_worlds_name_pages_that_exist():
    pages = docs_blocks.pages(ROOT)
    assert set(docs_run.WORLDS) <= set(pages) and set(docs_run.NETWORK_PAGES) <= set(pages)
    assert set(docs_run.FRESH_PAGES) <= set(docs_run.NETWORK_PAGES)
