"""The fenced blocks of the Markdown guides, and what each one is: read by the docs snippet test.

The conventions (CONTRIBUTING.md, "Every block runs as printed"), visible to the reader as much as to the test:

- Every fence says what the block is: ``sh`` (or ``bash``, ``shell``) for commands, ``console`` for commands
  after ``$ `` followed by what they print, ``yaml``, ``text`` for output and diagrams, ``python``, ...
- A block that is a file the reader saves starts with a comment naming it: ``# first_playbook.yml`` (after a
  ``---`` or a ``#!`` line, if any). Later blocks of the page can use it; a shell ``cat > NAME`` works too.
- A block that cannot run against the emulator starts with a comment ``# needs ...: why`` (a real cloud account,
  AWX, a container engine, ...). Such blocks are counted, and must stay few.
- A block about developing the collection (``make test``, the bench, pytest of the project's own tests) starts with
  ``# needs the project's test toolchain: why``. The docs test does not run the test suite inside itself; instead
  ``toolchain_problems`` checks, without running anything, that what such a block names exists in the checkout:
  its ``make`` targets, its files, the names of its ``pytest -k`` expressions, the ``--options`` of the project's
  scripts it runs and the variables it sets.

A ``yaml`` block is classified by its content: a playbook (plays with ``hosts``), a task list, an inventory
configuration (``plugin:``, or groups with ``hosts``), a rulebook (``sources`` and ``rules``), or another YAML file
or fragment (``module_defaults:``, an execution environment definition, AWX input configuration, ...).
"""

import functools
import os
import re
import shlex

import yaml

