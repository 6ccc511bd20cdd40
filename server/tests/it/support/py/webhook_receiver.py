"""A webhook receiver for the notification tests that checks every delivery with the
Standard Webhooks reference library (standardwebhooks on PyPI): signature over
id.timestamp.body and the library's replay window. It answers 500 to the first
--fail-first valid deliveries (a receiver that is down), 401 to deliveries that do not
verify, 204 otherwise, and writes each request to DIR as one JSON file."""

import argparse
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    hook = Webhook(args.secret)
    lock = threading.Lock()
    state = {"to_fail": args.fail_first}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode("utf-8")
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                hook.verify(body, headers)
                verified, error = True, None
            except WebhookVerificationError as e:
                verified, error = False, str(e)
            with lock:
                failing = verified and state["to_fail"] > 0
                if failing:
                    state["to_fail"] -= 1
            status = 401 if not verified else (500 if failing else 204)
            record = {"headers": headers, "body": body, "verified": verified, "error": error, "status": status, "received_at": time.time()}
            name = os.path.join(args.dir, f"{uuid.uuid4()}.json")
            with open(name + ".tmp", "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.rename(name + ".tmp", name)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
