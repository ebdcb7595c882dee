"""The vendor SDK (huaweicloudsdkmrs / huaweicloudsdkcore 3.1.219) as the judge of the emulator's answers.

The SDK is a test oracle only: the emulator and the collection never import it. Its generated models say, for every
answer, which keys exist (``attribute_map``: attribute -> wire name), the type of each (``openapi_types``) and which
attributes are required (the ones ``__init__`` assigns unconditionally). ``model_problems`` checks a JSON answer against
them; ``value_mismatches`` checks that the SDK's own deserialisation of that answer gives the values the raw JSON holds
(the values the collection, which reads the raw JSON, works with).
"""

import importlib
import inspect
import json
import os
import re
import types

NUMBER = (int, float)
PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": NUMBER, "object": object}

# Where a documented answer departs from the SDK's model, with the source that says so. Each is checked against the
# type named here instead of the model's (None: the key is known to the source, the type is free).
KNOWN_VARIANTS = {
    # OTC api-ref viewing_auto_scaling_policies.rst, example answer: "metric_value" : 100 (the SDK types it str).
    ("Trigger", "metric_value"): "number",
    # OTC api-ref viewing_auto_scaling_policies.rst lists ScaleScript (exec_scripts) in the GET answer; the SDK's
    # AutoScalingPolicyInfo has no exec_scripts.
    ("AutoScalingPolicyInfo", "exec_scripts"): "list[ScaleScript]",
}


def load_sdk(home):
    """The SDK modules, imported with HOME=home: the import writes ~/.huaweicloud/application_id."""
    saved_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        from huaweicloudsdkcore.auth.credentials import BasicCredentials  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.http.http_config import HttpConfig  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.region.region import Region  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.sdk_request import SdkRequest  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.signer.signer import Signer  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkmrs import v1, v2  # pylint: disable=import-outside-toplevel
    finally:
        if saved_home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = saved_home
    return types.SimpleNamespace(
        BasicCredentials=BasicCredentials, ClientRequestException=ClientRequestException, HttpConfig=HttpConfig, Region=Region,
        SdkRequest=SdkRequest, Signer=Signer, v1=v1, v2=v2,
        v1_models=importlib.import_module("huaweicloudsdkmrs.v1.model"), v2_models=importlib.import_module("huaweicloudsdkmrs.v2.model"))


def build(sdk, module, emu, credentials=None, ca_file=None):
    """An SDK client (module: sdk.v1 or sdk.v2) pointed at the emulator, as a user would build it."""
    config = sdk.HttpConfig.get_default_config()
    config.timeout = (5, 10)
    if ca_file:
        config.ssl_ca_cert = ca_file
    credentials = credentials or sdk.BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    return module.MrsClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoint(emu.url).build()


def required_attributes(cls):
    """The attributes the model's __init__ assigns whatever the caller passes (the generator's mark of "required")."""
    source = inspect.getsource(cls.__init__)
    assigned = set(re.findall(r"^\s*self\.(\w+) = (\1)\s*$", source, re.M))
    optional = set(re.findall(r"if (\w+) is not None:\s*\n\s*self\.(\1) = \1", source))
    return {name for name, _same in assigned} - {name for name, _same in optional}


def _primitive_problem(type_name, value, path):
    wanted = PRIMITIVES[type_name]
    if wanted is object:
        return None
    if isinstance(value, bool) and type_name != "bool":
        return "%s: %r is a boolean, the model says %s" % (path, value, type_name)
    if not isinstance(value, wanted):
        return "%s: %r is %s, the model says %s" % (path, value, type(value).__name__, type_name)
    return None


def model_problems(models, type_name, value, path="answer"):
    """Every way value breaks the SDK's model type_name: an unknown key, a missing required one, a wrong type."""
    if value is None:
        return []
    container = re.match(r"^(list)\[(.+)\]$|^(dict)\([^,]+, (.+)\)$", type_name)
    if container:
        return _container_problems(models, container, value, path)
    if type_name == "number":
        return [] if isinstance(value, NUMBER) and not isinstance(value, bool) else ["%s: %r is not a number" % (path, value)]
    if type_name in PRIMITIVES:
        problem = _primitive_problem(type_name, value, path)
        return [problem] if problem else []
    return _object_problems(models, getattr(models, type_name), value, path)


