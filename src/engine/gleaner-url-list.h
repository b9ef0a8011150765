/* gleaner-url-list.h: turn pasted text (lists, Markdown, HTML, prose) into fetchable URLs
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "gleaner-types.h"

G_BEGIN_DECLS

/* Longest URL accepted, in bytes, both as written and once normalised. Browsers
 * and servers interoperate up to about 2 KiB and most servers stop at 8 KiB, so
 * anything longer is a paste accident (a data blob, a runaway query string). */
#define GLEANER_URL_MAX_LENGTH            (8 * 1024)

/* Longest line read, in bytes (the line break not counted). A longer line is
 * rejected as too long without being scanned: it is a minified page or binary
 * junk, and the limit bounds the work and memory one line can cost. */
#define GLEANER_URL_LIST_MAX_LINE_LENGTH  (1024 * 1024)

/* GleanerRejection.text holds at most this many characters ("…" included). */
#define GLEANER_REJECTION_TEXT_MAX_CHARS  200

/**
 * GleanerRejectReason:
 * @GLEANER_REJECT_NO_URL: the line has text but no URL
 * @GLEANER_REJECT_UNSUPPORTED_SCHEME: file:, javascript:, data:, ftp:, mailto:, ...
 * @GLEANER_REJECT_BAD_HOST: empty or malformed host name
 * @GLEANER_REJECT_BAD_PORT: port not a number or out of range
 * @GLEANER_REJECT_MALFORMED: the URL does not parse
 * @GLEANER_REJECT_TOO_LONG: the URL or the line is longer than Gleaner accepts
 * @GLEANER_REJECT_NOT_TEXT: the line holds NUL bytes or is not text
 */
typedef enum
{
  GLEANER_REJECT_NO_URL,
  GLEANER_REJECT_UNSUPPORTED_SCHEME,
  GLEANER_REJECT_BAD_HOST,
  GLEANER_REJECT_BAD_PORT,
  GLEANER_REJECT_MALFORMED,
  GLEANER_REJECT_TOO_LONG,
  GLEANER_REJECT_NOT_TEXT,
} GleanerRejectReason;

/**
 * GleanerRejection:
 * @line: 1-based line number in the input
 * @reason: why the line was rejected
 * @text: (nullable): the offending text, valid UTF-8, shortened, passwords removed
 * @message: a human, translated sentence saying what went wrong
 */
struct _GleanerRejection
{
  guint64              line;
  GleanerRejectReason  reason;
  char                *text;
  char                *message;
};

#define GLEANER_TYPE_REJECTION (gleaner_rejection_get_type ())

GType             gleaner_rejection_get_type        (void) G_GNUC_CONST;
GleanerRejection *gleaner_rejection_copy            (const GleanerRejection *rejection);
void              gleaner_rejection_free            (GleanerRejection       *rejection);
const char       *gleaner_reject_reason_to_string   (GleanerRejectReason     reason);

/**
 * gleaner_url_normalize:
 * @text: one candidate URL (with or without scheme)
 * @len: length of @text, or -1 if nul-terminated
 * @reason: (out) (optional): why it was rejected
 *
 * Normalises one URL: lower-case scheme and host, IDN host to ASCII, default
 * port and empty path dropped/added, "example.org/x" becomes "https://example.org/x".
 *
 * Returns: (transfer full) (nullable): the normalised URL, or %NULL if rejected
 */
char             *gleaner_url_normalize             (const char             *text,
                                                     gssize                  len,
                                                     GleanerRejectReason    *reason);

/* A GleanerUrlList is fed input line by line (or as whole text), keeps counts,
 * drops duplicates and queues the accepted URLs until the caller takes them.
 * Its memory is the dedupe set (9-11 bytes per distinct URL unless
 * keep-duplicates) plus what the caller has not yet taken. Not thread-safe:
 * one owner thread.
 *
 * Every non-blank line either yields URLs (counted in n-urls or n-duplicates)
 * or exactly one rejection, so n-rejected counts rejected lines. A line that
 * yields a URL is not rejected even if it also held an unusable link (say a
 * mailto: next to an https link). Blank lines are numbered but never rejected.
 * The rules for what counts as a link are documented at the top of
 * gleaner-url-list.c. */
GleanerUrlList   *gleaner_url_list_new              (void);
void              gleaner_url_list_free             (GleanerUrlList         *self);
void              gleaner_url_list_set_keep_duplicates (GleanerUrlList      *self,
                                                     gboolean                keep);
/* One line (without its newline); numbered after the lines fed so far. */
void              gleaner_url_list_add_line         (GleanerUrlList         *self,
                                                     const char             *line,
                                                     gsize                   len);
/* Any text: split into lines ("\n", "\r\n", "\r"); a final line without newline counts. */
void              gleaner_url_list_add_text         (GleanerUrlList         *self,
                                                     const char             *text,
                                                     gsize                   len);
/* Takes the URLs accepted since the last call, in input order: (element-type utf8). */
GPtrArray        *gleaner_url_list_take_urls        (GleanerUrlList         *self);
/* Takes the rejections since the last call: (element-type GleanerRejection). */
GPtrArray        *gleaner_url_list_take_rejections  (GleanerUrlList         *self);
guint64           gleaner_url_list_get_n_lines      (GleanerUrlList         *self);
guint64           gleaner_url_list_get_n_urls       (GleanerUrlList         *self);
guint64           gleaner_url_list_get_n_duplicates (GleanerUrlList         *self);
guint64           gleaner_url_list_get_n_rejected   (GleanerUrlList         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerRejection, gleaner_rejection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerUrlList, gleaner_url_list_free)

G_END_DECLS
