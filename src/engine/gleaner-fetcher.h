/* gleaner-fetcher.h: one fetch worker's HTTP client (libsoup 3, synchronous API)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Engine-internal: the GUI and the CLI never include this header.
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-config.h"
#include "gleaner-result.h"

G_BEGIN_DECLS

typedef struct _GleanerFetcher GleanerFetcher;

/* Connections a fetcher's session keeps (to different hosts, one request at a
 * time). On reaching it libsoup closes all of its idle connections at once. */
#define GLEANER_FETCHER_MAX_CONNS 16

/**
 * GleanerPage:
 * @result: the result being built (owned)
 * @body: the decoded body bytes read (owned), at most the configured cap
 * @len: length of @body
 * @content_type: (nullable): the Content-Type header of the final response
 * @started: monotonic time (µs) the fetch of this URL started
 * @facts: (nullable): the facts of @body when the fetch worker already has
 *   them (it parsed @body to decide it had read enough), owned
 *
 * A fetched page on its way to a parser thread. Whoever holds the pointer owns
 * all of it: the fetch worker until it pushes the page on the parse queue, the
 * queue until a parser pops it, then that parser.
 */
typedef struct
{
  GleanerResult *result;
  guint8        *body;
  gsize          len;
  char          *content_type;
  gint64            started;
  GleanerPageFacts *facts;
} GleanerPage;

void            gleaner_page_free              (GleanerPage         *page);

/* Created on a fetch thread (by the first job a pool thread runs for a pipeline
 * run) and used by that thread alone while the run lasts. The only calls other
 * threads may make are gleaner_fetcher_check_deadline() and gleaner_fetcher_stop().
 *
 * Freed not by that thread but by the pipeline's reaper thread: pool threads are
 * GLib's, shared and kept beyond the run (even handed to a later pool), so none
 * of them knows which job is its last, and the owner thread must not wait for a
 * worker stuck in a call that cannot be cancelled (getaddrinfo). The reaper
 * frees every fetcher of a run after g_thread_pool_free() has waited for all
 * fetch workers (so none is in use) and the watchdog has been joined, holding
 * the lock under which the pipeline calls gleaner_fetcher_stop(). So
 * gleaner_fetcher_free() runs on a thread that never used the session, and
 * iterates the session's private context itself to let it close connections. */
GleanerFetcher *gleaner_fetcher_new            (const GleanerConfig *config);
void            gleaner_fetcher_free           (GleanerFetcher      *self);

/* Fetches @uri (following redirects, retrying transient failures) into
 * @result. Returns a page to parse, or %NULL when @result is already final
 * (an error, or a response that is not HTML). Never blocks past the deadline
 * given by the configuration, nor after gleaner_fetcher_stop(). */
GleanerPage    *gleaner_fetcher_fetch          (GleanerFetcher      *self,
                                                GleanerResult       *result,
                                                GUri                *uri);

/* Any thread: cancels the request in progress if its deadline (monotonic µs)
 * has passed. Called by the pipeline's watchdog a few times a second. */
void            gleaner_fetcher_check_deadline (GleanerFetcher      *self,
                                                gint64               now);
/* Any thread: cancels the request in progress and every later one, for good. */
void            gleaner_fetcher_stop           (GleanerFetcher      *self);

G_END_DECLS
