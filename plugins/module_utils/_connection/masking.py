# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets out of every text: in every form an answer may spell them, and any cut piece of one at a text's edge.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from urllib.parse import quote

MASK = "********"
MIN_SECRET_FRAGMENT = 8  # characters of a secret that are masked when a text begins or ends with them (a cut secret)
_URL_CREDENTIALS = re.compile(r"(//)[^/@\s]+@")


def _secret_forms(secret):
    """The ways a secret may be spelt in an answer that echoes it: as is, JSON-escaped (ASCII or not), percent-encoded."""
    forms = set((secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret, safe="")))
    return [form for form in forms if form]


def _masked_ends(text, form, fragment):
    """``text`` with the longest head of ``form`` (at least ``fragment`` characters) it ends with masked (the text was cut
    inside the secret), and the longest tail of ``form`` it begins with (cut before it)."""
    if len(text) >= fragment and text[-fragment:] in form:  # else no head of the secret can end the text
        for size in range(min(len(form) - 1, len(text)), fragment - 1, -1):
            if text.endswith(form[:size]):
                text = text[:-size] + MASK
                break
    if len(text) >= fragment and text[:fragment] in form:
        for size in range(min(len(form) - 1, len(text)), fragment - 1, -1):
            if text.startswith(form[-size:]):
                text = MASK + text[size:]
                break
    return text


def mask_secrets(text, secrets, fragment=MIN_SECRET_FRAGMENT):
    """``text`` with every secret replaced by MASK, in every form an answer may spell it (``_secret_forms``), and with a
    head or tail of a secret of ``fragment`` or more characters masked where the text begins or ends (someone cut it
    inside the secret). Mask first, then cut: whoever shortens a text masks it before."""
    text = _URL_CREDENTIALS.sub(r"\1" + MASK + "@", str(text))
    forms = sorted(set(form for secret in secrets if isinstance(secret, str) and secret for form in _secret_forms(secret)),
                   key=len, reverse=True)
    for form in forms:
        text = text.replace(form, MASK)
    for form in forms:
        text = _masked_ends(text, form, fragment)
    return text
