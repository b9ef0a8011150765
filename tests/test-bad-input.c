/* test-bad-input.c: hostile input lists, and the security promises of SECURITY.md
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bad input goes both to GleanerUrlList directly and to gleaner-cli as a
 * subprocess: whatever arrives, the answer is a clear report (a rejection with
 * its line number and reason, or a row), never a crash or a hang. The security
 * cases check what SECURITY.md promises end to end: only http(s) is ever
 * fetched, passwords in URLs are never shown, proxies come from the system
 * settings, and CSV exports neutralise formulas.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gleaner-engine.h"
#include "gleaner-test-utils.h"

/* The documented limit on a rejection's text, where the header has it. */
#ifdef GLEANER_REJECTION_TEXT_MAX_CHARS
#define TEXT_MAX_CHARS GLEANER_REJECTION_TEXT_MAX_CHARS
#else
#define TEXT_MAX_CHARS 200
#endif

#define N_JUNK_LINES 1000000

static GleanerTestServer *server;
static gint binary_hits;          /* requests for /page/in-binary: must stay 0 */

/* ---- server (server thread) ---------------------------------------------------- */

static void
serve_page_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  g_autofree char *body = NULL;
  const char *name = strrchr (path, '/') + 1;

  if (g_str_equal (name, "in-binary"))
    g_atomic_int_inc (&binary_hits);
  body = g_strdup_printf ("<!DOCTYPE html><html><head><title>Page %s</title></head>"
                          "<body><p>Hello</p></body></html>", name);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

/* Pages whose titles are what an attacker would put there. */
static const struct
{
  const char *name;
  const char *title;      /* as written in the page (HTML-escaped where needed) */
  const char *text;       /* document.title */
} evil_titles[] = {
  { "hyperlink", "=HYPERLINK(&quot;http://evil.example/&quot;,&quot;click me&quot;)",
    "=HYPERLINK(\"http://evil.example/\",\"click me\")" },
  { "plus", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0" },
  { "minus", "-2+3+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0" },
  { "at", "@SUM(1+9)*cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0" },
  { "script", "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;",
    "<script>alert(1)</script><b>bold</b>" },
};

static void
serve_evil_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  const char *name = strrchr (path, '/') + 1;

  if (g_str_equal (name, "controls"))
    {
      /* Terminal escapes (OSC set-title, CSI clear screen, C1 CSI), BEL, DEL, NUL. */
      static const char body[] = "<html><head><meta charset=utf-8><title>A\x1b]0;pwned\x07B\x1b[2JC"
                                 "&#27;[31mD\xc2\x9b" "31mE\x7f" "F&#155;G\x08H</title></head></html>";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        body, sizeof body - 1);
      return;
    }
  if (g_str_equal (name, "reason"))
    {
      soup_server_message_set_status (msg, 404, "Not\x1b]0;pwned\x07\x1b[2JFound");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (evil_titles); i++)
    if (g_str_equal (name, evil_titles[i].name))
      {
        g_autofree char *body = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=utf-8>"
                                                 "<title>%s</title></head><body></body></html>",
                                                 evil_titles[i].title);

        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                          body, strlen (body));
        return;
      }
  soup_server_message_set_status (msg, 404, NULL);
}

/* /pw/redirect: a redirect to a URL with a password; /pw/loop: a loop
 * through one (the message names the URL it loops back to). */
static void
serve_pw_cb (SoupServer        *srv,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *location = NULL;

  if (g_str_equal (path, "/pw/redirect"))
    location = g_strdup_printf ("http://user:hunter3@127.0.0.1:%d/page/after-redirect",
                                g_uri_get_port (uri));
  else
    location = g_strdup_printf ("http://user:hunter4@127.0.0.1:%d/pw/loop", g_uri_get_port (uri));
  soup_server_message_set_redirect (msg, 302, location);
}

static void
server_setup (SoupServer *srv,
              gpointer    user_data)
{
  soup_server_add_handler (srv, "/page", serve_page_cb, NULL, NULL);
  soup_server_add_handler (srv, "/evil", serve_evil_cb, NULL, NULL);
  soup_server_add_handler (srv, "/pw", serve_pw_cb, NULL, NULL);
}

/* ---- helpers ------------------------------------------------------------------ */

static char *
url (const char *path)
{
  return gleaner_test_server_url (server, path);
}

static gboolean
contains (const char *haystack,
          gsize       len,
          const char *needle)
{
  return haystack != NULL && g_strstr_len (haystack, len, needle) != NULL;
}

/* A CLI run that ended by itself: no crash, no hang. */
static void
assert_clean_exit (const GleanerCliRun *run)
{
  if (run->timed_out)
    g_test_fail_printf ("gleaner-cli hung (killed after %.1f s)", run->elapsed);
  if (!run->exited)
    g_test_fail_printf ("gleaner-cli died of signal %d; stderr: %.2000s", run->term_signal, run->err);
  g_assert_true (g_utf8_validate (run->out, run->out_len, NULL));
  g_assert_true (g_utf8_validate (run->err, run->err_len, NULL));
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

/* Feeds @text to a fresh list; returns it for inspection. */
static GleanerUrlList *
list_from (const char *text,
           gssize      len)
{
  GleanerUrlList *list = gleaner_url_list_new ();

  gleaner_url_list_set_keep_duplicates (list, TRUE);
  gleaner_url_list_add_text (list, text, len < 0 ? strlen (text) : (gsize)len);
  return list;
}

/* Every string a list hands out is valid UTF-8 without NULs or controls. */
static void
assert_list_output_clean (GPtrArray *urls,
                          GPtrArray *rejections)
{
  for (guint i = 0; urls != NULL && i < urls->len; i++)
    {
      const char *u = g_ptr_array_index (urls, i);

      g_assert_true (g_utf8_validate (u, -1, NULL));
      g_assert_true (g_str_has_prefix (u, "http://") || g_str_has_prefix (u, "https://"));
      for (const char *p = u; *p; p++)
        g_assert_cmpint ((guchar)*p, >, 0x20);
    }
  for (guint i = 0; rejections != NULL && i < rejections->len; i++)
    {
      GleanerRejection *r = g_ptr_array_index (rejections, i);

      g_assert_cmpuint (r->line, >, 0);
      g_assert_nonnull (r->message);
      g_assert_cmpstr (r->message, !=, "");
      g_assert_true (g_utf8_validate (r->message, -1, NULL));
      if (r->text != NULL)
        {
          g_assert_true (g_utf8_validate (r->text, -1, NULL));
          g_assert_cmpuint (g_utf8_strlen (r->text, -1), <=, TEXT_MAX_CHARS);
        }
    }
}

/* ---- results of a pipeline run -------------------------------------------------- */

typedef struct
{
  GPtrArray *results;      /* ordered by id */
  gboolean   finished;
} Rows;

static void
rows_results_cb (GleanerPipeline *pipeline,
                 GPtrArray       *results,
                 Rows            *rows)
{
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *r = g_ptr_array_index (results, i);
      guint64 id = gleaner_result_get_id (r);

      g_assert_cmpuint (id, <, rows->results->len);
      g_assert_null (g_ptr_array_index (rows->results, id));
      g_ptr_array_index (rows->results, id) = g_object_ref (r);
    }
}

