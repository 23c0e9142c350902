#!/usr/bin/env python3
"""bench/botocore_apply.py - botocore's side of xacct-bench's throughput comparison.

Makes the AWS calls xacct makes to wire N integrations, the way a botocore program
would: one paginated GetResources for the API, then one PutIntegration (AWS_PROXY,
POST, the function's invocation URI) per resource /r01../rN, on `--parallelism`
threads sharing one client, with botocore's retry mode `--mode` (adaptive or standard)
and its default attempts. The clock starts after the client is built (xacct's starts
after its provider is configured). Prints one JSON line:
{"wall_s": seconds, "ok": N, "failed": N, "first_error": "..."}.
Run with Debian's python3-botocore (bench/run passes /usr/bin/python3).
"""
import argparse
import json
import threading
import time

import botocore.session
from botocore.config import Config

ACCESS_KEY = "AKIAEMU1111EXAMPLE01"
SECRET_KEY = "emu1111SecretKeyForTheApiOwnerAccount000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--mode", choices=["adaptive", "standard"], required=True)
    ap.add_argument("--api", required=True)
    ap.add_argument("--function-arn", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--parallelism", type=int, default=10)
    a = ap.parse_args()
    client = botocore.session.get_session().create_client(
        "apigateway", region_name="us-east-1", endpoint_url=a.endpoint,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"mode": a.mode}, max_pool_connections=a.parallelism))
    fn_region = a.function_arn.split(":")[3]
    uri = ("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations"
           % (fn_region, a.function_arn))
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "first_error": ""}

    t0 = time.monotonic()
    ids = {}
    for page in client.get_paginator("get_resources").paginate(
            restApiId=a.api, PaginationConfig={"PageSize": 500}):
        for item in page["items"]:
            ids[item["path"]] = item["id"]

    def worker():
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= a.count:
                return
            try:
                client.put_integration(
                    restApiId=a.api, resourceId=ids["/r%02d" % (i + 1)], httpMethod="GET",
                    type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
                with lock:
                    state["ok"] += 1
            except Exception as e:  # botocore gave up: counted, as Terraform would fail
                with lock:
                    state["failed"] += 1
                    state["first_error"] = state["first_error"] or str(e)

    threads = [threading.Thread(target=worker) for _ in range(a.parallelism)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    print(json.dumps({"wall_s": wall, "ok": state["ok"], "failed": state["failed"],
                      "first_error": state["first_error"]}))


if __name__ == "__main__":
    main()
