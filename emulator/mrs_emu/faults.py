"""Queued faults (status answers, delays, dropped connections) and the request log."""

import re

from .common import ControlError, is_int, is_number, require, require_object
from .errors import KNOWN_ERRORS

FAULT_FIELDS = ("method", "path", "times", "status", "error_code", "error_msg", "retry_after", "delay", "reset")


def does_something(body):
    """A fault answers a status (its own, or the documented one of its error_code), waits or drops the connection."""
    return any(body.get(field) is not None for field in ("status", "delay", "reset")) or body.get("error_code") in KNOWN_ERRORS


def check_fault(body):
    require_object(body, FAULT_FIELDS)
    require(does_something(body), "give status, delay or reset (or an error_code the emulator knows: %s)" % ", ".join(sorted(KNOWN_ERRORS)))
    require(body.get("reset") in (None, "before", "after"), "reset must be before or after")
    require(not (body.get("reset") and body.get("status")), "a fault either answers a status or resets the connection")
    require(body.get("status") is None or (is_int(body["status"]) and 400 <= body["status"] <= 599), "status must be 400-599")
    require(body.get("delay") is None or (is_number(body["delay"]) and 0 <= body["delay"] <= 600), "delay must be 0-600 seconds")
    require("times" not in body or (is_int(body["times"]) and body["times"] >= 1), "times must be an integer >= 1")
    for field in ("method", "path", "error_code", "error_msg"):
        require(body.get(field) is None or isinstance(body[field], str), "%s must be a string" % field)
    require(body.get("retry_after") is None or isinstance(body["retry_after"], (str, int)), "retry_after must be a string or an integer")
    if body.get("path"):
        try:
            re.compile(body["path"])
        except re.error as err:
            raise ControlError(400, "path is not a valid regular expression: %s" % err) from err


DEFAULT_FAULT_ERRORS = {429: ("APIGW.0308", "The throttling threshold has been reached."),
                        500: ("MRS.300", "MRS internal error.")}


def fault_status(fault):
    """The status a fault answers: its own, else the documented status of its error_code (None: no answer; a fault
    that resets the connection never answers)."""
    if fault.get("reset"):
        return None
    if fault.get("status"):
        return fault["status"]
    return KNOWN_ERRORS[fault["error_code"]][0] if fault.get("error_code") in KNOWN_ERRORS else None


def fault_error(fault):
    """The body of a fault's answer: its error_code / error_msg, the documented message of a known code, or the
    default error of its status."""
    status = fault_status(fault)
    code, message = DEFAULT_FAULT_ERRORS.get(status, DEFAULT_FAULT_ERRORS[500] if status >= 500 else ("MRS.103", "Invalid user request."))
    if fault.get("error_code"):
        code = fault["error_code"]
        message = KNOWN_ERRORS.get(code, (status, message))[1]
    return {"error_code": code, "error_msg": fault.get("error_msg") or message}


class FaultsMixin:
    """The fault queue and the log of vendor calls."""

    # -- faults and the request log ------------------------------------------------------------------

    def take_fault(self, method, path):
        """The first queued fault matching the request, with one of its uses consumed."""
        with self.lock:
            for fault in self.faults:
                if (fault["method"] is None or fault["method"].upper() == method) and (
                        fault["path"] is None or re.search(fault["path"], path)):
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def log_request(self, entry):
        with self.lock:
            self.requests.append(entry)

    # -- control routes ------------------------------------------------------------------------------

    def add_fault(self, body):
        check_fault(body)
        with self.lock:
            self.fault_seq += 1
            fault = {field: body.get(field) for field in FAULT_FIELDS}
            fault.update(id=self.fault_seq, times=body.get("times", 1))
            self.faults.append(fault)
            return {"fault": dict(fault)}

    def list_faults(self):
        with self.lock:
            return {"faults": [dict(fault) for fault in self.faults]}

    def clear_faults(self):
        with self.lock:
            self.faults.clear()
        return {"faults": []}

    def list_requests(self):
        with self.lock:
            return {"requests": list(self.requests)}

    def clear_requests(self):
        with self.lock:
            self.requests.clear()
        return {"requests": []}