static void
rows_finished_cb (GleanerPipeline *pipeline,
                  Rows            *rows)
{
  rows->finished = TRUE;
}

/* Adds @urls (ids 0..n-1) to one pipeline and waits; returns the rows. */
static GPtrArray *
fetch_all (const char * const *urls)
{
  g_autoptr(GleanerConfig) config = gleaner_config_new ();
  g_autoptr(GleanerPipeline) pipeline = NULL;
  Rows rows = { 0 };
  guint n = g_strv_length ((char **)urls);

  config->n_workers = 4;
  config->timeout = 5;
  config->deadline = 10;
  config->retries = 0;
  rows.results = g_ptr_array_new_full (n, g_object_unref);
  g_ptr_array_set_size (rows.results, n);
  pipeline = gleaner_pipeline_new (config);
  g_signal_connect (pipeline, "results", G_CALLBACK (rows_results_cb), &rows);
  g_signal_connect (pipeline, "finished", G_CALLBACK (rows_finished_cb), &rows);
  for (guint i = 0; i < n; i++)
    gleaner_pipeline_add (pipeline, i, urls[i]);
  gleaner_pipeline_close (pipeline);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &rows.finished, 20000));
  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
  for (guint i = 0; i < n; i++)
    g_assert_nonnull (g_ptr_array_index (rows.results, i));

  return rows.results;
}

/* Appends to @leaks every getter of @r that shows @secret. */
static void
find_leaks (GleanerResult *r,
            const char    *secret,
            GString       *leaks)
{
  const char *names[] = { "url", "final_url", "display_url", "error_message", "title" };
  const char *shown[] = {
    gleaner_result_get_url (r), gleaner_result_get_final_url (r), gleaner_result_get_display_url (r),
    gleaner_result_get_error_message (r), gleaner_result_get_title (r),
  };

  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (shown[i] != NULL && strstr (shown[i], secret) != NULL)
      g_string_append_printf (leaks, "; row %" G_GUINT64_FORMAT " %s shows “%s”: %s",
                              gleaner_result_get_id (r), names[i], secret, shown[i]);
}

/* ---- bad input: the URL list ----------------------------------------------------- */

static void
test_bad_input_empty (void)
{
  const char *blank[] = { "", "\n", "\n\n\n", "   \n\t\n \r\n", "\r\r\r" };
  const char *args[] = { "--no-progress", NULL };
  const char *tsv_args[] = { "--no-progress", "-f", "tsv", NULL };
  GleanerCliRun run;

  for (guint i = 0; i < G_N_ELEMENTS (blank); i++)
    {
      g_autoptr(GleanerUrlList) list = list_from (blank[i], -1);
      g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
      g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);

      g_assert_cmpuint (urls->len, ==, 0);
      g_assert_cmpuint (rejections->len, ==, 0);
      g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 0);
      g_assert_cmpuint (gleaner_url_list_get_n_rejected (list), ==, 0);
    }

  /* An empty list is not an error: nothing to do, and it says so. */
  gleaner_test_run_cli (args, "", 0, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (contains (run.err, run.err_len, "0 URLs"));
  gleaner_cli_run_clear (&run);

  gleaner_test_run_cli (tsv_args, "\n\n   \n", -1, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_lines (run.out), ==, 1);   /* the header row only */
  g_assert_true (contains (run.err, run.err_len, "0 lines rejected"));
  gleaner_cli_run_clear (&run);
}

static void
test_bad_input_million_junk (void)
{
  g_autoptr(GString) junk = g_string_sized_new (N_JUNK_LINES * 40);
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  const char *args[] = { "--no-progress", NULL };
  guint64 rejected = 0;
  gint64 start;
  double secs;
  GleanerCliRun run;

  g_test_summary ("A million lines of text without links: each reported as rejected, in seconds");
  for (guint i = 0; i < N_JUNK_LINES; i++)
    g_string_append_printf (junk, "junk %u: no link ~~ ### ;; %c%c\n", i, 'a' + i % 26, '!' + i % 90);

  /* The list, fed line by line and drained as the CLI does. */
  start = g_get_monotonic_time ();
  for (const char *p = junk->str; *p;)
    {
      const char *nl = strchr (p, '\n');

      gleaner_url_list_add_line (list, p, nl - p);
      p = nl + 1;
      if (gleaner_url_list_get_n_lines (list) % 10000 == 0)
        {
          g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);
          g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);

          assert_list_output_clean (urls, rejections);
          rejected += rejections->len;
        }
    }
  secs = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_test_message ("url list: %u junk lines in %.2f s", N_JUNK_LINES, secs);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, N_JUNK_LINES);
  g_assert_cmpuint (gleaner_url_list_get_n_rejected (list), ==, N_JUNK_LINES);
  g_assert_cmpuint (rejected, ==, N_JUNK_LINES);
  g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 0);
  g_assert_cmpfloat (secs, <, 60.0);

  /* The CLI: every line reported, then a summary. */
  gleaner_test_run_cli (args, junk->str, junk->len, NULL, 90000, &run);
  assert_clean_exit (&run);
  g_test_message ("gleaner-cli: %u junk lines in %.2f s", N_JUNK_LINES, run.elapsed);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpfloat (run.elapsed, <, 60.0);
  g_assert_true (contains (run.err, run.err_len, "1000000 lines rejected"));
  g_assert_true (contains (run.err, run.err_len, "\n1000000: "));
  g_assert_cmpuint (count_lines (run.out), <=, 1);
  gleaner_cli_run_clear (&run);
}

