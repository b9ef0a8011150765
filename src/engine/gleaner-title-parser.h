/* gleaner-title-parser.h: encoding sniffing and page facts (title, description, ...)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "gleaner-types.h"

G_BEGIN_DECLS

/**
 * GleanerContentClass:
 * @GLEANER_CONTENT_HTML: text/html (parse as HTML)
 * @GLEANER_CONTENT_XML: application/xhtml+xml, application/xml, text/xml, *+xml
 * @GLEANER_CONTENT_UNKNOWN: no Content-Type; sniff as a browser would
 * @GLEANER_CONTENT_OTHER: anything else: not HTML, no title is guessed
 */
typedef enum
{
  GLEANER_CONTENT_HTML,
  GLEANER_CONTENT_XML,
  GLEANER_CONTENT_UNKNOWN,
  GLEANER_CONTENT_OTHER,
} GleanerContentClass;

/**
 * GLEANER_MAX_TEXT_UNITS:
 *
 * The most UTF-16 code units a title (or another text fact) keeps: Chromium's
 * kMaxTitleChars. Longer text is cut there, never inside a character.
 */
#define GLEANER_MAX_TEXT_UNITS 4096

/**
 * GleanerPageFacts:
 * @has_title: whether the document has a title element (an empty one counts)
 * @title: `document.title` (stripped and collapsed), "" when there is no title
 * @description, @og_title, @og_site_name, @canonical, @lang, @h1: %NULL when absent
 * @encoding: the WHATWG name of the encoding used ("UTF-8", "windows-1252", ...)
 * @encoding_source: where @encoding came from
 *
 * What one parse found. Every string is valid UTF-8 (or %NULL). The text
 * facts (all but @canonical and @encoding) hold at most
 * %GLEANER_MAX_TEXT_UNITS UTF-16 code units, as a browser keeps of a title.
 */
struct _GleanerPageFacts
{
  gboolean               has_title;
  char                  *title;
  char                  *description;
  char                  *og_title;
  char                  *og_site_name;
  char                  *canonical;
  char                  *lang;
  char                  *h1;
  char                  *encoding;
  GleanerEncodingSource  encoding_source;
};

GleanerPageFacts    *gleaner_page_facts_new                (void);
void                 gleaner_page_facts_free               (GleanerPageFacts   *facts);

GleanerContentClass  gleaner_title_parser_classify         (const char         *content_type);
/* For a body without a Content-Type (UNKNOWN): HTML, XML or OTHER, as a
 * browser's MIME sniffing decides from the first 512 bytes. Thread-safe. */
GleanerContentClass  gleaner_title_parser_sniff            (const guint8       *data,
                                                            gsize               len);

/* One parser per thread: it keeps converters and libxml2 state between pages and
 * is not thread-safe. Create and free it on the thread that uses it. */
GleanerTitleParser  *gleaner_title_parser_new              (void);
void                 gleaner_title_parser_free             (GleanerTitleParser *self);

/**
 * gleaner_title_parser_parse:
 * @self: a parser owned by the calling thread
 * @data: the body bytes as received (after Content-Encoding was decoded)
 * @len: length of @data
 * @content_type: (nullable): the Content-Type header, parameters included
 * @base_url: (nullable): the page's final URL, to resolve the canonical link
 * @fields: which facts to extract; the parse may stop once all are known
 *
 * Returns: (transfer full): the facts. Never %NULL: bytes that are not HTML
 *   simply give a page without a title.
 */
GleanerPageFacts    *gleaner_title_parser_parse            (GleanerTitleParser *self,
                                                            const guint8       *data,
                                                            gsize               len,
                                                            const char         *content_type,
                                                            const char         *base_url,
                                                            GleanerFields       fields);

/**
 * gleaner_title_parser_prefix_is_enough:
 * @data: the first @len bytes of a body (more may follow)
 * @len: length of @data
 * @content_type: (nullable): the Content-Type header
 * @fields: the facts the run wants
 *
 * Cheap test a fetch worker runs on what it has read so far, to stop reading a
 * body early. It must be conservative: whenever it returns %TRUE, parsing @data
 * gives the same facts for @fields as parsing the whole body would. It runs the
 * real scanner over @data and also checks that more bytes could not change the
 * encoding's reading of what was scanned; XML never stops early. (The encoding
 * *name* of a prefix may still differ: the UTF-8 policy looks at all bytes read.)
 *
 * Thread-safe (no state).
 */
gboolean             gleaner_title_parser_prefix_is_enough (const guint8       *data,
                                                            gsize               len,
                                                            const char         *content_type,
                                                            GleanerFields       fields);

/* The same test with the caller's parser, giving the facts when it says TRUE
 * (see gleaner-title-parser.c). */
gboolean             gleaner_title_parser_check_prefix     (GleanerTitleParser  *self,
                                                            const guint8        *data,
                                                            gsize                len,
                                                            const char          *content_type,
                                                            const char          *base_url,
                                                            GleanerFields        fields,
                                                            GleanerPageFacts   **facts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerPageFacts, gleaner_page_facts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerTitleParser, gleaner_title_parser_free)

G_END_DECLS
