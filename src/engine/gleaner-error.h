/* gleaner-error.h: the engine's error domain and the error kinds of a result
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GLEANER_ERROR (gleaner_error_quark ())

/**
 * GleanerError:
 * @GLEANER_ERROR_NONE: not an error; the kind of a successful result
 * @GLEANER_ERROR_INVALID_URL: the URL cannot be fetched (bad syntax, scheme, host or port)
 * @GLEANER_ERROR_DNS: the host name could not be resolved
 * @GLEANER_ERROR_CONNECTION: connection refused, reset or closed early
 * @GLEANER_ERROR_TLS: TLS handshake or certificate verification failed
 * @GLEANER_ERROR_TIMEOUT: inactivity timeout or the per-URL deadline was hit
 * @GLEANER_ERROR_HTTP_STATUS: the server answered with an HTTP error status (4xx, 5xx)
 * @GLEANER_ERROR_RATE_LIMITED: 429 (or 503 with Retry-After) after the allowed waits
 * @GLEANER_ERROR_TOO_LARGE: the body passed the size cap before a title was found
 * @GLEANER_ERROR_NOT_HTML: the page is not HTML or XML (text/plain, image, PDF, ...)
 * @GLEANER_ERROR_NO_TITLE: an HTML page without a title element
 * @GLEANER_ERROR_CANCELLED: the run was stopped before this URL finished
 * @GLEANER_ERROR_REDIRECT: a redirect loop, too many redirects, or a redirect to a
 *   URL that may not be fetched (file:, data:, javascript:, ...)
 * @GLEANER_ERROR_PROTOCOL: the server sent something that is not valid HTTP
 * @GLEANER_ERROR_NETWORK: any other network failure
 * @GLEANER_ERROR_INPUT: an input file could not be read
 * @GLEANER_ERROR_WRITE: an export could not be written
 *
 * Error codes in the %GLEANER_ERROR domain. Each result carries one of them as
 * its error kind, so a user can tell what to do about a failed URL.
 */
typedef enum
{
  GLEANER_ERROR_NONE = 0,
  GLEANER_ERROR_INVALID_URL,
  GLEANER_ERROR_DNS,
  GLEANER_ERROR_CONNECTION,
  GLEANER_ERROR_TLS,
  GLEANER_ERROR_TIMEOUT,
  GLEANER_ERROR_HTTP_STATUS,
  GLEANER_ERROR_RATE_LIMITED,
  GLEANER_ERROR_TOO_LARGE,
  GLEANER_ERROR_NOT_HTML,
  GLEANER_ERROR_NO_TITLE,
  GLEANER_ERROR_CANCELLED,
  GLEANER_ERROR_REDIRECT,
  GLEANER_ERROR_PROTOCOL,
  GLEANER_ERROR_NETWORK,
  GLEANER_ERROR_INPUT,
  GLEANER_ERROR_WRITE,
} GleanerError;

#define GLEANER_ERROR_N_KINDS (GLEANER_ERROR_WRITE + 1)

GQuark      gleaner_error_quark              (void);
const char *gleaner_error_kind_to_string     (GleanerError kind);
gboolean    gleaner_error_kind_from_string   (const char   *str,
                                              GleanerError *kind);
const char *gleaner_error_kind_get_label     (GleanerError kind);

G_END_DECLS
