"""Run pytest once over the given test folders, from the current (staged) collection directory.

Usage: python tests/utils/run_pytest.py [--workers N] DIR [DIR ...] [-- PYTEST_ARG ...]

- Folders that do not exist (git keeps no empty folders) are left out; naming no existing folder counts as
  collecting no tests.
- ``--workers N`` with N > 1 runs pytest-xdist with N workers; 0 or 1 runs in-process.
- pytest's exit code 5 ("no tests collected") is treated deliberately: it is a FAILURE, reported as such on
  the line after pytest's own summary, unless ALLOW_NO_TESTS=1 is set in the environment (then it is a pass,
  still reported). Every other exit code is passed through unchanged.
"""

import os
import subprocess
import sys

NO_TESTS_COLLECTED = 5


def parse(argv):
    """Split the command line into (workers, folders, extra pytest arguments)."""
    workers = 0
    folders = []
    extra = []

    if '--' in argv:
        index = argv.index('--')
        argv, extra = argv[:index], argv[index + 1:]

    args = iter(argv)

    for arg in args:
        if arg == '--workers':
            workers = int(next(args))
        elif arg.startswith('--workers='):
            workers = int(arg.split('=', 1)[1])
        else:
            folders.append(arg)

    return workers, folders, extra


def main():
    """Run pytest and translate its exit code."""
    workers, folders, extra = parse(sys.argv[1:])
    present = [folder for folder in folders if os.path.isdir(folder)]
    missing = [folder for folder in folders if folder not in present]
    allow_no_tests = os.environ.get('ALLOW_NO_TESTS') == '1'

    if missing:
        print('pytest: no such folder, left out: %s' % ' '.join(missing))

    if present:
        command = [sys.executable, '-m', 'pytest']

        if workers > 1:
            command += ['-n', str(workers)]

        command += present + extra
        sys.stdout.flush()
        returncode = subprocess.run(command, check=False).returncode
    else:
        returncode = NO_TESTS_COLLECTED

    if returncode == NO_TESTS_COLLECTED:
        if allow_no_tests:
            print('pytest: no tests collected (exit code 5), accepted because ALLOW_NO_TESTS=1')
            return 0

        print('pytest: no tests collected (exit code 5) in %s: a run that tests nothing fails '
              '(set ALLOW_NO_TESTS=1 to accept)' % ' '.join(folders))

    return returncode


if __name__ == '__main__':
    sys.exit(main())