static void
test_bad_input_nul_and_invalid_utf8 (void)
{
  g_autofree char *good = url ("/page/after-junk");
  g_autofree char *with_nul = url ("/page/in-binary");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GleanerUrlList) list = NULL;
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  const char *args[] = { "--no-progress", "-f", "jsonl", NULL };
  GleanerCliRun run;
  gboolean nul_rejected = FALSE;

  /* 1: NUL inside the URL; 2: NUL before it; 3: invalid UTF-8 in the path;
   * 4: invalid UTF-8 around it; 5: an overlong encoding of '/'; 6: a good line. */
  g_string_append_printf (text, "%s", with_nul);
  g_string_append_len (text, "\0x\n", 3);
  g_string_append_len (text, "junk\0", 5);
  g_string_append_printf (text, " %s\n", with_nul);
  g_string_append (text, "http://example.org/caf\xff\xfe\xe9\n");
  g_string_append (text, "\xc3\x28 http://example.org/x \xa0\xa1\n");
  g_string_append (text, "http://example.org\xc0\xaf" "etc/passwd\n");
  g_string_append_printf (text, "%s\n", good);

  list = list_from (text->str, text->len);
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  assert_list_output_clean (urls, rejections);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 6);
  for (guint i = 0; i < rejections->len; i++)
    {
      GleanerRejection *r = g_ptr_array_index (rejections, i);

      g_test_message ("line %" G_GUINT64_FORMAT ": %s (%s): %s", r->line,
                      gleaner_reject_reason_to_string (r->reason), r->message, r->text ? r->text : "");
      if (r->line <= 2)
        {
          g_assert_cmpint (r->reason, ==, GLEANER_REJECT_NOT_TEXT);
          nul_rejected = TRUE;
        }
    }
  /* Lines holding NUL bytes are not text: nothing on them is fetched. */
  g_assert_true (nul_rejected);
  for (guint i = 0; i < urls->len; i++)
    g_assert_false (strstr (g_ptr_array_index (urls, i), "in-binary") != NULL);
  g_assert_cmpstr (g_ptr_array_index (urls, urls->len - 1), ==, good);

  g_atomic_int_set (&binary_hits, 0);
  gleaner_test_run_cli (args, text->str, text->len, NULL, 60000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (contains (run.out, run.out_len, "Page after-junk"));
  g_assert_true (contains (run.err, run.err_len, "\n1: ") || g_str_has_prefix (run.err, "1: "));
  g_assert_cmpint (g_atomic_int_get (&binary_hits), ==, 0);
  gleaner_cli_run_clear (&run);
}

static void
test_bad_input_long_url (void)
{
  g_autoptr(GString) long_url = g_string_new (NULL);
  g_autoptr(GString) long_line = g_string_new ("see ");
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *good = url ("/page/after-long");
  const char *args[] = { "--no-progress", NULL };
  g_auto(GStrv) err_lines = NULL;
  GleanerCliRun run;

  g_string_append_printf (long_url, "%s/", gleaner_test_server_get_base (server));
  while (long_url->len < 64 * 1024)
    g_string_append (long_url, "abcdefghij");
  /* A 2 MB line: longer than any line is read. */
  while (long_line->len < 2 * 1024 * 1024)
    g_string_append (long_line, "lorem ipsum ");

  {
    g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
    g_autoptr(GPtrArray) urls = NULL;
    g_autoptr(GPtrArray) rejections = NULL;
    GleanerRejectReason reason = GLEANER_REJECT_NO_URL;
    g_autofree char *normalized = gleaner_url_normalize (long_url->str, long_url->len, &reason);

    gleaner_url_list_add_line (list, long_url->str, long_url->len);
    gleaner_url_list_add_line (list, long_line->str, long_line->len);
    urls = gleaner_url_list_take_urls (list);
    rejections = gleaner_url_list_take_rejections (list);
    assert_list_output_clean (urls, rejections);
    g_assert_null (normalized);
    g_assert_cmpint (reason, ==, GLEANER_REJECT_TOO_LONG);
    g_assert_cmpuint (urls->len, ==, 0);
    g_assert_cmpuint (rejections->len, ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        GleanerRejection *r = g_ptr_array_index (rejections, i);

        g_assert_cmpint (r->reason, ==, GLEANER_REJECT_TOO_LONG);
        g_assert_cmpuint (r->line, ==, i + 1);
      }
  }

  /* The pipeline, given the 64 KB URL anyway: a row, quickly. */
  {
    const char *urls[] = { long_url->str, good, NULL };
    g_autoptr(GPtrArray) rows = fetch_all (urls);
    GleanerResult *r = g_ptr_array_index (rows, 0);

    g_test_message ("64 KB URL through the pipeline: %s: %s",
                    gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)),
                    gleaner_result_get_error_message (r) ? gleaner_result_get_error_message (r) : "-");
    g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 5.0);
    g_assert_cmpstr (gleaner_result_get_title (g_ptr_array_index (rows, 1)), ==, "Page after-long");
  }

  g_string_append_printf (input, "%s\n%s\n%s\n", long_url->str, long_line->str, good);
  gleaner_test_run_cli (args, input->str, input->len, NULL, 60000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (contains (run.out, run.out_len, "Page after-long"));
  err_lines = g_strsplit (run.err, "\n", -1);
  g_assert_true (g_str_has_prefix (err_lines[0], "1: "));
  g_assert_true (g_str_has_prefix (err_lines[1], "2: "));
  /* The report quotes the line shortened, not 64 KB or 2 MB of it. */
  g_assert_cmpuint (strlen (err_lines[0]), <, 1024);
  g_assert_cmpuint (strlen (err_lines[1]), <, 1024);
  gleaner_cli_run_clear (&run);
}

