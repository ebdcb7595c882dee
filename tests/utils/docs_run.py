"""Run the blocks of one Markdown guide in order, as a reader following it would, against the MRS emulator.

Usage: python tests/utils/docs_run.py [--json REPORT] [--workdir DIR] PAGE
  (from the collection's root; tests/integration/test_docs_snippets.py runs every page this way)

The reader's world when a page starts (WORLDS below; what a page needs beyond it is said in the page):
- docs/getting_started.md starts on a fresh machine: python3, a checkout of the collection as the working
  folder, an empty HOME, and nothing installed; its own blocks install ansible-core and start the emulator.
- Every other page starts where getting started leaves the reader: the checkout as the working folder, the
  collection installed in ~/.ansible/collections, ansible-core and requests on PATH, the emulator listening on
  127.0.0.1:9500 with the HW_* variables of getting started exported, and the cluster `analytics` (4 Core, 0 Task
  nodes). The clusters a page's examples name stand in for the reader's own: WORLDS creates them before the page
  runs, and gives the variables a reader would have defined (a vault's keys, a cluster id). The reader of
  docs/events.md has installed what its "What you need" asks: JAVA_HOME is the Java 17+ that
  tests/utils/java_home.py finds, ansible-rulebook is the test toolchain's.

Then each block, in page order (see docs_blocks.py for the conventions):
- shell and console commands run with bash (``set -e -o pipefail``) in the page's working folder; the variables
  and the folder a block leaves are the next block's, and background processes live until the page ends. A block
  that starts with ``#!`` is a script: it runs as one (``bash FILE``), and leaves the reader's shell as it was.
  A console block's output lines (all but those with ``...``) must appear, in order, in what the commands print.
- a block named as a file (``# name.yml``) is saved under that name; when a later block uses the name, that block
  runs it. Otherwise, and for unnamed blocks, the test runs it at its place: a playbook with
  ``ansible-playbook FILE``, a task list in a play on localhost (the variables that earlier task lists registered
  or set carried along), an inventory configuration with ``ansible-inventory --list`` (which must parse and give
  hosts). A rulebook must be run by a later block of its page.
- a ``# needs ...`` block is not run; it is reported with its reason (a ``# needs the project's test toolchain``
  block is checked by tests/unit/test_docs_blocks.py instead: see docs_blocks.toolchain_problems).

Isolation: each page runs with its own HOME and folder, and, where the machine allows it (`unshare -rn`), in a
network namespace of its own, so that every page has its own 127.0.0.1:9500 and pages run in parallel. A page that
installs from PyPI (NETWORK_PAGES) needs the machine's network, as does every page where there is no namespace:
there, a page whose blocks name port 9500 holds a machine-wide lock on it while it runs, and the emulator of a
page that does not name it listens on a free port (its blocks find it through HW_MRS_ENDPOINT), so that such a
page waits for no other.
"""

import argparse
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "emulator"))

import docs_blocks  # noqa: E402  pylint: disable=wrong-import-position
import docs_tools  # noqa: E402  pylint: disable=wrong-import-position
import java_home  # noqa: E402  pylint: disable=wrong-import-position

PORT = 9500
CARRY_MARK = "docs test, variables: "
BLOCK_TIMEOUT = 300
LOCK_FILE = os.path.join(tempfile.gettempdir(), "hwcloud-mrs-docs-snippets-%d.lock" % PORT)
SKIP_COPY = (".git", ".tmp", ".ansible", "__pycache__", ".pytest_cache", ".hypothesis", "output")
FRESH_PAGES = ("docs/getting_started.md",)
# The variables a block set without exporting them (`URL=$(...)`), which a reader's terminal keeps for the next
# command: saved as `declare` lines after the block. Bash's own variables are left out.
SHELL_VARS = r"""for __docs_name in $(compgen -v); do
  case "$__docs_before" in *" $__docs_name "*) continue ;; esac
  case "$__docs_name" in __docs_*|BASH*|PIPESTATUS|FUNCNAME|_) continue ;; esac
  __docs_line="$(declare -p "$__docs_name" 2>/dev/null || true)"
  __docs_flags="${__docs_line#declare -}"
  case "${__docs_flags%% *}" in *[xr]*) ;; *) printf '%s\n' "$__docs_line" ;; esac
done"""
# What a shell prints when a command of it failed where its exit code does not tell (a background `cmd &`, which
# may also print after its block ended): a reader sees these.
ERROR_SIGNS = ("command not found", "No such file or directory", "can't open file", "Traceback (most recent call last)",
               "Address already in use", "Unable to parse", "Failed to parse inventory")

