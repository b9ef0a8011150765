/* test-hostile.c: the pipeline against loopback servers that misbehave on purpose
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case runs one pipeline with the hostile URL(s) and two ordinary pages
 * (one on the same hostile server, one on a well-behaved SoupServer), and
 * checks that the run ends within its deadline, the hostile row gets the right
 * error kind and a message saying what happened, the ordinary rows are
 * unaffected, and the process's peak memory grew by no more than the body cap
 * plus a small constant.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "gleaner-engine.h"
#include "gleaner-test-utils.h"

/* What a run may add to the peak resident size beyond the body cap: pages in
 * flight, parser state, thread stacks, malloc arenas. Generous on purpose: a
 * leak of the whole body (50 MB, 1 GB) is what it must catch. */
#define MEMORY_SLACK      (64 * 1024 * 1024)
#define BIG_PAGE_SIZE     (50 * 1024 * 1024)
#define NESTING           100000
#define N_TITLES          1000000
#define LONG_TITLE_BYTES  (7 * 1024 * 1024)
#define BOMB_UNIT         (1024 * 1024)
#define BOMB_UNITS        1024               /* 1 GiB of spaces once decoded */
#define SLOWLORIS_GAP_MS  2000

#define ID_HOSTILE        0
#define ID_RAW_OK         1000
#define ID_SOUP_OK        1001

static double slow = 1.0;             /* time bounds' factor, see under_instrumentation() */
static GleanerTestServer *server;     /* well-behaved pages */
static GleanerRawServer *raw;         /* the misbehaving one */

/* A 1 GiB gzip bomb, precomputed compactly: a full flush makes every MiB of
 * spaces compress to the same bytes, so the stream is head + unit × n + tail
 * (with the trailer's CRC and size computed for the whole GiB). */
static struct
{
  GBytes *head;
  GBytes *unit;
  GBytes *tail;
  gsize   compressed;
} bomb;

/* ---- memory ------------------------------------------------------------------ */

static gsize
proc_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;
  return (gsize)g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

/* Under AddressSanitizer (quarantine, shadow memory), ThreadSanitizer or
 * valgrind the resident size says nothing about Gleaner's own use, and
 * everything runs several times slower: the memory numbers are reported but
 * not held against the bound, and time bounds are stretched by @slow. */
static gboolean
under_instrumentation (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return TRUE;
#endif
  return exe != NULL && strstr (exe, "valgrind") != NULL;
}

/* Resets VmHWM to the current VmRSS (Linux ≥ 4.0); FALSE where it cannot. */
static gboolean
reset_peak_rss (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

/* ---- the misbehaving raw server (connection threads) ------------------------ */

static gboolean
send_bytes (GSocketConnection *conn,
            const void        *data,
            gsize              len,
            GCancellable      *cancellable)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  return g_output_stream_write_all (out, data, len, NULL, cancellable, NULL);
}

static gboolean
send_str (GSocketConnection *conn,
          const char        *text,
          GCancellable      *cancellable)
{
  return send_bytes (conn, text, strlen (text), cancellable);
}

static gboolean
send_page (GSocketConnection *conn,
           const char        *content_type,
           const char        *body,
           GCancellable      *cancellable)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
                                           "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                           content_type, strlen (body));

  return send_str (conn, head, cancellable) && send_str (conn, body, cancellable);
}

/* Sends @piece repeatedly until @total bytes went out (0: forever) or the
 * client went away. */
static void
send_repeated (GSocketConnection *conn,
               const char        *piece,
               gsize              total,
               GCancellable      *cancellable)
{
  gsize len = strlen (piece);
  g_autoptr(GString) block = g_string_new (NULL);
  gsize sent = 0;

  while (block->len < 64 * 1024)
    g_string_append (block, piece);
  block->len -= block->len % len;

  while (total == 0 || sent < total)
    {
      gsize n = total == 0 ? block->len : MIN (block->len, total - sent);

      if (!send_bytes (conn, block->str, n, cancellable))
        return;
      sent += n;
    }
}

/* Sleeps @ms, or less when the server is being freed. */
static gboolean
raw_sleep (GCancellable *cancellable,
           guint         ms)
{
  for (guint slept = 0; slept < ms; slept += 50)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (50 * 1000);
    }
  return !g_cancellable_is_cancelled (cancellable);
}

static const char ok_page[] = "<html><head><title>Raw OK</title></head><body>fine</body></html>";

static void
raw_ok (GSocketConnection *conn,
        const char        *path,
        GCancellable      *cancellable)
{
  send_page (conn, "text/html; charset=utf-8", ok_page, cancellable);
}

static void
raw_slowloris (GSocketConnection *conn,
               const char        *path,
               GCancellable      *cancellable)
{
  static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 49\r\n\r\n"
                              "<html><head><title>Patience</title></head></html>";

  /* The whole reply, status line first, a byte at a time: the inactivity
   * timeout never fires, only the deadline can end it. */
  for (gsize i = 0; i < sizeof reply - 1; i++)
    if (!send_bytes (conn, reply + i, 1, cancellable) || !raw_sleep (cancellable, SLOWLORIS_GAP_MS))
      return;
}

static void
raw_endless (GSocketConnection *conn,
             const char        *path,
             GCancellable      *cancellable)
{
  if (send_str (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
                      "<html><body>", cancellable))
    send_repeated (conn, "<p>more and more and more text, and still no title</p>\n", 0, cancellable);
}

static void
raw_bomb (GSocketConnection *conn,
          const char        *path,
          GCancellable      *cancellable)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                           "Content-Encoding: gzip\r\nContent-Length: %zu\r\n"
                                           "Connection: close\r\n\r\n", bomb.compressed);
  gsize len;
  gconstpointer data;

  if (!send_str (conn, head, cancellable))
    return;
  data = g_bytes_get_data (bomb.head, &len);
  if (!send_bytes (conn, data, len, cancellable))
    return;
  data = g_bytes_get_data (bomb.unit, &len);
  for (guint i = 0; i < BOMB_UNITS; i++)
    if (!send_bytes (conn, data, len, cancellable))
      return;
  data = g_bytes_get_data (bomb.tail, &len);
  send_bytes (conn, data, len, cancellable);
}