static void
serve_ipv6 (GSocketConnection *conn,
            const char        *request,
            GCancellable      *cancellable,
            gpointer           user_data)
{
  static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 48\r\n"
                              "Connection: close\r\n\r\n<html><head><title>Over IPv6</title></head></html>";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  g_output_stream_write_all (out, reply, sizeof reply - 1, NULL, cancellable, NULL);
}

static void
test_bad_input_ipv6 (void)
{
  const struct
  {
    const char *in;
    const char *out;    /* NULL: rejected */
  } cases[] = {
    { "http://[::1]:8080/x", "http://[::1]:8080/x" },
    { "HTTP://[::1]:80/", "http://[::1]/" },
    { "https://[2001:DB8::1]/a?b#frag", "https://[2001:db8::1]/a?b" },
    { "http://[::ffff:127.0.0.1]/", "http://[::ffff:127.0.0.1]/" },
    { "http://user:pw@[::1]:8080/", "http://[::1]:8080/" },
    { "http://[::1/", NULL },
    { "http://[::1]x/", NULL },
    { "http://[zz::1]/", NULL },
    { "http://[1::2::3]/", NULL },
    { "http://[]/", NULL },
    { "http://::1/", NULL },
    { "http://[::1]:65536/", NULL },
    { "[::1]:80/x", NULL },          /* an IP address without a scheme is never a link */
  };
  g_autoptr(GError) error = NULL;
  GleanerRawServer *six = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GleanerRejectReason reason = GLEANER_REJECT_NO_URL;
      g_autofree char *normalized = gleaner_url_normalize (cases[i].in, -1, &reason);

      g_test_message ("%s -> %s (%s)", cases[i].in, normalized ? normalized : "rejected",
                      normalized ? "" : gleaner_reject_reason_to_string (reason));
      g_assert_cmpstr (normalized, ==, cases[i].out);
      if (cases[i].out == NULL)
        g_assert_true (reason == GLEANER_REJECT_BAD_HOST || reason == GLEANER_REJECT_MALFORMED ||
                       reason == GLEANER_REJECT_BAD_PORT || reason == GLEANER_REJECT_NO_URL);
    }

  six = gleaner_raw_server_new_with_func (G_SOCKET_FAMILY_IPV6, serve_ipv6, NULL, &error);
  if (six == NULL)
    {
      g_test_message ("no IPv6 loopback here (%s): normalisation checked only", error->message);
      return;
    }

  {
    g_autofree char *six_url = gleaner_raw_server_url (six, "/ipv6");
    g_autofree char *input = g_strdup_printf ("%s\n", six_url);
    const char *args[] = { "--no-progress", "-f", "titles", NULL };
    const char *urls[] = { six_url, NULL };
    g_autoptr(GPtrArray) rows = fetch_all (urls);
    GleanerCliRun run;

    g_assert_cmpstr (gleaner_result_get_title (g_ptr_array_index (rows, 0)), ==, "Over IPv6");
    gleaner_test_run_cli (args, input, -1, NULL, 30000, &run);
    assert_clean_exit (&run);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "Over IPv6\n");
    gleaner_cli_run_clear (&run);
  }
  gleaner_raw_server_free (six);
}

static void
test_bad_input_ports (void)
{
  const char *bad[] = {
    "http://example.org:65536/", "http://example.org:99999999999999999999/",
    "http://example.org:-1/", "http://example.org:8o80/", "https://example.org:0/",
    "http://example.org:4294967377/",   /* 2^32 + 81: wraps to 81 in 32 bits */
  };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *good = url ("/page/after-ports");
  g_autofree char *summary = g_strdup_printf ("%u lines rejected", (guint)G_N_ELEMENTS (bad));
  const char *args[] = { "--no-progress", NULL };
  GleanerCliRun run;

  {
    g_autofree char *ok = gleaner_url_normalize ("http://example.org:65535/", -1, NULL);
    g_autofree char *dflt = gleaner_url_normalize ("https://example.org:443/x", -1, NULL);

    g_assert_cmpstr (ok, ==, "http://example.org:65535/");
    g_assert_cmpstr (dflt, ==, "https://example.org/x");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GleanerRejectReason reason = GLEANER_REJECT_NO_URL;
      g_autofree char *normalized = gleaner_url_normalize (bad[i], -1, &reason);

      g_test_message ("%s -> %s (%s)", bad[i], normalized ? normalized : "rejected",
                      normalized ? "" : gleaner_reject_reason_to_string (reason));
      g_assert_null (normalized);
      g_assert_true (reason == GLEANER_REJECT_BAD_PORT || reason == GLEANER_REJECT_MALFORMED);
      g_string_append_printf (input, "%s\n", bad[i]);
    }

  /* The pipeline refuses them too, with a row each (no connection to a wrapped port). */
  {
    g_autofree char *wrapped = g_strdup_printf ("http://127.0.0.1:%" G_GUINT64_FORMAT "/page/wrapped",
                                                (guint64)gleaner_test_server_get_port (server) + 65536);
    const char *urls[] = { "http://127.0.0.1:65536/", "http://127.0.0.1:99999999999/", wrapped, NULL };
    g_autoptr(GPtrArray) rows = fetch_all (urls);

    for (guint i = 0; i < 3; i++)
      {
        GleanerResult *r = g_ptr_array_index (rows, i);

        g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_INVALID_URL);
        g_assert_null (gleaner_result_get_title (r));
      }
  }

  g_string_append_printf (input, "%s\n", good);
  gleaner_test_run_cli (args, input->str, input->len, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (contains (run.out, run.out_len, "Page after-ports"));
  g_assert_true (contains (run.err, run.err_len, summary));
  gleaner_cli_run_clear (&run);
}

