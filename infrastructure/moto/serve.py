"""moto's server, serving one request at a time.

moto's stock server is threaded, and under concurrency its conditional writes and transactions are not
atomic the way DynamoDB's are. Serving requests one by one makes them so, which the race tests rely on.
"""
import argparse

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    run_simple(args.host, args.port, DomainDispatcherApplication(create_backend_app), threaded=False)


if __name__ == "__main__":
    main()
