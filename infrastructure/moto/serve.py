"""moto's server, serving one request at a time, and authorizing DynamoDB, KMS, EventBridge Scheduler and EventBridge
requests as AWS does.

moto's stock server is threaded, and under concurrency its conditional writes and transactions are not
atomic the way DynamoDB's are. Serving requests one by one makes them so, which the race tests rely on.

Once IAM is enforced (INITIAL_NO_AUTH_ACTION_COUNT, which the test harness sets through /moto-api/reset-auth after
it has made its admin user), moto checks each request's action only against resource "*" and evaluates no
condition keys, and it authorizes a transaction as dynamodb:TransactWriteItems. AWS authorizes each item of a
transaction as its own action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem) on its table, and
evaluates dynamodb:LeadingKeys and dynamodb:Attributes. So for DynamoDB, KMS and EventBridge's PutEvents (on its bus) this server evaluates the caller's
policies itself, as AWS would: actions, resources (table and key ARNs) and those condition keys; any other
condition operator it refuses to guess (the request fails). With --record FILE it appends one JSON line per
authorization of an assumed role's request (role, action, allowed), from which the tests compare each function's
granted actions with those it used.

moto also ignores TransactWriteItems' ClientRequestToken. DynamoDB answers a repeat of a transaction that succeeded, with
the same token within 10 minutes, with success and changes nothing; the AWS SDKs rely on it, retrying a transaction
whose answer timed out with the same token. Without it, a retried create fails its own condition (the item it wrote
exists) and answers 409. So this server keeps each successful transaction's token and answer for 10 minutes.

moto backs a transaction up by deep-copying each table it touches, once per item, so a commit costs time in
proportion to the table's size (seconds at a few thousand items), where DynamoDB's does not. This server backs up
only the items the transaction names, and puts those back when it is cancelled.
"""
import argparse
import contextlib
import copy
import fnmatch
import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import urlparse

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.events.responses import EventsHandler
from moto.iam.access_control import IAMPolicy, IAMRequest
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.scheduler.responses import EventBridgeSchedulerResponse
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

RECORD = None

# What AWS authorizes each item of a transaction as.
TRANSACT_WRITE_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


class Authorization:
    """One action on one resource, with the request's condition keys (name -> list of values)."""

    def __init__(self, action: str, resource: str, context: dict[str, list[str]] | None = None):
        self.action = action
        self.resource = resource
        self.context = {name.lower(): values for name, values in (context or {}).items()}


# --- what a request is authorized as -------------------------------------------------------------------------------

def dynamodb_authorizations(handler: DynamoHandler) -> list[Authorization]:
    operation = handler._get_action()
    body = json.loads(handler.raw_body or b"{}")
    account, region = handler.current_account, handler.region

    def table_arn(name: str) -> str:
        return f"arn:aws:dynamodb:{region}:{account}:table/{name}"

    def hash_key(table: str) -> str | None:
        try:
            return dynamodb_backends[account][region].get_table(table).hash_key_attr
        except Exception:  # an unknown table: DynamoDB answers ResourceNotFound after authorizing
            return None

    def leading(table: str, key: dict[str, Any]) -> list[str]:
        name = hash_key(table)
        value = key.get(name, {}) if name else {}
        return [next(iter(value.values()))] if value else []

    def item(action: str, request: dict[str, Any]) -> Authorization:
        table = request["TableName"]
        key = request.get("Key") or request.get("Item") or {}
        return Authorization(f"dynamodb:{action}", table_arn(table), {
            "dynamodb:LeadingKeys": leading(table, key),
            "dynamodb:Attributes": attributes(action, request),
        })

    if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        return [item(operation, body)]
    if operation == "TransactWriteItems":
        return [item(TRANSACT_WRITE_ACTIONS[kind], request)
                for entry in body["TransactItems"] for kind, request in entry.items()]
    if operation == "TransactGetItems":
        return [item("GetItem", entry["Get"]) for entry in body["TransactItems"]]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        authorizations = []
        for table, requests in body["RequestItems"].items():
            keys = (requests["Keys"] if operation == "BatchGetItem"
                    else [(write.get("PutRequest", {}).get("Item") or write.get("DeleteRequest", {}).get("Key"))
                          for write in requests])
            authorizations.append(Authorization(f"dynamodb:{operation}", table_arn(table), {
                "dynamodb:LeadingKeys": sorted({value for key in keys for value in leading(table, key)})}))
        return authorizations
    if operation == "Query":
        table = body["TableName"]
        # As AWS does: a query of an index is authorized on the index's ARN, not the table's.
        resource = table_arn(table) + (f"/index/{body['IndexName']}" if "IndexName" in body else "")
        return [Authorization("dynamodb:Query", resource, {"dynamodb:LeadingKeys": query_partition(body, hash_key(table))})]
    if "TableName" in body:
        return [Authorization(f"dynamodb:{operation}", table_arn(body["TableName"]))]
    return [Authorization(f"dynamodb:{operation}", "*")]