static void
raw_big_page (GSocketConnection *conn,
              const char        *path,
              GCancellable      *cancellable)
{
  const char *start = g_str_has_suffix (path, "/title")
                      ? "<html><head><title>Big page</title></head><body><p>"
                      : "<html><head><meta name=x content=y></head><body><p>";
  g_autofree char *head = NULL;

  if (g_str_has_suffix (path, "/long-title"))
    {
      /* A 7 MB title that ends inside the body cap. */
      const char *open = "<html><head><title>";
      const char *close = "</title></head><body></body></html>";
      gsize words = LONG_TITLE_BYTES / strlen ("word ") * strlen ("word ");

      head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                              strlen (open) + words + strlen (close));
      if (send_str (conn, head, cancellable) && send_str (conn, open, cancellable))
        {
          send_repeated (conn, "word ", words, cancellable);
          send_str (conn, close, cancellable);
        }
      return;
    }
  head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                          "Content-Length: %d\r\nConnection: close\r\n\r\n",
                          BIG_PAGE_SIZE);

  /* 50 MB on one line: no newline anywhere. */
  if (send_str (conn, head, cancellable) && send_str (conn, start, cancellable))
    send_repeated (conn, "word ", BIG_PAGE_SIZE - strlen (start), cancellable);
}

static void
raw_nested (GSocketConnection *conn,
            const char        *path,
            GCancellable      *cancellable)
{
  gboolean title = g_str_has_suffix (path, "/title-after");
  const char *end = title ? "<title>Deep</title>" : "<p>bottom</p>";
  g_autoptr(GString) body = g_string_new ("<!DOCTYPE html><html><body>");

  for (guint i = 0; i < NESTING; i++)
    g_string_append (body, "<div>");
  g_string_append (body, end);
  for (guint i = 0; i < NESTING; i++)
    g_string_append (body, "</div>");
  g_string_append (body, "</body></html>");
  send_page (conn, "text/html", body->str, cancellable);
}

static void
raw_titles (GSocketConnection *conn,
            const char        *path,
            GCancellable      *cancellable)
{
  gboolean closed = g_str_has_suffix (path, "/closed");
  const char *first = closed ? "<html><head><title>First</title>" : "<html><head><title>";
  const char *piece = closed ? "<title>t</title>" : "<title>";
  gsize total = strlen (first) + (N_TITLES - 1) * strlen (piece);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                           "Content-Length: %zu\r\nConnection: close\r\n\r\n", total);

  if (send_str (conn, head, cancellable) && send_str (conn, first, cancellable))
    send_repeated (conn, piece, total - strlen (first), cancellable);
}

static void
raw_headers (GSocketConnection *conn,
             const char        *path,
             GCancellable      *cancellable)
{
  static const char page[] = "<html><head><title>Header flood</title></head></html>";
  g_autoptr(GString) reply = g_string_new ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");

  if (g_str_has_suffix (path, "/long"))
    {
      g_string_append (reply, "X-Long: ");
      for (guint i = 0; i < 100 * 1024; i++)
        g_string_append_c (reply, 'a' + i % 26);
      g_string_append (reply, "\r\n");
    }
  else
    {
      for (guint i = 0; i < 10000; i++)
        g_string_append_printf (reply, "X-Header-%u: value %u\r\n", i, i);
    }
  g_string_append_printf (reply, "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                          sizeof page - 1, page);
  send_bytes (conn, reply->str, reply->len, cancellable);
}

/* Replies whose status line (or what stands in its place) is not HTTP. */
#define REPLY(text) text, sizeof text - 1

static const struct
{
  const char *name;
  const char *reply;
  gsize       len;
} broken_status[] = {
  { "garbage", REPLY ("NOT HTTP AT ALL\r\n\r\n<title>x</title>") },
  { "code-letters", REPLY ("HTTP/1.1 abc OK\r\nContent-Length: 16\r\n\r\n<title>x</title>") },
  { "code-huge", REPLY ("HTTP/1.1 99999999999999999999 OK\r\nContent-Length: 16\r\n\r\n<title>x</title>") },
  { "version", REPLY ("HTTP/7.3 200 OK\r\nContent-Length: 16\r\n\r\n<title>x</title>") },
  { "http09", REPLY ("<html><head><title>Nine</title></head></html>") },
  { "nul", REPLY ("HTTP/1.1 200 \0OK\r\nContent-Type: text/html\r\nContent-Length: 16\r\n\r\n<title>x</title>") },
  { "unfinished", REPLY ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Never-Ends: yes") },
};

static void
raw_status (GSocketConnection *conn,
            const char        *path,
            GCancellable      *cancellable)
{
  const char *name = strrchr (path, '/') + 1;

  for (guint i = 0; i < G_N_ELEMENTS (broken_status); i++)
    if (g_str_equal (name, broken_status[i].name))
      send_bytes (conn, broken_status[i].reply, broken_status[i].len, cancellable);
}

static void
raw_reset (GSocketConnection *conn,
           const char        *path,
           GCancellable      *cancellable)
{
  if (!send_str (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200000\r\n\r\n"
                       "<html><body>", cancellable))
    return;
  send_repeated (conn, "<p>filler</p>", 32 * 1024, cancellable);
  /* Let the bytes reach the client before the reset discards them. */
  raw_sleep (cancellable, 200);
  gleaner_raw_server_reset (conn);
}

static void
raw_http10 (GSocketConnection *conn,
            const char        *path,
            GCancellable      *cancellable)
{
  /* No length, no chunking: the body ends when the connection closes. */
  if (send_str (conn, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
                      "<html><head><title>HTTP/1.0 page</title></head><body>", cancellable))
    send_repeated (conn, "<p>some text</p>", 40 * 1024, cancellable);
}

static void
raw_chunked (GSocketConnection *conn,
             const char        *path,
             GCancellable      *cancellable)
{
  const char *name = strrchr (path, '/') + 1;
  const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n";

  if (!send_str (conn, head, cancellable))
    return;
  if (g_str_equal (name, "truncated"))
    /* Announces 16 KiB, sends 24 bytes, closes. */
    send_str (conn, "4000\r\n<html><body><p>short", cancellable);
  else if (g_str_equal (name, "bad-size"))
    send_str (conn, "zz\r\n<html><head><title>Bad size</title></head></html>\r\n0\r\n\r\n", cancellable);
  else if (g_str_equal (name, "huge-size"))
    send_str (conn, "fffffffffffffffffffffffff\r\n<html><head><title>Huge size</title></head></html>",
              cancellable);
  else if (g_str_equal (name, "no-crlf"))
    send_str (conn, "a\r\n<html><bodyXXXXXXXXXXX<p>more</p>\r\n0\r\n\r\n", cancellable);
  else if (g_str_equal (name, "smuggle"))
    {
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
      char buf[4096];

      if (!send_str (conn, "zz\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                           "Content-Length: 49\r\n\r\n"
                           "<html><head><title>INJECTED</title></head></html>", cancellable))
        return;
      while (g_input_stream_read (in, buf, sizeof buf, cancellable, NULL) > 0)
        ;
    }
}

static void
raw_content_length (GSocketConnection *conn,
                    const char        *path,
                    GCancellable      *cancellable)
{
  const char *name = strrchr (path, '/') + 1;

  if (g_str_equal (name, "short"))
    {
      /* Promises 10000 bytes, sends 500 (no title among them), closes. */
      if (send_str (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000\r\n\r\n"
                          "<html><body>", cancellable))
        send_repeated (conn, "<p>x</p>", 488, cancellable);
    }
  else if (g_str_equal (name, "short-title"))
    {
      /* 2 KB arrive, the title among them, then the connection drops. */
      if (send_str (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                          "Content-Length: 10000\r\n\r\n"
                          "<html><head><title>Partial</title></head><body>", cancellable))
        send_repeated (conn, "<p>x</p>", 2048, cancellable);
    }
  else if (g_str_equal (name, "long"))
    {
      /* The body is as long as announced, but a second response follows on
       * the same keep-alive connection: whatever is fetched next over it must
       * not take it for its own answer (response smuggling). */
      static const char body[] = "<html><head><title>Short</title></head></html>";
      static const char forged[] = "<html><head><title>INJECTED</title></head></html>";
      g_autofree char *reply =
        g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n\r\n%s"
                         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n\r\n%s",
                         sizeof body - 1, body, sizeof forged - 1, forged);
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
      char buf[4096];

      if (!send_str (conn, reply, cancellable))
        return;
      /* Keep the connection open; answer nothing more. */
      while (g_input_stream_read (in, buf, sizeof buf, cancellable, NULL) > 0)
        ;
    }
  else if (g_str_equal (name, "after"))
    {
      send_page (conn, "text/html", "<html><head><title>Honest</title></head></html>", cancellable);
    }
}

static void
raw_empty (GSocketConnection *conn,
           const char        *path,
           GCancellable      *cancellable)
{
  /* The server closes the connection without a byte. */
}

static void
raw_garbage (GSocketConnection *conn,
             const char        *path,
             GCancellable      *cancellable)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6c65616e);
  g_autofree guint8 *junk = g_malloc (64 * 1024);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                           "Content-Length: %d\r\nConnection: close\r\n\r\n",
                                           64 * 1024);

  for (guint i = 0; i < 64 * 1024; i++)
    {
      junk[i] = (guint8)g_rand_int_range (rand, 0, 256);
      /* No '<' at all, so no tag can appear by chance. */
      if (junk[i] == '<')
        junk[i] = 0;
    }
  if (send_str (conn, head, cancellable))
    send_bytes (conn, junk, 64 * 1024, cancellable);
}

