"""Pre-seed ansible-test's cache so its pip bootstrap works without network access to ansible's CI host.

``ansible-test sanity`` creates an empty virtual environment per sanity test and bootstraps pip into it
with a ``get-pip`` script that it downloads from a host outside the package registries. When
``~/.ansible/test/cache/get_pip_<version>.py`` already exists, ansible-test uses it instead.

This script reads the pip version that the installed ansible-test pins, downloads that pip wheel from the
package index with ``pip download`` into the cache, and writes a ``get_pip_<version>.py`` there that installs
pip from that wheel (``--no-index``, so the bootstrap itself needs no network). It is idempotent: with
the wheel and an up-to-date script already in place it does nothing.

Run it with the Python of the virtual environment that has ansible-core installed.
"""

import glob
import os
import re
import subprocess
import sys

CACHE_DIR = os.path.expanduser(os.path.join('~', '.ansible', 'test', 'cache'))

GET_PIP_TEMPLATE = '''\
"""Offline stand-in for get-pip {version}, written by hwcloud.mrs tests/utils/seed_ansible_test_cache.py.

ansible-test runs this file as a module with pip-style arguments (options and requirements such as
pip=={version}). It installs them with pip run from the wheel next to this file, from that folder only.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WHEEL = os.path.join(HERE, {wheel!r})
DROPPED = ('--no-setuptools', '--no-wheel', '--no-pip')


def main():
    """Install pip (and whatever else was asked for) from the cached wheel."""
    sys.path.insert(0, WHEEL)
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    return pip_main(['install', '--no-index', '--find-links', HERE] + args)


if __name__ == '__main__':
    sys.exit(main())
'''


def pinned_pip_version():
    """Return the pip version that the installed ansible-test bootstraps into its virtual environments."""
    try:
        import ansible_test  # pylint: disable=import-outside-toplevel
    except ImportError:
        sys.exit('seed_ansible_test_cache: ansible-test is not installed for %s' % sys.executable)

    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')

    with open(path, encoding='utf-8') as source:
        text = source.read()

    match = re.search(r"""default_packages\s*=\s*dict\(\s*pip\s*=\s*['"]([0-9][0-9.]*)['"]""", text)

    if not match:
        sys.exit('seed_ansible_test_cache: cannot find the pinned pip version in %s' % path)

    return match.group(1)


def main():
    """Make sure the cache holds the pinned pip wheel and a matching offline get_pip script."""
    version = pinned_pip_version()
    os.makedirs(CACHE_DIR, exist_ok=True)

    wheel_pattern = os.path.join(CACHE_DIR, 'pip-%s-*.whl' % version)
    wheels = glob.glob(wheel_pattern)

    if not wheels:
        subprocess.run(
            [sys.executable, '-m', 'pip', 'download', '--disable-pip-version-check', '-q',
             '--no-deps', '--only-binary=:all:', '-d', CACHE_DIR, 'pip==%s' % version],
            check=True,
        )
        wheels = glob.glob(wheel_pattern)

    if not wheels:
        sys.exit('seed_ansible_test_cache: pip download left no wheel matching %s' % wheel_pattern)

    script_path = os.path.join(CACHE_DIR, 'get_pip_%s.py' % version.replace('.', '_'))
    script = GET_PIP_TEMPLATE.format(version=version, wheel=os.path.basename(sorted(wheels)[-1]))

    try:
        with open(script_path, encoding='utf-8') as current:
            up_to_date = current.read() == script
    except FileNotFoundError:
        up_to_date = False

    if not up_to_date:
        with open(script_path + '.tmp', 'w', encoding='utf-8') as new:
            new.write(script)
        os.replace(script_path + '.tmp', script_path)

    print('ansible-test cache: pip %s bootstrap ready in %s' % (version, CACHE_DIR))


if __name__ == '__main__':
    main()
