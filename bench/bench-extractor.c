/* bench-extractor.c: single-threaded throughput of the title extractor next to a full libxml2 parse
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-extractor [CORPUS_DIR] [--seconds N]
 *
 * CORPUS_DIR holds expected.tsv and pages/ (default: $GLEANER_SHARED_CORPUS,
 * else tests/corpus or ../tests/corpus). Every pass parses every page once, with
 * the Content-Type of expected.tsv; passes repeat until N seconds (default 2)
 * have gone by. Prints MB/s (of page bytes) and pages/s, by wall clock and by
 * the thread's CPU time, for:
 *   - gleaner_title_parser_parse(), title only and all fields;
 *   - gleaner_title_parser_prefix_is_enough() on whole pages (what a fetch
 *     worker pays per check);
 *   - libxml2's htmlReadMemory() (a full tree, freed), with the encoding the
 *     extractor chose, and HTML_PARSE_RECOVER|NOERROR|NOWARNING|NONET|COMPACT.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/HTMLparser.h>

#include "gleaner-engine.h"

typedef struct
{
  char   *content_type;
  char   *encoding;  /* as the extractor chose it, for libxml2 */
  GBytes *body;
} Page;

typedef enum
{
  KIND_TITLE,
  KIND_ALL_FIELDS,
  KIND_PREFIX_CHECK,
  KIND_LIBXML2,
} Kind;

static const char * const kind_names[] = {
  "gleaner_title_parser_parse (title only)",
  "gleaner_title_parser_parse (all fields)",
  "gleaner_title_parser_prefix_is_enough (title)",
  "libxml2 htmlReadMemory (full tree)",
};

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static GPtrArray *
load_pages (const char *dir)
{
  g_autofree char *tsv_path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *pages;

  if (!g_file_get_contents (tsv_path, &tsv, NULL, NULL))
    return NULL;
  pages = g_ptr_array_new ();
  lines = g_strsplit (tsv, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);
      g_autofree char *path = NULL;
      char *data;
      gsize len;
      Page *page;

      if (g_strv_length (fields) < 2)
        continue;
      path = g_build_filename (dir, "pages", fields[0], NULL);
      if (!g_file_get_contents (path, &data, &len, NULL))
        continue;
      page = g_new0 (Page, 1);
      page->content_type = g_strdup (fields[1]);
      page->body = g_bytes_new_take (data, len);
      g_ptr_array_add (pages, page);
    }
  return pages;
}

static void
run_pass (GleanerTitleParser *parser,
          GPtrArray          *pages,
          Kind                kind,
          volatile gsize     *sink)
{
  for (guint i = 0; i < pages->len; i++)
    {
      Page *page = g_ptr_array_index (pages, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (page->body, &len);

      switch (kind)
        {
        case KIND_TITLE:
        case KIND_ALL_FIELDS:
          {
            GleanerPageFacts *facts;

            facts = gleaner_title_parser_parse (parser, data, len, page->content_type,
                                                "http://127.0.0.1/",
                                                kind == KIND_TITLE ? GLEANER_FIELD_TITLE
                                                                   : GLEANER_FIELDS_ALL);
            *sink += strlen (facts->title);
            gleaner_page_facts_free (facts);
          }
          break;
        case KIND_PREFIX_CHECK:
          *sink += gleaner_title_parser_prefix_is_enough (data, len, page->content_type,
                                                          GLEANER_FIELD_TITLE);
          break;
        case KIND_LIBXML2:
          {
            htmlDocPtr doc = htmlReadMemory ((const char *)data, (int)len, "http://127.0.0.1/",
                                             page->encoding,
                                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                             HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                             HTML_PARSE_COMPACT);

            *sink += doc != NULL;
            xmlFreeDoc (doc);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = g_getenv ("GLEANER_SHARED_CORPUS");
  double seconds = 2.0;
  g_autoptr(GleanerTitleParser) parser = NULL;
  GPtrArray *pages;
  guint64 total_bytes = 0;
  volatile gsize sink = 0;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--seconds") == 0 && i + 1 < argc)
        seconds = g_ascii_strtod (argv[++i], NULL);
      else
        dir = argv[i];
    }
  if (dir == NULL)
    dir = g_file_test ("tests/corpus/expected.tsv", G_FILE_TEST_EXISTS) ? "tests/corpus"
                                                                         : "../tests/corpus";

  gleaner_engine_init ();
  pages = load_pages (dir);
  if (pages == NULL || pages->len == 0)
    {
      g_printerr ("bench-extractor: no corpus in %s (give its directory)\n", dir);
      return 2;
    }
  parser = gleaner_title_parser_new ();
  for (guint i = 0; i < pages->len; i++)
    {
      Page *page = g_ptr_array_index (pages, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (page->body, &len);
      GleanerPageFacts *facts = gleaner_title_parser_parse (parser, data, len, page->content_type,
                                                            NULL, GLEANER_FIELD_TITLE);

      page->encoding = g_strdup (facts->encoding);
      gleaner_page_facts_free (facts);
      total_bytes += len;
    }

  g_print ("corpus: %u pages, %.1f MB (%s); at least %.1f s per measurement, one thread\n\n",
           pages->len, total_bytes / 1e6, dir, seconds);
  g_print ("%-48s %9s %9s %11s %9s\n", "", "MB/s", "pages/s", "MB/s (CPU)", "passes");
  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    {
      gint64 start;
      double cpu_start, wall, cpu;
      guint passes = 0;

      run_pass (parser, pages, k, &sink);  /* warm caches */
      start = g_get_monotonic_time ();
      cpu_start = thread_cpu_seconds ();
      do
        {
          run_pass (parser, pages, k, &sink);
          passes++;
          wall = (g_get_monotonic_time () - start) / 1e6;
        }
      while (wall < seconds);
      cpu = thread_cpu_seconds () - cpu_start;
      g_print ("%-48s %9.1f %9.0f %11.1f %9u\n", kind_names[k],
               passes * total_bytes / 1e6 / wall, passes * pages->len / wall,
               passes * total_bytes / 1e6 / cpu, passes);
    }

  for (guint i = 0; i < pages->len; i++)
    {
      Page *page = g_ptr_array_index (pages, i);

      g_free (page->content_type);
      g_free (page->encoding);
      g_bytes_unref (page->body);
      g_free (page);
    }
  g_ptr_array_unref (pages);
  (void)sink;
  return 0;
}
