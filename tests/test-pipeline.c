/* test-pipeline.c: the fetch -> parse -> deliver pipeline against a misbehaving loopback server
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-engine.h"
#include "gleaner-sync-private.h"
#include "gleaner-test-utils.h"

static GleanerTestServer *server;
static GBytes *gzip_bomb;              /* 64 MiB of markup without a title, gzipped */
static gint active_slow;               /* requests of /slow being served right now */
static gint max_active_slow;           /* the most seen at once */
static gint ratelimit_hits;
static gint auth_headers_seen;         /* requests to /auth that carried credentials */

#define BOMB_SIZE (64 * 1024 * 1024)

/* ---- server handlers (server thread) ---------------------------------------- */

static void
serve_page_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  g_autofree char *body = NULL;
  const char *name = strrchr (path, '/') + 1;

  body = g_strdup_printf ("<!DOCTYPE html><html><head><title>  Page %s\n title </title></head>"
                          "<body><p>Hello</p></body></html>", name);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
serve_redirect_cb (SoupServer        *srv,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  guint n = (guint)g_ascii_strtoull (strrchr (path, '/') + 1, NULL, 10);
  g_autofree char *location = NULL;

  /* /redirect/N -> /redirect/N-1 -> ... -> /page/chain-end (relative Locations) */
  location = n > 0 ? g_strdup_printf ("/redirect/%u", n - 1) : g_strdup ("/page/chain-end");
  soup_server_message_set_redirect (msg, n % 2 ? 301 : 302, location);
}

static void
serve_loop_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_set_redirect (msg, 302, g_str_equal (path, "/loop/a") ? "/loop/b" : "/loop/a");
}

static void
serve_redirect_scheme_cb (SoupServer        *srv,
                          SoupServerMessage *msg,
                          const char        *path,
                          GHashTable        *query,
                          gpointer           user_data)
{
  const char *target = strrchr (path, '/') + 1;

  if (g_str_equal (target, "file"))
    soup_server_message_set_redirect (msg, 302, "file:///etc/passwd");
  else if (g_str_equal (target, "data"))
    soup_server_message_set_redirect (msg, 302, "data:text/html,<title>x</title>");
  else
    soup_server_message_set_redirect (msg, 302, "javascript:alert(1)");
}

static void
serve_status_cb (SoupServer        *srv,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  guint status = (guint)g_ascii_strtoull (strrchr (path, '/') + 1, NULL, 10);
  const char *body = "<html><title>Error page</title></html>";

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
serve_ratelimit_cb (SoupServer        *srv,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_equal (path, "/ratelimit/long"))
    {
      soup_message_headers_replace (headers, "Retry-After", "3600");
      soup_server_message_set_status (msg, 429, NULL);
      return;
    }
  /* The first request is turned away for one second, the next one served. */
  if (g_atomic_int_add (&ratelimit_hits, 1) == 0)
    {
      soup_message_headers_replace (headers, "Retry-After", "1");
      soup_server_message_set_status (msg, 429, NULL);
      return;
    }
  serve_page_cb (srv, msg, "/page/after-wait", query, user_data);
}

static gboolean
unpause_slow_cb (gpointer data)
{
  SoupServerMessage *msg = data;

  g_atomic_int_add (&active_slow, -1);
  serve_page_cb (NULL, msg, "/page/slow", NULL, NULL);
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
serve_slow_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  const char *ms = query ? g_hash_table_lookup (query, "ms") : NULL;
  GSource *source = g_timeout_source_new (ms ? atoi (ms) : 200);
  gint now = g_atomic_int_add (&active_slow, 1) + 1;
  gint seen;

  while ((seen = g_atomic_int_get (&max_active_slow)) < now &&
         !g_atomic_int_compare_and_exchange (&max_active_slow, seen, now))
    ;
  soup_server_message_pause (msg);
  g_source_set_callback (source, unpause_slow_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
serve_silent_cb (SoupServer        *srv,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  /* Never answers: the client's timeout or deadline must end it. */
  soup_server_message_pause (msg);
}

static char endless_block[16 * 1024];

static void
endless_wrote_chunk_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  /* Big chunks, so the cap is reached quickly even under valgrind. */
  soup_message_body_append (body, SOUP_MEMORY_STATIC, endless_block, sizeof endless_block);
}

static void
serve_endless_cb (SoupServer        *srv,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/html", NULL);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (endless_wrote_chunk_cb), NULL);
  endless_wrote_chunk_cb (msg, NULL);
}

static void
serve_bomb_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len;
  gconstpointer data = g_bytes_get_data (gzip_bomb, &len);

  soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, data, len);
}

static void
serve_typed_cb (SoupServer        *srv,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  static const char pdf[] = "%PDF-1.4\n<title>not a title</title>";
  /* Invalid UTF-8 (a lone 0xFF and a truncated sequence) inside a UTF-8 title. */
  static const char bad[] = "<html><head><title>caf\xc3\xa9 \xff broken \xe2\x82</title></head></html>";
  static const char none[] = "<html><head></head><body><p>no title here</p></body></html>";

  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_equal (path, "/typed/pdf"))
    soup_server_message_set_response (msg, "application/pdf", SOUP_MEMORY_STATIC, pdf, sizeof pdf - 1);
  else if (g_str_equal (path, "/typed/bad-utf8"))
    soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC, bad, sizeof bad - 1);
  else
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, none, sizeof none - 1);
}