static void
test_bad_input_wrapped (void)
{
  /* @ stands for the server's base URL. */
  const char *forms[] = {
    "\"@/page/q1\"", "'@/page/q2'", "<@/page/q3>", "(@/page/q4)", "[@/page/q5]",
    "  \t @/page/q6 \t  ", "“@/page/q7”", "«@/page/q8»", "- @/page/q9", "@/page/q10.",
    "see <a href=\"@/page/q11\">this</a>", "[text](@/page/q12)", "\"@/page/q13\",",
    "‘@/page/q14’", "@/page/q15\r",
  };
  g_autoptr(GString) input = g_string_new (NULL);
  const char *args[] = { "--no-progress", "--order", "input", "-f", "titles", NULL };
  g_autoptr(GString) expect = g_string_new (NULL);
  GleanerCliRun run;

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_auto(GStrv) parts = g_strsplit (forms[i], "@", 2);
      g_autofree char *line = g_strjoinv (gleaner_test_server_get_base (server), parts);
      g_autofree char *want = g_strdup_printf ("%s/page/q%u", gleaner_test_server_get_base (server), i + 1);
      g_autoptr(GleanerUrlList) list = list_from (line, -1);
      g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
      g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);

      assert_list_output_clean (urls, rejections);
      if (urls->len != 1 || !g_str_equal (g_ptr_array_index (urls, 0), want))
        g_test_fail_printf ("“%s” gave %u URL(s), the first “%s”; expected “%s”", line, urls->len,
                            urls->len ? (char *)g_ptr_array_index (urls, 0) : "", want);
      g_string_append_printf (input, "%s\n", line);
      g_string_append_printf (expect, "Page q%u\n", i + 1);
    }

  gleaner_test_run_cli (args, input->str, input->len, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expect->str);
  gleaner_cli_run_clear (&run);
}

static void
test_bad_input_not_text (void)
{
  /* A real 1×1 PNG, then an ELF header and random bytes with a loopback URL on
   * a line that holds NUL bytes: binary, so nothing in it may be fetched. */
  static const guint8 png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  };
  static const guint8 elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GByteArray) binary = g_byte_array_new ();
  g_autofree char *hidden = url ("/page/in-binary");
  g_autofree char *dir = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *bin_path = NULL;
  g_autoptr(GError) error = NULL;
  GleanerCliRun run;

  g_byte_array_append (binary, elf, sizeof elf);
  for (guint i = 0; i < 256 * 1024; i++)
    {
      guint8 b = (guint8)g_rand_int_range (rand, 0, 256);

      g_byte_array_append (binary, &b, 1);
      if (i % 4096 == 100)
        {
          g_byte_array_append (binary, (const guint8 *)"\0", 1);
          g_byte_array_append (binary, (const guint8 *)hidden, strlen (hidden));
          g_byte_array_append (binary, (const guint8 *)"\0", 1);
        }
    }

  /* The list itself: nothing in either file is a link. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
      g_autoptr(GPtrArray) urls = NULL;
      g_autoptr(GPtrArray) rejections = NULL;

      if (i == 0)
        gleaner_url_list_add_text (list, (const char *)png, sizeof png);
      else
        gleaner_url_list_add_text (list, (const char *)binary->data, binary->len);
      urls = gleaner_url_list_take_urls (list);
      rejections = gleaner_url_list_take_rejections (list);
      assert_list_output_clean (urls, rejections);
      g_assert_cmpuint (urls->len, ==, 0);
      g_assert_cmpuint (rejections->len, >, 0);
      g_assert_cmpuint (rejections->len, ==, gleaner_url_list_get_n_rejected (list));
    }

  dir = g_dir_make_tmp ("gleaner-not-text-XXXXXX", &error);
  g_assert_no_error (error);
  png_path = g_build_filename (dir, "pixel.png", NULL);
  bin_path = g_build_filename (dir, "program", NULL);
  g_file_set_contents (png_path, (const char *)png, sizeof png, &error);
  g_assert_no_error (error);
  g_file_set_contents (bin_path, (const char *)binary->data, binary->len, &error);
  g_assert_no_error (error);

  g_atomic_int_set (&binary_hits, 0);
  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? png_path : bin_path;
      const char *args[] = { "--no-progress", path, NULL };

      gleaner_test_run_cli (args, NULL, 0, NULL, 60000, &run);
      assert_clean_exit (&run);
      g_test_message ("%s: exit %d in %.2f s, %u report lines; first: %.200s", path, run.status,
                      run.elapsed, count_lines (run.err), run.err);
      /* A clear report: rejected lines named by file and line, and a summary. */
      g_assert_cmpint (run.status, >=, 1);
      g_assert_cmpint (run.status, <=, 2);
      g_assert_true (g_str_has_prefix (run.err, path));
      g_assert_true (contains (run.err, run.err_len, "lines rejected"));
      g_assert_cmpuint (count_lines (run.out), <=, 1);
      gleaner_cli_run_clear (&run);
    }
  g_assert_cmpint (g_atomic_int_get (&binary_hits), ==, 0);

  g_unlink (png_path);
  g_unlink (bin_path);
  g_rmdir (dir);
}

/* ---- security ---------------------------------------------------------------- */

