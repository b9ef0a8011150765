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
/* "http://127.0.0.1:PORT" without a trailing slash. */
const char        *gleaner_test_server_get_base (GleanerTestServer      *self);
guint              gleaner_test_server_get_port (GleanerTestServer      *self);
GMainContext      *gleaner_test_server_get_context (GleanerTestServer   *self);
/* base + path (path starts with '/'). */
char              *gleaner_test_server_url      (GleanerTestServer      *self,
                                                 const char             *path);
/* Stops the server thread and frees everything. */
void               gleaner_test_server_free     (GleanerTestServer      *self);

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

G_END_DECLS
