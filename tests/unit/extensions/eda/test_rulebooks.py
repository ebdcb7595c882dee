# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped rulebooks (and the source's EXAMPLES) name only what exists: the source with its documented arguments,
and playbooks the collection ships (ansible-rulebook finds hwcloud.mrs.NAME at playbooks/NAME.yml). A typo here would
only show when an event comes, in production."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import pytest
import yaml

from ansible_collections.hwcloud.mrs.extensions.eda.plugins.event_source import mrs_events

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
RULEBOOKS = sorted(glob.glob(os.path.join(ROOT, "extensions", "eda", "rulebooks", "*.yml")))


def rulesets():
    for path in RULEBOOKS:
        with open(path, encoding="utf-8") as handle:
            yield os.path.basename(path), yaml.safe_load(handle)
    yield "mrs_events EXAMPLES", yaml.safe_load(mrs_events.EXAMPLES)


def test_both_rulebooks_are_shipped():
    assert [os.path.basename(path) for path in RULEBOOKS] == ["hold_declared_sizes.yml", "report_failed_scale.yml"]


@pytest.mark.parametrize("name, document", list(rulesets()))
def test_sources_and_playbooks_exist(name, document):
    options = set(yaml.safe_load(mrs_events.DOCUMENTATION)["options"])
    for ruleset in document:
        for source in ruleset["sources"]:
            plugin = [key for key in source if key != "name"]
            assert plugin == ["hwcloud.mrs.mrs_events"], name
            assert set(source[plugin[0]]) <= options, name
        for rule in ruleset["rules"]:
            action = rule["action"].get("run_playbook")
            if action:
                namespace, collection, playbook = action["name"].split(".")
                assert (namespace, collection) == ("hwcloud", "mrs"), name
                assert os.path.isfile(os.path.join(ROOT, "playbooks", playbook + ".yml")), (name, action["name"])