static void
serve_auth_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *body = "<html><title>Sign in</title></html>";

  if (soup_message_headers_get_one (request, "Authorization") != NULL)
    g_atomic_int_inc (&auth_headers_seen);
  soup_message_headers_replace (response, "WWW-Authenticate", "Basic realm=\"test\"");
  soup_server_message_set_status (msg, 401, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
server_setup (SoupServer *srv,
              gpointer    user_data)
{
  soup_server_add_handler (srv, "/page", serve_page_cb, NULL, NULL);
  soup_server_add_handler (srv, "/redirect", serve_redirect_cb, NULL, NULL);
  soup_server_add_handler (srv, "/loop", serve_loop_cb, NULL, NULL);
  soup_server_add_handler (srv, "/redirect-to", serve_redirect_scheme_cb, NULL, NULL);
  soup_server_add_handler (srv, "/status", serve_status_cb, NULL, NULL);
  soup_server_add_handler (srv, "/ratelimit", serve_ratelimit_cb, NULL, NULL);
  soup_server_add_handler (srv, "/slow", serve_slow_cb, NULL, NULL);
  soup_server_add_handler (srv, "/silent", serve_silent_cb, NULL, NULL);
  soup_server_add_handler (srv, "/endless", serve_endless_cb, NULL, NULL);
  soup_server_add_handler (srv, "/bomb", serve_bomb_cb, NULL, NULL);
  soup_server_add_handler (srv, "/typed", serve_typed_cb, NULL, NULL);
  soup_server_add_handler (srv, "/auth", serve_auth_cb, NULL, NULL);
}

/* ---- running a list through a pipeline -------------------------------------- */

typedef struct
{
  GHashTable *by_id;       /* id -> GleanerResult */
  guint       n_batches;
  guint       n_results;
  gboolean    finished;
  gboolean    cancelled;
  gboolean    delivered_after_cancel;
} Collector;

static void
collect_results_cb (GleanerPipeline *pipeline,
                    GPtrArray       *results,
                    Collector       *c)
{
  if (c->cancelled)
    c->delivered_after_cancel = TRUE;
  c->n_batches++;
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *r = g_ptr_array_index (results, i);
      guint64 *key = g_new (guint64, 1);

      *key = gleaner_result_get_id (r);
      g_assert_false (g_hash_table_contains (c->by_id, key));
      g_hash_table_insert (c->by_id, key, g_object_ref (r));
      c->n_results++;
    }
}

static void
collect_finished_cb (GleanerPipeline *pipeline,
                     Collector       *c)
{
  c->finished = TRUE;
}