/* Redirect targets Gleaner must never follow, and loops. */
static const struct
{
  const char *name;
  const char *location;
  const char *scheme;    /* what the message must name, NULL for loops */
} redirects[] = {
  { "file", "file:///etc/passwd", "file" },
  { "file-upper", "FILE:///etc/passwd", "file" },
  { "data", "data:text/html,<title>pwned</title>", "data" },
  { "javascript", "javascript:alert(document.cookie)", "javascript" },
  { "ftp", "ftp://127.0.0.1/", "ftp" },
  { "view-source", "view-source:file:///etc/passwd", "view-source" },
  { "loop", "/redir/loop", NULL },
  { "ping", "/redir/pong", NULL },
  { "pong", "/redir/ping", NULL },
};

static void
raw_redirect (GSocketConnection *conn,
              const char        *path,
              GCancellable      *cancellable)
{
  const char *name = strrchr (path, '/') + 1;

  for (guint i = 0; i < G_N_ELEMENTS (redirects); i++)
    if (g_str_equal (name, redirects[i].name))
      {
        g_autofree char *reply =
          g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n",
                           redirects[i].location);
        send_str (conn, reply, cancellable);
      }
}

typedef void (*RawRoute) (GSocketConnection *conn,
                          const char        *path,
                          GCancellable      *cancellable);

static const struct
{
  const char *prefix;
  RawRoute    route;
} raw_routes[] = {
  { "/ok", raw_ok },
  { "/slowloris", raw_slowloris },
  { "/endless", raw_endless },
  { "/bomb", raw_bomb },
  { "/big/", raw_big_page },
  { "/nested/", raw_nested },
  { "/titles/", raw_titles },
  { "/headers/", raw_headers },
  { "/status/", raw_status },
  { "/reset", raw_reset },
  { "/http10", raw_http10 },
  { "/chunked/", raw_chunked },
  { "/length/", raw_content_length },
  { "/empty", raw_empty },
  { "/garbage", raw_garbage },
  { "/redir/", raw_redirect },
};

static void
raw_dispatch (GSocketConnection *conn,
              const char        *request,
              GCancellable      *cancellable,
              gpointer           user_data)
{
  const char *start = strchr (request, ' ');
  const char *end = start ? strchr (start + 1, ' ') : NULL;
  g_autofree char *path = NULL;

  if (end == NULL)
    return;
  path = g_strndup (start + 1, end - start - 1);
  for (guint i = 0; i < G_N_ELEMENTS (raw_routes); i++)
    if (g_str_has_prefix (path, raw_routes[i].prefix))
      {
        raw_routes[i].route (conn, path, cancellable);
        return;
      }
  send_str (conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", cancellable);
}

/* ---- the well-behaved SoupServer (server thread) ----------------------------- */

static void
serve_page_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  g_autofree char *body = g_strdup_printf ("<!DOCTYPE html><html><head><title>Page %s</title>"
                                           "</head><body><p>Hello</p></body></html>",
                                           strrchr (path, '/') + 1);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
server_setup (SoupServer *srv,
              gpointer    user_data)
{
  soup_server_add_handler (srv, "/page", serve_page_cb, NULL, NULL);
}

/* ---- running a case ------------------------------------------------------------ */

typedef struct
{
  GHashTable *by_id;       /* id -> GleanerResult */
  guint       n_results;
  gboolean    finished;
  double      elapsed;     /* seconds from the first add to ::finished */
  gsize       base_kib;    /* VmRSS when the run started */
  gsize       peak_kib;    /* VmHWM when it finished (0: not measured) */
} Run;

static void
run_results_cb (GleanerPipeline *pipeline,
                GPtrArray       *results,
                Run             *run)
{
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *r = g_ptr_array_index (results, i);
      guint64 *key = g_new (guint64, 1);

      *key = gleaner_result_get_id (r);
      g_assert_false (g_hash_table_contains (run->by_id, key));
      g_hash_table_insert (run->by_id, key, g_object_ref (r));
      run->n_results++;
    }
}

