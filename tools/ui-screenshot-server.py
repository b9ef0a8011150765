#!/usr/bin/env python3
# ui-screenshot-server.py: serves tests/fixtures/ui-screenshot on 127.0.0.1 for
# tools/take-screenshot (a redirect, a 404 and a little latency included).
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: ui-screenshot-server.py DIR PORT_FILE   (listens on a free port, writes it to PORT_FILE)

import http.server
import os
import random
import sys
import time

ROOT = os.path.abspath(sys.argv[1])
REDIRECTS = {"/old/accessibility": "/accessibility.html"}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # Some latency, so the time column shows what a real run shows.
        time.sleep(random.uniform(0.03, 0.35))
        if self.path in REDIRECTS:
            self.send_response(301)
            self.send_header("Location", REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        name = os.path.basename(self.path)
        path = os.path.join(ROOT, name)
        if not name.endswith(".html") or not os.path.isfile(path):
            body = b"<!DOCTYPE html><title>Not Found</title><h1>Not Found</h1>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        # No charset: the pages declare theirs in <meta>.
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
