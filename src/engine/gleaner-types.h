/* gleaner-types.h: forward declarations and small shared enums of the engine
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GleanerConfig       GleanerConfig;
typedef struct _GleanerExporter     GleanerExporter;
typedef struct _GleanerPipeline     GleanerPipeline;
typedef struct _GleanerRejection    GleanerRejection;
typedef struct _GleanerResult       GleanerResult;
typedef struct _GleanerPageFacts    GleanerPageFacts;
typedef struct _GleanerTitleParser  GleanerTitleParser;
typedef struct _GleanerUrlList      GleanerUrlList;
typedef struct _GleanerWriter       GleanerWriter;

/**
 * GleanerFields:
 * @GLEANER_FIELD_TITLE: `document.title`
 * @GLEANER_FIELD_DESCRIPTION: `<meta name="description">`
 * @GLEANER_FIELD_OG_TITLE: `<meta property="og:title">`
 * @GLEANER_FIELD_OG_SITE_NAME: `<meta property="og:site_name">`
 * @GLEANER_FIELD_CANONICAL: `<link rel="canonical">`, resolved against the final URL
 * @GLEANER_FIELD_LANG: the `lang` attribute of `<html>`
 * @GLEANER_FIELD_H1: the text of the first `<h1>`
 *
 * Page facts a run extracts. Asking for fewer lets a run stop reading a body
 * sooner (a title-only run usually stops at `</head>`); it also selects the
 * extra columns the writers emit.
 */
typedef enum /*< flags >*/
{
  GLEANER_FIELD_NONE         = 0,
  GLEANER_FIELD_TITLE        = 1 << 0,
  GLEANER_FIELD_DESCRIPTION  = 1 << 1,
  GLEANER_FIELD_OG_TITLE     = 1 << 2,
  GLEANER_FIELD_OG_SITE_NAME = 1 << 3,
  GLEANER_FIELD_CANONICAL    = 1 << 4,
  GLEANER_FIELD_LANG         = 1 << 5,
  GLEANER_FIELD_H1           = 1 << 6,
} GleanerFields;

#define GLEANER_FIELDS_ALL (GLEANER_FIELD_TITLE | GLEANER_FIELD_DESCRIPTION | \
                            GLEANER_FIELD_OG_TITLE | GLEANER_FIELD_OG_SITE_NAME | \
                            GLEANER_FIELD_CANONICAL | GLEANER_FIELD_LANG | GLEANER_FIELD_H1)

/**
 * GleanerEncodingSource:
 * @GLEANER_ENCODING_SOURCE_NONE: nothing was decoded (no body, or not a text page)
 * @GLEANER_ENCODING_SOURCE_BOM: a byte order mark
 * @GLEANER_ENCODING_SOURCE_HEADER: the charset of the HTTP Content-Type
 * @GLEANER_ENCODING_SOURCE_META: the `<meta>` prescan of the first 1024 bytes
 *   (or an XML declaration for XML documents)
 * @GLEANER_ENCODING_SOURCE_UTF8: the bytes are valid, non-ASCII UTF-8 (Gleaner's policy)
 * @GLEANER_ENCODING_SOURCE_DETECTED: a statistical guess (uchardet)
 * @GLEANER_ENCODING_SOURCE_DEFAULT: the default, windows-1252 (or UTF-8 for XML)
 *
 * Where the encoding used to decode a page came from.
 */
typedef enum
{
  GLEANER_ENCODING_SOURCE_NONE = 0,
  GLEANER_ENCODING_SOURCE_BOM,
  GLEANER_ENCODING_SOURCE_HEADER,
  GLEANER_ENCODING_SOURCE_META,
  GLEANER_ENCODING_SOURCE_UTF8,
  GLEANER_ENCODING_SOURCE_DETECTED,
  GLEANER_ENCODING_SOURCE_DEFAULT,
} GleanerEncodingSource;

const char *gleaner_encoding_source_to_string (GleanerEncodingSource source);

G_END_DECLS
