"""Copy the git-visible files of this checkout into ``<dest>/ansible_collections/<namespace>/<name>``.

ansible-test needs its physical working directory to be ``.../ansible_collections/<namespace>/<name>``
(a symlink resolves away), so the checks run from a fresh copy. "Git-visible" means tracked plus
untracked-but-not-ignored files (``git ls-files -co --exclude-standard``), so work in progress is staged
while ``.venv/``, ``.tmp/`` and other ignored files are not. Tracked files deleted from the work tree are
left out. The destination collection folder is emptied first.

The copy gets an empty git repository of its own (``git init``): ansible-test looks for ``.git`` from the
collection folder upwards, and would otherwise find this checkout's repository, in which the copy under the
ignored ``.tmp/`` has no files at all. With its own ``.git`` the copy's ``.gitignore`` applies there too, so
``tests/output/`` stays out of the sanity tests.

Usage: python tests/utils/stage_collection.py DEST   (DEST is the folder that will hold ansible_collections/)
"""

import os
import re
import shutil
import subprocess
import sys


def galaxy_name(root):
    """Return (namespace, name) read from galaxy.yml without needing PyYAML."""
    with open(os.path.join(root, 'galaxy.yml'), encoding='utf-8') as galaxy:
        text = galaxy.read()

    found = {}

    for key in ('namespace', 'name'):
        match = re.search(r'^%s:\s*[\'"]?([A-Za-z0-9_]+)' % key, text, re.MULTILINE)

        if not match:
            sys.exit('stage_collection: no %s in galaxy.yml' % key)

        found[key] = match.group(1)

    return found['namespace'], found['name']


def visible_files(root):
    """Return the repository-relative paths that git shows: tracked and untracked, minus ignored."""
    output = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=root, check=True, stdout=subprocess.PIPE,
    ).stdout.decode('utf-8')

    return sorted(set(path for path in output.split('\0') if path))


def main():
    """Stage the collection."""
    if len(sys.argv) != 2:
        sys.exit(__doc__)

    root = subprocess.run(
        ['git', 'rev-parse', '--show-toplevel'], check=True, stdout=subprocess.PIPE,
    ).stdout.decode('utf-8').strip()

    namespace, name = galaxy_name(root)
    dest = os.path.join(os.path.abspath(sys.argv[1]), 'ansible_collections', namespace, name)

    if os.path.lexists(dest):
        shutil.rmtree(dest)

    os.makedirs(dest)
    count = 0

    for path in visible_files(root):
        source = os.path.join(root, path)

        if not os.path.lexists(source):
            continue  # tracked, but deleted in the work tree

        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)

        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)

        count += 1

    subprocess.run(['git', '-c', 'init.defaultBranch=main', 'init', '-q', dest], check=True)
    print('staged %d files into %s' % (count, dest))


if __name__ == '__main__':
    main()
