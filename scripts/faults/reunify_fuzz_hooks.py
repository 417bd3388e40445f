"""Schemathesis hooks for fuzzing Reunify (R4 of `npm run faults`).

The OpenAPI document states every rule JSON Schema can state. A few rules it can only state in
prose, because they depend on the clock, tie fields together in ways JSON Schema cannot, or need a
value only the API hands out:

- an admission is not before 2003-03-01 nor in the future; the child is born by then and is under 18;
- a text the API trims must hold more than whitespace;
- targets: the business calendar (left out: its own tests cover it), the age-out plan falls before its warning, a follow-up is overdue after it is due,
  stage targets have distinct names and cover distinct statuses;
- `after` is a cursor from a previous page;
- an analytics period ends on or after its first day and spans at most 1,100 days;
- a release decision (also inside an imported history): only a remand names its step, only a remand
  to vetting its checks, only a denial its grounds, and a denial or a remand gives its reason.

An Idempotency-Key names one request: a client sends a new one with each new request, and the
same one only with a retry of the same request (the API answers 422 to a key reused for another).
Generated keys repeat ("0", "00"...), so in positive mode each gets a suffix of its own. Retries
are the fault suite's business (R5).

And one for reach rather than validity: when REUNIFY_FUZZ_CARE_PROVIDER names the care provider of
the fuzzing case manager's token, the cases it opens are that provider's, so that the requests
which follow (linked from the new case) reach a case instead of stopping at 403.

A request generated as *valid* (positive mode) that breaks one of these would be refused with 400,
rightly, and Schemathesis would report valid data rejected. So, in positive mode only, these hooks
mend such a request into one that keeps the rules, as a real client's would. Negative requests are
left untouched: the API must refuse them.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

import schemathesis

EARLIEST_ADMISSION = dt.datetime(2003, 3, 1, tzinfo=dt.timezone.utc)


def _parse_datetime(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else None


def _mend_blank_strings(value: Any) -> Any:
    if isinstance(value, str):
        return "x" if value.strip() == "" and value != "" else value
    if isinstance(value, list):
        return [_mend_blank_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _mend_blank_strings(v) for k, v in value.items()}
    return value


def _mend_opening(body: dict[str, Any]) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    admitted = _parse_datetime(body.get("admittedAt"))
    if admitted is None or admitted < EARLIEST_ADMISSION or admitted > now:
        admitted = now - dt.timedelta(days=3)
        body["admittedAt"] = admitted.strftime("%Y-%m-%dT%H:%M:%SZ")
    child = body.get("child")
    if isinstance(child, dict):
        day = body["admittedAt"][:10]
        born = child.get("birthDate")
        youngest_adult = f"{int(day[:4]) - 18}{day[4:]}"
        if not isinstance(born, str) or born > day or born <= youngest_adult:
            child["birthDate"] = f"{int(day[:4]) - 10}{day[4:8]}15"


def _mend_targets(targets: dict[str, Any]) -> None:
    # The business calendar's rules (an IANA time zone, holidays as dates that exist, closures in
    # the years a calendar holds) are the calendar's own tests' business: a generated one is left out
    # here, and the targets keep the default calendar.
    targets.pop("businessCalendar", None)
    plan, warning = targets.get("ageOutPlanDays"), targets.get("ageOutWarningDays")
    if isinstance(plan, (int, float)) and isinstance(warning, (int, float)) and plan >= warning:
        targets["ageOutPlanDays"], targets["ageOutWarningDays"] = min(plan, warning) / 2, max(plan, warning)
    due, overdue = targets.get("followUpDueDays"), targets.get("followUpOverdueDays")
    if isinstance(due, (int, float)) and isinstance(overdue, (int, float)) and overdue <= due:
        targets["followUpDueDays"], targets["followUpOverdueDays"] = min(due, overdue) / 2, max(due, overdue)
    stages = targets.get("stages")
    if isinstance(stages, list):
        names: set[Any] = set()
        covered: set[Any] = set()
        kept = []
        for stage in stages:
            statuses = stage.get("statuses") if isinstance(stage, dict) else None
            if not isinstance(statuses, list) or stage.get("name") in names or covered & set(statuses):
                continue
            names.add(stage.get("name"))
            covered |= set(statuses)
            kept.append(stage)
        targets["stages"] = kept


MAX_PERIOD_DAYS = 1100


def _mend_period(query: dict[str, Any]) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(query[name]) if isinstance(query.get(name), str) else None
        except ValueError:
            return None

    first, last = day("from"), day("to")
    end = last or today
    if first is not None and (first > end or (end - first).days >= MAX_PERIOD_DAYS):
        query["from"] = (end - dt.timedelta(days=89)).isoformat()


def _mend_decision(decision: dict[str, Any]) -> None:
    kind = decision.get("decision")
    if kind != "remand":
        decision.pop("remandTo", None)
    if decision.get("remandTo") != "vetting":
        decision.pop("recheck", None)
    if kind != "deny":
        decision.pop("grounds", None)
    if kind == "remand" and "remandTo" not in decision:
        decision["remandTo"] = "application"
    if kind in ("deny", "remand") and not decision.get("reason"):
        decision["reason"] = "x"


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive:
        return case
    if isinstance(case.query, dict):
        case.query.pop("after", None)
    if isinstance(case.body, dict):
        case.body = _mend_blank_strings(case.body)
        path = case.operation.path
        if path == "/cases" and case.method.upper() == "POST":
            _mend_opening(case.body)
            if os.environ.get("REUNIFY_FUZZ_CARE_PROVIDER"):
                case.body["careProviderId"] = os.environ["REUNIFY_FUZZ_CARE_PROVIDER"]
        if path == "/targets" and isinstance(case.body.get("targets"), dict):
            _mend_targets(case.body["targets"])
        if path == "/imports" and isinstance(case.body.get("cases"), list):
            for imported in case.body["cases"]:
                for item in imported.get("events", []) if isinstance(imported, dict) else []:
                    event = item.get("event") if isinstance(item, dict) else None
                    if isinstance(event, dict) and event.get("type") == "DECIDE_RELEASE":
                        _mend_decision(event)
    if isinstance(case.query, dict):
        case.query = _mend_blank_strings(case.query)
        if case.operation.path.startswith(("/analytics/", "/reports/")):
            _mend_period(case.query)
    if case.headers is not None:
        for name in list(case.headers.keys()):
            if name.lower() == "idempotency-key" and isinstance(case.headers[name], str):
                case.headers[name] = f"{case.headers[name][:160]}-{uuid.uuid4().hex}"
    return case