static void
collector_init (Collector *c)
{
  memset (c, 0, sizeof *c);
  c->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

static void
collector_clear (Collector *c)
{
  g_clear_pointer (&c->by_id, g_hash_table_unref);
}

static GleanerResult *
collector_get (Collector *c,
               guint64    id)
{
  GleanerResult *r = g_hash_table_lookup (c->by_id, &id);

  g_assert_nonnull (r);
  return r;
}

static GleanerConfig *
test_config (void)
{
  GleanerConfig *config = gleaner_config_new ();

  config->n_workers = 8;
  config->per_host = 8;
  config->timeout = 5;
  config->deadline = 10;
  return config;
}

static GleanerPipeline *
start_run (const GleanerConfig *config,
           Collector           *c)
{
  GleanerPipeline *pipeline = gleaner_pipeline_new (config);

  g_signal_connect (pipeline, "results", G_CALLBACK (collect_results_cb), c);
  g_signal_connect (pipeline, "finished", G_CALLBACK (collect_finished_cb), c);
  return pipeline;
}

/* Adds @paths (ids 0..n-1), closes and waits for ::finished. */
static void
run_paths (const GleanerConfig *config,
           const char * const  *paths,
           Collector           *c,
           guint                timeout_ms)
{
  g_autoptr(GleanerPipeline) pipeline = start_run (config, c);
  guint n = 0;

  for (; paths[n] != NULL; n++)
    {
      g_autofree char *url = g_str_has_prefix (paths[n], "/")
                             ? gleaner_test_server_url (server, paths[n]) : g_strdup (paths[n]);
      gleaner_pipeline_add (pipeline, n, url);
    }
  gleaner_pipeline_close (pipeline);

  g_assert_true (gleaner_test_wait_for_flag (NULL, &c->finished, timeout_ms));
  g_assert_cmpuint (c->n_results, ==, n);
  g_assert_cmpuint (gleaner_pipeline_get_n_done (pipeline), ==, n);
  g_assert_cmpuint (gleaner_pipeline_get_n_succeeded (pipeline) + gleaner_pipeline_get_n_failed (pipeline), ==, n);
  g_assert_false (gleaner_pipeline_get_running (pipeline));
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_pipeline_create (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  GleanerPipeline *pipeline = gleaner_pipeline_new (config);

  g_assert_true (gleaner_pipeline_get_running (pipeline));
  g_assert_cmpuint (gleaner_pipeline_get_config (pipeline)->n_workers, ==, 8);
  g_assert_cmpuint (gleaner_pipeline_get_config (pipeline)->n_parsers, >, 0);
  g_assert_finalize_object (pipeline);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_titles (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/page/one", "/page/two", "/page/three", NULL };
  Collector c;

  collector_init (&c);
  run_paths (config, paths, &c, 10000);

  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 0)), ==, "Page one title");
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 1)), ==, "Page two title");
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 2)), ==, "Page three title");
  for (guint i = 0; i < 3; i++)
    {
      GleanerResult *r = collector_get (&c, i);

      g_assert_true (gleaner_result_get_succeeded (r));
      g_assert_cmpuint (gleaner_result_get_status (r), ==, 200);
      g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_NONE);
      g_assert_cmpstr (gleaner_result_get_content_type (r), ==, "text/html; charset=utf-8");
      g_assert_cmpuint (gleaner_result_get_body_bytes (r), >, 0);
      g_assert_cmpuint (gleaner_result_get_redirect_count (r), ==, 0);
      g_assert_cmpstr (gleaner_result_get_final_url (r), ==, gleaner_result_get_url (r));
    }
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_redirects (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/redirect/3", "/redirect/9", "/redirect/10", "/loop/a",
                          "/redirect-to/file", "/redirect-to/data", "/redirect-to/javascript", NULL };
  g_autofree char *end = gleaner_test_server_url (server, "/page/chain-end");
  Collector c;
  GleanerResult *r;

  collector_init (&c);
  run_paths (config, paths, &c, 10000);

  r = collector_get (&c, 0);
  g_assert_true (gleaner_result_get_succeeded (r));
  g_assert_cmpuint (gleaner_result_get_redirect_count (r), ==, 4);
  g_assert_cmpstr (gleaner_result_get_final_url (r), ==, end);
  g_assert_cmpstr (gleaner_result_get_title (r), ==, "Page chain-end title");

  /* /redirect/N takes N + 1 redirects. Ten is the limit: allowed; eleven is not. */
  r = collector_get (&c, 1);
  g_assert_true (gleaner_result_get_succeeded (r));
  g_assert_cmpuint (gleaner_result_get_redirect_count (r), ==, 10);
  r = collector_get (&c, 2);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_REDIRECT);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "10"));

  r = collector_get (&c, 3);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_REDIRECT);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "loop"));

  for (guint i = 4; i <= 6; i++)
    {
      const char *scheme[] = { "file", "data", "javascript" };
      g_autofree char *expect = g_strdup_printf ("“%s:”", scheme[i - 4]);

      r = collector_get (&c, i);
      g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_REDIRECT);
      g_assert_nonnull (strstr (gleaner_result_get_error_message (r), expect));
      g_assert_null (gleaner_result_get_title (r));
    }
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_http_errors (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/status/404", "/status/500", "/nowhere-at-all", NULL };
  Collector c;
  GleanerResult *r;

  config->retries = 0;
  collector_init (&c);
  run_paths (config, paths, &c, 10000);

  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 404);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "404"));
  r = collector_get (&c, 1);
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 500);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_HTTP_STATUS);
  r = collector_get (&c, 2);
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 404);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_no_authentication (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autofree char *plain = gleaner_test_server_url (server, "/auth/a");
  g_autofree char *with_password = NULL;
  const char *paths[3] = { NULL, NULL, NULL };
  Collector c;

  g_test_summary ("A page that asks for a password is a 401 row: Gleaner never answers "
                  "the challenge, not even with credentials written in the URL");

  g_assert_true (g_str_has_prefix (plain, "http://"));
  with_password = g_strconcat ("http://user:secret@", plain + strlen ("http://"), NULL);
  paths[0] = plain;
  paths[1] = with_password;
  config->retries = 0;
  g_atomic_int_set (&auth_headers_seen, 0);
  collector_init (&c);
  run_paths (config, paths, &c, 10000);

  for (guint64 id = 0; id < 2; id++)
    {
      GleanerResult *r = collector_get (&c, id);

      g_assert_cmpuint (gleaner_result_get_status (r), ==, 401);
      g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_HTTP_STATUS);
      g_assert_null (gleaner_result_get_title (r));
    }
  g_assert_cmpint (g_atomic_int_get (&auth_headers_seen), ==, 0);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_rate_limit (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/ratelimit/once", "/ratelimit/long", NULL };
  Collector c;
  GleanerResult *r;
  gint64 start = g_get_monotonic_time ();

  g_atomic_int_set (&ratelimit_hits, 0);
  config->retries = 1;
  collector_init (&c);
  run_paths (config, paths, &c, 15000);

  /* Honoured Retry-After: 1 and then succeeded on the second attempt. */
  r = collector_get (&c, 0);
  g_assert_true (gleaner_result_get_succeeded (r));
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 2);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), >=, 0.9);
  g_assert_cmpstr (gleaner_result_get_title (r), ==, "Page after-wait title");

  /* An hour is past the limit: no waiting, rate limited at once. */
  r = collector_get (&c, 1);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (gleaner_result_get_status (r), ==, 429);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 1.0 * gleaner_test_time_scale ());
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC * gleaner_test_time_scale ());
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_timeouts (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/silent", NULL };
  Collector c;
  GleanerResult *r;

  /* Inactivity: the server never answers; the 1 s timeout ends it. */
  config->timeout = 1;
  config->deadline = 20;
  config->retries = 0;
  collector_init (&c);
  run_paths (config, paths, &c, 10000);
  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_TIMEOUT);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 5.0 * gleaner_test_time_scale ());
  collector_clear (&c);

  /* Deadline: the timeout is long, the deadline short. */
  config->timeout = 30;
  config->deadline = 1;
  collector_init (&c);
  run_paths (config, paths, &c, 10000);
  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "deadline"));
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 2.0 * gleaner_test_time_scale ());
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_drip (void)
{
  /* Slowloris: one byte every 200 ms never trips the inactivity timeout,
   * but the deadline stops it. */
  static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
                              "<html><head><meta name=x content='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  GleanerRawServer *raw = gleaner_raw_server_new (reply, sizeof reply - 1, 1, 200, TRUE);
  g_autofree char *url = gleaner_raw_server_url (raw, "/drip");
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { url, NULL };
  Collector c;
  GleanerResult *r;

  config->timeout = 5;
  config->deadline = 1.5;
  config->retries = 0;
  collector_init (&c);
  run_paths (config, paths, &c, 10000);
  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_TIMEOUT);
  g_assert_cmpfloat (gleaner_result_get_elapsed (r), <, 2.5 * gleaner_test_time_scale ());
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
  gleaner_raw_server_free (raw);
}

