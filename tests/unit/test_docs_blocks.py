"""What the docs snippet test takes each fenced block of the guides for (tests/utils/docs_blocks.py), and the
limits on the blocks it does not run. The blocks themselves run in tests/integration/test_docs_snippets.py."""

import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

import docs_blocks  # noqa: E402  pylint: disable=wrong-import-position
import docs_run  # noqa: E402  pylint: disable=wrong-import-position
import docs_tools  # noqa: E402  pylint: disable=wrong-import-position

# The blocks that need what the test suite lacks (a cloud account, AWX, a container engine, Galaxy, a release,
# root). They are shown with their reason, and must stay few: raise this only with a reason a reviewer accepts,
# never to let an example that could run go untested.
MAX_NEEDS = 10
# The blocks about developing the collection (`# needs the project's test toolchain: ...`: make test, the bench,
# pytest of the project's own tests). Not run (the suite does not run itself), but what they name is checked.
MAX_TOOLCHAIN = 8


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


def all_blocks():
    return [block for name in docs_blocks.pages(ROOT) for block in docs_blocks.parse(os.path.join(ROOT, name), ROOT)]


def test_few_blocks_are_left_unrun_and_each_says_why():
    blocks = all_blocks()
    needs = ["%s: needs %s" % (block.where, block.needs) for block in blocks if block.needs and not block.toolchain]
    toolchain = ["%s: needs %s" % (block.where, block.needs) for block in blocks if block.toolchain]
    runnable = [block for block in blocks if block.runnable and not block.needs]
    print("%d blocks, %d run (or saved and run by a later block), %d need what the tests lack:\n%s\n"
          "%d need the project's test toolchain (checked, not run):\n%s"
          % (len(blocks), len(runnable), len(needs), "\n".join(needs), len(toolchain), "\n".join(toolchain)))
    assert len(needs) <= MAX_NEEDS, "more blocks than MAX_NEEDS are not run:\n" + "\n".join(needs)
    assert len(toolchain) <= MAX_TOOLCHAIN, "more blocks than MAX_TOOLCHAIN are not run:\n" + "\n".join(toolchain)
    assert len(runnable) > 3 * (len(needs) + len(toolchain))