static void
test_security_userinfo (void)
{
  g_autofree char *base = g_strdup (gleaner_test_server_get_base (server));
  g_autofree char *with_pw = g_strdup_printf ("http://user:hunter2@%s/page/pw", base + strlen ("http://"));
  g_autofree char *redirect = url ("/pw/redirect");
  g_autofree char *loop = url ("/pw/loop");
  g_autofree char *input = g_strdup_printf ("%s\nftp://user:hunter5@example.org/\n"
                                            "<a href=\"https://admin:hunter6@[::1/\">x</a>\n%s\n%s\n",
                                            with_pw, redirect, loop);
  const char *args[] = { "--no-progress", "-f", "jsonl", "--fields", "all", NULL };
  const char *secrets[] = { "hunter2", "hunter3", "hunter4", "hunter5", "hunter6" };
  g_autoptr(GString) leaks = g_string_new (NULL);
  GleanerCliRun run;

  g_test_summary ("A password in a URL never reaches a row, an export, a message or a log");

  /* The list drops userinfo from what it accepts and from what it quotes. */
  {
    g_autoptr(GleanerUrlList) list = list_from (input, -1);
    g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
    g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);

    assert_list_output_clean (urls, rejections);
    for (guint i = 0; i < urls->len; i++)
      for (guint s = 0; s < G_N_ELEMENTS (secrets); s++)
        g_assert_null (strstr (g_ptr_array_index (urls, i), secrets[s]));
    for (guint i = 0; i < rejections->len; i++)
      {
        GleanerRejection *r = g_ptr_array_index (rejections, i);

        for (guint s = 0; s < G_N_ELEMENTS (secrets); s++)
          {
            g_assert_true (r->text == NULL || strstr (r->text, secrets[s]) == NULL);
            g_assert_null (strstr (r->message, secrets[s]));
          }
      }
  }

  /* The pipeline, given such URLs directly and redirected to them. */
  {
    const char *urls[] = { with_pw, redirect, loop, NULL };
    g_autoptr(GPtrArray) rows = fetch_all (urls);

    for (guint i = 0; i < rows->len; i++)
      {
        GleanerResult *r = g_ptr_array_index (rows, i);

        g_test_message ("%s: %s, final %s, %s", urls[i],
                        gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)),
                        gleaner_result_get_final_url (r),
                        gleaner_result_get_error_message (r) ? gleaner_result_get_error_message (r) : "-");
        for (guint s = 0; s < G_N_ELEMENTS (secrets); s++)
          find_leaks (r, secrets[s], leaks);
      }
    g_assert_cmpstr (gleaner_result_get_title (g_ptr_array_index (rows, 0)), ==, "Page pw");
    g_assert_cmpstr (gleaner_result_get_title (g_ptr_array_index (rows, 1)), ==, "Page after-redirect");
    g_assert_cmpuint (gleaner_result_get_error_kind (g_ptr_array_index (rows, 2)), ==, GLEANER_ERROR_REDIRECT);
  }

  /* gleaner-cli: nothing on standard output or standard error. */
  gleaner_test_run_cli (args, input, -1, NULL, 30000, &run);
  assert_clean_exit (&run);
  for (guint s = 0; s < G_N_ELEMENTS (secrets); s++)
    {
      g_auto(GStrv) out_lines = g_strsplit (run.out, "\n", -1);
      g_auto(GStrv) err_lines = g_strsplit (run.err, "\n", -1);

      for (guint i = 0; out_lines[i] != NULL; i++)
        if (strstr (out_lines[i], secrets[s]) != NULL)
          g_string_append_printf (leaks, "; gleaner-cli's stdout shows “%s”: %.300s", secrets[s], out_lines[i]);
      for (guint i = 0; err_lines[i] != NULL; i++)
        if (strstr (err_lines[i], secrets[s]) != NULL)
          g_string_append_printf (leaks, "; gleaner-cli's stderr shows “%s”: %.300s", secrets[s], err_lines[i]);
    }
  g_assert_true (contains (run.out, run.out_len, "Page pw"));
  gleaner_cli_run_clear (&run);

  if (leaks->len > 0)
    g_test_fail_printf ("passwords shown:%s", leaks->str);
}

static void
test_security_schemes (void)
{
  const char *lines[] = {
    "file:///etc/passwd", "FILE:///etc/passwd", "file:/etc/passwd", "file://localhost/etc/passwd",
    "view-source:file:///etc/passwd", "javascript:alert(document.cookie)",
    "data:text/html,<title>pwned</title>", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/",
    "resource:///org/gnome/", "<a href=\"file:///etc/shadow\">x</a>", "[x](file:///etc/hosts)",
  };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GleanerUrlList) list = NULL;
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  const char *args[] = { "--no-progress", NULL };
  GleanerCliRun run;

  g_test_summary ("No scheme but http and https is fetched from input (redirects: see test-hostile)");
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_string_append_printf (input, "%s\n", lines[i]);

  list = list_from (input->str, input->len);
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  assert_list_output_clean (urls, rejections);
  g_assert_cmpuint (urls->len, ==, 0);
  g_assert_cmpuint (rejections->len, ==, G_N_ELEMENTS (lines));
  for (guint i = 0; i < rejections->len; i++)
    {
      GleanerRejection *r = g_ptr_array_index (rejections, i);

      g_test_message ("line %" G_GUINT64_FORMAT ": %s: %s", r->line,
                      gleaner_reject_reason_to_string (r->reason), r->message);
      g_assert_cmpint (r->reason, ==, GLEANER_REJECT_UNSUPPORTED_SCHEME);
    }

  /* The pipeline refuses them itself, whoever calls it. */
  {
    const char *direct[] = { "file:///etc/passwd", "FILE:///etc/passwd", "data:text/html,<title>x</title>",
                             "javascript:alert(1)", "ftp://127.0.0.1/", "resource:///org/gnome/", NULL };
    g_autoptr(GPtrArray) rows = fetch_all (direct);

    for (guint i = 0; i < rows->len; i++)
      {
        GleanerResult *r = g_ptr_array_index (rows, i);

        g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_INVALID_URL);
        g_assert_null (gleaner_result_get_title (r));
        g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, 0);
      }
  }

  gleaner_test_run_cli (args, input->str, input->len, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_false (contains (run.out, run.out_len, "root:"));
  g_assert_false (contains (run.out, run.out_len, "pwned"));
  g_assert_cmpuint (count_lines (run.out), ==, 1);     /* the header only */
  g_assert_true (contains (run.err, run.err_len, "12 lines rejected"));
  gleaner_cli_run_clear (&run);
}