static void
run_finished_cb (GleanerPipeline *pipeline,
                 Run             *run)
{
  run->finished = TRUE;
}

static GleanerConfig *
hostile_config (void)
{
  GleanerConfig *config = gleaner_config_new ();

  config->n_workers = 4;
  config->per_host = 4;
  config->timeout = 5;
  /* Scanning a prefix for the title runs inside the deadline: give slow
   * instrumented builds the same margin. */
  config->deadline = 10 * slow;
  config->retries = 1;
  return config;
}

static GleanerResult *
run_get (Run     *run,
         guint64  id)
{
  GleanerResult *r = g_hash_table_lookup (run->by_id, &id);

  g_assert_nonnull (r);
  return r;
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->by_id, g_hash_table_unref);
}

/* Runs @urls (ids 0, 1, ...; a path is on the raw server) plus the two
 * ordinary pages through one pipeline, and checks the common promises:
 * every target has a row, the run ends within the deadline, the ordinary
 * rows are unaffected and the peak memory is bounded. */
static void
run_case (const GleanerConfig *config,
          const char * const  *urls,
          Run                 *run)
{
  g_autoptr(GleanerPipeline) pipeline = NULL;
  g_autofree char *raw_ok_url = gleaner_raw_server_url (raw, "/ok");
  g_autofree char *soup_ok_url = gleaner_test_server_url (server, "/page/ordinary");
  gboolean measured;
  gint64 start;
  guint n = 0;
  GleanerResult *r;

  memset (run, 0, sizeof *run);
  run->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);

  measured = reset_peak_rss ();
  run->base_kib = proc_status_kib ("VmRSS:");
  start = g_get_monotonic_time ();

  pipeline = gleaner_pipeline_new (config);
  g_signal_connect (pipeline, "results", G_CALLBACK (run_results_cb), run);
  g_signal_connect (pipeline, "finished", G_CALLBACK (run_finished_cb), run);
  for (; urls[n] != NULL; n++)
    {
      g_autofree char *url = g_str_has_prefix (urls[n], "/") ? gleaner_raw_server_url (raw, urls[n])
                                                             : g_strdup (urls[n]);
      gleaner_pipeline_add (pipeline, ID_HOSTILE + n, url);
    }
  gleaner_pipeline_add (pipeline, ID_RAW_OK, raw_ok_url);
  gleaner_pipeline_add (pipeline, ID_SOUP_OK, soup_ok_url);
  gleaner_pipeline_close (pipeline);

  /* Every URL runs in parallel, so the whole run is bounded by one deadline
   * (plus the watchdog's 0.1 s and delivery). */
  g_assert_true (gleaner_test_wait_for_flag (NULL, &run->finished,
                                             (guint)((config->deadline + 5 * slow) * 1000)));
  run->elapsed = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
  if (measured)
    run->peak_kib = proc_status_kib ("VmHWM:");

  g_test_message ("run of %u hostile URL(s): %.2f s; peak RSS %zu KiB over a base of %zu KiB",
                  n, run->elapsed, run->peak_kib ? run->peak_kib - MIN (run->peak_kib, run->base_kib) : 0,
                  run->base_kib);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = NULL;

      r = run_get (run, ID_HOSTILE + i);
      /* A title may be megabytes long: a TAP line must not be. */
      if (gleaner_result_get_title (r) != NULL)
        title = g_utf8_substring (gleaner_result_get_title (r), 0,
                                  MIN (g_utf8_strlen (gleaner_result_get_title (r), -1), 60));
      g_test_message ("  %s: %s (%s) status %u, %" G_GUINT64_FORMAT " body bytes%s, %u attempt(s), "
                      "%.2f s, title %s%s%s",
                      urls[i], gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)),
                      gleaner_result_get_error_message (r) ? gleaner_result_get_error_message (r) : "-",
                      gleaner_result_get_status (r), gleaner_result_get_body_bytes (r),
                      gleaner_result_get_truncated (r) ? " (truncated)" : "",
                      gleaner_result_get_attempts (r), gleaner_result_get_elapsed (r),
                      title ? "“" : "", title ? title : "(none)", title ? "”" : "");
    }

  g_assert_cmpuint (run->n_results, ==, n + 2);
  g_assert_cmpfloat (run->elapsed, <, config->deadline + 2.0 * slow);

  /* The rest of the run is unaffected. */
  r = run_get (run, ID_RAW_OK);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_NONE);
  g_assert_cmpstr (gleaner_result_get_title (r), ==, "Raw OK");
  r = run_get (run, ID_SOUP_OK);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_NONE);
  g_assert_cmpstr (gleaner_result_get_title (r), ==, "Page ordinary");

  if (run->peak_kib > 0 && slow == 1.0)
    g_assert_cmpuint ((run->peak_kib - MIN (run->peak_kib, run->base_kib)) * 1024, <=,
                      config->max_body + MEMORY_SLACK);
}

/* A failed row: the kind, no title, and a message that contains @needle. */
static void
assert_failed (GleanerResult *r,
               GleanerError   kind,
               const char    *needle)
{
  const char *message = gleaner_result_get_error_message (r);

  g_assert_cmpstr (gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)), ==,
                   gleaner_error_kind_to_string (kind));
  g_assert_false (gleaner_result_get_succeeded (r));
  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  if (needle != NULL && strstr (message, needle) == NULL)
    g_test_fail_printf ("message “%s” does not mention “%s”", message, needle);
}

