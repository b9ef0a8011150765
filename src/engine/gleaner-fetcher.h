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

/* Created, used and freed on one fetch thread. The only calls other threads may
 * make are gleaner_fetcher_check_deadline() and gleaner_fetcher_stop(). */
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