def expression_names(request: dict[str, Any], *expressions: str) -> set[str]:
    """The top-level attribute names the expressions name (#placeholders resolved; functions and keywords skipped)."""
    placeholders = request.get("ExpressionAttributeNames", {})
    names = set()
    for expression in expressions:
        text = request.get(expression) or ""
        text = re.sub(r":\w+", " ", text)
        for match in re.finditer(r"(#\w+|[A-Za-z_]\w*)(\s*\()?", text):
            word, call = match.group(1), match.group(2)
            if call or word.upper() in ("SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "BETWEEN", "IN"):
                continue
            start = match.start()
            if start > 0 and text[start - 1] in ".[":  # a nested path element, not a top-level attribute
                continue
            names.add(placeholders.get(word, word))
    return names


def attributes(action: str, request: dict[str, Any]) -> list[str] | None:
    """dynamodb:Attributes of an item request; None where it reads every attribute (no projection)."""
    key = set((request.get("Key") or {}).keys())
    if action == "PutItem":
        return sorted(set(request["Item"].keys()) | expression_names(request, "ConditionExpression"))
    if action in ("UpdateItem", "DeleteItem", "ConditionCheckItem"):
        return sorted(key | expression_names(request, "UpdateExpression", "ConditionExpression"))
    if action == "GetItem" and request.get("ProjectionExpression"):
        return sorted(key | expression_names(request, "ProjectionExpression"))
    return None


def query_partition(body: dict[str, Any], hash_key: str | None) -> list[str]:
    placeholders = body.get("ExpressionAttributeNames", {})
    values = body.get("ExpressionAttributeValues", {})
    for name, value in re.findall(r"(#?\w+)\s*=\s*(:\w+)", body.get("KeyConditionExpression", "")):
        if placeholders.get(name, name) == hash_key and value in values:
            return [next(iter(values[value].values()))]
    return []


def kms_authorizations(handler: KmsResponse) -> list[Authorization]:
    operation = handler._get_action()
    body = json.loads(handler.body or "{}")
    key_id = body.get("KeyId")
    if not key_id:
        return [Authorization(f"kms:{operation}", "*")]
    account, region = handler.current_account, handler.region
    try:
        key_id = kms_backends[account][region].get_key_id(key_id)
        if key_id.startswith("alias/"):
            key_id = kms_backends[account][region].get_key_id_from_alias(key_id) or key_id
    except Exception:  # an unknown key: KMS answers NotFound after authorizing
        pass
    return [Authorization(f"kms:{operation}", f"arn:aws:kms:{region}:{account}:key/{key_id.split('/')[-1]}")]


def scheduler_authorizations(handler: EventBridgeSchedulerResponse) -> list[Authorization]:
    """A schedule's action on its ARN (group/name); a schedule's target role is passed too (iam:PassRole), as AWS checks."""
    operation = handler._get_action()
    account, region = handler.current_account, handler.region
    if operation not in ("CreateSchedule", "UpdateSchedule", "GetSchedule", "DeleteSchedule"):
        return [Authorization(f"scheduler:{operation}", "*")]
    name = handler.uri.split("?")[0].split("/")[-1]
    group = handler._get_param("GroupName") or handler._get_param("groupName") or "default"
    authorizations = [Authorization(f"scheduler:{operation}", f"arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}")]
    role = (handler._get_param("Target") or {}).get("RoleArn")
    if role:
        authorizations.append(Authorization("iam:PassRole", role, {"iam:PassedToService": ["scheduler.amazonaws.com"]}))
    return authorizations


def events_authorizations(handler: EventsHandler) -> list[Authorization]:
    """PutEvents on each entry's bus (a name or an ARN; none: the default bus)."""
    operation = handler._get_action()
    account, region = handler.current_account, handler.region
    if operation != "PutEvents":
        return [Authorization(f"events:{operation}", "*")]
    buses = {entry.get("EventBusName") or "default" for entry in handler._get_param("Entries") or []}
    return [Authorization("events:PutEvents", bus if bus.startswith("arn:") else f"arn:aws:events:{region}:{account}:event-bus/{bus}")
            for bus in sorted(buses)]


# --- policy evaluation ---------------------------------------------------------------------------------------------

def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def matches(patterns: Any, value: str, ignore_case: bool) -> bool:
    if ignore_case:
        return any(fnmatch.fnmatchcase(value.lower(), str(pattern).lower()) for pattern in listed(patterns))
    return any(fnmatch.fnmatchcase(value, str(pattern)) for pattern in listed(patterns))


def value_matches(operator: str, policy_values: list[str], value: str) -> bool:
    if operator == "StringEquals":
        return value in policy_values
    if operator == "StringLike":
        return any(fnmatch.fnmatchcase(value, pattern) for pattern in policy_values)
    raise NotImplementedError(f"condition operator {operator} is not emulated")


def condition_holds(qualified_operator: str, key: str, policy_values: Any, context: dict[str, list[str]]) -> bool:
    qualifier, _, operator = qualified_operator.rpartition(":")
    negated = operator in ("StringNotEquals", "StringNotLike")
    base = operator.replace("Not", "") if negated else operator
    values = context.get(key.lower())
    expected = [str(value) for value in listed(policy_values)]
    if qualifier == "ForAllValues":
        # AWS: true when the key is absent or empty, else every value must match; but a request reading every
        # attribute (no projection; values None) never satisfies a condition on dynamodb:Attributes.
        if values is None:
            return key.lower() != "dynamodb:attributes"
        return all(value_matches(base, expected, value) != negated for value in values)
    if qualifier == "ForAnyValue":
        return bool(values) and any(value_matches(base, expected, value) != negated for value in values)
    if qualifier:
        raise NotImplementedError(f"condition qualifier {qualifier} is not emulated")
    if not values:
        return negated
    return len(values) == 1 and value_matches(base, expected, values[0]) != negated


def statement_applies(statement: dict[str, Any], authorization: Authorization) -> bool:
    if "Action" in statement and not matches(statement["Action"], authorization.action, True):
        return False
    if "NotAction" in statement and matches(statement["NotAction"], authorization.action, True):
        return False
    if "Resource" in statement and not matches(statement["Resource"], authorization.resource, False):
        return False
    if "NotResource" in statement and matches(statement["NotResource"], authorization.resource, False):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, policy_values in keys.items():
            if not condition_holds(operator, key, policy_values, authorization.context):
                return False
    return True


def allowed(policies: list[dict[str, Any]], authorization: Authorization) -> bool:
    statements = [statement for policy in policies for statement in listed(policy["Statement"])]
    applying = [statement for statement in statements if statement_applies(statement, authorization)]
    return (not any(s["Effect"] == "Deny" for s in applying)) and any(s["Effect"] == "Allow" for s in applying)


# --- idempotent transactions ---------------------------------------------------------------------------------------

IDEMPOTENCY_SECONDS = 600
# ClientRequestToken -> (when it expires, digest of the request's items, the answer)
TRANSACTIONS: dict[str, tuple[float, str, Any]] = {}


def idempotent(transact_write_items):
    def transact(self):
        token = self.body.get("ClientRequestToken")
        if not token:
            return transact_write_items(self)
        now = time.monotonic()
        for expired in [key for key, (expires, _, _) in TRANSACTIONS.items() if expires <= now]:
            del TRANSACTIONS[expired]
        # Binary attribute values are bytes by now: repr keeps them apart.
        digest = hashlib.sha256(json.dumps(self.body.get("TransactItems"), sort_keys=True, default=repr).encode()).hexdigest()
        seen = TRANSACTIONS.get(token)
        if seen is not None:
            if seen[1] != digest:
                raise JsonRESTError("IdempotentParameterMismatchException",
                                    "The request uses the same client token as a previous, but non-identical request.")
            return seen[2]
        answer = transact_write_items(self)
        TRANSACTIONS[token] = (now + IDEMPOTENCY_SECONDS, digest, answer)
        return answer
    return transact


# --- transactions backed up item by item ------------------------------------------------------------------------

class TablesNotCopied:
    """The copy module as moto's DynamoDB backend sees it while a transaction runs: tables are not deep-copied."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


@contextlib.contextmanager
def tables_not_copied():
    dynamodb_models.copy = TablesNotCopied()
    try:
        yield
    finally:
        dynamodb_models.copy = copy


def item_backups(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[Table, Any, Any, Any]]:
    """(table, hash key, range key, a copy of the item or None) for each item the transaction names."""
    backups = []
    for entry in transact_items:
        for request in entry.values():
            table = backend.tables.get(request.get("TableName"))
            if table is None:
                continue
            try:  # a Put names its item by the key attributes among the item's
                hash_key, range_key = backend.get_keys_value(table, request.get("Key") or request.get("Item") or {})
            except MockValidationException:  # moto refuses the request itself
                continue
            backups.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
    return backups


def restore(table: Table, hash_key: Any, range_key: Any, item: Any) -> None:
    if item is None:
        if range_key is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key].pop(range_key, None)
    elif range_key is None:
        table.items[hash_key] = item
    else:
        table.items[hash_key][range_key] = item


def backed_up_by_item(transact_write_items):
    def transact(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        backups = item_backups(self, transact_items)
        try:
            with tables_not_copied():
                transact_write_items(self, transact_items)
        except Exception:
            for backup in reversed(backups):  # the first copy of an item named twice is its state before
                restore(*backup)
            raise
    return transact


# --- the hook into moto ---------------------------------------------------------------------------------------------

def authorizing(authorizations_of):
    def authorize(self, resource: str = "*") -> None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ActionAuthenticatorMixin.request_count += 1
            return
        # The signed path includes the query string (Scheduler's GET and DELETE carry their parameters there).
        query = urlparse(self.uri).query
        iam_request = IAMRequest(account_id=self.current_account, method=self.method, path=self.raw_path + ("?" + query if query else ""),
                                 data=self.data, body=self.raw_body, headers=self.headers, action=self._get_action())
        iam_request.check_signature()
        principal = iam_request._access_key.arn
        policies = [IAMPolicy(policy)._policy_json for policy in iam_request._access_key.collect_policies()]
        for authorization in authorizations_of(self):
            permitted = allowed(policies, authorization)
            record(principal, authorization, permitted)
            if not permitted:
                raise JsonRESTError("AccessDeniedException",
                                    f"User: {principal} is not authorized to perform: {authorization.action} on resource: "
                                    f"{authorization.resource} because no identity-based policy allows the "
                                    f"{authorization.action} action")
    return authorize


def record(principal: str, authorization: Authorization, permitted: bool) -> None:
    if RECORD is None or ":assumed-role/" not in principal:
        return
    role = principal.split(":assumed-role/")[1].split("/")[0]
    RECORD.write(json.dumps({"role": role, "action": authorization.action, "resource": authorization.resource,
                             "allowed": permitted}) + "\n")
    RECORD.flush()


def main() -> None:
    global RECORD
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", help="append each authorization of an assumed role's request here (JSON lines)")
    args = parser.parse_args()
    if args.record:
        RECORD = open(args.record, "w", encoding="utf-8")
    DynamoHandler._authenticate_and_authorize_normal_action = authorizing(dynamodb_authorizations)
    DynamoHandler.transact_write_items = idempotent(DynamoHandler.transact_write_items)
    DynamoDBBackend.transact_write_items = backed_up_by_item(DynamoDBBackend.transact_write_items)
    KmsResponse._authenticate_and_authorize_normal_action = authorizing(kms_authorizations)
    EventBridgeSchedulerResponse._authenticate_and_authorize_normal_action = authorizing(scheduler_authorizations)
    EventsHandler._authenticate_and_authorize_normal_action = authorizing(events_authorizations)
    run_simple(args.host, args.port, DomainDispatcherApplication(create_backend_app), threaded=False)


if __name__ == "__main__":
    main()