def _container_problems(models, match, value, path):
    if match.group(1):
        if not isinstance(value, list):
            return ["%s: %s is not a list" % (path, type(value).__name__)]
        items = [("%s[%d]" % (path, index), item) for index, item in enumerate(value)]
    else:
        if not isinstance(value, dict):
            return ["%s: %s is not an object" % (path, type(value).__name__)]
        items = [("%s.%s" % (path, key), item) for key, item in value.items()]
    element = match.group(2) or match.group(4)
    return [problem for where, item in items for problem in model_problems(models, element, item, where)]


def _object_problems(models, cls, value, path):
    if not isinstance(value, dict):
        return ["%s: %s is not an object (model %s)" % (path, type(value).__name__, cls.__name__)]
    attribute_of = {wire: attribute for attribute, wire in cls.attribute_map.items()}
    problems = []
    for attribute in sorted(required_attributes(cls)):
        if value.get(cls.attribute_map[attribute]) is None:
            problems.append("%s.%s: required by %s, missing" % (path, cls.attribute_map[attribute], cls.__name__))
    for key, item in value.items():
        variant = KNOWN_VARIANTS.get((cls.__name__, key))
        if variant:
            problems.extend(model_problems(models, variant, item, "%s.%s" % (path, key)))
        elif key not in attribute_of:
            problems.append("%s.%s: a key model %s does not know" % (path, key, cls.__name__))
        else:
            problems.extend(model_problems(models, cls.openapi_types[attribute_of[key]], item, "%s.%s" % (path, key)))
    return problems


def value_mismatches(models, type_name, raw, deserialised, path="answer"):
    """Where the SDK's deserialised object differs from the raw JSON it came from (a key the model does not know is
    skipped: the SDK drops it; a number where the model says str must come out as its text)."""
    if raw is None:
        return [] if deserialised in (None, []) else ["%s: null deserialised as %r" % (path, deserialised)]
    listed = re.match(r"^list\[(.+)\]$", type_name)
    if listed:
        return _list_mismatches(models, listed.group(1), raw, deserialised or [], path)
    if type_name in PRIMITIVES or type_name == "number" or type_name.startswith("dict("):
        expected = str(raw) if type_name == "str" and isinstance(raw, NUMBER) else raw
        return [] if deserialised == expected else ["%s: %r deserialised as %r" % (path, raw, deserialised)]
    cls = getattr(models, type_name)
    return [mismatch for attribute, wire in cls.attribute_map.items() if wire in raw
            for mismatch in value_mismatches(models, cls.openapi_types[attribute], raw[wire], getattr(deserialised, attribute),
                                             "%s.%s" % (path, wire))]


def _list_mismatches(models, element, raw, items, path):
    if len(items) != len(raw):
        return ["%s: %d items deserialised as %d" % (path, len(raw), len(items))]
    return [problem for index, (raw_item, item) in enumerate(zip(raw, items))
            for problem in value_mismatches(models, element, raw_item, item, "%s[%d]" % (path, index))]


def judge(models, response, response_type=None):
    """The raw JSON of an SDK response, after checking it against the response's model and the SDK's reading of it.

    A response model with only a "body" attribute (ShowAutoScalingPolicyResponse) reads a bare JSON answer.
    """
    cls = getattr(models, response_type or type(response).__name__)
    raw = json.loads(response.raw_content.decode("utf-8")) if response.raw_content else None
    if list(cls.attribute_map) == ["body"]:
        type_name, problems = cls.openapi_types["body"], model_problems(models, cls.openapi_types["body"], raw)
        mismatches = value_mismatches(models, type_name, raw, response.body)
    else:
        problems = _object_problems(models, cls, raw if raw is not None else {}, "answer")
        mismatches = [mismatch for attribute, wire in cls.attribute_map.items() if raw and wire in raw
                      for mismatch in value_mismatches(models, cls.openapi_types[attribute], raw[wire], getattr(response, attribute), wire)]
    assert not problems, "the answer breaks the SDK's %s model:\n%s" % (cls.__name__, "\n".join(problems))
    assert not mismatches, "the SDK reads %s differently from the raw answer:\n%s" % (cls.__name__, "\n".join(mismatches))
    return raw
