/* fuzz-url-list.c: libFuzzer target for GleanerUrlList
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds the raw bytes to gleaner_url_list_add_text() (as text), to
 * gleaner_url_list_add_line() (as one line, duplicates kept) and to
 * gleaner_url_normalize(), then checks what came out:
 * - every accepted URL is printable ASCII (so valid UTF-8 without whitespace),
 *   starts with http:// or https://, has no userinfo, is at most
 *   GLEANER_URL_MAX_LENGTH bytes, and normalises to itself;
 * - every rejection has valid UTF-8 text of at most 200 characters in which
 *   no userinfo password survives, a message, and a line number in range;
 * - a single line yields URLs or exactly one rejection (or nothing if blank).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gleaner-url-list.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* abort(), not g_error(): libFuzzer keeps the input of a SIGABRT, while GLib's
 * fatal errors raise SIGTRAP. */
#define FAIL(...) G_STMT_START { g_printerr (__VA_ARGS__); g_printerr ("\n"); abort (); } G_STMT_END

static void
check_url (const char *url)
{
  const char *authority;
  gsize authority_len;
  g_autofree char *wrapped = NULL;
  g_autofree char *again = NULL;

  g_assert (url != NULL);
  g_assert (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
  g_assert (strlen (url) <= GLEANER_URL_MAX_LENGTH);
  for (const char *c = url; *c != '\0'; c++)
    g_assert (*c > 0x20 && *c < 0x7f);
  g_assert (g_utf8_validate (url, -1, NULL));

  authority = strstr (url, "://") + 3;
  authority_len = strcspn (authority, "/?");
  g_assert (authority_len > 0);
  g_assert (memchr (authority, '@', authority_len) == NULL);

  /* Normal form is a fixed point ("<…>" keeps trailing punctuation). */
  wrapped = g_strconcat ("<", url, ">", NULL);
  again = gleaner_url_normalize (wrapped, -1, NULL);
  if (g_strcmp0 (again, url) != 0)
    FAIL ("not idempotent: %s -> %s", url, again ? again : "(rejected)");
}

/* Mirrors the masking rule: from the first ':' after the last '@' or "://" to
 * the next '@', only "***" (or nothing) may stand. */
static void
check_no_password (const char *text)
{
  const char *colon = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == ':' && p[1] == '/' && p[2] == '/')
        {
          colon = NULL;
          p += 2;
        }
      else if (*p == ':' && colon == NULL)
        {
          colon = p;
        }
      else if (*p == '@')
        {
          if (colon != NULL && !(p == colon + 1 || (p == colon + 4 &&
                                                    memcmp (colon + 1, "***", 3) == 0)))
            FAIL ("password shown: %s", text);
          colon = NULL;
        }
    }
}

static void
check_rejection (const GleanerRejection *rejection,
                 guint64                 n_lines)
{
  g_assert (rejection != NULL);
  g_assert (rejection->line >= 1 && rejection->line <= n_lines);
  g_assert (rejection->text != NULL);
  g_assert (g_utf8_validate (rejection->text, -1, NULL));
  g_assert (g_utf8_strlen (rejection->text, -1) <= GLEANER_REJECTION_TEXT_MAX_CHARS);
  g_assert (rejection->message != NULL && rejection->message[0] != '\0');
  g_assert (g_utf8_validate (rejection->message, -1, NULL));
  g_assert (strcmp (gleaner_reject_reason_to_string (rejection->reason), "unknown") != 0);
  check_no_password (rejection->text);
}

static void
check_list (GleanerUrlList *list,
            gboolean        one_line)
{
  g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
  g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);
  guint64 n_lines = gleaner_url_list_get_n_lines (list);

  for (guint i = 0; i < urls->len; i++)
    check_url (g_ptr_array_index (urls, i));
  for (guint i = 0; i < rejections->len; i++)
    check_rejection (g_ptr_array_index (rejections, i), n_lines);

  g_assert (gleaner_url_list_get_n_rejected (list) == rejections->len);
  g_assert (rejections->len <= n_lines);
  if (one_line)
    {
      g_assert (n_lines == 1);
      g_assert (urls->len == 0 || rejections->len == 0);
      g_assert (rejections->len <= 1);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *)data;
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GleanerUrlList) line = gleaner_url_list_new ();
  GleanerRejectReason reason = GLEANER_REJECT_NO_URL;
  g_autofree char *normal = NULL;

  gleaner_url_list_add_text (list, text, size);
  check_list (list, FALSE);

  gleaner_url_list_set_keep_duplicates (line, TRUE);
  gleaner_url_list_add_line (line, text, size);
  check_list (line, TRUE);

  normal = gleaner_url_normalize (text, size, &reason);
  if (normal != NULL)
    check_url (normal);
  else
    g_assert (strcmp (gleaner_reject_reason_to_string (reason), "unknown") != 0);

  return 0;
}
