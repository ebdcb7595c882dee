# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the NodeScaler tests share: a clock that moves only when the scaler sleeps, and a scaler on it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def scaler(client, **kwargs):
    """A NodeScaler over ``client`` whose waits and back-offs take no real time."""
    clock = FakeClock()
    return NodeScaler(client, clock=clock, sleep=clock.sleep, **kwargs)
