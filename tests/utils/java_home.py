"""Find a Java 17+ for ansible-rulebook (its rule engine, drools_jpy, runs in a JVM), installing one where allowed.

- ``find_java_home()``: the JAVA_HOME of a Java 17 or later: $JAVA_HOME if it is one, else the ``java`` on PATH (its
  real folder), else the newest under /usr/lib/jvm. None when there is none. Tests set JAVA_HOME from it, so a machine
  with Java installed but JAVA_HOME unset works.
- ``python tests/utils/java_home.py [--install]``: prints the JAVA_HOME found; with ``--install``, when there is none
  and ``apt-get`` can run (as root), installs ``openjdk-17-jre-headless`` first. Exit 0 when a Java 17+ is there,
  3 when not (`make test` then fails under CI=true and skips the rulebook tests loudly otherwise).
"""

import glob
import os
import re
import shutil
import subprocess
import sys

MINIMUM = 17
PACKAGE = "openjdk-17-jre-headless"


def java_major(java):
    """The major version of a java binary (17 for "17.0.15", 8 for "1.8.0_392"), or None when it does not run."""
    try:
        completed = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', completed.stdout + completed.stderr)
    if completed.returncode != 0 or not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _candidates(environ, jvms):
    if environ.get("JAVA_HOME"):
        yield environ["JAVA_HOME"]
    java = shutil.which("java", path=environ.get("PATH"))
    if java:
        yield os.path.dirname(os.path.dirname(os.path.realpath(java)))
    yield from sorted(glob.glob(jvms), reverse=True)


def find_java_home(environ=None, minimum=MINIMUM, jvms="/usr/lib/jvm/*"):
    """The JAVA_HOME of a Java ``minimum`` or later, or None."""
    environ = os.environ if environ is None else environ
    for home in _candidates(environ, jvms):
        major = java_major(os.path.join(home, "bin", "java"))
        if major is not None and major >= minimum:
            return os.path.realpath(home)
    return None


def install():
    """apt-get install openjdk-17-jre-headless (after apt-get update when the package lists are stale); True if it ran."""
    if not shutil.which("apt-get") or os.geteuid() != 0:
        print("java: cannot install %s here (needs apt-get, run as root)" % PACKAGE, file=sys.stderr)
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE]
    print("java: no Java %d+ found; installing %s" % (MINIMUM, PACKAGE), file=sys.stderr)
    if subprocess.run(command, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        return subprocess.run(command, env=env, check=False).returncode == 0
    return True


def main(argv):
    home = find_java_home()
    if home is None and "--install" in argv and install():
        home = find_java_home()
    if home is None:
        print("java: no Java %d or later (JAVA_HOME, java on PATH, /usr/lib/jvm)" % MINIMUM, file=sys.stderr)
        return 3
    print(home)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
