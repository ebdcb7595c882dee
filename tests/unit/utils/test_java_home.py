"""tests/utils/java_home.py: which Java ansible-rulebook gets, on fake Java installations."""

import os
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "utils"))

from java_home import find_java_home, java_major  # noqa: E402  pylint: disable=wrong-import-position


def fake_java(root, name, version_line):
    home = root / name
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\necho '%s' >&2\n" % version_line)
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return home


def test_the_major_version_of_old_and_new_version_lines(tmp_path):
    assert java_major(str(fake_java(tmp_path, "j17", 'openjdk version "17.0.15" 2025-04-15') / "bin" / "java")) == 17
    assert java_major(str(fake_java(tmp_path, "j8", 'java version "1.8.0_392"') / "bin" / "java")) == 8
    assert java_major(str(tmp_path / "nowhere" / "java")) is None


def test_java_home_unset_is_found_from_the_java_on_path(tmp_path):
    home = fake_java(tmp_path, "jdk", 'openjdk version "17.0.15"')
    found = find_java_home({"PATH": str(home / "bin")}, jvms=str(tmp_path / "none" / "*"))
    assert found == os.path.realpath(str(home))


def test_a_too_old_java_home_is_passed_over_and_none_found_is_none(tmp_path):
    old = fake_java(tmp_path, "old", 'java version "1.8.0_392"')
    assert find_java_home({"JAVA_HOME": str(old), "PATH": ""}, jvms=str(tmp_path / "none" / "*")) is None
    new = fake_java(tmp_path / "jvm", "java-21", 'openjdk version "21.0.2"')
    assert find_java_home({"JAVA_HOME": str(old), "PATH": ""}, jvms=str(tmp_path / "jvm" / "*")) == os.path.realpath(str(new))