/* A loopback HTTP proxy: it answers every request itself, saying which absolute
 * URL it was asked for. */
static gint proxy_hits;

static void
serve_proxy_cb (SoupServer        *srv,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *body = g_strdup_printf ("<html><head><title>Proxied %s:%d%s</title></head></html>",
                                           g_uri_get_host (uri), g_uri_get_port (uri), path);

  g_atomic_int_inc (&proxy_hits);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
proxy_setup (SoupServer *srv,
             gpointer    user_data)
{
  soup_server_add_handler (srv, NULL, serve_proxy_cb, NULL, NULL);
}

static void
check_proxied (const char * const *env,
               const char         *how)
{
  /* 127.0.0.2:9 has no server: only the proxy can answer for it. */
  const char *args[] = { "--no-progress", "-f", "titles", "--retries", "0", "--deadline", "10", NULL };
  GleanerCliRun run;

  g_atomic_int_set (&proxy_hits, 0);
  gleaner_test_run_cli (args, "http://127.0.0.2:9/via/proxy\n", -1, env, 30000, &run);
  assert_clean_exit (&run);
  g_test_message ("%s: exit %d, %d request(s) at the proxy, out: %s", how, run.status,
                  g_atomic_int_get (&proxy_hits), run.out);
  if (run.status != 0)
    g_test_fail_printf ("%s: the proxy was not used; stderr: %s", how, run.err);
  g_assert_cmpstr (run.out, ==, "Proxied 127.0.0.2:9/via/proxy\n");
  g_assert_cmpint (g_atomic_int_get (&proxy_hits), ==, 1);
  gleaner_cli_run_clear (&run);
}

static void
test_security_proxy_env (void)
{
  GleanerTestServer *proxy = gleaner_test_server_new (proxy_setup, NULL);
  g_autofree char *lower = g_strdup_printf ("http_proxy=%s", gleaner_test_server_get_base (proxy));
  g_autofree char *upper = g_strdup_printf ("HTTP_PROXY=%s", gleaner_test_server_get_base (proxy));
  /* Outside GNOME (no XDG_CURRENT_DESKTOP), GIO's default resolver is
   * glib-networking's libproxy one, which reads the environment. */
  const char *env_lower[] = { "GIO_USE_PROXY_RESOLVER", "XDG_CURRENT_DESKTOP", "HTTP_PROXY", "no_proxy",
                              "NO_PROXY", "all_proxy", "ALL_PROXY", lower, NULL };
  const char *env_upper[] = { "GIO_USE_PROXY_RESOLVER", "XDG_CURRENT_DESKTOP", "http_proxy", "no_proxy",
                              "NO_PROXY", "all_proxy", "ALL_PROXY", upper, NULL };

  g_test_summary ("gleaner-cli goes through the proxy that http_proxy / HTTP_PROXY name");
  check_proxied (env_lower, "http_proxy");
  check_proxied (env_upper, "HTTP_PROXY");
  gleaner_test_server_free (proxy);
}

static void
test_security_proxy_gsettings (void)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  GleanerTestServer *proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *settings_dir = NULL;
  g_autofree char *keyfile = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *xdg = NULL;

  g_test_summary ("In GNOME, gleaner-cli uses the proxy of the org.gnome.system.proxy settings "
                  "(the keyfile backend stands in for dconf), and the environment does not "
                  "override them");
  schema = source ? g_settings_schema_source_lookup (source, "org.gnome.system.proxy", TRUE) : NULL;
  if (schema == NULL)
    {
      g_test_skip ("org.gnome.system.proxy is not installed (gsettings-desktop-schemas)");
      return;
    }

  proxy = gleaner_test_server_new (proxy_setup, NULL);
  dir = g_dir_make_tmp ("gleaner-proxy-XXXXXX", &error);
  g_assert_no_error (error);
  settings_dir = g_build_filename (dir, "glib-2.0", "settings", NULL);
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  contents = g_strdup_printf ("[system/proxy]\nmode='manual'\nignore-hosts=@as []\n\n"
                              "[system/proxy/http]\nhost='127.0.0.1'\nport=%u\n",
                              gleaner_test_server_get_port (proxy));
  g_file_set_contents (keyfile, contents, -1, &error);
  g_assert_no_error (error);
  xdg = g_strdup_printf ("XDG_CONFIG_HOME=%s", dir);

  {
    /* A wrong proxy in the environment too: the desktop's settings win. */
    const char *env[] = { "GIO_USE_PROXY_RESOLVER", "XDG_CURRENT_DESKTOP=GNOME", "GSETTINGS_BACKEND=keyfile",
                          "GSETTINGS_SCHEMA_DIR", xdg, "http_proxy=http://127.0.0.1:9", "HTTP_PROXY",
                          "no_proxy", "NO_PROXY", NULL };

    check_proxied (env, "org.gnome.system.proxy");
  }

  g_unlink (keyfile);
  g_rmdir (settings_dir);
  {
    g_autofree char *glib_dir = g_path_get_dirname (settings_dir);
    g_rmdir (glib_dir);
  }
  g_rmdir (dir);
  gleaner_test_server_free (proxy);
}