static void
assert_title (GleanerResult *r,
              const char    *title)
{
  g_assert_cmpstr (gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)), ==,
                   gleaner_error_kind_to_string (GLEANER_ERROR_NONE));
  g_assert_cmpstr (gleaner_result_get_title (r), ==, title);
}

static void
require_peak_measured (Run *run)
{
  if (run->peak_kib == 0)
    g_test_incomplete ("/proc/self/clear_refs is not writable here: peak memory not measured");
}

/* ---- cases ------------------------------------------------------------------- */

static void
test_hostile_slowloris (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/slowloris", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("A reply dripped a byte every 2 s never trips the 5 s inactivity timeout; "
                  "the 6 s deadline ends it");
  config->timeout = 5;
  config->deadline = 6;
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_TIMEOUT, "deadline");
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), >=, 5.5);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 7.0);
  run_clear (&run);
}

static void
test_hostile_endless (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/endless", NULL };
  g_autofree char *cap = g_format_size_full (GLEANER_DEFAULT_MAX_BODY, G_FORMAT_SIZE_IEC_UNITS);
  GleanerResult *r;
  Run run;

  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_TOO_LARGE, cap);
  g_assert_true (gleaner_result_get_truncated (r));
  g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, GLEANER_DEFAULT_MAX_BODY);
  g_assert_cmpfloat (run.elapsed, <, 5.0 * slow);
  require_peak_measured (&run);
  run_clear (&run);
}

static void
test_hostile_gzip_bomb (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/bomb", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("1 GiB of spaces in about a megabyte of gzip: decoding stops at the body cap");
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_TOO_LARGE, NULL);
  g_assert_true (gleaner_result_get_truncated (r));
  g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, GLEANER_DEFAULT_MAX_BODY);
  g_assert_cmpfloat (run.elapsed, <, 5.0 * slow);
  require_peak_measured (&run);
  run_clear (&run);
}

static void
test_hostile_redirects (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  Run run;

  for (guint i = 0; i < G_N_ELEMENTS (redirects); i++)
    g_ptr_array_add (urls, g_strconcat ("/redir/", redirects[i].name, NULL));
  g_ptr_array_add (urls, NULL);
  run_case (config, (const char * const *)urls->pdata, &run);

  for (guint i = 0; i < G_N_ELEMENTS (redirects); i++)
    {
      GleanerResult *r = run_get (&run, ID_HOSTILE + i);
      g_autofree char *needle = redirects[i].scheme ? g_strdup_printf ("“%s:”", redirects[i].scheme)
                                                    : g_strdup ("loop");

      assert_failed (r, GLEANER_ERROR_REDIRECT, needle);
      g_assert_null (gleaner_result_get_title (r));
      g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, 0);
      /* Nothing but http(s) ever becomes the final URL. */
      g_assert_true (g_str_has_prefix (gleaner_result_get_final_url (r), "http://"));
      g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 2.0 * slow);
    }
  run_clear (&run);
}

static void
test_hostile_header_flood (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/headers/long", "/headers/many", NULL };
  Run run;

  g_test_summary ("A 100 KB header line and 10,000 headers (250 KB): past libsoup's 64 KiB "
                  "limit on a response head, so not valid HTTP; refused at once, not retried");
  run_case (config, urls, &run);
  for (guint i = 0; i < 2; i++)
    {
      GleanerResult *r = run_get (&run, ID_HOSTILE + i);

      g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 3.0 * slow);
      g_assert_null (gleaner_result_get_title (r));
      /* libsoup reports the oversized head as G_IO_ERROR_PARTIAL_INPUT
       * "Header too big": the server closed nothing, so it is not a
       * connection failure, and retrying cannot help. */
      assert_failed (r, GLEANER_ERROR_PROTOCOL, "too big");
      g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 1);
    }
  run_clear (&run);
}

static void
test_hostile_status_lines (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  Run run;

  for (guint i = 0; i < G_N_ELEMENTS (broken_status); i++)
    g_ptr_array_add (urls, g_strconcat ("/status/", broken_status[i].name, NULL));
  g_ptr_array_add (urls, NULL);
  config->retries = 0;
  run_case (config, (const char * const *)urls->pdata, &run);

  for (guint i = 0; i < G_N_ELEMENTS (broken_status); i++)
    {
      GleanerResult *r = run_get (&run, ID_HOSTILE + i);

      /* libsoup parses what it got when the server closes mid-head, so an
       * unfinished head is not valid HTTP either. */
      assert_failed (r, GLEANER_ERROR_PROTOCOL, "not valid HTTP");
      g_assert_null (gleaner_result_get_title (r));
      g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 2.0 * slow);
    }
  run_clear (&run);
}

static void
test_hostile_reset (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/reset", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("A TCP reset after 32 KB of a 200 KB body: a connection error, retried once");
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_CONNECTION, "reset");
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 2);
  g_assert_null (gleaner_result_get_title (r));
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 3.0 * slow);
  run_clear (&run);
}

static void
test_hostile_http10 (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/http10", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("HTTP/1.0 without Content-Length: the body ends at close, and that is fine");
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_title (r, "HTTP/1.0 page");
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 200);
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 1);
  run_clear (&run);
}

static void
test_hostile_chunked (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/chunked/truncated", "/chunked/bad-size", "/chunked/huge-size",
                         "/chunked/no-crlf", NULL };
  const char *smuggle[] = { "/chunked/smuggle", "/length/after", NULL };
  GleanerResult *r;
  Run run;

  config->retries = 0;
  run_case (config, urls, &run);

  /* A chunk cut short by the close: the connection ended early. */
  r = run_get (&run, ID_HOSTILE + 0);
  assert_failed (r, GLEANER_ERROR_CONNECTION, NULL);
  g_assert_null (gleaner_result_get_title (r));

  /* A chunk size that is not hexadecimal, a size of 16^25 and a chunk without
   * its CRLF. libsoup 3.2 reads chunk sizes with an unchecked strtoul and
   * does not check the CRLF after a chunk, so to it the body simply ends
   * there: these pages come out without a title (a browser would say the
   * encoding is broken). What matters here: no title is ever taken from
   * bytes past the broken framing, and nothing past it is read. */
  for (guint i = 1; i <= 3; i++)
    {
      r = run_get (&run, ID_HOSTILE + i);
      if (gleaner_result_get_error_kind (r) == GLEANER_ERROR_NONE)
        g_test_fail_printf ("%s: broken chunked framing accepted as a page titled “%s”", urls[i],
                            gleaner_result_get_title (r));
      g_assert_null (gleaner_result_get_title (r));
      g_assert_true (gleaner_result_get_error_kind (r) == GLEANER_ERROR_PROTOCOL ||
                     gleaner_result_get_error_kind (r) == GLEANER_ERROR_CONNECTION ||
                     gleaner_result_get_error_kind (r) == GLEANER_ERROR_NO_TITLE);
      g_assert_cmpuint (gleaner_result_get_body_bytes (r), <=, 10);
      g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 3.0 * slow);
    }
  run_clear (&run);

  /* The bytes left over after such a body hold a forged response: the next
   * URL on that keep-alive connection must not take it for its own. */
  config->n_workers = 1;
  config->per_host = 1;
  run_case (config, smuggle, &run);
  g_assert_null (gleaner_result_get_title (run_get (&run, ID_HOSTILE + 0)));
  assert_title (run_get (&run, ID_HOSTILE + 1), "Honest");
  run_clear (&run);
}

