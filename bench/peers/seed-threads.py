#!/usr/bin/python3
"""The tutorial this project grew from (../shared/seed: "Multi-queue data
mining site"), ported to Python 3 as faithfully as a benchmark allows.

    seed-threads.py [--fetchers 5] [--parsers 5] --output FILE LIST

As in the tutorial: ThreadUrl threads take a URL from `queue`, fetch the whole
page with urllib (urllib2 then, urllib.request now: one connection per
request, no keep-alive) and put it on `out_queue`; DatamineThread threads take
pages from `out_queue`, parse each with BeautifulSoup and take
`findAll(['title'])`; the main thread fills `queue`, starts the parsers, and
joins both queues.  Both queues are unbounded, as in the tutorial.

Differences, each needed to run it on a list and check its output:
  - Python 3 names (queue, urllib.request, bs4, daemon=True);
  - the URL travels with its page through out_queue, and the first title is
    written as `url<TAB>title` to --output (the tutorial printed the list);
  - a failed fetch is caught and written as a row with an error (in the
    tutorial it kills the thread and queue.join() never returns);
  - BeautifulSoup(chunk) without a parser name picks lxml when it is
    installed; we name it ("lxml") to get the same parser without the warning.
"""

import argparse
import queue
import re
import sys
import threading
import time
import urllib.request

from bs4 import BeautifulSoup

WS = re.compile(r"[ \t\n\f\r]+")


class ThreadUrl(threading.Thread):
    """Threaded Url Grab"""

    def __init__(self, queue, out_queue):
        threading.Thread.__init__(self, daemon=True)
        self.queue = queue
        self.out_queue = out_queue

    def run(self):
        while True:
            # grabs host from queue
            host = self.queue.get()
            try:
                # grabs urls of hosts and then grabs chunk of webpage
                url = urllib.request.urlopen(host, timeout=30)
                chunk = url.read()
                # place chunk into out queue
                self.out_queue.put((host, chunk, None))
            except Exception as e:  # not in the tutorial: see the docstring
                self.out_queue.put((host, None, f"{type(e).__name__}: {e}"))
            # signals to queue job is done
            self.queue.task_done()


class DatamineThread(threading.Thread):
    """Threaded Url Grab"""

    def __init__(self, out_queue, out, lock, features):
        threading.Thread.__init__(self, daemon=True)
        self.out_queue = out_queue
        self.out = out
        self.lock = lock
        self.features = features

    def run(self):
        while True:
            # grabs host from queue
            host, chunk, err = self.out_queue.get()
            title = ""
            if chunk is not None:
                # parse the chunk
                soup = BeautifulSoup(chunk, self.features)
                titles = soup.findAll(["title"])
                if titles:
                    title = WS.sub(" ", titles[0].get_text()).strip()
                else:
                    err = "no title"
            with self.lock:
                self.out.write(f"{host}\t{title}\t{err or ''}\n")
            # signals to queue job is done
            self.out_queue.task_done()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fetchers", type=int, default=5)
    ap.add_argument("--parsers", type=int, default=5)
    ap.add_argument("--features", default="lxml", help="BeautifulSoup parser (default lxml)")
    ap.add_argument("--output", required=True)
    ap.add_argument("list")
    a = ap.parse_args()

    hosts = [l.strip() for l in open(a.list, encoding="utf-8") if l.strip()]
    q = queue.Queue()
    out_queue = queue.Queue()
    out = open(a.output, "w", encoding="utf-8")
    out.write("url\ttitle\terror\n")
    lock = threading.Lock()

    start = time.time()
    # spawn a pool of threads, and pass them queue instance
    for _ in range(a.fetchers):
        t = ThreadUrl(q, out_queue)
        t.start()
    # populate queue with data
    for host in hosts:
        q.put(host)
    for _ in range(a.parsers):
        dt = DatamineThread(out_queue, out, lock, a.features)
        dt.start()
    # wait on the queue until everything has been processed
    q.join()
    out_queue.join()
    out.close()
    print(f"Elapsed Time: {time.time() - start:.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
