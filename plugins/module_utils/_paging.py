# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paged lists read completely or not at all: every entry once, the count checked against every total that is known.

PRIVATE to the collection: no compatibility promise outside it.

Pure: the pages come from a function the caller gives (``MrsClient`` gives its GET). Every paged read of the collection
(the cluster list, the v1.1 host list, the v2 node list) goes through ``read_all``:

- each entry is identified (``identify``); an entry without an id fails the read, naming the list, the page and the
  entry: nothing is silently left out;
- an entry seen on an earlier page (a page repeated by a gateway, or shifted while the list was read) counts once;
- the list's own total must be the same on every page, and the distinct entries must be exactly that many;
- when the caller knows the count from elsewhere (``expected``: the node counts of the cluster answer read in the
  same run), the entries kept must be exactly that many too;
- a pass that breaks one of these is read once more from page 1 (a list that changed while it was read is whole
  again a moment later); a second broken pass fails, naming the list and what disagreed. Never an endless loop: a
  pass stops at the first page that adds no new entry.

``cluster_node_total`` is the count a cluster answer gives for its host and node lists, ``group_node_total`` the count
it gives for one group's nodes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, TransientError

MAX_PAGES = 1000  # pages one pass reads at most (100 000 entries at 100 a page): a total that lies cannot keep it going


class ListEntryError(MrsError):
    """An entry of a paged list that cannot be read (not an object, no id): the list cannot be trusted."""


class ListMismatch(TransientError):
    """A paged list whose entries disagree with its totals, twice: it cannot be trusted, but may be whole again later."""


class Expected:
    """A count the caller knows from elsewhere, and where it comes from (for the message)."""

    def __init__(self, count, source):
        self.count = count
        self.source = source


class _Pass:
    """What one read of the list from page 1 gave: the distinct entries in order, and what was wrong, if anything."""

    def __init__(self):
        self.entries = []
        self.seen = set()
        self.repeats = 0
        self.total = None
        self.pages = 0
        self.problem = None


def _read_pass(fetch, identify, what, noun):
    """One pass over the pages: stop once the list's total is reached, or at a page that adds no new entry."""
    state = _Pass()
    page = 1
    while True:
        batch, total = fetch(page)
        state.pages = page
        if state.total is None:
            state.total = total
        elif total != state.total:
            state.problem = "its total changed from %d to %d between page 1 and page %d (the list changed while it was read)" % (
                state.total, total, page)
            return state
        fresh = 0
        for index, entry in enumerate(batch):
            key = identify(entry)
            if key is None:
                raise ListEntryError("%s: page %d, entry %d is not a readable %s (%s); nothing is decided from a list "
                                     "with an entry that cannot be read" % (what, page, index, noun, _shape(entry)))
            if key in state.seen:
                state.repeats += 1
                continue
            state.seen.add(key)
            state.entries.append(entry)
            fresh += 1
        if len(state.entries) >= state.total or not fresh:
            break
        if page >= MAX_PAGES:
            state.problem = "stopped after %d pages with %d distinct %ss, although its total says %d" % (
                page, len(state.entries), noun, state.total)
            return state
        page += 1
    if len(state.entries) != state.total:
        state.problem = "%d distinct %ss were read in %d page%s, but its total says %d%s" % (
            len(state.entries), noun, state.pages, "" if state.pages == 1 else "s", state.total,
            "; %d entr%s repeated one already read" % (state.repeats, "y" if state.repeats == 1 else "ies") if state.repeats else "")
    return state


def _shape(entry):
    return "an object without its id" if isinstance(entry, dict) else "a %s, not an object" % type(entry).__name__


def read_all(fetch, identify, what, noun="entry", expected=None, keep=None, rereads=1):
    """Every distinct entry of a paged list, in the order first seen; raise ``ListMismatch`` when it cannot be trusted.

    ``fetch(page)`` returns ``(entries, total)`` of page ``page`` (from 1). ``identify(entry)`` returns the entry's id,
    or None for an entry that cannot be read (``ListEntryError``, at once). ``what`` names the list in messages
    (``"the host list of cluster c1 (GET ...)"``), ``noun`` one entry (``"host"``). ``keep(entry)``: only the entries
    it keeps are returned and compared with ``expected`` (an ``Expected``: the count the caller knows from elsewhere).
    ``rereads``: how many more passes from page 1 a broken pass gets.
    """
    problems = []
    for _attempt in range(rereads + 1):
        state = _read_pass(fetch, identify, what, noun)
        kept = [entry for entry in state.entries if keep(entry)] if keep is not None else state.entries
        problem = state.problem
        if problem is None and expected is not None and expected.count is not None and len(kept) != expected.count:
            problem = "its %d %ss%s disagree with %s, which says %d" % (
                len(kept), noun, "" if keep is None else " (of %d listed)" % len(state.entries), expected.source, expected.count)
        if problem is None:
            return kept
        problems.append(problem)
    raise ListMismatch("%s cannot be trusted: %s%s. Nothing is decided or shown from it; run again (a list read while the "
                       "cluster changes is whole again once it is idle), and if it persists, check what stands between "
                       "this host and MRS (a proxy or gateway that repeats, trims or reorders pages)"
                       % (what, problems[-1], "" if len(problems) == 1 else " (read %d times from page 1)" % len(problems)))


def cluster_node_total(view):
    """The nodes a cluster answer says it has (every group, Master included): what its host and node lists must hold.

    None when it cannot say: a count the answer lacks, or a cluster that is not idle (``running`` without a scale
    sub-state), whose counts and lists change while they are read.
    """
    if view.state != "running" or view.scale:
        return None
    groups = view.node_groups
    if any(group.role == "custom" for group in groups):
        return sum(group.node_count for group in groups)
    counts = (view.master_count, view.core_count, view.task_count)
    if None in counts:
        return None
    return sum(counts)


def group_node_total(view, group_name):
    """The nodes a cluster answer says group ``group_name`` has: what a node list read for that group must hold.

    None when it cannot say: a group the answer does not list, or a cluster that is not idle (as ``cluster_node_total``).
    """
    if view.state != "running" or view.scale:
        return None
    group = view.group(group_name)
    return None if group is None else group.node_count