static void
test_hostile_content_length (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/length/short", "/length/short-title", NULL };
  const char *smuggle[] = { "/length/long", "/length/after", NULL };
  GleanerResult *r;
  Run run;

  config->retries = 0;
  run_case (config, urls, &run);

  /* Fewer bytes than announced, then close: the connection ended early... */
  r = run_get (&run, ID_HOSTILE + 0);
  assert_failed (r, GLEANER_ERROR_CONNECTION, NULL);
  /* ...unless what arrived already holds the title (kept, as a browser would). */
  r = run_get (&run, ID_HOSTILE + 1);
  assert_title (r, "Partial");
  run_clear (&run);

  /* More bytes than announced: the extra bytes are a forged second response on
   * a keep-alive connection. One worker, so the next URL to that host goes
   * through the same session and would reuse the connection. */
  config->n_workers = 1;
  config->per_host = 1;
  run_case (config, smuggle, &run);
  assert_title (run_get (&run, ID_HOSTILE + 0), "Short");
  assert_title (run_get (&run, ID_HOSTILE + 1), "Honest");
  run_clear (&run);
}

static void
test_hostile_empty_reply (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/empty", NULL };
  GleanerResult *r;
  Run run;

  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_CONNECTION, "closed");
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 2);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 3.0 * slow);
  run_clear (&run);
}

static void
test_hostile_garbage (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/garbage", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("64 KB of random bytes labelled text/html: a page without a title");
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_NO_TITLE, "title");
  g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, 64 * 1024);
  if (gleaner_result_get_encoding (r) != NULL)
    g_assert_true (g_utf8_validate (gleaner_result_get_encoding (r), -1, NULL));
  run_clear (&run);
}

static void
test_hostile_big_page (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/big/title", "/big/none", "/big/long-title", NULL };
  g_autofree char *cap = g_format_size_full (GLEANER_DEFAULT_MAX_BODY, G_FORMAT_SIZE_IEC_UNITS);
  g_autoptr(GString) words = g_string_new (NULL);
  GleanerResult *r;
  Run run;

  g_test_summary ("A 50 MB single-line page: with its title at the start the read stops early; "
                  "without one it is too large at the cap; a 7 MB title is cut to what a "
                  "browser keeps");
  run_case (config, urls, &run);

  /* The 7 MB title: its first GLEANER_MAX_TEXT_UNITS characters, as Chromium's tab. */
  r = run_get (&run, ID_HOSTILE + 2);
  while (words->len < GLEANER_MAX_TEXT_UNITS)
    g_string_append (words, "word ");
  g_string_truncate (words, GLEANER_MAX_TEXT_UNITS);
  assert_title (r, g_strchomp (words->str));
  g_assert_false (gleaner_result_get_truncated (r));

  r = run_get (&run, ID_HOSTILE + 0);
  assert_title (r, "Big page");
  /* Early stop: far less than the cap was read. */
  g_assert_cmpuint (gleaner_result_get_body_bytes (r), <, 1024 * 1024);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 2.0 * slow);

  r = run_get (&run, ID_HOSTILE + 1);
  assert_failed (r, GLEANER_ERROR_TOO_LARGE, cap);
  g_assert_true (gleaner_result_get_truncated (r));
  g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, GLEANER_DEFAULT_MAX_BODY);
  g_assert_cmpfloat (run.elapsed, <, 6.0 * slow);
  require_peak_measured (&run);
  run_clear (&run);
}

static void
test_hostile_nested (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/nested/title-after", "/nested/none", NULL };
  Run run;

  g_test_summary ("100,000 nested <div>s (1.1 MB) neither crash the parser nor hide a title "
                  "that follows them");
  run_case (config, urls, &run);
  assert_title (run_get (&run, ID_HOSTILE + 0), "Deep");
  assert_failed (run_get (&run, ID_HOSTILE + 1), GLEANER_ERROR_NO_TITLE, "title");
  g_assert_cmpfloat (run.elapsed, <, 6.0 * slow);
  require_peak_measured (&run);
  run_clear (&run);
}

static void
test_hostile_many_titles (void)
{
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { "/titles/closed", "/titles/open", NULL };
  GleanerResult *r;
  Run run;

  g_test_summary ("1,000,000 <title> elements: the first one is the title; 1,000,000 "
                  "unclosed <title> tags: bounded time and memory");
  run_case (config, urls, &run);

  r = run_get (&run, ID_HOSTILE + 0);
  assert_title (r, "First");
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 3.0 * slow);

  /* An unclosed <title> makes the rest of the document its text (RCDATA):
   * a 7 MB title. Whatever the parser makes of it, it must be valid UTF-8. */
  r = run_get (&run, ID_HOSTILE + 1);
  g_test_message ("unclosed titles: %s, title of %zu bytes",
                  gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)),
                  gleaner_result_get_title (r) ? strlen (gleaner_result_get_title (r)) : 0);
  if (gleaner_result_get_title (r) != NULL)
    g_assert_true (g_utf8_validate (gleaner_result_get_title (r), -1, NULL));
  else
    g_assert_cmpuint (gleaner_result_get_error_kind (r), !=, GLEANER_ERROR_NONE);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 5.0 * slow);
  run_clear (&run);
}

/* ---- TLS ---------------------------------------------------------------------- */

static char *tls_dir;
static GTlsCertificate *self_signed;
static GTlsCertificate *expired;