# What a reader of each page has besides getting started's `analytics` (see the module docstring). Clusters are
# POST /_emulator/clusters bodies; an "id" lets a page's variables name the cluster. Keep every cluster a page
# names here, in the shape its examples expect.
ANALYTICS_ID = "4c5f0d2e-9b1a-4f5e-8c3d-2a1b0c9d8e7f"
PROD_ID = "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
TASK_FLAVOR = "c6.2xlarge.4.linux.bigdata"
LAKE = {"name": "lake", "type": "custom", "node_groups": [
    {"name": "master_node_default_group", "count": 3, "kind": "master"},
    {"name": "node_group_1", "count": 3, "kind": "core"}, {"name": "hdfs_nodes", "count": 2, "kind": "task"}]}
WORLDS = {
    "docs/mrs_autoscaling_policy.md": {
        "clusters": [{"name": "analytics-prod", "core": 3, "task": 2, "task_node_size": TASK_FLAVOR, "id": PROD_ID}],
        "vars": {"cluster_id": PROD_ID},
    },
    "docs/mrs_cluster_info.md": {
        "clusters": [LAKE],
        "vars": {"cluster_id": ANALYTICS_ID},
    },
    "docs/mrs_cluster_nodes.md": {
        "clusters": [dict(LAKE, name="lakehouse")],
        "vars": {"cluster_id": ANALYTICS_ID},
    },
    "docs/inventory.md": {
        "clusters": [{"name": "etl-stream", "core": 3, "task": 1, "task_node_size": TASK_FLAVOR, "tags": {"env": "prod"}},
                     LAKE],
    },
    "docs/custom_clusters.md": {
        "clusters": [dict(LAKE, name="lakehouse", node_groups=LAKE["node_groups"][:2] + [{"name": "compute", "count": 2, "kind": "task"}]),
                     {"name": "mixed-prod", "type": "mixed", "task": 1, "task_node_size": TASK_FLAVOR}],
    },
    "docs/cluster_scale.md": {
        "clusters": [{"name": "lake", "type": "custom", "task": 1},
                     {"name": "etl", "core": 3, "task": 2, "task_node_size": TASK_FLAVOR},
                     {"name": "reporting", "core": 8, "task": 24, "task_node_size": TASK_FLAVOR}],
    },
    # a maintainer's checkout, where `make test` made .venv/ (the test toolchain: here, the one running this test)
    "docs/releasing.md": {"checkout_venv": True},
    # "What you need": Java 17+ (found by tests/utils/java_home.py, as `make java` provides it) and ansible-rulebook
    "docs/events.md": {"java": True},
    "docs/fleets.md": {
        "clusters": [{"name": "analytics-01", "core": 3}, {"name": "analytics-02", "core": 3}, {"name": "etl-prod", "core": 6}],
    },
}
DEFAULT_WORLD = {"clusters": [], "vars": {}}
# The keys a reader keeps in Ansible Vault (getting started, "Credentials"): on the emulator, its own.
VAULT = {"vault_hw_access_key": "MRSEMULATORACCESSKEY", "vault_hw_secret_key": "mrs-emulator-demo-secret-key-0000000000"}
# Pages whose blocks install from PyPI: they run on the machine's network (under LOCK_FILE, for port 9500), the
# others each in a network namespace of their own.
NETWORK_PAGES = ("README.md", "docs/getting_started.md")
GETTING_STARTED_ANALYTICS = {"name": "analytics", "core": 4, "task": 0, "id": ANALYTICS_ID}


