#!/usr/bin/python3
"""Scrapy (Debian's python3-scrapy) fetching a list of URLs and taking each
page's title by XPath.

    scrapy-titles.py [--concurrency 64] --output FILE LIST

Settings: CONCURRENT_REQUESTS and CONCURRENT_REQUESTS_PER_DOMAIN = the
concurrency (64); robots.txt, cookies, retries, AutoThrottle, the telnet
console and redirect-less defaults left as a user tuning for speed would:
robots off, cookies off, retries off, throttle off, LOG_LEVEL=WARNING.
Every URL is requested once (dont_filter, so the dupe filter does no work).
Title: string((//title)[1]) on Scrapy's own decoded response, whitespace
collapsed.  Output: `url<TAB>title<TAB>error` rows with a header.
"""

import argparse
import re
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

WS = re.compile(r"[ \t\n\f\r]+")


class TitleSpider(scrapy.Spider):
    name = "titles"

    def __init__(self, list_path=None, out=None, **kw):
        super().__init__(**kw)
        self.list_path = list_path
        self.out = out

    def start_requests(self):
        with open(self.list_path, encoding="utf-8") as f:
            for line in f:
                url = line.strip()
                if url:
                    yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                         dont_filter=True, cb_kwargs={"src": url})

    def parse(self, response, src):
        if not isinstance(response, scrapy.http.TextResponse):
            self.out.write(f"{src}\t\tnot text\n")
            return
        title = response.xpath("string((//title)[1])").get() or ""
        self.out.write(f"{src}\t{WS.sub(' ', title).strip()}\t\n")

    def failed(self, failure):
        src = failure.request.cb_kwargs.get("src", failure.request.url)
        msg = WS.sub(" ", repr(failure.value))
        self.out.write(f"{src}\t\t{msg}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--output", required=True)
    ap.add_argument("list")
    a = ap.parse_args()

    out = open(a.output, "w", encoding="utf-8", buffering=1 << 20)
    out.write("url\ttitle\terror\n")
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.concurrency,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 60,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "gleaner-bench-scrapy",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    process.crawl(TitleSpider, list_path=a.list, out=out)
    process.start()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