static gboolean
run_openssl (const char * const *args,
             GError            **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer)"openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (tls_dir, (char **)argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "openssl %s: %s: ", args[0], err);
      return FALSE;
    }
  return TRUE;
}

/* Keys and certificates made at run time with the openssl CLI: a self-signed
 * one for 127.0.0.1, and one for 127.0.0.1 from a throwaway CA that expired
 * in 2020. */
static gboolean
make_certificates (GError **error)
{
  g_autofree char *cnf = NULL;
  g_autofree char *path = NULL;
  const char *self_args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-keyout", "self.key", "-out", "self.crt", "-days", "30",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  const char *ca_args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
                            "-subj", "/CN=Gleaner throwaway test CA", NULL };
  const char *csr_args[] = { "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", "old.key", "-out", "old.csr",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  const char *sign_args[] = { "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key",
                              "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
                              "-in", "old.csr", "-out", "old.crt", "-notext", NULL };

  tls_dir = g_dir_make_tmp ("gleaner-hostile-tls-XXXXXX", error);
  if (tls_dir == NULL)
    return FALSE;
  cnf = g_strdup_printf ("[ca]\ndefault_ca = throwaway\n"
                         "[throwaway]\ndir = %s\ndatabase = $dir/index.txt\nnew_certs_dir = $dir\n"
                         "rand_serial = yes\ndefault_md = sha256\npolicy = anything\n"
                         "copy_extensions = copy\nunique_subject = no\n"
                         "[anything]\ncommonName = supplied\n", tls_dir);
  path = g_build_filename (tls_dir, "ca.cnf", NULL);
  if (!g_file_set_contents (path, cnf, -1, error))
    return FALSE;
  g_free (path);
  path = g_build_filename (tls_dir, "index.txt", NULL);
  if (!g_file_set_contents (path, "", 0, error))
    return FALSE;

  if (!run_openssl (self_args, error) || !run_openssl (ca_args, error) ||
      !run_openssl (csr_args, error) || !run_openssl (sign_args, error))
    return FALSE;

  {
    g_autofree char *crt = g_build_filename (tls_dir, "self.crt", NULL);
    g_autofree char *key = g_build_filename (tls_dir, "self.key", NULL);

    self_signed = g_tls_certificate_new_from_files (crt, key, error);
    if (self_signed == NULL)
      return FALSE;
  }
  {
    g_autofree char *crt = g_build_filename (tls_dir, "old.crt", NULL);
    g_autofree char *key = g_build_filename (tls_dir, "old.key", NULL);

    expired = g_tls_certificate_new_from_files (crt, key, error);
    if (expired == NULL)
      return FALSE;
  }
  return TRUE;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
check_tls (GTlsCertificate *certificate,
           const char      *needle)
{
  GleanerTestServer *tls = gleaner_test_server_new_tls (server_setup, NULL, certificate);
  g_autofree char *url = gleaner_test_server_url (tls, "/page/secret");
  g_autoptr(GleanerConfig) config = hostile_config ();
  const char *urls[] = { url, NULL };
  GleanerResult *r;
  Run run;

  /* Verification is on by default... */
  g_assert_false (config->ignore_tls_errors);
  run_case (config, urls, &run);
  r = run_get (&run, ID_HOSTILE);
  assert_failed (r, GLEANER_ERROR_TLS, needle);
  g_assert_null (gleaner_result_get_title (r));
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 0);
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 1);   /* not transient */
  run_clear (&run);

  /* ...and the explicit, per-run switch lets the same URL through. */
  config->ignore_tls_errors = TRUE;
  run_case (config, urls, &run);
  assert_title (run_get (&run, ID_HOSTILE), "Page secret");
  run_clear (&run);

  gleaner_test_server_free (tls);
}

static void
test_hostile_tls_self_signed (void)
{
  if (self_signed == NULL)
    {
      g_test_skip ("no certificates (openssl failed or is missing)");
      return;
    }
  check_tls (self_signed, "not signed by a trusted authority");
}

static void
test_hostile_tls_expired (void)
{
  if (expired == NULL)
    {
      g_test_skip ("no certificates (openssl failed or is missing)");
      return;
    }
  check_tls (expired, "expired");
}

static void
test_hostile_tls_cli (void)
{
  GleanerTestServer *tls = NULL;
  g_autofree char *url = NULL;
  g_autofree char *input = NULL;
  const char *args[] = { "--no-progress", "-f", "tsv", NULL };
  const char *insecure_args[] = { "--no-progress", "-f", "titles", "--insecure", NULL };
  GleanerCliRun run;

  g_test_summary ("gleaner-cli verifies certificates unless --insecure is given, and says so "
                  "on standard error when it is");
  if (self_signed == NULL)
    {
      g_test_skip ("no certificates (openssl failed or is missing)");
      return;
    }
  tls = gleaner_test_server_new_tls (server_setup, NULL, self_signed);
  url = gleaner_test_server_url (tls, "/page/secret");
  input = g_strdup_printf ("%s\n", url);

  gleaner_test_run_cli (args, input, -1, NULL, 30000, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "\ttls\t"));
  g_assert_nonnull (strstr (run.out, "not signed by a trusted authority"));
  g_assert_null (strstr (run.out, "Page secret"));
  g_assert_null (strstr (run.err, "warning"));
  gleaner_cli_run_clear (&run);

  gleaner_test_run_cli (insecure_args, input, -1, NULL, 30000, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Page secret\n");
  g_assert_nonnull (strstr (run.err, "warning: TLS certificate errors are ignored for this run"));
  gleaner_cli_run_clear (&run);

  gleaner_test_server_free (tls);
}

/* ---- the bomb ------------------------------------------------------------------ */