static void
test_pipeline_limits (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/endless", "/bomb", NULL };
  Collector c;
  GleanerResult *r;

  config->max_body = 1024 * 1024;
  collector_init (&c);
  run_paths (config, paths, &c, 20000);

  for (guint i = 0; i < 2; i++)
    {
      r = collector_get (&c, i);
      g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_TOO_LARGE);
      g_assert_true (gleaner_result_get_truncated (r));
      g_assert_cmpuint (gleaner_result_get_body_bytes (r), ==, 1024 * 1024);
    }
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_content (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { "/typed/pdf", "/typed/bad-utf8", "/typed/no-title", NULL };
  Collector c;
  GleanerResult *r;
  const char *title;

  collector_init (&c);
  run_paths (config, paths, &c, 10000);

  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_NOT_HTML);
  g_assert_null (gleaner_result_get_title (r));
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "application/pdf"));

  r = collector_get (&c, 1);
  title = gleaner_result_get_title (r);
  g_assert_nonnull (title);
  g_assert_true (g_utf8_validate (title, -1, NULL));
  g_assert_true (g_str_has_prefix (title, "caf\xc3\xa9 "));
  g_assert_nonnull (strstr (title, "\xef\xbf\xbd"));   /* U+FFFD for the bad bytes */

  r = collector_get (&c, 2);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_NO_TITLE);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_connection_errors (void)
{
  /* A server that closes the connection without a byte, and a port nobody
   * listens on (the raw server's, after it is gone). */
  GleanerRawServer *raw = gleaner_raw_server_new ("", 0, 0, 0, FALSE);
  g_autofree char *closing = gleaner_raw_server_url (raw, "/");
  GleanerRawServer *gone = gleaner_raw_server_new ("", 0, 0, 0, FALSE);
  g_autofree char *refused = gleaner_raw_server_url (gone, "/");
  g_autoptr(GleanerConfig) config = test_config ();
  const char *paths[] = { closing, refused, "ftp://example.org/", "http:///nohost", NULL };
  Collector c;
  GleanerResult *r;

  gleaner_raw_server_free (gone);
  config->retries = 1;
  collector_init (&c);
  run_paths (config, paths, &c, 15000);

  r = collector_get (&c, 0);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_CONNECTION);
  g_assert_cmpuint (gleaner_result_get_attempts (r), ==, 2);   /* transient: retried once */
  r = collector_get (&c, 1);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_CONNECTION);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "refused"));
  r = collector_get (&c, 2);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (gleaner_result_get_error_message (r), "ftp"));
  r = collector_get (&c, 3);
  g_assert_cmpuint (gleaner_result_get_error_kind (r), ==, GLEANER_ERROR_INVALID_URL);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
  gleaner_raw_server_free (raw);
}

