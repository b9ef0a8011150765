#!/usr/bin/python3
"""Python asyncio with aiohttp (Debian's python3-aiohttp) fetching a list of
URLs and lxml parsing each page for its title.

    aiohttp-titles.py [--concurrency 64] --output FILE LIST

64 worker tasks take URLs from a bounded asyncio.Queue; one ClientSession
whose TCPConnector allows 64 connections (no per-host limit).  Each body is
read whole and parsed by lxml.html (the HTTP charset, when given, is passed to
the parser; otherwise libxml2 reads the page's <meta>).  Title: the first
<title> element's text, whitespace collapsed.  Output: `url<TAB>title<TAB>error`
rows with a header.
"""

import argparse
import asyncio
import re
import sys

import aiohttp
import lxml.html

WS = re.compile(r"[ \t\n\f\r]+")
_parsers = {}


def parser_for(charset):
    p = _parsers.get(charset)
    if p is None:
        try:
            p = lxml.html.HTMLParser(encoding=charset)
        except LookupError:
            p = lxml.html.HTMLParser()
        _parsers[charset] = p
    return p


def title_of(body, charset):
    if not body:
        return None
    root = lxml.html.document_fromstring(body, parser=parser_for(charset))
    el = root.find(".//title")
    if el is None:
        return None
    return WS.sub(" ", el.text_content()).strip()


async def worker(session, q, out):
    while True:
        url = await q.get()
        if url is None:
            return
        try:
            async with session.get(url) as resp:
                body = await resp.read()
                title = title_of(body, resp.charset)
                err = "" if title is not None else "no title"
                out.write(f"{url}\t{title or ''}\t{err}\n")
        except Exception as e:
            out.write(f"{url}\t\t{type(e).__name__}: {WS.sub(' ', str(e))}\n")


async def run(a):
    out = open(a.output, "w", encoding="utf-8", buffering=1 << 20)
    out.write("url\ttitle\terror\n")
    q = asyncio.Queue(maxsize=4 * a.concurrency)
    conn = aiohttp.TCPConnector(limit=a.concurrency, limit_per_host=0, ttl_dns_cache=3600)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=conn, timeout=timeout,
                                     headers={"User-Agent": "gleaner-bench-aiohttp"}) as session:
        tasks = [asyncio.create_task(worker(session, q, out)) for _ in range(a.concurrency)]
        with open(a.list, encoding="utf-8") as f:
            for line in f:
                url = line.strip()
                if url:
                    await q.put(url)
        for _ in tasks:
            await q.put(None)
        await asyncio.gather(*tasks)
    out.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--output", required=True)
    ap.add_argument("list")
    a = ap.parse_args()
    asyncio.run(run(a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