FENCE = re.compile(r"^( *)(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
NAME = re.compile(r"^#\s*(?:file:\s*)?((?:[\w.~-]+/)*[\w.-]+\.(?:ya?ml|sh|py|json|cfg|ini|txt|j2|toml))\s*$")
NEEDS = re.compile(r"^#\s*needs\s+(.+?)\s*$", re.IGNORECASE)
TESTED = re.compile(r"<!-- tested: ([^ ]+) -->")
TOOLCHAIN = "the project's test toolchain"

SHELL = ("sh", "bash", "shell", "console")
YAML = ("yaml", "yml")
OUTPUT = ("text", "output", "plain")
# What each kind of block is, and whether the snippet test runs it (RUNNABLE) or only reads it.
RUNNABLE = ("shell", "playbook", "tasks", "inventory", "rulebook")


class Block:
    """One fenced block of a page: where it is, what it says it is, and its text (dedented)."""

    def __init__(self, page, line, info, text, tested=None):
        self.page = page
        self.line = line
        self.info = info.lower()
        self.text = text
        self.tested = tested
        self.name, self.needs = leading_comments(text)
        self.kind, self.data, self.error = classify(self.info, text)

    @property
    def where(self):
        return "%s:%d" % (self.page, self.line)

    @property
    def runnable(self):
        return self.kind in RUNNABLE

    @property
    def toolchain(self):
        """A block about developing the collection (see the module docstring): checked, not run."""
        return bool(self.needs) and self.needs.startswith(TOOLCHAIN)

    def __repr__(self):
        return "<Block %s %s%s>" % (self.where, self.kind, " " + self.name if self.name else "")


def leading_comments(text):
    """(file name, needs reason) from the block's leading comment lines (after a ``---`` or ``#!`` line)."""
    name = needs = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in ("---", "") or stripped.startswith("#!"):
            continue
        if not stripped.startswith("#"):
            break
        name = name or (NAME.match(stripped).group(1) if NAME.match(stripped) else None)
        needs = needs or (NEEDS.match(stripped).group(1) if NEEDS.match(stripped) else None)
    return name, needs


def console_commands(text):
    """The commands of a console block: its ``$ `` lines, with their ``\\`` continuations."""
    commands, current = [], None
    for line in text.splitlines():
        if current is not None:
            current.append(line)
        elif line.startswith("$ "):
            current = [line[2:]]
        if current is not None and not line.endswith("\\"):
            commands.append("\n".join(current))
            current = None
    return commands


def classify_yaml(text):
    """(kind, data, error) of a yaml block."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return "yaml-file", None, "not valid YAML: %s" % error
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        if any("sources" in item and "rules" in item for item in data):
            return "rulebook", data, None
        if any("hosts" in item or "import_playbook" in item or "ansible.builtin.import_playbook" in item for item in data):
            return "playbook", data, None
        return "tasks", data, None
    if isinstance(data, dict) and ("plugin" in data or is_static_inventory(data)):
        return "inventory", data, None
    return "yaml-file", data, None


def is_static_inventory(data):
    """A YAML inventory: every top-level value a group of hosts, children or vars."""
    return bool(data) and all(isinstance(group, dict) and group and set(group) <= {"hosts", "children", "vars"}
                              for group in data.values())


def classify(info, text):
    """(kind, data, error): the kind is one of RUNNABLE, or yaml-file, output, code, or unlabelled."""
    if info in YAML:
        return classify_yaml(text)
    if info == "console" and not console_commands(text):
        return "output", None, None
    if info in SHELL:
        return "shell", None, None
    if info in OUTPUT:
        return "output", None, None
    if not info:
        return "unlabelled", None, "the fence does not say what the block is (```sh, ```yaml, ```text, ...)"
    return "code", None, None


def parse(path, root=None):
    """Every fenced block of a Markdown page, in order. ``page`` is the path relative to root."""
    with open(path, encoding="utf-8") as markdown:
        lines = markdown.read().split("\n")
    page = os.path.relpath(path, root) if root else path
    blocks, index, tested = [], 0, None
    while index < len(lines):
        opening = FENCE.match(lines[index])
        marker = TESTED.search(lines[index])
        if marker:
            tested = marker.group(1)
        if not opening:
            index += 1
            continue
        indent, fence, info = opening.groups()
        end = index + 1
        while end < len(lines) and not re.match(r"^ *%s%s*\s*$" % (re.escape(fence), re.escape(fence[0])), lines[end]):
            end += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[index + 1:end]]
        blocks.append(Block(page, index + 1, info, "\n".join(body) + "\n", tested))
        index, tested = end + 1, None
    return blocks


def mentions(text, name):
    """Whether text uses the file name as a path of its own (``x.yml``, ``./x.yml``, ``{{ playbook_dir }}/x.yml``),
    not as the tail of another path (``inventory/x.yml`` does not use ``x.yml``)."""
    for found in re.finditer(r"%s(?![\w.-])" % re.escape(name), text):
        before = text[:found.start()]
        if before.endswith(("}}/", "$PWD/")) or re.search(r"(^|[^\w./-])(\./)?$", before):
            return True
    return False


def pages(root):
    """The pages the snippet test runs: README.md and every docs/*.md (a new guide is found by itself)."""
    docs = os.path.join(root, "docs")
    found = ["README.md"] + sorted(os.path.join("docs", name) for name in os.listdir(docs) if name.endswith(".md"))
    return [page for page in found if os.path.isfile(os.path.join(root, page))]


# --- blocks that need the project's test toolchain: what they name must exist ----------------------------------

# Variables of the tools themselves, which the project need not read.
KNOWN_VARIABLES = ("PATH", "PYTHONPATH", "HOME", "CI", "VIRTUAL_ENV", "TMPDIR")
PROJECT_PATH = re.compile(r"^(?:\./)?(?:tests|bench|plugins|roles|docs|demo|playbooks|extensions|changelogs|meta|\.ci)/[\w./-]*$")


def shell_commands(text):
    """The commands of a shell block as token lists: comments dropped, ``\\`` continuations joined, ``;`` / ``&&``
    / ``||`` / ``|`` separating commands."""
    joined = re.sub(r"\\\n", " ", text)
    commands = []
    for line in joined.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
            lexer.whitespace_split = True
            lexer.commenters = "#"
            tokens = list(lexer)
        except ValueError:
            continue
        current = []
        for token in tokens:
            if token and set(token) <= set(";&|"):
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
    return [command for command in commands if command]


def test_names(root):
    """What ``pytest -k`` matches on, lower-cased: the test files' names, and their test functions and classes."""
    names = set()
    for folder, _dirs, files in os.walk(os.path.join(root, "tests")):
        for name in files:
            if name.startswith("test_") and name.endswith(".py"):
                names.add(name[:-3].lower())
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    names.update(found.lower() for found in re.findall(r"^\s*(?:def|class) ((?:test_|Test)\w*)", handle.read(), re.M))
    return names


def make_targets(root):
    with open(os.path.join(root, "Makefile"), encoding="utf-8") as handle:
        return set(re.findall(r"^([A-Za-z][\w-]*):", handle.read(), re.M))


def variables_read(root):
    """The variables the project's tooling reads: ``os.environ.get("X"``, ``environ["X"]``, ``getenv("X"`` in tests/
    and bench/, and the variables of the Makefile and of .ci/ (``X ?= ``, ``$(X)``, ``${X}``, ``$X``)."""
    names = set()
    python = re.compile(r"""(?:environ\.get|environ\[|getenv)\(?\s*["'](\w+)["']""")
    shell = re.compile(r"\$\(?\{?(\w+)|^\s*(?:export\s+)?(\w+)\s*[?:+]?=", re.M)
    for top in ("tests", "bench"):
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                        names.update(python.findall(handle.read()))
    ci_files = [os.path.join(folder, name) for folder, _dirs, files in os.walk(os.path.join(root, ".ci")) for name in files]
    shell_files = [os.path.join(root, "Makefile")] + ci_files
    for path in shell_files:
        with open(path, encoding="utf-8", errors="replace") as handle:
            names.update(name for pair in shell.findall(handle.read()) for name in pair if name)
    return names


def _pytest_problems(args, root, names):
    problems = []
    for index, arg in enumerate(args):
        if arg == "-k" and index + 1 < len(args):
            words = set(re.findall(r"[A-Za-z_][\w-]*", args[index + 1])) - {"and", "or", "not"}
            problems += ["pytest -k %r: no test file, function or class is named like %r" % (args[index + 1], word)
                         for word in sorted(words) if not any(word.lower() in name for name in names)]
        elif PROJECT_PATH.match(arg) and not os.path.exists(os.path.join(root, arg.split("::")[0])):
            problems.append("%s: no such file in the checkout" % arg)
    return problems


def _command_problems(command, root, context):
    """What one command of a toolchain block names that the checkout lacks."""
    problems = []
    while command and re.match(r"^[A-Za-z_]\w*=", command[0]):
        variable = command.pop(0).split("=", 1)[0]
        if variable not in KNOWN_VARIABLES and not variable.startswith("ANSIBLE_") and variable not in context["variables"]:
            problems.append("%s: the project's tooling reads no such variable" % variable)
    if not command:
        return problems
    if command[0] == "make":
        for arg in command[1:]:
            if "=" in arg:
                name, value = arg.split("=", 1)
                if name == "PYTEST_ARGS":
                    problems += _pytest_problems(shlex.split(value), root, context["names"])
                elif name not in context["variables"]:
                    problems.append("make %s: the Makefile reads no such variable" % name)
            elif not arg.startswith("-") and arg not in context["targets"]:
                problems.append("make %s: the Makefile has no such target" % arg)
        return problems
    problems += _pytest_problems(command, root, context["names"])
    scripts = [arg for arg in command if PROJECT_PATH.match(arg) and arg.endswith(".py") and os.path.isfile(os.path.join(root, arg))]
    for script in scripts[:1]:
        with open(os.path.join(root, script), encoding="utf-8") as handle:
            source = handle.read()
        problems += ["%s %s: the script has no such option" % (script, arg.split("=")[0]) for arg in command
                     if arg.startswith("--") and arg.split("=")[0] not in source]
    return problems


@functools.lru_cache(maxsize=None)
def toolchain_context(root):
    return {"targets": make_targets(root), "names": test_names(root), "variables": variables_read(root)}


def toolchain_problems(block, root):
    """What a ``# needs the project's test toolchain`` block names that the checkout lacks (an empty list when all
    is there): make targets and variables, project files, ``pytest -k`` names, script options, variables set."""
    context = toolchain_context(os.path.abspath(root))
    commands = console_commands(block.text) if block.info == "console" else [block.text]
    problems = []
    for text in commands:
        for command in shell_commands(text):
            problems += _command_problems(list(command), root, context)
    return problems