static void
test_pipeline_concurrent (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 start;
  double elapsed;
  Collector c;

  g_test_summary ("32 URLs that each take 200 ms finish far faster than one after another (6.4 s)");
  config->n_workers = 32;
  config->per_host = 32;
  for (guint i = 0; i < 32; i++)
    g_ptr_array_add (paths, g_strdup_printf ("/slow?ms=200&n=%u", i));
  g_ptr_array_add (paths, NULL);

  collector_init (&c);
  start = g_get_monotonic_time ();
  run_paths (config, (const char * const *)paths->pdata, &c, 20000);
  elapsed = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  for (guint i = 0; i < 32; i++)
    g_assert_true (gleaner_result_get_succeeded (collector_get (&c, i)));
  g_test_message ("32 × 200 ms took %.2f s", elapsed);
  /* Sequential would be 6.4 s; a generous bound that still proves overlap. */
  g_assert_cmpfloat (elapsed, <, 3.2 * gleaner_test_time_scale ());
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_per_host_cap (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Collector c;

  config->n_workers = 16;
  config->per_host = 3;
  for (guint i = 0; i < 12; i++)
    g_ptr_array_add (paths, g_strdup_printf ("/slow?ms=150&cap=%u", i));
  g_ptr_array_add (paths, NULL);

  g_atomic_int_set (&max_active_slow, 0);
  collector_init (&c);
  run_paths (config, (const char * const *)paths->pdata, &c, 20000);
  g_test_message ("most requests at once: %d", g_atomic_int_get (&max_active_slow));
  g_assert_cmpint (g_atomic_int_get (&max_active_slow), <=, 3);
  g_assert_cmpint (g_atomic_int_get (&max_active_slow), >=, 2);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

static gint64 cancelled_at;

static gboolean
cancel_later_cb (gpointer data)
{
  gint64 *cancel_took = g_object_get_data (data, "cancel-took");
  gint64 start = g_get_monotonic_time ();

  cancelled_at = start;
  Collector *c = g_object_get_data (data, "collector");

  gleaner_pipeline_cancel (data);
  *cancel_took = g_get_monotonic_time () - start;
  c->cancelled = TRUE;

  return G_SOURCE_REMOVE;
}

static void
test_pipeline_cancel (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  GleanerPipeline *pipeline;
  gint64 cancel_took = -1;
  double wind_down;
  gboolean never = FALSE;
  Collector c;

  g_test_summary ("Cancel while every worker is stuck on a silent server: returns at once, "
                  "nothing is delivered afterwards, all threads exit well under a second");
  config->n_workers = 16;
  config->per_host = 16;
  config->timeout = 60;
  config->deadline = 60;
  collector_init (&c);
  pipeline = start_run (config, &c);
  g_object_set_data (G_OBJECT (pipeline), "cancel-took", &cancel_took);
  g_object_set_data (G_OBJECT (pipeline), "collector", &c);

  /* Two fast pages, then more silent ones than there are workers. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *url = gleaner_test_server_url (server, "/page/fast");
      gleaner_pipeline_add (pipeline, i, url);
    }
  for (guint i = 2; i < 40; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/silent?%u", gleaner_test_server_get_base (server), i);
      gleaner_pipeline_add (pipeline, i, url);
    }
  /* Cancel once the two fast pages are in (not after a fixed time: on a
   * loaded machine, or under a sanitizer, they may take longer). */
  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC * gleaner_test_time_scale ();

    while (c.n_results < 2 && g_get_monotonic_time () < until)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
  }
  g_assert_cmpuint (c.n_results, ==, 2);
  cancel_later_cb (pipeline);
  g_assert_true (c.cancelled);
  /* "At once": it never waits for a worker. The bound is loose because
   * valgrind runs one thread at a time. */
  g_assert_cmpint (cancel_took, <, 100 * 1000 * gleaner_test_time_scale ());
  g_assert_true (gleaner_pipeline_get_cancelled (pipeline));
  g_assert_false (gleaner_pipeline_get_running (pipeline));
  g_assert_cmpuint (c.n_results, ==, 2);

  /* Nothing more arrives, even if we keep the loop running a while. */
  gleaner_test_wait_for_flag (NULL, &never, 500);
  g_assert_false (c.delivered_after_cancel);
  g_assert_false (c.finished);

  g_assert_finalize_object (pipeline);
  gleaner_pipeline_wait_for_threads ();
  /* Measured from the cancel (the loop above idled 0.5 s of it). */
  wind_down = (g_get_monotonic_time () - cancelled_at - 500 * 1000) / (double)G_USEC_PER_SEC;
  g_test_message ("cancel took %" G_GINT64_FORMAT " µs; threads had exited within %.3f s",
                  cancel_took, MAX (wind_down, 0.0));
  g_assert_cmpfloat (wind_down, <, 1.0 * gleaner_test_time_scale ());
  collector_clear (&c);
}

static void
add_more_cb (GleanerPipeline *pipeline,
             GPtrArray       *results,
             gpointer         user_data)
{
  guint *added = user_data;

  /* Targets join a running pipeline: add two more after the first results. */
  if (*added == 0)
    {
      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *url = g_strdup_printf ("%s/page/late%u", gleaner_test_server_get_base (server), i);
          gleaner_pipeline_add (pipeline, 100 + i, url);
        }
      *added = 2;
      gleaner_pipeline_close (pipeline);
    }
}

