#!/usr/bin/env python3
"""A real Prometheus server scrapes the example service's census and is asked for the series back.

prometheus_scrape.py PROMETHEUS LEAKY_SERVICE

Starts the service (which leaks one thread per GET /report), sends it three /report requests, starts
Prometheus on a free port of 127.0.0.1 with a temporary configuration and storage directory, scraping
the service's /metrics every second, and queries weft_threads for the leaking site over Prometheus's
HTTP API until it reads 3. Every wait is bounded; both processes are killed at the end.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise SystemExit(f"prometheus_scrape: timed out after {seconds} s waiting for {what}")


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def main():
    prometheus, service = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        children = []
        try:
            service_out = open(os.path.join(work, "service.out"), "w+")
            children.append(subprocess.Popen([service], stdout=service_out, stderr=subprocess.STDOUT))

            def ports():
                service_out.seek(0)
                m = re.search(r"app on 127\.0\.0\.1:(\d+), census on 127\.0\.0\.1:(\d+)", service_out.read())
                return m and (int(m.group(1)), int(m.group(2)))

            app_port, census_port = wait_for("the service's ports", ports, 10)
            for _ in range(3):
                if get(f"http://127.0.0.1:{app_port}/report") is None:
                    raise SystemExit("prometheus_scrape: GET /report failed")

            config = os.path.join(work, "prometheus.yml")
            with open(config, "w") as f:
                f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        "scrape_configs:\n  - job_name: leaky_service\n"
                        f"    static_configs:\n      - targets: ['127.0.0.1:{census_port}']\n")
            prometheus_port = free_port()
            log = open(os.path.join(work, "prometheus.log"), "w+")
            children.append(subprocess.Popen(
                [prometheus, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(work, 'data')}",
                 f"--web.listen-address=127.0.0.1:{prometheus_port}"],
                stdout=log, stderr=subprocess.STDOUT))

            query = 'sum(weft_threads{site=~".*start_report_job.*"})'
            url = (f"http://127.0.0.1:{prometheus_port}/api/v1/query?"
                   + urllib.parse.urlencode({"query": query}))

            def three_leaked():
                if children[-1].poll() is not None:
                    log.seek(0)
                    raise SystemExit("prometheus_scrape: prometheus exited:\n" + log.read()[-4000:])
                body = get(url)
                if body is None:
                    return None
                result = json.loads(body)["data"]["result"]
                return result and result[0]["value"][1] == "3" and result

            result = wait_for("Prometheus to return weft_threads of the leaking site", three_leaked, 90)
            print(f"prometheus_scrape: {query} = {result[0]['value'][1]}")
            created = json.loads(get(f"http://127.0.0.1:{prometheus_port}/api/v1/query?" + urllib.parse.urlencode(
                {"query": 'weft_threads_created_total{site=~".*start_report_job.*"}'})))["data"]["result"]
            if not created or created[0]["value"][1] != "3":
                raise SystemExit(f"prometheus_scrape: weft_threads_created_total read back as {created}")
            print("prometheus_scrape: ok")
        finally:
            for child in reversed(children):
                child.send_signal(signal.SIGTERM)
            for child in reversed(children):
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


if __name__ == "__main__":
    main()