def bring_loopback_up():
    """ip link set lo up, in a new network namespace (where lo starts down), without needing iproute2."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        flags = struct.unpack("16sh", fcntl.ioctl(sock, siocgifflags, struct.pack("16sh", b"lo", 0)))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def copy_tree(source, dest):
    shutil.copytree(source, dest, symlinks=True, ignore=lambda _folder, names: [name for name in names if name in SKIP_COPY or name.startswith(".venv")])


def reader_env(venv_bin, with_venv):
    """The environment of a reader's terminal: this one without the test toolchain's variables."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "HW_", "PYTEST_", "PYTHON")) and key not in ("VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and os.path.realpath(entry) != os.path.realpath(venv_bin)]
    env["PATH"] = os.pathsep.join(([venv_bin] if with_venv else []) + path)
    return env


def carried_names(tasks):
    """The variables a task list registers or sets (set_fact), blocks included."""
    names = []
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        if isinstance(task.get("register"), str):
            names.append(task["register"])
        for key in ("set_fact", "ansible.builtin.set_fact"):
            if isinstance(task.get(key), dict):
                names += [name for name in task[key] if name != "cacheable"]
        for key in ("block", "rescue", "always"):
            names += carried_names(task.get(key))
    return names


def carried_variables(output):
    """The variables a task list's play printed after CARRY_MARK (its last task), or None when it printed none."""
    found = re.search(r'^\s*"msg": ("%s.*")\s*$' % re.escape(CARRY_MARK), output, re.MULTILINE)
    return json.loads(json.loads(found.group(1))[len(CARRY_MARK):]) if found else None


def missing_output(expected_text, commands, output):
    """The first line a console block shows that its commands did not print (in order), or None."""
    command_lines = set()
    for command in commands:
        command_lines.update("$ " + line if index == 0 else line for index, line in enumerate(command.splitlines()))
    wanted = [line.rstrip() for line in expected_text.splitlines()
              if line.strip() and line not in command_lines and "..." not in line and "\u2026" not in line]
    printed = [line.rstrip() for line in output.splitlines()]
    position = 0
    for line in wanted:
        while position < len(printed) and printed[position] != line:
            position += 1
        if position == len(printed):
            return line
        position += 1
    return None