static void
test_pipeline_add_while_running (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GleanerPipeline) pipeline = NULL;
  g_autofree char *url = gleaner_test_server_url (server, "/page/first");
  guint added = 0;
  Collector c;

  collector_init (&c);
  pipeline = start_run (config, &c);
  g_signal_connect (pipeline, "results", G_CALLBACK (add_more_cb), &added);
  gleaner_pipeline_add (pipeline, 7, url);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &c.finished, 10000));
  g_assert_cmpuint (c.n_results, ==, 3);
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 7)), ==, "Page first title");
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 100)), ==, "Page late0 title");
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 101)), ==, "Page late1 title");
  collector_clear (&c);
  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
}

static void
test_pipeline_batches (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Collector c;

  gint64 start, elapsed_ms;

  g_test_summary ("Results arrive many per main-loop callback, not one callback each");
  config->delivery_interval_ms = 50;
  config->per_host = 8;
  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (paths, g_strdup_printf ("/page/b%u", i));
  g_ptr_array_add (paths, NULL);
  collector_init (&c);
  start = g_get_monotonic_time ();
  run_paths (config, (const char * const *)paths->pdata, &c, 30000);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("400 results in %u batches over %" G_GINT64_FORMAT " ms", c.n_batches, elapsed_ms);
  /* At most one delivery per 50 ms interval (plus the first and the last). */
  g_assert_cmpuint (c.n_batches, <=, elapsed_ms / 50 + 2);
  g_assert_cmpuint (c.n_batches, <, 400);
  collector_clear (&c);
  gleaner_pipeline_wait_for_threads ();
}

/* ---- connection reuse across hosts ----------------------------------------- */

/* Requests to /hold/NAME are answered only once the test releases NAME; the
 * server counts the connections each host (local address) was asked over.
 * Written on the server thread, read by the test thread, under @lock. */
typedef struct
{
  GMutex        lock;
  GMainContext *server_context;
  GMainContext *test_context;
  GHashTable   *seen;           /* NAME -> TRUE: the request arrived */
  GHashTable   *released;       /* NAME -> TRUE: answer at once */
  GHashTable   *held;           /* NAME -> SoupServerMessage (paused) */
  GHashTable   *sockets;        /* GSocket (ref) -> local address, "127.0.0.N" */
} Gate;

static void
gate_answer (SoupServerMessage *msg,
             const char        *name)
{
  g_autofree char *path = g_strconcat ("/page/", name, NULL);

  serve_page_cb (NULL, msg, path, NULL, NULL);
}

static void
serve_hold_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Gate *gate = user_data;
  const char *name = strrchr (path, '/') + 1;
  GSocket *socket = soup_server_message_get_socket (msg);
  GInetSocketAddress *local = G_INET_SOCKET_ADDRESS (soup_server_message_get_local_address (msg));
  gboolean answer_now;

  gleaner_mutex_lock (&gate->lock);
  if (!g_hash_table_contains (gate->sockets, socket))
    g_hash_table_insert (gate->sockets, g_object_ref (socket),
                         g_inet_address_to_string (g_inet_socket_address_get_address (local)));
  g_hash_table_add (gate->seen, g_strdup (name));
  answer_now = g_hash_table_contains (gate->released, name);
  if (!answer_now)
    {
      soup_server_message_pause (msg);
      g_hash_table_insert (gate->held, g_strdup (name), g_object_ref (msg));
    }
  gleaner_mutex_unlock (&gate->lock);

  if (answer_now)
    gate_answer (msg, name);
  g_main_context_wakeup (gate->test_context);
}

static void
gate_setup (SoupServer *srv,
            gpointer    user_data)
{
  Gate *gate = user_data;

  gate->server_context = g_main_context_get_thread_default ();
  soup_server_add_handler (srv, "/hold", serve_hold_cb, gate, NULL);
}

typedef struct
{
  SoupServerMessage *msg;
  char              *name;
} Release;

static gboolean
release_cb (gpointer data)
{
  Release *release = data;

  GLEANER_HAPPENS_AFTER (release);
  gate_answer (release->msg, release->name);
  soup_server_message_unpause (release->msg);
  g_object_unref (release->msg);
  g_free (release->name);
  g_free (release);

  return G_SOURCE_REMOVE;
}

/* Test thread: answers NAME now if it is waiting, or as soon as it arrives. */
static void
gate_release (Gate       *gate,
              const char *name)
{
  SoupServerMessage *msg = NULL;
  g_autofree char *key = NULL;

  gleaner_mutex_lock (&gate->lock);
  g_hash_table_add (gate->released, g_strdup (name));
  g_hash_table_steal_extended (gate->held, name, (gpointer *)&key, (gpointer *)&msg);
  gleaner_mutex_unlock (&gate->lock);

  if (msg != NULL)
    {
      Release *release = g_new0 (Release, 1);

      release->msg = msg;
      release->name = g_strdup (name);
      /* Handed to the server thread through GLib's main-context lock,
       * which ThreadSanitizer cannot see. */
      GLEANER_HAPPENS_BEFORE (release);
      g_main_context_invoke (gate->server_context, release_cb, release);
    }
}

