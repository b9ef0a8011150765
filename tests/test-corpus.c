/* test-corpus.c: the shared title corpus (130 real pages, Chromium's titles) through the engine
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-engine.h"
#include "gleaner-test-utils.h"

/* tests/corpus is a copy of ../shared/corpus: pages/NNNN.html, and expected.tsv
 * with the exact Content-Type each page is served with and the title Chromium
 * shows for it (plus Gleaner's UTF-8 policy; see tests/corpus/README.md). */

typedef struct
{
  char   *file;
  char   *content_type;
  char   *title;
  GBytes *body;
} CorpusPage;

static GPtrArray *pages;  /* of CorpusPage, loaded once */

static void
corpus_page_free (gpointer data)
{
  CorpusPage *page = data;

  g_free (page->file);
  g_free (page->content_type);
  g_free (page->title);
  g_bytes_unref (page->body);
  g_free (page);
}

static char *
corpus_dir (void)
{
  const char *dir = g_getenv ("GLEANER_SHARED_CORPUS");

  return dir != NULL ? g_strdup (dir) : gleaner_test_get_path ("corpus", NULL);
}

/* expected.tsv escapes a backslash, tab, newline and carriage return. */
static char *
unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s != '\0'; s++)
    {
      if (*s == '\\' && s[1] != '\0')
        {
          s++;
          switch (*s)
            {
            case 't': g_string_append_c (out, '\t'); break;
            case 'n': g_string_append_c (out, '\n'); break;
            case 'r': g_string_append_c (out, '\r'); break;
            default: g_string_append_c (out, *s); break;
            }
        }
      else
        g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

static void
load_corpus (void)
{
  g_autofree char *dir = corpus_dir ();
  g_autofree char *tsv_path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  if (pages != NULL)
    return;
  g_assert_true (g_file_get_contents (tsv_path, &tsv, NULL, &error));
  g_assert_no_error (error);
  pages = g_ptr_array_new_with_free_func (corpus_page_free);
  lines = g_strsplit (tsv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "file\tcontent_type\ttitle");
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      CorpusPage *page;
      g_autofree char *path = NULL;
      char *data = NULL;
      gsize len;

      if (*lines[i] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      page = g_new0 (CorpusPage, 1);
      page->file = g_strdup (fields[0]);
      page->content_type = g_strdup (fields[1]);
      page->title = unescape (fields[2]);
      path = g_build_filename (dir, "pages", page->file, NULL);
      g_assert_true (g_file_get_contents (path, &data, &len, &error));
      g_assert_no_error (error);
      page->body = g_bytes_new_take (data, len);
      g_ptr_array_add (pages, page);
    }
  g_assert_cmpuint (pages->len, ==, 130);
}

static GleanerPageFacts *
parse_page (GleanerTitleParser *parser,
            CorpusPage         *page,
            gsize               len,
            GleanerFields       fields)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (page->body, &size);

  g_assert_cmpuint (len, <=, size);
  return gleaner_title_parser_parse (parser, data, len, page->content_type,
                                     "http://127.0.0.1/pages/", fields);
}

