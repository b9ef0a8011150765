/* gleaner-error.c: the engine's error domain and the names of error kinds
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "gleaner-error.h"
#include "gleaner-types.h"

G_DEFINE_QUARK (gleaner-error-quark, gleaner_error)

/* Stable machine names: they appear in every export (error_kind column) and in
 * the session store, so never rename one. */
static const char * const kind_names[GLEANER_ERROR_N_KINDS] = {
  [GLEANER_ERROR_NONE]         = "",
  [GLEANER_ERROR_INVALID_URL]  = "invalid-url",
  [GLEANER_ERROR_DNS]          = "dns",
  [GLEANER_ERROR_CONNECTION]   = "connection",
  [GLEANER_ERROR_TLS]          = "tls",
  [GLEANER_ERROR_TIMEOUT]      = "timeout",
  [GLEANER_ERROR_HTTP_STATUS]  = "http-status",
  [GLEANER_ERROR_RATE_LIMITED] = "rate-limited",
  [GLEANER_ERROR_TOO_LARGE]    = "too-large",
  [GLEANER_ERROR_NOT_HTML]     = "not-html",
  [GLEANER_ERROR_NO_TITLE]     = "no-title",
  [GLEANER_ERROR_CANCELLED]    = "cancelled",
  [GLEANER_ERROR_REDIRECT]     = "redirect",
  [GLEANER_ERROR_PROTOCOL]     = "protocol",
  [GLEANER_ERROR_NETWORK]      = "network",
  [GLEANER_ERROR_INPUT]        = "input",
  [GLEANER_ERROR_WRITE]        = "write",
};

/**
 * gleaner_error_kind_to_string:
 * @kind: an error kind
 *
 * Returns: the stable machine name of @kind ("" for %GLEANER_ERROR_NONE)
 */
const char *
gleaner_error_kind_to_string (GleanerError kind)
{
  g_return_val_if_fail (kind < GLEANER_ERROR_N_KINDS, "");

  return kind_names[kind];
}

gboolean
gleaner_error_kind_from_string (const char   *str,
                                GleanerError *kind)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < GLEANER_ERROR_N_KINDS; i++)
    {
      if (g_str_equal (str, kind_names[i]))
        {
          if (kind != NULL)
            *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * gleaner_error_kind_get_label:
 * @kind: an error kind
 *
 * Returns: a short translated label for @kind, for a UI column or a summary
 */
const char *
gleaner_error_kind_get_label (GleanerError kind)
{
  switch (kind)
    {
    case GLEANER_ERROR_NONE:         return _("OK");
    case GLEANER_ERROR_INVALID_URL:  return _("Invalid URL");
    case GLEANER_ERROR_DNS:          return _("Host not found");
    case GLEANER_ERROR_CONNECTION:   return _("Connection failed");
    case GLEANER_ERROR_TLS:          return _("TLS error");
    case GLEANER_ERROR_TIMEOUT:      return _("Timed out");
    case GLEANER_ERROR_HTTP_STATUS:  return _("HTTP error");
    case GLEANER_ERROR_RATE_LIMITED: return _("Rate limited");
    case GLEANER_ERROR_TOO_LARGE:    return _("Too large");
    case GLEANER_ERROR_NOT_HTML:     return _("Not HTML");
    case GLEANER_ERROR_NO_TITLE:     return _("No title");
    case GLEANER_ERROR_CANCELLED:    return _("Cancelled");
    case GLEANER_ERROR_REDIRECT:     return _("Redirect error");
    case GLEANER_ERROR_PROTOCOL:     return _("Bad response");
    case GLEANER_ERROR_NETWORK:      return _("Network error");
    case GLEANER_ERROR_INPUT:        return _("Unreadable input");
    case GLEANER_ERROR_WRITE:        return _("Write failed");
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * gleaner_encoding_source_to_string:
 * @source: where an encoding came from
 *
 * Returns: a stable machine name: "", "bom", "header", "meta", "utf-8",
 *   "detected" or "default"
 */
const char *
gleaner_encoding_source_to_string (GleanerEncodingSource source)
{
  switch (source)
    {
    case GLEANER_ENCODING_SOURCE_NONE:     return "";
    case GLEANER_ENCODING_SOURCE_BOM:      return "bom";
    case GLEANER_ENCODING_SOURCE_HEADER:   return "header";
    case GLEANER_ENCODING_SOURCE_META:     return "meta";
    case GLEANER_ENCODING_SOURCE_UTF8:     return "utf-8";
    case GLEANER_ENCODING_SOURCE_DETECTED: return "detected";
    case GLEANER_ENCODING_SOURCE_DEFAULT:  return "default";
    default:
      g_return_val_if_reached ("");
    }
}
