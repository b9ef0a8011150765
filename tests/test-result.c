/* test-result.c: GleanerResult, GleanerConfig and error names
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-engine.h"
#include "gleaner-result-private.h"

static void
test_result_create (void)
{
  GleanerResult *result = gleaner_result_new_for_url (42, "https://example.org/");

  g_assert_cmpuint (gleaner_result_get_id (result), ==, 42);
  g_assert_cmpstr (gleaner_result_get_url (result), ==, "https://example.org/");
  g_assert_cmpstr (gleaner_result_get_final_url (result), ==, "https://example.org/");
  g_assert_null (gleaner_result_get_title (result));
  g_assert_true (gleaner_result_get_succeeded (result));
  g_assert_finalize_object (result);
}

/* A result's URL never shows userinfo, whatever the URL looks like; the rest
 * of the URL is kept byte for byte (not re-encoded). */
static void
test_result_userinfo (void)
{
  const struct { const char *in, *shown; } cases[] = {
    { "https://user:secret@example.org/a?b#c", "https://example.org/a?b#c" },
    { "http://u:p@h;x", "http://h;x" },   /* a relaxed parse GUri cannot print */
    { "http://a@b@host/p@q", "http://host/p@q" },
    { "http://host/path?x=u:p@h", "http://host/path?x=u:p@h" },
    { "http://u:p@host\\p", "http://host\\p" },
    { "HTTP://u@HOST:8080#f@g", "HTTP://HOST:8080#f@g" },
    { "http://host/%41%zz", "http://host/%41%zz" },
    { "not a url u:p@h", "not a url u:p@h" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GleanerResult *result = gleaner_result_new_for_url (i, cases[i].in);

      g_assert_cmpstr (gleaner_result_get_url (result), ==, cases[i].shown);
      g_assert_finalize_object (result);
    }
}

static gpointer
churn_thread (gpointer data)
{
  for (guint i = 0; i < 20000; i++)
    {
      GleanerResult *result = gleaner_result_new_for_url (i, "http://example.org/");

      _gleaner_result_set_status (result, 200, "OK");
      _gleaner_result_set_content_type (result, (i & 1) ? "text/html" : "text/plain");
      g_object_unref (result);
    }
  return NULL;
}

/* Results sharing their reason phrase and Content-Type are made and dropped
 * on many threads at once (GLib 2.74's interned GRefStrings crash here). */
static void
test_result_shared_threads (void)
{
  GThread *threads[8];
  GleanerResult *kept = gleaner_result_new_for_url (0, "http://example.org/");

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("churn", churn_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  _gleaner_result_set_status (kept, 200, "OK");
  g_assert_cmpstr (gleaner_result_get_reason (kept), ==, "OK");
  g_assert_finalize_object (kept);
}

static void
test_result_fields (void)
{
  g_autoptr(GleanerResult) result = gleaner_result_new_for_url (1, "http://a.example/\xff");
  GleanerPageFacts *facts = gleaner_page_facts_new ();
  g_autofree char *title = NULL;
  guint status = 0;

  /* Invalid UTF-8 in is valid UTF-8 out. */
  g_assert_true (g_utf8_validate (gleaner_result_get_url (result), -1, NULL));

  _gleaner_result_set_final_url (result, "https://b.example/", 2);
  _gleaner_result_set_status (result, 200, "OK");
  facts->has_title = TRUE;
  facts->title = g_strdup ("Hello");
  facts->h1 = g_strdup ("Heading");
  facts->encoding = g_strdup ("UTF-8");
  facts->encoding_source = GLEANER_ENCODING_SOURCE_HEADER;
  _gleaner_result_take_facts (result, facts);

  g_assert_cmpstr (gleaner_result_get_final_url (result), ==, "https://b.example/");
  g_assert_cmpuint (gleaner_result_get_redirect_count (result), ==, 2);
  g_assert_cmpstr (gleaner_result_get_fact (result, GLEANER_FIELD_H1), ==, "Heading");
  g_assert_null (gleaner_result_get_fact (result, GLEANER_FIELD_DESCRIPTION));
  g_assert_cmpuint (gleaner_result_get_encoding_source (result), ==, GLEANER_ENCODING_SOURCE_HEADER);

  /* Properties mirror the getters (the window binds them). */
  g_object_get (result, "title", &title, "status", &status, NULL);
  g_assert_cmpstr (title, ==, "Hello");
  g_assert_cmpuint (status, ==, 200);

  _gleaner_result_set_error (result, GLEANER_ERROR_TIMEOUT, "slow");
  g_assert_false (gleaner_result_get_succeeded (result));
  g_assert_cmpstr (gleaner_result_get_error_message (result), ==, "slow");
}

/* A window keeps 100,000 results: what rows have in common is one string. */
static void
test_result_shared_strings (void)
{
  g_autoptr(GleanerResult) first = gleaner_result_new_for_url (1, "https://a.example/1");
  g_autoptr(GleanerResult) second = gleaner_result_new_for_url (2, "https://a.example/2");
  g_autoptr(GleanerResult) untitled = gleaner_result_new_for_url (3, "https://a.example/3");
  GleanerResult *results[] = { first, second };
  GleanerPageFacts *facts = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      facts = gleaner_page_facts_new ();
      facts->has_title = TRUE;
      facts->title = g_strdup_printf ("Page %u", i + 1);
      facts->encoding = g_strdup ("windows-1252");
      facts->encoding_source = GLEANER_ENCODING_SOURCE_META;
      _gleaner_result_set_status (results[i], 200, "OK");
      _gleaner_result_set_content_type (results[i], "text/html; charset=windows-1252");
      _gleaner_result_take_facts (results[i], facts);
    }

  g_assert_cmpstr (gleaner_result_get_reason (first), ==, "OK");
  g_assert_true (gleaner_result_get_reason (first) == gleaner_result_get_reason (second));
  g_assert_cmpstr (gleaner_result_get_content_type (second), ==, "text/html; charset=windows-1252");
  g_assert_true (gleaner_result_get_content_type (first) == gleaner_result_get_content_type (second));
  g_assert_cmpstr (gleaner_result_get_encoding (first), ==, "windows-1252");
  g_assert_true (gleaner_result_get_encoding (first) == gleaner_result_get_encoding (second));
  g_assert_cmpuint (gleaner_result_get_encoding_source (second), ==, GLEANER_ENCODING_SOURCE_META);
  g_assert_cmpstr (gleaner_result_get_title (second), ==, "Page 2");
  g_assert_null (gleaner_result_get_fact (second, GLEANER_FIELD_H1));

  /* Invalid UTF-8 is made valid before it is shared. */
  _gleaner_result_set_status (second, 200, "O\xffK");
  g_assert_true (g_utf8_validate (gleaner_result_get_reason (second), -1, NULL));
  g_assert_cmpstr (gleaner_result_get_reason (first), ==, "OK");

  /* No title element: no title, though the parser's title is "". */
  facts = gleaner_page_facts_new ();
  facts->title = g_strdup ("");
  _gleaner_result_take_facts (untitled, facts);
  g_assert_null (gleaner_result_get_title (untitled));
  g_assert_null (gleaner_result_get_encoding (untitled));

  /* The owner's copy reads the same. */
  _gleaner_result_set_error (first, GLEANER_ERROR_HTTP_STATUS, "gone");
  _gleaner_result_move_to_owner (first);
  g_assert_cmpstr (gleaner_result_get_url (first), ==, "https://a.example/1");
  g_assert_cmpstr (gleaner_result_get_title (first), ==, "Page 1");
  g_assert_cmpstr (gleaner_result_get_error_message (first), ==, "gone");
}

static void
test_error_names (void)
{
  GleanerError kind = GLEANER_ERROR_NONE;

  g_assert_cmpstr (gleaner_error_kind_to_string (GLEANER_ERROR_RATE_LIMITED), ==, "rate-limited");
  g_assert_true (gleaner_error_kind_from_string ("too-large", &kind));
  g_assert_cmpuint (kind, ==, GLEANER_ERROR_TOO_LARGE);
  g_assert_false (gleaner_error_kind_from_string ("nonsense", &kind));
  /* Every kind has a machine name and a label. */
  for (guint k = 1; k < GLEANER_ERROR_N_KINDS; k++)
    {
      g_assert_cmpstr (gleaner_error_kind_to_string (k), !=, "");
      g_assert_cmpstr (gleaner_error_kind_get_label (k), !=, "");
    }
}

static void
test_config_fields (void)
{
  g_autoptr(GleanerConfig) config = gleaner_config_new ();
  g_autoptr(GleanerConfig) copy = NULL;
  g_autoptr(GError) error = NULL;
  GleanerFields fields = 0;

  g_assert_cmpuint (config->n_workers, ==, 32);
  g_assert_cmpuint (config->per_host, ==, 6);
  g_assert_cmpuint (config->max_body, ==, 8 * 1024 * 1024);
  g_assert_true (g_str_has_prefix (config->user_agent, "Gleaner/"));
  gleaner_config_set_user_agent (config, "Custom/1");
  copy = gleaner_config_copy (config);
  g_assert_cmpstr (copy->user_agent, ==, "Custom/1");

  g_assert_true (gleaner_fields_parse ("description, h1", &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fields, ==, GLEANER_FIELD_TITLE | GLEANER_FIELD_DESCRIPTION | GLEANER_FIELD_H1);
  g_assert_true (gleaner_fields_parse ("og-title", &fields, &error));
  g_assert_cmpuint (fields, ==, GLEANER_FIELD_TITLE | GLEANER_FIELD_OG_TITLE);
  g_assert_true (gleaner_fields_parse ("all", &fields, &error));
  g_assert_cmpuint (fields, ==, GLEANER_FIELDS_ALL);
  g_assert_false (gleaner_fields_parse ("title,bogus", &fields, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gleaner_engine_init ();

  g_test_add_func ("/gleaner/result/create", test_result_create);
  g_test_add_func ("/gleaner/result/fields", test_result_fields);
  g_test_add_func ("/gleaner/result/userinfo", test_result_userinfo);
  g_test_add_func ("/gleaner/result/shared-strings", test_result_shared_strings);
  g_test_add_func ("/gleaner/result/shared-strings/threads", test_result_shared_threads);
  g_test_add_func ("/gleaner/result/error-names", test_error_names);
  g_test_add_func ("/gleaner/result/config-fields", test_config_fields);

  return g_test_run ();
}
