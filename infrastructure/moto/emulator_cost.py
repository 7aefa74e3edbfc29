"""How long this emulator takes, as the table grows, to commit one token change's transaction (an update with a
condition, a put of its audit item, its outbox item and its five login records: 8 items), and to answer TtlSweeper's
scan for expired items (the whole table, page by page).

    .venv/bin/python infrastructure/moto/emulator_cost.py [--sizes 0,2000,8000,20000] [--transactions 30]

Prints one line per table size: items in the table, the mean and the slowest commit, then the scan's pages, its
total and its slowest page, in ms.
"""
import argparse
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3

PADDING = "x" * 600  # about the size of a token item's attributes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ttl_scan(dynamodb) -> tuple[int, float, float]:
    """TtlSweeper's scan (expired items' keys, consistent, page by page): its pages, total and slowest page in ms."""
    pages, slowest, start_key = 0, 0.0, None
    started = time.perf_counter()
    while True:
        page_started = time.perf_counter()
        page = dynamodb.scan(TableName="tokens", FilterExpression="#ttl <= :now", ProjectionExpression="#ttl, pk, sk",
                             ExpressionAttributeNames={"#ttl": "expiresAt"},
                             ExpressionAttributeValues={":now": {"N": str(int(time.time()))}}, ConsistentRead=True,
                             **({"ExclusiveStartKey": start_key} if start_key else {}))
        slowest = max(slowest, (time.perf_counter() - page_started) * 1000)
        pages += 1
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return pages, (time.perf_counter() - started) * 1000, slowest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,2000,8000,20000")
    parser.add_argument("--transactions", type=int, default=30)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("serve.py")), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        dynamodb = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key="test")
        for _ in range(100):
            try:
                dynamodb.list_tables()
                break
            except Exception:
                time.sleep(0.1)
        dynamodb.create_table(TableName="tokens", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                    {"AttributeName": "sk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                         {"AttributeName": "sk", "KeyType": "RANGE"}])
        items = 0
        for size in [int(size) for size in args.sizes.split(",")]:
            while items < size:
                batch = [{"PutRequest": {"Item": {"pk": {"S": f"FILL#{items + n}"}, "sk": {"S": "TOKEN"},
                                                  "padding": {"S": PADDING}}}} for n in range(min(25, size - items))]
                dynamodb.batch_write_item(RequestItems={"tokens": batch})
                items += len(batch)
            timings = []
            for _ in range(args.transactions):
                token = str(uuid.uuid4())
                dynamodb.put_item(TableName="tokens", Item={"pk": {"S": f"TOKEN#{token}"}, "sk": {"S": "TOKEN"},
                                                            "version": {"N": "1"}, "padding": {"S": PADDING}})
                change = [{"Update": {"TableName": "tokens", "Key": {"pk": {"S": f"TOKEN#{token}"}, "sk": {"S": "TOKEN"}},
                                      "UpdateExpression": "SET version = :next", "ConditionExpression": "version = :current",
                                      "ExpressionAttributeValues": {":next": {"N": "2"}, ":current": {"N": "1"}}}}]
                change += [{"Put": {"TableName": "tokens", "Item": {"pk": {"S": f"{kind}#{token}"}, "sk": {"S": "ITEM"},
                                                                     "padding": {"S": PADDING}}}}
                           for kind in ("AUDIT", "OUTBOX", "LOGIN0", "LOGIN1", "LOGIN2", "LOGIN3", "LOGIN4")]
                started = time.perf_counter()
                dynamodb.transact_write_items(TransactItems=change)
                timings.append((time.perf_counter() - started) * 1000)
                items += 1 + 7
            pages, scan_ms, slowest_page_ms = ttl_scan(dynamodb)
            print(f"{items:>7} items  commit mean {sum(timings) / len(timings):8.1f} ms  max {max(timings):8.1f} ms"
                  f"  TTL scan {pages:>3} pages {scan_ms:9.1f} ms  slowest page {slowest_page_ms:8.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