def test_what_a_toolchain_block_names_exists():
    """A block about developing the collection is not run, so its make targets, files, pytest -k names, script
    options and variables are checked against the checkout: a renamed test or target fails here, not on a reader."""
    blocks = [block for block in all_blocks() if block.toolchain]
    assert blocks
    problems = ["%s: %s" % (block.where, problem) for block in blocks for problem in docs_blocks.toolchain_problems(block, ROOT)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("text, problem", [
    ("make tset\n", "make tset: the Makefile has no such target"),
    ("make integration PYTEST_ARGS='-k \"test_faults or test_no_such_file\"'\n", "like 'test_no_such_file'"),
    ("make integration PYTEST_ARGS='tests/integration/test_gone.py'\n", "tests/integration/test_gone.py: no such file"),
    ("make units PYTEST_WORKRES=4\n", "make PYTEST_WORKRES: the Makefile reads no such variable"),
    ("ADVERSARIAL_SEEDS=1 make integration\n", "ADVERSARIAL_SEEDS: the project's tooling reads no such variable"),
    ("PYTHONPATH=x python -m pytest -n 2 \\\n  tests/integration/test_fautls.py\n", "tests/integration/test_fautls.py: no such file"),
    (".venv/bin/python bench/run_bench.py --only calls --no-such-option 3\n", "bench/run_bench.py --no-such-option"),
])
def test_a_toolchain_block_that_names_what_is_gone_is_caught(tmp_path, text, problem):
    (block,) = page(tmp_path, "```sh\n# needs the project's test toolchain: minutes\n%s```\n" % text)
    assert block.toolchain and block.needs
    problems = docs_blocks.toolchain_problems(block, ROOT)
    assert any(problem in found for found in problems), problems


def test_a_toolchain_block_that_names_what_exists_passes(tmp_path):
    (block,) = page(tmp_path, "```sh\n# needs the project's test toolchain: minutes\n"
                              "ADVERSARIAL_SEED=1234 make integration PYTEST_ARGS='-k \"test_Faults or not slow_thing\" -x'  # a comment\n"
                              "make units && make bench\n"
                              "PYTHONPATH=C ANSIBLE_COLLECTIONS_PATH=C python -m pytest -n 2 tests/integration/test_faults.py\n```\n")
    problems = docs_blocks.toolchain_problems(block, ROOT)
    assert problems == ["pytest -k 'test_Faults or not slow_thing': no test file, function or class is named like 'slow_thing'"]


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


def page_run(tmp_path, text):
    """A PageRun of a page made of text, with a terminal (no emulator: its blocks run only shell commands)."""
    (tmp_path / "page.md").write_text(text)
    run = docs_run.PageRun(str(tmp_path), "page.md", str(tmp_path / "work"))
    for folder in (run.runner, run.cwd, run.home):
        os.makedirs(folder)
    run.env = {"PATH": os.environ["PATH"], "HOME": run.home}
    return run


def test_a_terminal_keeps_what_a_block_set_and_a_script_leaves_it_as_it_was(tmp_path):
    """Shell variables (not exported) carry on to the next block, as in a reader's terminal; a #! block is a script
    of its own, whose options, traps and exports do not leak into the blocks after it."""
    run = page_run(tmp_path, "\n".join([
        "```sh", "URL=http://127.0.0.1:1\nexport KEPT=yes\nSPACED='a b'\nmkdir -p sub && cd sub", "```",
        "```sh", "#!/usr/bin/env bash\nset -euo pipefail\nexport URL=http://leaked\ntrap 'echo trapped' EXIT\ncd /", "```",
        "```sh", "echo \"$URL $KEPT $SPACED $(basename \"$PWD\")\"\nfalse_but_ok=$(false || echo ok)\necho $false_but_ok", "```",
    ]) + "\n")
    results = run.run()
    assert [result["status"] for result in results] == ["ran"] * 3, results
    assert "trapped" in results[1]["output"]
    assert results[2]["output"].splitlines() == ["http://127.0.0.1:1 yes a b sub", "ok"]


def test_a_file_used_by_a_saved_file_is_saved_not_run(tmp_path):
    run = page_run(tmp_path, "\n".join([
        "```yaml", "# nightly.yml", "- hosts: localhost", "  tasks: []", "```",
        "```python", "# test_nightly.py", "PLAYBOOK = 'nightly.yml'", "```",
        "```sh", "grep -c hosts nightly.yml && grep -c PLAYBOOK test_nightly.py", "```",
    ]) + "\n")
    assert [(result["status"], result["output"]) for result in run.run()] == [("saved", ""), ("saved", ""), ("ran", "1\n1\n")]


def test_the_variables_a_task_list_leaves_are_read_from_its_play():
    output = ('TASK [docs test, keep the variables of this block for the next ones] ***\nok: [localhost] => {\n'
              '    "msg": %s\n}\n' % json.dumps(docs_run.CARRY_MARK + json.dumps({"mrs": {"a": "x\ny \"q\""}, "n": None})))
    assert docs_run.carried_variables(output) == {"mrs": {"a": "x\ny \"q\""}, "n": None}
    assert docs_run.carried_variables("PLAY RECAP\n") is None


def test_only_a_page_that_names_port_9500_needs_that_port():
    assert docs_run.names_the_port(ROOT, "docs/getting_started.md")
    assert not docs_run.names_the_port(ROOT, "README.md")


def test_a_page_leaves_no_process_behind_even_one_in_a_session_of_its_own(tmp_path):
    """An async job or a rulebook's playbook leaves the block's session; the page's end still stops it."""
    run = page_run(tmp_path, "```sh\nsetsid sleep 300 > /dev/null 2>&1 &\necho $! > sleeper.pid\n```\n")
    assert [result["status"] for result in run.run()] == ["ran"]
    pid = int((tmp_path / "work" / "checkout" / "sleeper.pid").read_text())
    assert run.page_processes() == [pid]
    run.close()
    assert run.page_processes() == []