static GBytes *
deflate_piece (z_stream     *z,
               const guint8 *data,
               gsize         len,
               int           flush)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 buf[16384];
  int ret;

  z->next_in = (guint8 *)data;
  z->avail_in = len;
  do
    {
      z->next_out = buf;
      z->avail_out = sizeof buf;
      ret = deflate (z, flush);
      g_assert_true (ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
      g_byte_array_append (out, buf, sizeof buf - z->avail_out);
    }
  while (z->avail_out == 0 || z->avail_in > 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
make_bomb (void)
{
  static const char start[] = "<html><body>";
  g_autofree guint8 *spaces = g_malloc (BOMB_UNIT);
  g_autoptr(GBytes) again = NULL;
  z_stream z = { 0 };
  guint8 *tail;
  gsize tail_len;
  uLong crc;
  uLong unit_crc;
  guint32 size;

  memset (spaces, ' ', BOMB_UNIT);
  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  bomb.head = deflate_piece (&z, (const guint8 *)start, sizeof start - 1, Z_FULL_FLUSH);
  bomb.unit = deflate_piece (&z, spaces, BOMB_UNIT, Z_FULL_FLUSH);
  again = deflate_piece (&z, spaces, BOMB_UNIT, Z_FULL_FLUSH);
  /* A full flush forgets the history: the same input gives the same bytes. */
  g_assert_true (g_bytes_equal (bomb.unit, again));
  bomb.tail = deflate_piece (&z, NULL, 0, Z_FINISH);
  deflateEnd (&z);

  /* The trailer zlib wrote covers two units; rewrite it for all of them. */
  crc = crc32 (0, (const guint8 *)start, sizeof start - 1);
  unit_crc = crc32 (0, spaces, BOMB_UNIT);
  for (guint i = 0; i < BOMB_UNITS; i++)
    crc = crc32_combine (crc, unit_crc, BOMB_UNIT);
  size = (guint32)(sizeof start - 1 + (guint64)BOMB_UNIT * BOMB_UNITS);
  tail = g_bytes_unref_to_data (bomb.tail, &tail_len);
  g_assert_cmpuint (tail_len, >, 8);
  for (guint i = 0; i < 4; i++)
    {
      tail[tail_len - 8 + i] = (crc >> (8 * i)) & 0xff;
      tail[tail_len - 4 + i] = (size >> (8 * i)) & 0xff;
    }
  bomb.tail = g_bytes_new_take (tail, tail_len);
  bomb.compressed = g_bytes_get_size (bomb.head) + BOMB_UNITS * g_bytes_get_size (bomb.unit) + tail_len;
}

static void
test_hostile_bomb_is_real (void)
{
  z_stream z = { 0 };
  g_autofree guint8 *out = g_malloc (1024 * 1024);
  guint64 total = 0;
  gsize len;
  gconstpointer data;
  int ret = Z_OK;

  g_test_summary ("The bomb the server sends is a valid gzip stream of 1 GiB (checked once, "
                  "with zlib, CRC and size included)");
  g_assert_cmpint (inflateInit2 (&z, 15 + 16), ==, Z_OK);
  for (guint i = 0; i < BOMB_UNITS + 2 && ret != Z_STREAM_END; i++)
    {
      GBytes *piece = i == 0 ? bomb.head : i <= BOMB_UNITS ? bomb.unit : bomb.tail;

      data = g_bytes_get_data (piece, &len);
      z.next_in = (guint8 *)data;
      z.avail_in = len;
      do
        {
          z.next_out = out;
          z.avail_out = 1024 * 1024;
          ret = inflate (&z, Z_NO_FLUSH);
          g_assert_true (ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
          total += 1024 * 1024 - z.avail_out;
        }
      while (z.avail_in > 0 && ret != Z_STREAM_END);
    }
  inflateEnd (&z);
  g_assert_cmpint (ret, ==, Z_STREAM_END);
  g_assert_cmpuint (total, ==, 12 + (guint64)BOMB_UNIT * BOMB_UNITS);
  g_test_message ("bomb: %zu bytes of gzip for %" G_GUINT64_FORMAT " bytes", bomb.compressed, total);
  g_assert_cmpuint (bomb.compressed, <, 2 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* A failed case is reported and the next one runs: several of these cases
   * document engine bugs, and one must not hide the others. */
  g_test_set_nonfatal_assertions ();
  gleaner_engine_init ();
  if (under_instrumentation ())
    slow = 10.0;

  make_bomb ();
  if (!make_certificates (&error))
    {
      g_printerr ("# no TLS certificates: %s\n", error->message);
      g_clear_error (&error);
    }
  server = gleaner_test_server_new (server_setup, NULL);
  raw = gleaner_raw_server_new_with_func (G_SOCKET_FAMILY_IPV4, raw_dispatch, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/gleaner/hostile/bomb-is-real", test_hostile_bomb_is_real);
  g_test_add_func ("/gleaner/hostile/slowloris", test_hostile_slowloris);
  g_test_add_func ("/gleaner/hostile/endless-body", test_hostile_endless);
  g_test_add_func ("/gleaner/hostile/gzip-bomb", test_hostile_gzip_bomb);
  g_test_add_func ("/gleaner/hostile/redirects", test_hostile_redirects);
  g_test_add_func ("/gleaner/hostile/header-flood", test_hostile_header_flood);
  g_test_add_func ("/gleaner/hostile/status-lines", test_hostile_status_lines);
  g_test_add_func ("/gleaner/hostile/reset-mid-body", test_hostile_reset);
  g_test_add_func ("/gleaner/hostile/http10-no-length", test_hostile_http10);
  g_test_add_func ("/gleaner/hostile/chunked", test_hostile_chunked);
  g_test_add_func ("/gleaner/hostile/content-length", test_hostile_content_length);
  g_test_add_func ("/gleaner/hostile/empty-reply", test_hostile_empty_reply);
  g_test_add_func ("/gleaner/hostile/garbage", test_hostile_garbage);
  g_test_add_func ("/gleaner/hostile/big-page", test_hostile_big_page);
  g_test_add_func ("/gleaner/hostile/nested-tags", test_hostile_nested);
  g_test_add_func ("/gleaner/hostile/many-titles", test_hostile_many_titles);
  g_test_add_func ("/gleaner/hostile/tls-self-signed", test_hostile_tls_self_signed);
  g_test_add_func ("/gleaner/hostile/tls-expired", test_hostile_tls_expired);
  g_test_add_func ("/gleaner/hostile/tls-cli-insecure", test_hostile_tls_cli);

  ret = g_test_run ();

  gleaner_raw_server_free (raw);
  gleaner_test_server_free (server);
  g_clear_object (&self_signed);
  g_clear_object (&expired);
  if (tls_dir != NULL)
    remove_tree (tls_dir);
  g_free (tls_dir);
  g_clear_pointer (&bomb.head, g_bytes_unref);
  g_clear_pointer (&bomb.unit, g_bytes_unref);
  g_clear_pointer (&bomb.tail, g_bytes_unref);

  return ret;
}