static void
test_corpus_direct (void)
{
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();
  guint matches = 0;

  g_test_summary ("gleaner_title_parser_parse() gives Chromium's title for every page");
  load_corpus ();
  for (guint i = 0; i < pages->len; i++)
    {
      CorpusPage *page = g_ptr_array_index (pages, i);
      g_autoptr(GleanerPageFacts) facts = NULL;
      g_autoptr(GleanerPageFacts) all = NULL;

      facts = parse_page (parser, page, g_bytes_get_size (page->body), GLEANER_FIELD_TITLE);
      all = parse_page (parser, page, g_bytes_get_size (page->body), GLEANER_FIELDS_ALL);
      if (g_strcmp0 (facts->title, page->title) == 0)
        matches++;
      else
        g_test_message ("MISMATCH %s: \"%s\", expected \"%s\"", page->file, facts->title,
                        page->title);
      /* Every page here is UTF-8 (one mislabelled): the policy or the label. */
      g_assert_cmpstr (facts->encoding, ==, "UTF-8");
      g_assert_cmpstr (all->title, ==, facts->title);
      g_assert_true (all->description == NULL || g_utf8_validate (all->description, -1, NULL));
      g_assert_true (all->h1 == NULL || g_utf8_validate (all->h1, -1, NULL));
    }
  g_test_message ("corpus score (direct parse): %u/%u", matches, pages->len);
  g_assert_cmpuint (matches, ==, pages->len);
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

static void
test_corpus_prefix (void)
{
  const GleanerFields field_sets[] = { GLEANER_FIELD_TITLE, GLEANER_FIELDS_ALL,
                                       GLEANER_FIELD_TITLE | GLEANER_FIELD_H1 };
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();
  guint n_checks = 0, n_enough = 0;
  guint64 first_enough_total = 0, size_total = 0;

  g_test_summary ("Whenever prefix_is_enough() says TRUE for a prefix of a corpus page, "
                  "that prefix gives the same facts as the whole page");
  load_corpus ();
  for (guint i = 0; i < pages->len; i++)
    {
      CorpusPage *page = g_ptr_array_index (pages, i);
      gsize size;
      const guint8 *data = g_bytes_get_data (page->body, &size);

      for (guint f = 0; f < G_N_ELEMENTS (field_sets); f++)
        {
          g_autoptr(GleanerPageFacts) whole = parse_page (parser, page, size, field_sets[f]);
          gsize first = 0;

          /* Every length up to 4 KiB in steps of 61, then growing by 1/16. */
          for (gsize len = 1; len <= size; len += len < 4096 ? 61 : MAX (61, len / 16))
            {
              n_checks++;
              if (!gleaner_title_parser_prefix_is_enough (data, len, page->content_type,
                                                          field_sets[f]))
                continue;
              {
                g_autoptr(GleanerPageFacts) part = parse_page (parser, page, len, field_sets[f]);

                if (!facts_equal (part, whole))
                  g_error ("%s: a prefix of %" G_GSIZE_FORMAT " bytes was called enough, "
                           "but gives \"%s\" (whole page: \"%s\")", page->file, len, part->title,
                           whole->title);
              }
              n_enough++;
              if (first == 0)
                first = len;
            }
          if (field_sets[f] == GLEANER_FIELD_TITLE)
            {
              first_enough_total += first != 0 ? first : size;
              size_total += size;
            }
        }
    }
  g_test_message ("%u prefixes checked, %u enough; a title-only fetch would read %" G_GUINT64_FORMAT
                  " of %" G_GUINT64_FORMAT " bytes (%.1f%%)", n_checks, n_enough,
                  first_enough_total, size_total, 100.0 * first_enough_total / size_total);
  g_assert_cmpuint (n_enough, >, 0);
}

/* ---- through the real engine -------------------------------------------------- */

static void
serve_page_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GHashTable *by_path = user_data;
  CorpusPage *page = g_hash_table_lookup (by_path, path);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (page == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* The Content-Type byte for byte, as serve.py sends it. */
  soup_message_headers_replace (headers, "Content-Type", page->content_type);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), page->body);
}

static void
setup_server_cb (SoupServer *server,
                 gpointer    user_data)
{
  soup_server_add_handler (server, "/pages", serve_page_cb, user_data, NULL);
}

typedef struct
{
  GHashTable *by_id;  /* id -> GleanerResult */
  gboolean    finished;
} Run;

static void
results_cb (GleanerPipeline *pipeline,
            GPtrArray       *results,
            Run             *run)
{
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (results, i);

      g_hash_table_insert (run->by_id, GSIZE_TO_POINTER (gleaner_result_get_id (result)),
                           g_object_ref (result));
    }
}