static gboolean
gate_seen (Gate       *gate,
           const char *name)
{
  gboolean seen;

  gleaner_mutex_lock (&gate->lock);
  seen = g_hash_table_contains (gate->seen, name);
  gleaner_mutex_unlock (&gate->lock);

  return seen;
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Test thread: iterates the loop until the request for NAME has arrived. */
static void
gate_wait_seen (Gate       *gate,
                const char *name)
{
  gboolean timed_out = FALSE;
  GSource *source = g_timeout_source_new (10000);

  g_source_set_callback (source, flag_cb, &timed_out, NULL);
  g_source_attach (source, gate->test_context);
  while (!gate_seen (gate, name) && !timed_out)
    g_main_context_iteration (gate->test_context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  g_assert_true (gate_seen (gate, name));
}

/* Connections the server accepted on @address ("127.0.0.N"). */
static guint
gate_count_connections (Gate       *gate,
                        const char *address)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  gleaner_mutex_lock (&gate->lock);
  g_hash_table_iter_init (&iter, gate->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (value, address))
      n++;
  gleaner_mutex_unlock (&gate->lock);

  return n;
}

/* Starts a gate and a server on @n_hosts loopback addresses behind it. */
static GleanerTestServer *
gate_init (Gate  *gate,
           guint  n_hosts)
{
  g_mutex_init (&gate->lock);
  gate->test_context = g_main_context_ref_thread_default ();
  gate->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gate->released = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gate->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  gate->sockets = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_free);

  return gleaner_test_server_new_hosts (gate_setup, gate, n_hosts);
}

static void
gate_clear (Gate              *gate,
            GleanerTestServer *hosts)
{
  gleaner_test_server_free (hosts);
  g_hash_table_unref (gate->seen);
  g_hash_table_unref (gate->released);
  g_hash_table_unref (gate->held);
  g_hash_table_unref (gate->sockets);
  g_main_context_unref (gate->test_context);
  g_mutex_clear (&gate->lock);
}

static void
add_host_url (GleanerPipeline   *pipeline,
              GleanerTestServer *hosts,
              guint64            id,
              guint              host,
              const char        *path)
{
  g_autofree char *url = gleaner_test_server_host_url (hosts, host, path);

  gleaner_pipeline_add (pipeline, id, url);
}

static void
test_pipeline_warm_connections (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GleanerPipeline) pipeline = NULL;
  GleanerTestServer *hosts;
  Gate gate = { 0 };
  Collector c;
  enum { A, B, C, D };

  g_test_summary ("A target whose host another busy thread has a connection to waits for that "
                  "thread, which runs it over the same connection; an idle thread takes a host "
                  "nobody is connected to instead");
  hosts = gate_init (&gate, 4);

  config->n_workers = 2;
  config->per_host = 6;
  collector_init (&c);
  pipeline = start_run (config, &c);

  /* Both threads busy: one on A, one on B. */
  add_host_url (pipeline, hosts, 0, A, "/hold/a1");
  add_host_url (pipeline, hosts, 1, B, "/hold/b1");
  gate_wait_seen (&gate, "a1");
  gate_wait_seen (&gate, "b1");
  /* The thread done with A (and still connected to it) moves on to C. */
  gate_release (&gate, "a1");
  add_host_url (pipeline, hosts, 2, C, "/hold/c1");
  gate_wait_seen (&gate, "c1");
  /* Both busy again; A's next target comes, then one for a new host D. */
  add_host_url (pipeline, hosts, 3, A, "/hold/a2");
  add_host_url (pipeline, hosts, 4, D, "/hold/d1");
  gate_release (&gate, "a2");
  /* The thread on B finishes first: it must take D, leaving A to the thread
   * connected to it. */
  gate_release (&gate, "b1");
  gate_wait_seen (&gate, "d1");
  gate_release (&gate, "c1");
  /* D stays busy until A's target has gone, or the thread on D could take it
   * first (rather than idle) when both finish at once. */
  gate_wait_seen (&gate, "a2");
  gate_release (&gate, "d1");
  gleaner_pipeline_close (pipeline);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &c.finished, 10000));

  g_assert_cmpuint (c.n_results, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_true (gleaner_result_get_succeeded (collector_get (&c, i)));
  g_assert_cmpstr (gleaner_result_get_title (collector_get (&c, 3)), ==, "Page a2 title");
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.1"), ==, 1);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.2"), ==, 1);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.3"), ==, 1);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.4"), ==, 1);

  collector_clear (&c);
  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
  gate_clear (&gate, hosts);
}

