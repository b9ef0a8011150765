/* fuzz-title-parser.c: libFuzzer target for the title parser (encodings, HTML scanner, XML)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: byte 0 picks the Content-Type, byte 1 the fields, the rest is the body
 * (tests/test-title-parser.c reads regression inputs the same way). Checks:
 * - every string in the facts is valid UTF-8, and the title has no space (nor
 *   anything Chromium shows as one) at either end;
 * - asking for the title alone gives the same title;
 * - whenever gleaner_title_parser_prefix_is_enough() says TRUE for a prefix,
 *   parsing that prefix gives the same facts as parsing the whole body.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gleaner-engine.h"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* abort(), not g_error(): libFuzzer keeps the input of a SIGABRT. */
#define FAIL(...) G_STMT_START { g_printerr (__VA_ARGS__); g_printerr ("\n"); abort (); } G_STMT_END

/* Keep in step with tests/test-title-parser.c. */
static const char * const content_types[] = {
  "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1252",
  "text/html; charset=shift_jis", "text/html; charset=utf-16le", "application/xhtml+xml",
  "image/svg+xml", NULL, "text/plain", "text/html; charset=gb18030",
  "text/html; charset=iso-2022-jp", "text/html; charset=x-user-defined",
};

static GleanerTitleParser *parser;

static void
check_string (const char *what,
              const char *s)
{
  if (s != NULL && !g_utf8_validate (s, -1, NULL))
    FAIL ("%s is not valid UTF-8", what);
}

static gboolean
shows_as_space (guint8 c)
{
  return (c <= 0x20 && c != 0x0B) || c == 0x7F;
}

static gboolean
facts_equal (const GleanerPageFacts *a,
             const GleanerPageFacts *b)
{
  return a->has_title == b->has_title && g_strcmp0 (a->title, b->title) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         g_strcmp0 (a->og_title, b->og_title) == 0 &&
         g_strcmp0 (a->og_site_name, b->og_site_name) == 0 &&
         g_strcmp0 (a->canonical, b->canonical) == 0 && g_strcmp0 (a->lang, b->lang) == 0 &&
         g_strcmp0 (a->h1, b->h1) == 0;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  gleaner_engine_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *content_type;
  GleanerFields fields;
  const guint8 *body;
  gsize len;
  GleanerPageFacts *facts, *title_only;
  gsize cuts[5];

  if (size < 2)
    return 0;
  content_type = content_types[data[0] % G_N_ELEMENTS (content_types)];
  fields = data[1] & GLEANER_FIELDS_ALL;
  body = data + 2;
  len = size - 2;

  /* The parser is reused, as a parser thread reuses it. */
  if (parser == NULL)
    parser = gleaner_title_parser_new ();

  facts = gleaner_title_parser_parse (parser, body, len, content_type,
                                      "https://example.com/dir/", fields);
  if (facts == NULL || facts->title == NULL)
    FAIL ("no facts or no title string");
  check_string ("title", facts->title);
  check_string ("description", facts->description);
  check_string ("og:title", facts->og_title);
  check_string ("og:site_name", facts->og_site_name);
  check_string ("canonical", facts->canonical);
  check_string ("lang", facts->lang);
  check_string ("h1", facts->h1);
  check_string ("encoding", facts->encoding);
  if (*facts->title != '\0' &&
      (shows_as_space (facts->title[0]) ||
       shows_as_space (facts->title[strlen (facts->title) - 1])))
    FAIL ("title \"%s\" has a space at an end", facts->title);
  if (!(fields & GLEANER_FIELD_TITLE) && facts->has_title)
    FAIL ("title found though not asked for");

  title_only = gleaner_title_parser_parse (parser, body, len, content_type,
                                           "https://example.com/dir/", GLEANER_FIELD_TITLE);
  if ((fields & GLEANER_FIELD_TITLE) && g_strcmp0 (title_only->title, facts->title) != 0)
    FAIL ("title \"%s\" alone, \"%s\" with other fields", title_only->title, facts->title);
  gleaner_page_facts_free (title_only);

  /* A few prefix lengths: fixed fractions and two the input chooses. */
  cuts[0] = len / 4;
  cuts[1] = len / 2;
  cuts[2] = len - len / 8;
  cuts[3] = len > 0 ? (data[0] * 257u + data[1]) % len : 0;
  cuts[4] = len > 0 ? len - 1 - (data[1] % MIN (len, 64)) : 0;
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      GleanerPageFacts *part;

      if (cuts[i] == 0 || cuts[i] > len ||
          !gleaner_title_parser_prefix_is_enough (body, cuts[i], content_type, fields))
        continue;
      part = gleaner_title_parser_parse (parser, body, cuts[i], content_type,
                                         "https://example.com/dir/", fields);
      if (!facts_equal (part, facts))
        FAIL ("prefix of %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT " bytes called enough, but its "
              "title \"%s\" differs from \"%s\"", cuts[i], len, part->title, facts->title);
      gleaner_page_facts_free (part);
    }

  gleaner_page_facts_free (facts);
  return 0;
}