static void
test_security_exports (void)
{
  g_autoptr(GString) input = g_string_new (NULL);
  const char *csv_args[] = { "--no-progress", "--order", "input", "-f", "csv", NULL };
  const char *html_args[] = { "--no-progress", "--order", "input", "-f", "html", NULL };
  g_auto(GStrv) records = NULL;
  GleanerCliRun run;

  g_test_summary ("End to end through gleaner-cli: a title a spreadsheet would run as a formula "
                  "is neutralised in CSV, and markup in a title stays text in HTML");
  for (guint i = 0; i < G_N_ELEMENTS (evil_titles); i++)
    {
      g_autofree char *path = g_strconcat ("/evil/", evil_titles[i].name, NULL);
      g_autofree char *u = url (path);

      g_string_append_printf (input, "%s\n", u);
    }

  gleaner_test_run_cli (csv_args, input->str, input->len, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 0);
  records = g_strsplit (run.out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (records), ==, G_N_ELEMENTS (evil_titles) + 2);  /* header, rows, "" */
  for (guint i = 0; i < 4; i++)
    {
      const char *record = records[i + 1];
      g_autofree char *quoted = NULL;
      GString *cell = g_string_new ("'");

      /* The cell as RFC 4180 writes it: quotes doubled, quoted when needed. */
      for (const char *p = evil_titles[i].text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (cell, '"');
          g_string_append_c (cell, *p);
        }
      quoted = g_string_free (cell, FALSE);
      if (strstr (record, quoted) == NULL)
        g_test_fail_printf ("CSV record “%s” lacks the neutralised cell “%s”", record, quoted);
      /* No cell starts with the formula itself. */
      g_assert_null (strstr (record, ",=HYPERLINK"));
      g_assert_null (strstr (record, ",\"=HYPERLINK"));
      g_assert_null (strstr (record, ",+cmd"));
      g_assert_null (strstr (record, ",-2+3"));
      g_assert_null (strstr (record, ",@SUM"));
    }
  gleaner_cli_run_clear (&run);

  gleaner_test_run_cli (html_args, input->str, input->len, NULL, 30000, &run);
  assert_clean_exit (&run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_false (contains (run.out, run.out_len, "<script>"));
  g_assert_false (contains (run.out, run.out_len, "<b>bold"));
  g_assert_true (contains (run.out, run.out_len, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  gleaner_cli_run_clear (&run);
}

/* Bytes a terminal would act on: C0 controls but tab, newline and the CR of a
 * CRLF line end, DEL, and the C1 controls U+0080..U+009F. */
static void
assert_no_terminal_controls (const char *what,
                             const char *text,
                             gsize       len)
{
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' && p[1] == '\n')
        continue;
      if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f))
        {
          const char *from = MAX (p - 30, text);
          g_autofree char *around = g_strndup (from, MIN (60, (gsize)(text + len - from)));
          g_autofree char *escaped = g_strescape (around, NULL);

          g_test_fail_printf ("%s holds the control character U+%04X at byte %zu: “%s”",
                              what, c, (gsize)(p - text), escaped);
          return;
        }
    }
}

static void
test_security_terminal_controls (void)
{
  g_autofree char *title = url ("/evil/controls");
  g_autofree char *reason = url ("/evil/reason");
  g_autofree char *input = g_strdup_printf ("%s\n%s\njunk \x1b]0;evil\x07 \x1b[2J line\n"
                                            "ftp://\x1b[31mexample.org/\n", title, reason);
  const char *formats[] = { "titles", "tsv", "csv", "markdown", "org" };
  GleanerCliRun run;

  g_test_summary ("What a hostile page or list puts in titles, reason phrases and rejected "
                  "lines never reaches the terminal as control characters");
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      const char *args[] = { "--no-progress", "--retries", "0", "-f", formats[i], NULL };
      g_autofree char *what = g_strdup_printf ("stdout of -f %s", formats[i]);

      gleaner_test_run_cli (args, input, -1, NULL, 30000, &run);
      assert_clean_exit (&run);
      g_assert_cmpint (run.status, ==, 1);
      if (i == 0)
        g_assert_true (contains (run.out, run.out_len, "pwned"));   /* the title is there... */
      assert_no_terminal_controls (what, run.out, run.out_len);   /* ...defused */
      assert_no_terminal_controls ("stderr", run.err, run.err_len);
      gleaner_cli_run_clear (&run);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* A failed case is reported and the next one runs: several of these cases
   * document engine bugs, and one must not hide the others. */
  g_test_set_nonfatal_assertions ();
  gleaner_engine_init ();

  server = gleaner_test_server_new (server_setup, NULL);

  g_test_add_func ("/gleaner/bad-input/empty", test_bad_input_empty);
  g_test_add_func ("/gleaner/bad-input/million-junk-lines", test_bad_input_million_junk);
  g_test_add_func ("/gleaner/bad-input/nul-and-invalid-utf8", test_bad_input_nul_and_invalid_utf8);
  g_test_add_func ("/gleaner/bad-input/long-url", test_bad_input_long_url);
  g_test_add_func ("/gleaner/bad-input/ipv6", test_bad_input_ipv6);
  g_test_add_func ("/gleaner/bad-input/ports", test_bad_input_ports);
  g_test_add_func ("/gleaner/bad-input/wrapped", test_bad_input_wrapped);
  g_test_add_func ("/gleaner/bad-input/not-text", test_bad_input_not_text);
  g_test_add_func ("/gleaner/security/userinfo", test_security_userinfo);
  g_test_add_func ("/gleaner/security/schemes", test_security_schemes);
  g_test_add_func ("/gleaner/security/proxy-env", test_security_proxy_env);
  g_test_add_func ("/gleaner/security/proxy-gsettings", test_security_proxy_gsettings);
  g_test_add_func ("/gleaner/security/exports", test_security_exports);
  g_test_add_func ("/gleaner/security/terminal-controls", test_security_terminal_controls);

  ret = g_test_run ();

  gleaner_test_server_free (server);

  return ret;
}