static void
test_pipeline_second_connection (void)
{
  g_autoptr(GleanerConfig) config = test_config ();
  g_autoptr(GleanerPipeline) pipeline = NULL;
  GleanerTestServer *hosts;
  Gate gate = { 0 };
  Collector c;
  enum { A, B, X, Y };

  g_test_summary ("A thread with nothing of its own to do opens a second connection to the "
                  "host with the longest queue, not to the first host that became ready");
  hosts = gate_init (&gate, 4);
  config->n_workers = 2;
  config->per_host = 6;
  collector_init (&c);
  pipeline = start_run (config, &c);

  /* One thread fetches X, then A, then waits on Y; the other waits on B. */
  add_host_url (pipeline, hosts, 0, X, "/hold/x1");
  add_host_url (pipeline, hosts, 1, B, "/hold/b1");
  gate_wait_seen (&gate, "x1");
  gate_wait_seen (&gate, "b1");
  gate_release (&gate, "x1");
  gate_release (&gate, "a1");
  add_host_url (pipeline, hosts, 2, A, "/hold/a1");
  gate_wait_seen (&gate, "a1");
  add_host_url (pipeline, hosts, 3, Y, "/hold/y1");
  gate_wait_seen (&gate, "y1");
  /* Both busy; X gets one target, then A two: both are warm on the first
   * thread. */
  add_host_url (pipeline, hosts, 4, X, "/hold/x2");
  add_host_url (pipeline, hosts, 5, A, "/hold/a2");
  add_host_url (pipeline, hosts, 6, A, "/hold/a3");
  gate_release (&gate, "x2");
  gate_release (&gate, "a3");
  /* The thread on B has nothing of its own: it helps A, the longer queue. */
  gate_release (&gate, "b1");
  gate_wait_seen (&gate, "a2");
  /* The first thread does the rest over its own connections. */
  gate_release (&gate, "y1");
  gate_wait_seen (&gate, "x2");
  gate_wait_seen (&gate, "a3");
  gate_release (&gate, "a2");
  gleaner_pipeline_close (pipeline);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &c.finished, 10000));

  g_assert_cmpuint (c.n_results, ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_true (gleaner_result_get_succeeded (collector_get (&c, i)));
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.1"), ==, 2);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.2"), ==, 1);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.3"), ==, 1);
  g_assert_cmpuint (gate_count_connections (&gate, "127.0.0.4"), ==, 1);

  collector_clear (&c);
  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
  gate_clear (&gate, hosts);
}

static GBytes *
make_gzip_bomb (void)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) gz = g_converter_output_stream_new (mem, G_CONVERTER (compressor));
  g_autofree char *block = g_malloc (1024 * 1024);
  const char *head = "<html><body>";

  memset (block, ' ', 1024 * 1024);
  g_output_stream_write_all (gz, head, strlen (head), NULL, NULL, NULL);
  for (guint i = 0; i < BOMB_SIZE / (1024 * 1024); i++)
    g_output_stream_write_all (gz, block, 1024 * 1024, NULL, NULL, NULL);
  g_output_stream_close (gz, NULL, NULL);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gleaner_engine_init ();

  for (gsize i = 0; i < sizeof endless_block; i++)
    endless_block[i] = "<p>more text</p>\n"[i % 17];
  gzip_bomb = make_gzip_bomb ();
  server = gleaner_test_server_new (server_setup, NULL);

  g_test_add_func ("/gleaner/pipeline/create", test_pipeline_create);
  g_test_add_func ("/gleaner/pipeline/titles", test_pipeline_titles);
  g_test_add_func ("/gleaner/pipeline/redirects", test_pipeline_redirects);
  g_test_add_func ("/gleaner/pipeline/http-errors", test_pipeline_http_errors);
  g_test_add_func ("/gleaner/pipeline/no-authentication", test_pipeline_no_authentication);
  g_test_add_func ("/gleaner/pipeline/rate-limit", test_pipeline_rate_limit);
  g_test_add_func ("/gleaner/pipeline/timeouts", test_pipeline_timeouts);
  g_test_add_func ("/gleaner/pipeline/drip", test_pipeline_drip);
  g_test_add_func ("/gleaner/pipeline/limits", test_pipeline_limits);
  g_test_add_func ("/gleaner/pipeline/content", test_pipeline_content);
  g_test_add_func ("/gleaner/pipeline/connection-errors", test_pipeline_connection_errors);
  g_test_add_func ("/gleaner/pipeline/concurrent", test_pipeline_concurrent);
  g_test_add_func ("/gleaner/pipeline/per-host-cap", test_pipeline_per_host_cap);
  g_test_add_func ("/gleaner/pipeline/cancel", test_pipeline_cancel);
  g_test_add_func ("/gleaner/pipeline/add-while-running", test_pipeline_add_while_running);
  g_test_add_func ("/gleaner/pipeline/batches", test_pipeline_batches);
  g_test_add_func ("/gleaner/pipeline/warm-connections", test_pipeline_warm_connections);
  g_test_add_func ("/gleaner/pipeline/second-connection", test_pipeline_second_connection);

  ret = g_test_run ();

  gleaner_test_server_free (server);
  g_bytes_unref (gzip_bomb);

  return ret;
}
