/* gleaner-config.h: the settings of one run (limits, politeness, fields)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "gleaner-types.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_CONFIG (gleaner_config_get_type ())

#define GLEANER_DEFAULT_WORKERS          32
#define GLEANER_DEFAULT_PER_HOST         6
#define GLEANER_DEFAULT_TIMEOUT          15.0
#define GLEANER_DEFAULT_DEADLINE         30.0
#define GLEANER_DEFAULT_MAX_BODY         (8 * 1024 * 1024)
#define GLEANER_DEFAULT_RETRIES          1
#define GLEANER_DEFAULT_MAX_REDIRECTS    10
#define GLEANER_DEFAULT_MAX_RETRY_AFTER  10.0

/**
 * GleanerConfig:
 * @n_workers: fetch workers (threads of the fetch pool)
 * @n_parsers: parser threads; 0 means one per core
 * @per_host: most requests in flight to one host at a time
 * @max_redirects: most redirects followed for one URL
 * @retries: extra attempts after a transient failure (reset, 502/503/504, timeout, 429)
 * @timeout: inactivity timeout in seconds (connect, or no byte for this long)
 * @deadline: the most time one URL may take, all attempts and waits included
 * @max_retry_after: the longest Retry-After (seconds) a run honours before giving up
 * @max_body: the most decoded body bytes read from one page
 * @max_pages_in_flight: fetched pages waiting for a parser; fetchers wait beyond this
 * @delivery_interval_ms: how long results gather before one delivery on the owner's
 *   main context; 0 delivers from an idle source as soon as the owner is free
 * @fields: which page facts to extract
 * @ignore_tls_errors: accept any certificate (explicit, per run, off by default)
 * @user_agent: the User-Agent header
 * @accept_language: the Accept-Language header, or %NULL to send none
 *
 * A plain struct: fill it on the owner's thread, then hand a copy to a pipeline,
 * which never changes it.
 */
struct _GleanerConfig
{
  guint          n_workers;
  guint          n_parsers;
  guint          per_host;
  guint          max_redirects;
  guint          retries;
  double         timeout;
  double         deadline;
  double         max_retry_after;
  gsize          max_body;
  guint          max_pages_in_flight;
  guint          delivery_interval_ms;
  GleanerFields  fields;
  gboolean       ignore_tls_errors;
  char          *user_agent;
  char          *accept_language;
};

GType          gleaner_config_get_type           (void) G_GNUC_CONST;
GleanerConfig *gleaner_config_new                (void);
GleanerConfig *gleaner_config_copy               (const GleanerConfig *config);
void           gleaner_config_free               (GleanerConfig       *config);
void           gleaner_config_set_user_agent     (GleanerConfig       *config,
                                                  const char          *user_agent);
void           gleaner_config_set_accept_language (GleanerConfig      *config,
                                                  const char          *accept_language);
const char    *gleaner_config_default_user_agent (void);
gboolean       gleaner_fields_parse              (const char          *str,
                                                  GleanerFields       *fields,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerConfig, gleaner_config_free)

G_END_DECLS
