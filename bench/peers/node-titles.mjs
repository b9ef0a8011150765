#!/usr/bin/env node
// Node.js with undici + htmlparser2 (versions pinned in package.json /
// package-lock.json, installed by bench/run with `npm ci`): fetch a list of
// URLs, 64 at a time, and take each page's title with a streaming parser
// that stops at </title>.
//
//   node node-titles.mjs [--concurrency 64] --output FILE LIST
//
// One undici Agent allowing `concurrency` connections per origin; 64 async
// workers pull URLs from the list.  The body is decoded as it arrives (the
// HTTP charset, else a <meta charset> in the first chunk, else UTF-8) and fed
// to htmlparser2; once </title> is seen the parse stops and the rest of the
// body is cancelled with body.dump() (undici drains up to 128 KiB to keep the
// connection alive and destroys the connection beyond that).
// Output: `url<TAB>title<TAB>error` rows with a header.

import fs from 'node:fs';
import { Agent, request } from 'undici';
import { Parser } from 'htmlparser2';

function parseArgs(argv) {
  const a = { concurrency: 64, output: null, list: null };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--concurrency') a.concurrency = Number(argv[++i]);
    else if (v === '--output') a.output = argv[++i];
    else if (v === '--help' || v === '-h') {
      console.log('usage: node node-titles.mjs [--concurrency 64] --output FILE LIST');
      process.exit(0);
    } else a.list = v;
  }
  if (!a.output || !a.list) {
    console.error('usage: node node-titles.mjs [--concurrency 64] --output FILE LIST');
    process.exit(2);
  }
  return a;
}

const WS = /[ \t\n\f\r]+/g;
const META = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i;

function charsetOf(headers, firstChunk) {
  const ct = headers['content-type'];
  if (ct) {
    const m = /charset=([^;\s]+)/i.exec(ct);
    if (m) return m[1].replace(/["']/g, '');
  }
  const head = firstChunk.subarray(0, 1024).toString('latin1');
  const m = META.exec(head);
  return m ? m[1] : 'utf-8';
}

function decoderFor(label) {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

async function titleOf(url, agent) {
  const { statusCode, headers, body } = await request(url, {
    dispatcher: agent,
    maxRedirections: 10,
    headers: { 'user-agent': 'gleaner-bench-node' },
  });
  let inTitle = false;
  let done = false;
  let text = '';
  let decoder = null;
  const parser = new Parser({
    onopentagname(name) {
      if (!done && name === 'title') inTitle = true;
    },
    ontext(t) {
      if (inTitle) text += t;
    },
    onclosetag(name) {
      if (inTitle && name === 'title') {
        inTitle = false;
        done = true;
      }
    },
  }, { decodeEntities: true, lowerCaseTags: true });

  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      if (decoder === null) decoder = decoderFor(charsetOf(headers, chunk));
      parser.write(decoder.decode(chunk, { stream: true }));
      if (done) {
        body.off('data', onData);
        body.pause();
        resolve();
      }
    };
    body.on('data', onData);
    body.once('end', resolve);
    body.once('error', reject);
  });
  if (done) {
    await body.dump().catch(() => {});
  } else {
    parser.end();
  }
  if (statusCode >= 400) return { title: '', err: `HTTP ${statusCode}` };
  if (!done && !text) return { title: '', err: 'no title' };
  return { title: text.replace(WS, ' ').trim(), err: '' };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const urls = fs.readFileSync(a.list, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const out = fs.openSync(a.output, 'w');
  let buf = ['url\ttitle\terror\n'];
  let buffered = 0;
  const flush = () => {
    fs.writeSync(out, buf.join(''));
    buf = [];
    buffered = 0;
  };
  const agent = new Agent({ connections: a.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  let next = 0;
  async function worker() {
    while (next < urls.length) {
      const url = urls[next++].trim();
      let row;
      try {
        const r = await titleOf(url, agent);
        row = `${url}\t${r.title}\t${r.err}\n`;
      } catch (e) {
        row = `${url}\t\t${String(e && e.code ? e.code : e).replace(WS, ' ')}\n`;
      }
      buf.push(row);
      if (++buffered >= 512) flush();
    }
  }
  await Promise.all(Array.from({ length: a.concurrency }, worker));
  flush();
  fs.closeSync(out);
  await agent.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
