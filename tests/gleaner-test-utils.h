/* gleaner-test-utils.h: loopback servers and waiting helpers for Gleaner's tests
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _GleanerTestServer GleanerTestServer;

/* Called on the server's own thread, before it listens: add handlers here. */
typedef void (*GleanerTestServerSetup) (SoupServer *server,
                                        gpointer    user_data);

/* Starts a SoupServer on 127.0.0.1 (a free port) running on its own thread with
 * its own GMainContext, so the test thread may block while workers fetch. */
GleanerTestServer *gleaner_test_server_new      (GleanerTestServerSetup  setup,
                                                 gpointer                user_data);
/* The same server (plain HTTP) listening on @n_hosts loopback addresses,
 * 127.0.0.1 … 127.0.0.@n_hosts, each on a port of its own: as many hosts to
 * the pipeline's scheduler. */
GleanerTestServer *gleaner_test_server_new_hosts (GleanerTestServerSetup setup,
                                                 gpointer                user_data,
                                                 guint                   n_hosts);
/* "http://127.0.0.(@host + 1):PORT" + @path, for @host < n_hosts. */
char              *gleaner_test_server_host_url (GleanerTestServer      *self,
                                                 guint                   host,
                                                 const char             *path);
/* "http://127.0.0.1:PORT" without a trailing slash. */
const char        *gleaner_test_server_get_base (GleanerTestServer      *self);
guint              gleaner_test_server_get_port (GleanerTestServer      *self);
GMainContext      *gleaner_test_server_get_context (GleanerTestServer   *self);
/* base + path (path starts with '/'). */
char              *gleaner_test_server_url      (GleanerTestServer      *self,
                                                 const char             *path);
/* Stops the server thread and frees everything. */
void               gleaner_test_server_free     (GleanerTestServer      *self);
/* The same server speaking HTTPS with @certificate (its base is
 * "https://127.0.0.1:PORT"). */
GleanerTestServer *gleaner_test_server_new_tls  (GleanerTestServerSetup  setup,
                                                 gpointer                user_data,
                                                 GTlsCertificate        *certificate);

/* Iterates @context (NULL: thread default) until @done is TRUE or @timeout_ms
 * pass; returns whether @done became TRUE. Tests g_assert_true() the result. */
gboolean           gleaner_test_wait_for_flag   (GMainContext           *context,
                                                 const gboolean         *done,
                                                 guint                   timeout_ms);

/* Path of a file under tests/ (G_TEST_SRCDIR). */
char              *gleaner_test_get_path        (const char             *first,
                                                 ...) G_GNUC_NULL_TERMINATED;

/* A tiny raw TCP server on 127.0.0.1 for replies no HTTP library would send:
 * each accepted connection reads the request head, then writes @reply
 * (@reply_len bytes) in pieces of @chunk bytes every @interval_ms (0: at once),
 * then closes (or, with @hold_open, keeps the socket open until freed). */
typedef struct _GleanerRawServer GleanerRawServer;
GleanerRawServer  *gleaner_raw_server_new       (const char             *reply,
                                                 gsize                   reply_len,
                                                 gsize                   chunk,
                                                 guint                   interval_ms,
                                                 gboolean                hold_open);
char              *gleaner_raw_server_url       (GleanerRawServer       *self,
                                                 const char             *path);
void               gleaner_raw_server_free      (GleanerRawServer       *self);

/* Called on a connection's own thread once the request head (up to the blank
 * line, at most 64 KiB, NUL-terminated) has been read; writes whatever it
 * likes to @conn, passing @cancellable to every blocking call (it is cancelled
 * when the server is freed). The server closes @conn after it returns. */
typedef void (*GleanerRawServerFunc) (GSocketConnection      *conn,
                                      const char             *request,
                                      GCancellable           *cancellable,
                                      gpointer                user_data);
/* A raw server on the loopback address of @family (G_SOCKET_FAMILY_IPV4:
 * 127.0.0.1, G_SOCKET_FAMILY_IPV6: ::1) that hands every connection to @func.
 * %NULL with @error set when it cannot listen (no IPv6 here, say). */
GleanerRawServer  *gleaner_raw_server_new_with_func (GSocketFamily       family,
                                                 GleanerRawServerFunc    func,
                                                 gpointer                user_data,
                                                 GError                **error);
/* Ends @conn with a TCP reset (SO_LINGER 0, then close) instead of a FIN. */
void               gleaner_raw_server_reset     (GSocketConnection      *conn);

/* One run of gleaner-cli ($GLEANER_CLI) as a subprocess. */
typedef struct
{
  gboolean  exited;       /* FALSE: killed by a signal (a crash) or by the timeout */
  int       status;       /* the exit status when @exited */
  int       term_signal;  /* the signal otherwise */
  gboolean  timed_out;
  double    elapsed;      /* seconds */
  char     *out;          /* standard output, NUL-terminated (may hold NULs) */
  gsize     out_len;
  char     *err;          /* standard error, likewise */
  gsize     err_len;
} GleanerCliRun;

/* Runs gleaner-cli with @args (NULL-terminated), @input_len bytes of @input on
 * standard input (-1: strlen; NULL: empty), in the test's environment changed
 * by @env: "NAME=VALUE" sets, "NAME" unsets (NULL-terminated, or NULL). Output
 * goes to temporary files, so it may be large. A run still going after
 * @timeout_ms is killed (@timed_out). LC_ALL=C.UTF-8 and LANGUAGE=C are set. */
void               gleaner_test_run_cli         (const char * const     *args,
                                                 const char             *input,
                                                 gssize                  input_len,
                                                 const char * const     *env,
                                                 guint                   timeout_ms,
                                                 GleanerCliRun          *run);
void               gleaner_cli_run_clear        (GleanerCliRun          *run);

/* How much slower this run is allowed to be than a plain build:
 * $GLEANER_TIME_SCALE (set by the valgrind and sanitizer setups), default 1.
 * Timing bounds in tests are multiplied by it. */
double             gleaner_test_time_scale      (void);

G_END_DECLS