class PageRun:  # pylint: disable=too-many-instance-attributes
    """One page, run block by block in a folder of its own."""

    def __init__(self, root, page, workdir, port=PORT):
        self.root = root
        self.page = page
        self.port = port
        self.blocks = docs_blocks.parse(os.path.join(root, page), root)
        self.workdir = workdir
        self.home = os.path.join(workdir, "home")
        self.runner = os.path.join(workdir, "runner")
        self.cwd = os.path.join(workdir, "checkout")
        self.world = WORLDS.get(page, DEFAULT_WORLD)
        self.carried = dict(VAULT, **self.world.get("vars", {}))
        self.sessions = []
        self.emulator = None
        self.env = {}
        self.shell_vars = None  # the file that sets the shell variables (not exported) of the blocks so far

    # --- the reader's world -----------------------------------------------------------------------------------

    def setup(self, stack):
        for folder in (self.home, self.runner):
            os.makedirs(folder)
        if not any(block.runnable and not block.needs for block in self.blocks):
            return  # nothing to run: no world to build
        copy_tree(self.root, self.cwd)
        # a clone: git knows its files (make stages the git-visible ones), with none of this run's history
        subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", self.cwd], check=True)
        venv_bin = os.path.dirname(sys.executable)
        fresh = self.page in FRESH_PAGES
        # ANSIBLE_ASYNC_DIR: ansible-core finds async jobs in ~/.ansible_async through HOME on one side and through
        # the password database on the other; a reader's HOME is their own, this one is a temporary folder.
        self.env = dict(reader_env(venv_bin, with_venv=not fresh), HOME=self.home,
                        ANSIBLE_ASYNC_DIR=os.path.join(self.home, ".ansible_async"))
        if self.world.get("java") and java_home.find_java_home():
            self.env["JAVA_HOME"] = java_home.find_java_home()
        if self.world.get("checkout_venv"):
            os.symlink(os.path.dirname(venv_bin), os.path.join(self.cwd, ".venv"))
        if fresh:
            return
        copy_tree(self.root, os.path.join(self.home, ".ansible", "collections", "ansible_collections", "hwcloud", "mrs"))
        # the reader's folder holds what getting started had them save
        self.write("first_playbook.yml", docs_tools.tested_block(os.path.join(self.root, FRESH_PAGES[0]), "first_playbook.yml"))
        from harness import start_emulator  # pylint: disable=import-outside-toplevel
        self.emulator = stack.enter_context(start_emulator("--port", str(self.port), scale_seconds=0))
        for body in [GETTING_STARTED_ANALYTICS] + list(self.world.get("clusters", [])):
            self.emulator.create_cluster(**body)
        url = self.emulator.url
        self.env.update(HW_MRS_ENDPOINT=url, HW_AUTH_URL=url, HW_REGION_NAME=self.emulator.region,
                        HW_PROJECT_ID=self.emulator.project_id, HW_ACCESS_KEY=self.emulator.access_key,
                        HW_SECRET_KEY=self.emulator.secret_key)

    def close(self):
        """Stop what the page's blocks left running: their sessions, then every process that still has the page's
        HOME (an async job or a rulebook's playbook that went into a session of its own, which killpg misses)."""
        for pgid in self.sessions:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = self.page_processes()
            for pid in left:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 3
            while left and time.monotonic() < deadline:
                time.sleep(0.1)
                left = self.page_processes()

    def page_processes(self):
        """The processes whose environment has HOME set to this page's (only the page's blocks start such ones)."""
        wanted = ("HOME=%s" % self.home).encode()
        found = []
        for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % entry, "rb") as handle:
                    if wanted in handle.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
        return found

    # --- running ----------------------------------------------------------------------------------------------

    def shell(self, label, text, keep_state=True, script=False):
        """Run text with bash as the reader's next command(s), or with script=True as a script of its own (its
        variables, options and traps stay its own); returns (rc, output)."""
        run_as_script, script = script, os.path.join(self.runner, label + ".sh")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(text)
        state = os.path.join(self.runner, label + ".env")
        wrapper = "__docs_before=\" $(compgen -v | tr '\\n' ' ') \"\nset -e -o pipefail\ncd %s\n" % shlex.quote(self.cwd)
        if self.shell_vars:
            wrapper += ". %s\n" % shlex.quote(self.shell_vars)
        wrapper += "%s %s\n" % ("bash" if run_as_script else ".", shlex.quote(script))
        keep_state = keep_state and not run_as_script
        if keep_state:
            quoted = shlex.quote(state)
            wrapper += "env -0 > %s\npwd > %s.cwd\n%s > %s.vars\n" % (quoted, quoted, SHELL_VARS, quoted)
        log = os.path.join(self.runner, label + ".log")
        with open(log, "w", encoding="utf-8") as out:
            process = subprocess.Popen(["bash", "-c", wrapper], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            self.sessions.append(process.pid)
            try:
                rc = process.wait(BLOCK_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                rc = "timeout after %d s" % BLOCK_TIMEOUT
        with open(log, encoding="utf-8", errors="replace") as handle:
            output = handle.read()
        if rc == 0 and keep_state:
            with open(state, encoding="utf-8", errors="replace") as handle:
                pairs = [item.partition("=") for item in handle.read().split("\0") if "=" in item]
            self.env = {key: value for key, _sep, value in pairs if key not in ("PWD", "OLDPWD", "SHLVL", "_")}
            with open(state + ".cwd", encoding="utf-8") as handle:
                self.cwd = handle.read().strip()
            self.shell_vars = state + ".vars"
        return rc, output

    def write(self, name, text):
        path = os.path.join(self.home, name[2:]) if name.startswith("~/") else os.path.join(self.cwd, name)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def used_later(self, index, name):
        """Whether a later block runs the file: a runnable block that names it, or a file that names it and is run in
        turn (a playbook that a pytest file of the page runs)."""
        for later_index in range(index + 1, len(self.blocks)):
            later = self.blocks[later_index]
            if later.needs or not docs_blocks.mentions(later.text, name):
                continue
            if later.runnable or (later.name and self.used_later(later_index, later.name)):
                return True
        return False

    def vars_option(self):
        """-e with the world's variables only (a vault's keys, a cluster id): a playbook is complete in itself, and
        extra variables would override what it registers, so task lists' variables are not carried into it."""
        path = os.path.join(self.runner, "vars.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(dict(VAULT, **self.world.get("vars", {})), handle)
        return " -e @" + shlex.quote(path)

    def run_playbook(self, label, block):
        path = self.write(block.name or "docs-block-%d.yml" % block.line, block.text)
        return self.shell(label, "ansible-playbook%s %s\n" % (self.vars_option(), shlex.quote(path)), keep_state=False)

    def run_tasks(self, label, block):
        """The task list in a play on localhost, whose last task prints the variables it leaves (a debug, which runs
        no module: a copy to a file would cost two module runs, about 2 s, per block)."""
        names = sorted(set(carried_names(block.data)))
        variables = ", ".join("%r: %s | default(none)" % (name, name) for name in names)
        vars_file = os.path.join(self.runner, label + ".in.json")
        with open(vars_file, "w", encoding="utf-8") as handle:
            json.dump(self.carried, handle)
        body = "\n".join("    " + line if line.strip() else "" for line in block.text.splitlines() if line.strip() != "---")
        play = ("- name: docs test, the task list of %s\n  hosts: localhost\n  gather_facts: false\n"
                "  vars_files: [%s]\n  tasks:\n%s\n"
                "    - name: docs test, keep the variables of this block for the next ones\n"
                "      ansible.builtin.debug:\n        msg: \"%s{{ {%s} | to_json }}\"\n"
                ) % (block.where, json.dumps(vars_file), body, CARRY_MARK, variables)
        path = self.write("docs-block-%d.yml" % block.line, play)
        rc, output = self.shell(label, "ANSIBLE_CALLBACK_RESULT_FORMAT=json ansible-playbook %s\n" % shlex.quote(path),
                                keep_state=False)
        if rc == 0:
            carried = carried_variables(output)
            if carried is None:
                return "the docs test found no line %r in the play's output" % CARRY_MARK, output
            self.carried.update((key, value) for key, value in carried.items() if value is not None)
        return rc, output

    def run_inventory(self, label, block):
        name = block.name or "docs-block-%d.mrs.yml" % block.line
        path = self.write(name, block.text)
        rc, output = self.shell(label, "ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory -i %s --list\n" % shlex.quote(path),
                                keep_state=False)
        if rc == 0:
            try:
                listing = json.loads(output[output.index("{"):])
            except ValueError:
                return "no inventory in the output", output
            if not listing.get("_meta", {}).get("hostvars"):
                return "the inventory has no host", output
        return rc, output

    def run_console(self, label, block):
        commands = docs_blocks.console_commands(block.text)
        rc, output = self.shell(label, "\n".join(commands) + "\n")
        if rc == 0:
            missing = missing_output(block.text, commands, output)
            if missing is not None:
                return "the output differs from the page's: no line %r (in that order)" % missing, output
        return rc, output

    def run_block(self, index, block):
        """(status, rc, output) of one block."""
        label = "block-%03d-line-%d" % (index, block.line)
        if block.error:
            return "failed", block.error, ""
        if block.needs:
            return "needs", 0, block.needs
        if block.name and (not block.runnable or self.used_later(index, block.name)):
            self.write(block.name, block.text)
            return "saved", 0, ""
        runners = {"playbook": self.run_playbook, "tasks": self.run_tasks, "inventory": self.run_inventory}
        if block.kind == "shell" and block.info == "console":
            rc, output = self.run_console(label, block)
        elif block.kind == "shell":
            rc, output = self.shell(label, block.text, script=block.text.startswith("#!"))
        elif block.kind in runners:
            rc, output = runners[block.kind](label, block)
        elif block.kind == "rulebook":
            return "failed", "a rulebook must be run by a later block of its page (e.g. a command `ansible-rulebook -r NAME ...`)", ""
        else:
            return "read", 0, ""
        return ("ran" if rc == 0 else "failed"), rc, output

    def run(self):
        results = []
        for index, block in enumerate(self.blocks):
            start = time.monotonic()
            status, rc, output = self.run_block(index, block)
            results.append({"where": block.where, "kind": block.kind, "info": block.info, "name": block.name,
                            "status": status, "rc": rc if isinstance(rc, int) else str(rc), "output": output,
                            "seconds": round(time.monotonic() - start, 1), "first_line": block.text.split("\n", 1)[0],
                            "log": os.path.join(self.runner, "block-%03d-line-%d.log" % (index, block.line))})
        time.sleep(0.5)
        for result in results:
            self.check_error_signs(result)
        return results

    @staticmethod
    def check_error_signs(result):
        """A shell block that ran but printed an error a reader would see, perhaps after it ended (see ERROR_SIGNS)."""
        if result["status"] != "ran" or result["kind"] != "shell" or not os.path.exists(result["log"]):
            return
        with open(result["log"], encoding="utf-8", errors="replace") as handle:
            output = handle.read()
        signs = [sign for sign in ERROR_SIGNS if sign in output]
        if signs:
            result.update(status="failed", output=output, rc="exit code 0, but it printed %s (a background command?)"
                          % ", ".join(repr(sign) for sign in signs))


def names_the_port(root, page):
    """Whether a block the page runs names port 9500 (then the page needs that very port)."""
    return any(str(PORT) in block.text for block in docs_blocks.parse(os.path.join(root, page), root)
               if block.runnable and not block.needs)


def run_page(root, page, workdir, port=PORT):
    """Every block of the page, run in order; returns the list of results."""
    import contextlib  # pylint: disable=import-outside-toplevel
    run = PageRun(root, page, workdir, port)
    with contextlib.ExitStack() as stack:
        try:
            run.setup(stack)
            return run.run()
        finally:
            run.close()


def can_unshare():
    """Whether this machine lets us make a network namespace (as root, or through a user namespace)."""
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def isolated(argv, page):
    """Run this script again in a network namespace of its own when the page allows it; None when not."""
    if page in NETWORK_PAGES or "--in-netns" in argv or not can_unshare():
        return None
    return subprocess.run(["unshare", "-rn", sys.executable, os.path.abspath(__file__), "--in-netns"] + list(argv),
                          check=False).returncode


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("page")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--workdir", help="run in this (new) folder; default: a temporary one, kept")
    parser.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rc = isolated(argv, args.page)
    if rc is not None:
        return rc
    if args.in_netns:
        bring_loopback_up()
    workdir = args.workdir or tempfile.mkdtemp(prefix="docs-run-")
    os.makedirs(os.path.dirname(os.path.abspath(workdir)), exist_ok=True)
    shared = not args.in_netns and names_the_port(os.getcwd(), args.page)
    with open(LOCK_FILE, "a", encoding="utf-8") as lock:
        if shared:
            fcntl.flock(lock, fcntl.LOCK_EX)  # 127.0.0.1:9500 is the machine's: one such page at a time
        port = PORT if args.in_netns or shared else 0
        results = run_page(os.getcwd(), args.page, workdir, port)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
    for result in results:
        label = result["name"] or result["first_line"][:60]
        print("%-32s %-10s %-7s %5.1f s  %s" % (result["where"], result["kind"], result["status"], result["seconds"], label))
        if result["status"] == "failed":
            print("    rc=%s\n%s" % (result["rc"], "\n".join("    | " + line for line in result["output"].splitlines()[-40:])))
    print("workdir: %s" % workdir)
    return 1 if any(result["status"] == "failed" for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