static void
finished_cb (GleanerPipeline *pipeline,
             Run             *run)
{
  run->finished = TRUE;
}

static void
run_pipeline (GleanerFields fields)
{
  g_autoptr(GHashTable) by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GleanerConfig) config = gleaner_config_new ();
  g_autoptr(GleanerPipeline) pipeline = NULL;
  GleanerTestServer *server;
  Run run = { NULL, FALSE };
  guint matches = 0;
  guint64 bytes_read = 0, bytes_total = 0;

  load_corpus ();
  for (guint i = 0; i < pages->len; i++)
    {
      CorpusPage *page = g_ptr_array_index (pages, i);

      g_hash_table_insert (by_path, g_strconcat ("/pages/", page->file, NULL), page);
    }
  server = gleaner_test_server_new (setup_server_cb, by_path);
  run.by_id = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  config->fields = fields;
  config->n_workers = 8;
  config->per_host = 8;
  pipeline = gleaner_pipeline_new (config);
  g_signal_connect (pipeline, "results", G_CALLBACK (results_cb), &run);
  g_signal_connect (pipeline, "finished", G_CALLBACK (finished_cb), &run);
  for (guint i = 0; i < pages->len; i++)
    {
      CorpusPage *page = g_ptr_array_index (pages, i);
      g_autofree char *path = g_strconcat ("/pages/", page->file, NULL);
      g_autofree char *url = gleaner_test_server_url (server, path);

      gleaner_pipeline_add (pipeline, i, url);
    }
  gleaner_pipeline_close (pipeline);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &run.finished, 90000));
  g_assert_cmpuint (g_hash_table_size (run.by_id), ==, pages->len);

  for (guint i = 0; i < pages->len; i++)
    {
      CorpusPage *page = g_ptr_array_index (pages, i);
      GleanerResult *result = g_hash_table_lookup (run.by_id, GUINT_TO_POINTER (i));
      const char *title;

      g_assert_nonnull (result);
      title = gleaner_result_get_title (result);
      bytes_read += gleaner_result_get_body_bytes (result);
      bytes_total += g_bytes_get_size (page->body);
      g_assert_cmpuint (gleaner_result_get_status (result), ==, 200);
      g_assert_cmpstr (gleaner_result_get_content_type (result), ==, page->content_type);
      if (g_strcmp0 (title != NULL ? title : "", page->title) == 0)
        matches++;
      else
        g_test_message ("MISMATCH %s: \"%s\" (%s), expected \"%s\"", page->file, title,
                        gleaner_result_get_error_message (result), page->title);
    }
  g_test_message ("corpus score (pipeline, fields 0x%x): %u/%u; bodies read: %" G_GUINT64_FORMAT
                  " of %" G_GUINT64_FORMAT " bytes", fields, matches, pages->len, bytes_read,
                  bytes_total);

  g_clear_object (&pipeline);
  gleaner_pipeline_wait_for_threads ();
  g_hash_table_unref (run.by_id);
  gleaner_test_server_free (server);
  g_assert_cmpuint (matches, ==, pages->len);
}

static void
test_corpus_pipeline (void)
{
  g_test_summary ("The real engine, fetching every page from a loopback server with its "
                  "exact Content-Type, gives Chromium's title for every page");
  run_pipeline (GLEANER_FIELD_TITLE);
}

static void
test_corpus_pipeline_all_fields (void)
{
  run_pipeline (GLEANER_FIELDS_ALL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gleaner_engine_init ();

  g_test_add_func ("/gleaner/corpus/direct", test_corpus_direct);
  g_test_add_func ("/gleaner/corpus/prefix-is-enough", test_corpus_prefix);
  g_test_add_func ("/gleaner/corpus/pipeline", test_corpus_pipeline);
  g_test_add_func ("/gleaner/corpus/pipeline/all-fields", test_corpus_pipeline_all_fields);

  ret = g_test_run ();
  g_clear_pointer (&pages, g_ptr_array_unref);
  return ret;
}
