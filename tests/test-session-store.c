/* test-session-store.c: the session journal: round trip, re-runs, history, corruption, crashes
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "gleaner-engine.h"
#include "gleaner-result-private.h"
#include "gleaner-session-store.h"
#include "gleaner-test-utils.h"

#define WAIT_MS 60000

/* How long an async call may take before the test fails; raised for the big one. */
static guint wait_ms = WAIT_MS;

/* The test binary, re-executed as the process that gets killed. */
static char *self_exe;

/* ---- fixtures ----------------------------------------------------------------- */

/* Untrusted text of every kind a page can send, stored and given back as is. */
static const char * const nasty[] = {
  "'); DROP TABLE results; --",
  "Robert\"; DELETE FROM sessions WHERE 1=1; --",
  "<b>not markup</b> &amp; % %s %n \\ ? ?1 :name @x $y",
  "Ünïcödé — 日本語 — 🦊 — \xe2\x80\xae right-to-left",
  "",
  "line one\nline two\r\n\ttabbed",
};

/* A deterministic result for @id; @variant changes every field, to tell a
 * re-run from the first run. Four shapes: success with every fact, HTTP
 * error without a title element, empty title, and a failure without facts. */
static GleanerResult *
make_result (guint64 id,
             guint   variant)
{
  g_autofree char *url = g_strdup_printf ("https://host%u.example/%" G_GUINT64_FORMAT "?q='x'",
                                          (guint)(id % 7), id);
  GleanerResult *result = gleaner_result_new_for_url (id, url);
  GleanerPageFacts *facts = NULL;
  const char *text = nasty[(id + variant) % G_N_ELEMENTS (nasty)];

  switch (id % 4)
    {
    case 0:
      {
        g_autofree char *final = g_strdup_printf ("https://www.host.example/%" G_GUINT64_FORMAT
                                                  "/v%u", id, variant);

        _gleaner_result_set_final_url (result, final, 1 + variant);
        _gleaner_result_set_status (result, 200, "OK");
        _gleaner_result_set_content_type (result, "text/html; charset=utf-8");
        facts = gleaner_page_facts_new ();
        facts->has_title = TRUE;
        facts->title = g_strdup_printf ("Title %" G_GUINT64_FORMAT " v%u %s", id, variant, text);
        facts->description = g_strdup_printf ("Description %s", text);
        facts->og_title = g_strdup_printf ("OG %" G_GUINT64_FORMAT, id);
        facts->og_site_name = g_strdup ("Site");
        facts->canonical = g_strdup_printf ("https://canonical.example/%" G_GUINT64_FORMAT, id);
        facts->lang = g_strdup ("de-CH");
        facts->h1 = g_strdup (text);
        facts->encoding = g_strdup ("UTF-8");
        facts->encoding_source = GLEANER_ENCODING_SOURCE_HEADER;
        _gleaner_result_take_facts (result, facts);
        _gleaner_result_set_body (result, id * 1000 + variant + G_GUINT64_CONSTANT (5000000000),
                                  id % 8 == 0);
        break;
      }
    case 1:
      _gleaner_result_set_status (result, 404, text);
      _gleaner_result_set_content_type (result, "text/html");
      facts = gleaner_page_facts_new ();
      facts->title = g_strdup ("");
      facts->encoding = g_strdup ("windows-1252");
      facts->encoding_source = GLEANER_ENCODING_SOURCE_DEFAULT;
      _gleaner_result_take_facts (result, facts);
      _gleaner_result_set_body (result, 321, FALSE);
      _gleaner_result_set_error (result, GLEANER_ERROR_HTTP_STATUS, "404 Not Found");
      break;
    case 2:
      _gleaner_result_set_status (result, 200, "OK");
      facts = gleaner_page_facts_new ();
      facts->has_title = TRUE;
      facts->title = g_strdup ("");
      facts->encoding = g_strdup ("Shift_JIS");
      facts->encoding_source = GLEANER_ENCODING_SOURCE_META;
      _gleaner_result_take_facts (result, facts);
      break;
    case 3:
    default:
      _gleaner_result_set_error (result, variant % 2 ? GLEANER_ERROR_TIMEOUT : GLEANER_ERROR_DNS,
                                 text);
      break;
    }
  _gleaner_result_set_attempts (result, 1 + (id + variant) % 3);
  _gleaner_result_set_elapsed (result, id / 7.0 + variant / 3.0);

  return result;
}

static void
assert_results_equal (GleanerResult *a,
                      GleanerResult *b)
{
  g_assert_cmpuint (gleaner_result_get_id (a), ==, gleaner_result_get_id (b));
  g_assert_cmpstr (gleaner_result_get_url (a), ==, gleaner_result_get_url (b));
  g_assert_cmpstr (gleaner_result_get_final_url (a), ==, gleaner_result_get_final_url (b));
  g_assert_cmpuint (gleaner_result_get_redirect_count (a), ==,
                    gleaner_result_get_redirect_count (b));
  g_assert_cmpuint (gleaner_result_get_status (a), ==, gleaner_result_get_status (b));
  g_assert_cmpstr (gleaner_result_get_reason (a), ==, gleaner_result_get_reason (b));
  g_assert_cmpstr (gleaner_result_get_content_type (a), ==, gleaner_result_get_content_type (b));
  g_assert_cmpstr (gleaner_result_get_encoding (a), ==, gleaner_result_get_encoding (b));
  g_assert_cmpuint (gleaner_result_get_encoding_source (a), ==,
                    gleaner_result_get_encoding_source (b));
  g_assert_cmpstr (gleaner_result_get_title (a), ==, gleaner_result_get_title (b));
  g_assert_cmpstr (gleaner_result_get_description (a), ==, gleaner_result_get_description (b));
  g_assert_cmpstr (gleaner_result_get_og_title (a), ==, gleaner_result_get_og_title (b));
  g_assert_cmpstr (gleaner_result_get_og_site_name (a), ==, gleaner_result_get_og_site_name (b));
  g_assert_cmpstr (gleaner_result_get_canonical (a), ==, gleaner_result_get_canonical (b));
  g_assert_cmpstr (gleaner_result_get_lang (a), ==, gleaner_result_get_lang (b));
  g_assert_cmpstr (gleaner_result_get_h1 (a), ==, gleaner_result_get_h1 (b));
  g_assert_cmpuint (gleaner_result_get_body_bytes (a), ==, gleaner_result_get_body_bytes (b));
  g_assert_cmpint (gleaner_result_get_truncated (a), ==, gleaner_result_get_truncated (b));
  g_assert_cmpuint (gleaner_result_get_attempts (a), ==, gleaner_result_get_attempts (b));
  g_assert_cmpfloat (gleaner_result_get_elapsed (a), ==, gleaner_result_get_elapsed (b));
  g_assert_cmpuint (gleaner_result_get_error_kind (a), ==, gleaner_result_get_error_kind (b));
  g_assert_cmpstr (gleaner_result_get_error_message (a), ==, gleaner_result_get_error_message (b));
  g_assert_cmpint (gleaner_result_get_succeeded (a), ==, gleaner_result_get_succeeded (b));
}

static char *
make_url (guint64 id)
{
  return g_strdup_printf ("https://host%u.example/%" G_GUINT64_FORMAT "?q='x'",
                          (guint)(id % 7), id);
}

/* Journals targets 0 .. n - 1 (URLs as make_result() has them). */
static void
add_targets (GleanerSessionStore *store,
             gint64               session_id,
             guint64              first,
             guint64              n,
             const char          *input)
{
  g_autofree guint64 *ids = g_new (guint64, n);
  g_auto(GStrv) urls = g_new0 (char *, n + 1);

  for (guint64 i = 0; i < n; i++)
    {
      ids[i] = first + i;
      urls[i] = make_url (first + i);
    }
  gleaner_session_store_add_targets (store, session_id, ids, (const char * const *)urls, n, input);
}

static GPtrArray *
make_results (guint64 first,
              guint64 n,
              guint   variant)
{
  GPtrArray *results = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint64 i = 0; i < n; i++)
    g_ptr_array_add (results, make_result (first + i, variant));

  return results;
}

static char *
store_path (void)
{
  return gleaner_session_store_get_default_path ();
}

static GleanerSessionStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = gleaner_session_store_new (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* ---- waiting for async calls -------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  gboolean      done;
} AsyncWait;

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static void
async_wait (AsyncWait *wait)
{
  g_assert_true (gleaner_test_wait_for_flag (NULL, &wait->done, wait_ms));
}

static GListModel *
list_sessions (GleanerSessionStore *store)
{
  AsyncWait wait = { NULL, FALSE };
  g_autoptr(GError) error = NULL;
  GListModel *model = NULL;

  gleaner_session_store_list_sessions_async (store, NULL, async_done_cb, &wait);
  async_wait (&wait);
  model = gleaner_session_store_list_sessions_finish (store, wait.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_object_unref (wait.result);

  return model;
}

static GleanerSessionInfo *
find_unfinished (GleanerSessionStore *store)
{
  AsyncWait wait = { NULL, FALSE };
  g_autoptr(GError) error = NULL;
  GleanerSessionInfo *info = NULL;

  gleaner_session_store_find_unfinished_async (store, NULL, async_done_cb, &wait);
  async_wait (&wait);
  info = gleaner_session_store_find_unfinished_finish (store, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);

  return info;
}

static GleanerSessionContents *
load_session (GleanerSessionStore  *store,
              gint64                session_id,
              GError              **error)
{
  AsyncWait wait = { NULL, FALSE };
  GleanerSessionContents *contents = NULL;

  gleaner_session_store_load_session_async (store, session_id, NULL, async_done_cb, &wait);
  async_wait (&wait);
  contents = gleaner_session_store_load_session_finish (store, wait.result, error);
  g_object_unref (wait.result);

  return contents;
}

static void
delete_session (GleanerSessionStore *store,
                gint64               session_id)
{
  AsyncWait wait = { NULL, FALSE };
  g_autoptr(GError) error = NULL;

  gleaner_session_store_delete_session_async (store, session_id, NULL, async_done_cb, &wait);
  async_wait (&wait);
  g_assert_true (gleaner_session_store_delete_session_finish (store, wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static GleanerSessionInfo *
find_in_list (GListModel *model,
              gint64      session_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GleanerSessionInfo) info = g_list_model_get_item (model, i);

      if (gleaner_session_info_get_id (info) == session_id)
        return info;   /* the model keeps its reference */
    }

  return NULL;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Like g_assert_finalize_object(), for a store that served async calls: a
 * GTask's thread may drop its reference (to the task, and so to the store) a
 * moment after the callback ran, so wait for that instead of racing it. */
static void
assert_store_finalized (GleanerSessionStore *store)
{
  gboolean timed_out = FALSE;
  guint timeout_id = 0;
  guint tick_id = 0;

  g_object_add_weak_pointer (G_OBJECT (store), (gpointer *)&store);
  g_object_unref (store);
  timeout_id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);
  /* The last unref may happen on another thread, which wakes nobody up. */
  tick_id = g_timeout_add (5, tick_cb, NULL);
  while (store != NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_assert_null (store);
  g_source_remove (timeout_id);
  g_source_remove (tick_id);
}

/* ---- raw SQLite, to look at the file from outside ----------------------------- */

static gint64
raw_query_int (const char *path,
               const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
raw_query_text (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_store_create (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = open_store (path);
  AsyncWait wait = { NULL, FALSE };
  gint64 id;

  g_assert_cmpstr (gleaner_session_store_get_path (store), ==, path);
  g_assert_null (gleaner_session_store_get_write_error (store));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  id = gleaner_session_store_begin_session (store, "first");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (gleaner_session_store_begin_session (store, NULL), >, id);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  /* Closing the last connection folds the WAL back into the file. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* The async open, as the window does it. */
  gleaner_session_store_new_async (path, NULL, async_done_cb, &wait);
  async_wait (&wait);
  store = gleaner_session_store_new_finish (wait.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_clear_object (&wait.result);
  assert_store_finalized (store);
}

static void
test_store_round_trip (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = make_results (0, 24, 0);
  g_autoptr(GleanerSessionContents) contents = NULL;
  /* Not valid UTF-8, and markup: the input is stored byte for byte. */
  const char *input = "https://a.example/\n\xff\xfe junk <i>x</i> 'quoted' \"dq\"\n";
  const char *title = nasty[1];
  GleanerSessionStore *store = open_store (path);
  gint64 id;

  g_test_summary ("Everything journaled comes back identical after the store is closed "
                  "and reopened: every result field, targets in input order, input, title.");

  id = gleaner_session_store_begin_session (store, title);
  /* Targets in an order that is not the id order. */
  add_targets (store, id, 12, 12, input);
  add_targets (store, id, 0, 12, NULL);
  gleaner_session_store_add_results (store, id, results);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  assert_store_finalized (store);

  store = open_store (path);
  contents = load_session (store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contents);

  g_assert_cmpint (gleaner_session_info_get_id (contents->info), ==, id);
  g_assert_cmpstr (gleaner_session_info_get_title (contents->info), ==, title);
  g_assert_cmpuint (gleaner_session_info_get_n_targets (contents->info), ==, 24);
  g_assert_cmpuint (gleaner_session_info_get_n_results (contents->info), ==, 24);
  g_assert_cmpuint (gleaner_session_info_get_n_failed (contents->info), ==, 12);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (contents->info), ==, 0);
  g_assert_false (gleaner_session_info_get_finished (contents->info));
  g_assert_cmpstr (contents->input, ==, input);

  g_assert_cmpuint (contents->targets->len, ==, 24);
  g_assert_cmpuint (contents->results->len, ==, 24);
  for (guint i = 0; i < 24; i++)
    {
      const GleanerSessionTarget *target = &g_array_index (contents->targets,
                                                           GleanerSessionTarget, i);
      guint64 expected_id = (12 + i) % 24;
      g_autofree char *url = make_url (expected_id);
      GleanerResult *loaded = g_ptr_array_index (contents->results, i);

      g_assert_cmpuint (target->id, ==, expected_id);
      g_assert_cmpstr (target->url, ==, url);
      /* Results come in target order. */
      assert_results_equal (loaded, g_ptr_array_index (results, expected_id));
    }

  /* NULL title (no title element) and "" (an empty one) stay apart. */
  g_assert_null (gleaner_result_get_title (g_ptr_array_index (contents->results, 1)));
  g_assert_cmpstr (gleaner_result_get_title (g_ptr_array_index (contents->results, 2)), ==, "");

  assert_store_finalized (store);
}

static void
test_store_rerun_replaces (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = make_results (0, 8, 0);
  g_autoptr(GPtrArray) rerun = make_results (4, 2, 1);
  g_autoptr(GleanerSessionContents) contents = NULL;
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GleanerResult) cancelled = make_result (8, 0);
  GleanerSessionStore *store = open_store (path);
  gint64 id;

  g_test_summary ("A re-run of a target replaces its row: results are addressed by "
                  "(session, target id).");

  id = gleaner_session_store_begin_session (store, "rerun");
  add_targets (store, id, 0, 10, NULL);
  gleaner_session_store_add_results (store, id, first);
  gleaner_session_store_add_results (store, id, rerun);
  _gleaner_result_set_error (cancelled, GLEANER_ERROR_CANCELLED, "Stopped");
  gleaner_session_store_add_result (store, id, cancelled);

  contents = load_session (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contents->results->len, ==, 9);
  g_assert_cmpuint (gleaner_session_info_get_n_results (contents->info), ==, 9);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (contents->info), ==, 1);
  for (guint i = 0; i < 8; i++)
    {
      GleanerResult *expected = (i == 4 || i == 5) ? g_ptr_array_index (rerun, i - 4)
                                                   : g_ptr_array_index (first, i);

      assert_results_equal (g_ptr_array_index (contents->results, i), expected);
    }

  /* What a restore fetches: target 9, and target 8 if a stopped run counts. */
  missing = gleaner_session_contents_get_missing (contents, FALSE);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpuint (g_array_index (missing, GleanerSessionTarget, 0).id, ==, 9);
  g_clear_pointer (&missing, g_array_unref);
  missing = gleaner_session_contents_get_missing (contents, TRUE);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpuint (g_array_index (missing, GleanerSessionTarget, 0).id, ==, 8);
  g_assert_cmpuint (g_array_index (missing, GleanerSessionTarget, 1).id, ==, 9);

  assert_store_finalized (store);
}

static void
test_store_list_delete (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GPtrArray) results = make_results (0, 6, 0);
  g_autoptr(GleanerSessionContents) contents = NULL;
  GleanerSessionStore *store = open_store (path);
  GleanerSessionInfo *info = NULL;
  gint64 a, b, c;

  g_test_summary ("The history list: newest first, with counts; rename and delete; a "
                  "read sees every write enqueued before it, without a flush.");

  a = gleaner_session_store_begin_session (store, "A");
  add_targets (store, a, 0, 6, NULL);
  gleaner_session_store_add_results (store, a, results);
  gleaner_session_store_set_finished (store, a, TRUE);
  b = gleaner_session_store_begin_session (store, "B");
  add_targets (store, b, 0, 3, NULL);
  c = gleaner_session_store_begin_session (store, nasty[0]);
  gleaner_session_store_rename_session (store, b, "B renamed");

  model = list_sessions (store);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  info = g_list_model_get_item (model, 0);
  g_assert_cmpint (gleaner_session_info_get_id (info), ==, c);
  g_assert_cmpstr (gleaner_session_info_get_title (info), ==, nasty[0]);
  g_object_unref (info);
  info = g_list_model_get_item (model, 2);
  g_assert_cmpint (gleaner_session_info_get_id (info), ==, a);
  g_object_unref (info);

  info = find_in_list (model, a);
  g_assert_cmpstr (gleaner_session_info_get_title (info), ==, "A");
  g_assert_cmpuint (gleaner_session_info_get_n_targets (info), ==, 6);
  g_assert_cmpuint (gleaner_session_info_get_n_results (info), ==, 6);
  g_assert_cmpuint (gleaner_session_info_get_n_failed (info), ==, 3);
  g_assert_true (gleaner_session_info_get_finished (info));
  g_assert_cmpint (gleaner_session_info_get_updated (info), >=,
                   gleaner_session_info_get_created (info));
  info = find_in_list (model, b);
  g_assert_cmpstr (gleaner_session_info_get_title (info), ==, "B renamed");
  g_assert_cmpuint (gleaner_session_info_get_n_targets (info), ==, 3);
  g_assert_cmpuint (gleaner_session_info_get_n_results (info), ==, 0);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (info), ==, 3);
  g_assert_false (gleaner_session_info_get_finished (info));
  g_clear_object (&model);

  delete_session (store, a);
  delete_session (store, a);   /* twice: not an error */
  model = list_sessions (store);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_null (find_in_list (model, a));

  contents = load_session (store, a, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (contents);
  g_clear_error (&error);
  g_assert_cmpint (raw_query_int (path, "SELECT count(*) FROM results"), ==, 0);
  g_assert_cmpint (raw_query_int (path, "PRAGMA freelist_count"), ==, 0);

  /* Writes for a deleted session are dropped, not orphaned. */
  gleaner_session_store_add_results (store, a, results);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query_int (path, "SELECT count(*) FROM results"), ==, 0);

  assert_store_finalized (store);
}

static void
test_store_unfinished (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GleanerSessionInfo) info = NULL;
  GleanerSessionStore *store = open_store (path);
  gint64 a, b, c;

  g_test_summary ("find_unfinished gives the most recent session not marked finished.");

  g_assert_null (find_unfinished (store));

  a = gleaner_session_store_begin_session (store, "A");
  b = gleaner_session_store_begin_session (store, "B");
  c = gleaner_session_store_begin_session (store, "C");
  gleaner_session_store_set_finished (store, a, TRUE);
  gleaner_session_store_set_finished (store, c, TRUE);

  info = find_unfinished (store);
  g_assert_nonnull (info);
  g_assert_cmpint (gleaner_session_info_get_id (info), ==, b);
  g_clear_object (&info);

  /* A restored session is resumed, then finished. */
  gleaner_session_store_set_finished (store, a, FALSE);
  info = find_unfinished (store);
  g_assert_cmpint (gleaner_session_info_get_id (info), ==, b);
  g_clear_object (&info);
  gleaner_session_store_set_finished (store, b, TRUE);
  info = find_unfinished (store);
  g_assert_cmpint (gleaner_session_info_get_id (info), ==, a);
  g_clear_object (&info);
  gleaner_session_store_set_finished (store, a, TRUE);
  g_assert_null (find_unfinished (store));

  assert_store_finalized (store);
}

static void
test_store_schema_version (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *mode = NULL;
  g_autofree char *foreign = g_build_filename (g_get_user_data_dir (), "other.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = open_store (path);

  g_test_summary ("The schema version is in PRAGMA user_version; a newer one is refused "
                  "with a clear error and the file is left alone; so is another program's "
                  "database.");

  mode = raw_query_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  assert_store_finalized (store);

  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==,
                   GLEANER_SESSION_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_query_int (path, "PRAGMA application_id"), ==, 0x474c4e52);
  /* Incremental: deleting a session gives its pages back to the file system. */
  g_assert_cmpint (raw_query_int (path, "PRAGMA auto_vacuum"), ==, 2);
  /* Reopening a current file migrates nothing. */
  store = open_store (path);
  assert_store_finalized (store);

  raw_exec (path, "PRAGMA user_version = 99");
  store = gleaner_session_store_new (path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_TOO_NEW);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "99"));
  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 99);
  g_clear_error (&error);

  raw_exec (foreign, "CREATE TABLE mail (id INTEGER PRIMARY KEY, subject TEXT)");
  store = gleaner_session_store_new (foreign, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, foreign));
  g_assert_cmpint (raw_query_int (foreign, "SELECT count(*) FROM mail"), ==, 0);
}

/* Opens @path expecting CORRUPT, moves it aside, and checks a fresh store opens. */
static void
assert_corrupt_then_recover (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GListModel) model = NULL;
  GleanerSessionStore *store = gleaner_session_store_new (path, NULL, &error);

  g_assert_null (store);
  g_assert_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_true (gleaner_session_store_move_aside (path, &moved, &error));
  g_assert_no_error (error);
  g_test_message ("moved to %s", moved);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (moved, G_FILE_TEST_IS_REGULAR));
  basename = g_path_get_basename (moved);
  g_assert_true (g_str_has_prefix (basename, "sessions.sqlite3.corrupt-"));
  /* sessions.sqlite3.corrupt-YYYYMMDD-HHMMSS */
  g_assert_cmpuint (strlen (basename), >=, strlen ("sessions.sqlite3.corrupt-") + 15);
  g_assert_true (g_ascii_isdigit (basename[strlen ("sessions.sqlite3.corrupt-")]));

  store = open_store (path);
  model = list_sessions (store);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  assert_store_finalized (store);
}

static void
test_store_corrupt_random (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree guint8 *junk = g_malloc (64 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;

  g_test_summary ("A file of random bytes gives GLEANER_STORE_ERROR_CORRUPT naming the "
                  "file; moving it aside lets a fresh store start.");

  for (gsize i = 0; i < 64 * 1024; i++)
    junk[i] = (guint8)g_test_rand_int_range (0, 256);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *)junk, 64 * 1024, &error));
  g_assert_no_error (error);
  assert_corrupt_then_recover (path);

  /* Again within the same second: the second copy gets its own name. */
  g_assert_true (g_file_set_contents (path, "not a database at all, just text\n", -1, &error));
  g_assert_no_error (error);
  assert_corrupt_then_recover (path);

  /* Nothing left to move: a clear error, not a crash. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (gleaner_session_store_move_aside (path, &moved, &error));
  g_assert_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO);
  g_assert_null (moved);
}

static void
test_store_corrupt_truncated (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  gsize cuts[] = { 0, 50 };
  GleanerSessionStore *store = open_store (path);
  gint64 id = gleaner_session_store_begin_session (store, "to be truncated");

  g_test_summary ("A real journal cut short (a half-copied file) gives "
                  "GLEANER_STORE_ERROR_CORRUPT, not a crash or a half-working store.");

  add_targets (store, id, 0, 2000, NULL);
  for (guint64 first = 0; first < 2000; first += 200)
    {
      g_autoptr(GPtrArray) results = make_results (first, 200, 0);

      gleaner_session_store_add_results (store, id, results);
    }
  assert_store_finalized (store);

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 100 * 1024);
  cuts[0] = len / 2;

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_test_message ("cut %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes", cuts[i], len);
      g_assert_true (g_file_set_contents (path, data, cuts[i], &error));
      g_assert_no_error (error);
      assert_corrupt_then_recover (path);
    }
}

static void
test_store_releases_results (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = open_store (path);
  GleanerResult *result = make_result (0, 0);
  gint64 id = gleaner_session_store_begin_session (store, NULL);

  g_test_summary ("The store keeps results only until their batch is written.");

  g_object_add_weak_pointer (G_OBJECT (result), (gpointer *)&result);
  gleaner_session_store_add_result (store, id, result);
  g_object_unref (result);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_null (result);

  assert_store_finalized (store);
}

static void
test_store_cancel (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = open_store (path);
  AsyncWait wait = { NULL, FALSE };
  GListModel *model = NULL;

  g_cancellable_cancel (cancellable);
  gleaner_session_store_list_sessions_async (store, cancellable, async_done_cb, &wait);
  async_wait (&wait);
  model = gleaner_session_store_list_sessions_finish (store, wait.result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (model);
  g_clear_object (&wait.result);

  assert_store_finalized (store);
}

/* The thread that runs the tests, which owns every store they make. */
static GThread *owner_thread;

static void
notify_flag_cb (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  /* "write-error" comes from the writer thread, but is notified on the owner's. */
  g_assert_true (g_thread_self () == owner_thread);
  *(gboolean *)user_data = TRUE;
}

static void
test_store_write_failure (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lost = make_results (0, 4, 0);
  g_autoptr(GPtrArray) kept = make_results (4, 4, 0);
  g_autoptr(GleanerSessionContents) contents = NULL;
  GleanerSessionStore *store = open_store (path);
  const GError *write_error = NULL;
  gboolean notified = FALSE;
  sqlite3 *locker = NULL;
  gint64 id = gleaner_session_store_begin_session (store, "locked out");

  g_test_summary ("A write that fails (here: another process holds the write lock past "
                  "the busy timeout) is reported by flush and \"write-error\"; what was "
                  "queued then is lost, and writing resumes with what comes after.");

  add_targets (store, id, 0, 8, NULL);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  g_signal_connect (store, "notify::write-error", G_CALLBACK (notify_flag_cb), &notified);

  g_assert_cmpint (sqlite3_open_v2 (path, &locker, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (locker, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_test_expect_message ("GleanerStore", G_LOG_LEVEL_WARNING, "*session journal*locked*");
  gleaner_session_store_add_results (store, id, lost);
  g_assert_false (gleaner_session_store_flush (store, &error));
  g_assert_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_test_assert_expected_messages ();

  g_assert_true (gleaner_test_wait_for_flag (NULL, &notified, WAIT_MS));
  write_error = gleaner_session_store_get_write_error (store);
  g_assert_error (write_error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO);

  sqlite3_exec (locker, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (locker);

  gleaner_session_store_add_results (store, id, kept);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  contents = load_session (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contents->results->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    assert_results_equal (g_ptr_array_index (contents->results, i), g_ptr_array_index (kept, i));

  assert_store_finalized (store);
}

/* ---- the owner thread never waits ---------------------------------------------- */

#define N_MANY     100000
#define MANY_BATCH 100

static void
test_store_enqueue_never_waits (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GleanerSessionContents) contents = NULL;
  GleanerSessionInfo *info = NULL;
  GleanerSessionStore *store = open_store (path);
  gint64 id = gleaner_session_store_begin_session (store, "many");
  gint64 start, enqueued, flushed;
  double enqueue_s, total_s;
  GStatBuf st;

  g_test_summary ("Journaling 100,000 results costs the owner thread only the enqueue; "
                  "flush then makes them all visible.");

  /* Under valgrind, reading 100,000 rows back takes a minute or more. */
  wait_ms = 10 * WAIT_MS;

  add_targets (store, id, 0, N_MANY, NULL);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  for (guint64 first = 0; first < N_MANY; first += MANY_BATCH)
    g_ptr_array_add (batches, make_results (first, MANY_BATCH, 0));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < batches->len; i++)
    gleaner_session_store_add_results (store, id, g_ptr_array_index (batches, i));
  enqueued = g_get_monotonic_time ();
  g_ptr_array_set_size (batches, 0);   /* the store holds the only references now */
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  flushed = g_get_monotonic_time ();

  enqueue_s = (enqueued - start) / (double)G_USEC_PER_SEC;
  total_s = (flushed - start) / (double)G_USEC_PER_SEC;
  g_test_message ("enqueue: %d results in %.1f ms (%.0f ns per result, %d calls)",
                  N_MANY, enqueue_s * 1000, enqueue_s * 1e9 / N_MANY, N_MANY / MANY_BATCH);
  g_test_message ("writer: %d results on disk after %.1f ms (%.0f rows/s)",
                  N_MANY, total_s * 1000, N_MANY / total_s);
  /* Loose on purpose (sanitizers, valgrind): enqueueing is far from the writer's cost. */
  g_assert_cmpfloat (enqueue_s, <, total_s);

  start = g_get_monotonic_time ();
  model = list_sessions (store);
  g_test_message ("list: %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  info = find_in_list (model, id);
  g_assert_cmpuint (gleaner_session_info_get_n_results (info), ==, N_MANY);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (info), ==, 0);

  start = g_get_monotonic_time ();
  contents = load_session (store, id, &error);
  g_assert_no_error (error);
  g_test_message ("load: %d results in %.1f ms", N_MANY,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (contents->results->len, ==, N_MANY);
  for (guint i = 0; i < N_MANY; i += 9973)
    {
      g_autoptr(GleanerResult) expected = make_result (i, 0);

      assert_results_equal (g_ptr_array_index (contents->results, i), expected);
    }

  assert_store_finalized (store);
  wait_ms = WAIT_MS;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  start = g_get_monotonic_time ();
  store = open_store (path);
  g_test_message ("reopen (with the integrity check) of %.1f MB: %.1f ms",
                  st.st_size / 1e6, (g_get_monotonic_time () - start) / 1000.0);
  assert_store_finalized (store);
}

/* ---- the crash test ------------------------------------------------------------ */

#define CRASH_TARGETS  20000
#define CRASH_BATCH    50
#define CRASH_FLUSHED  7      /* batches flushed before the child kills itself */

/* The child: journals a run and dies by SIGKILL. "self": after CRASH_FLUSHED
 * flushed batches and more queued but not flushed, it kills itself; "parent":
 * it reports each flush on stdout and goes on until the parent kills it. */
static int
crash_child_main (const char *path,
                  const char *mode)
{
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = gleaner_session_store_new (path, NULL, &error);
  gint64 id;
  guint64 next = 0;
  guint batches = 0;

  if (store == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      return 2;
    }

  id = gleaner_session_store_begin_session (store, "crash");
  add_targets (store, id, 0, CRASH_TARGETS, "the input");
  if (!gleaner_session_store_flush (store, &error))
    return 3;

  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       g_get_monotonic_time () < deadline; )
    {
      g_autoptr(GPtrArray) results = make_results (next, CRASH_BATCH, 0);

      gleaner_session_store_add_results (store, id, results);
      next = (next + CRASH_BATCH) % CRASH_TARGETS;
      batches++;

      if (g_str_equal (mode, "self"))
        {
          if (batches <= CRASH_FLUSHED && !gleaner_session_store_flush (store, &error))
            return 3;
          /* Killed with the writer in the middle of what was queued after the flushes. */
          if (batches == CRASH_FLUSHED + 40)
            raise (SIGKILL);
        }
      else if (batches % 4 == 0)
        {
          if (!gleaner_session_store_flush (store, &error))
            return 3;
          printf ("flushed %u\n", MIN (batches, CRASH_TARGETS / CRASH_BATCH) * CRASH_BATCH);
          fflush (stdout);
        }
    }

  /* Not reached: the parent should have killed us long ago. */
  return 4;
}

static GSubprocess *
spawn_crash_child (const char *path,
                   const char *mode)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                         self_exe, "--crash-child", path, mode, NULL);

  g_assert_no_error (error);

  return child;
}

/* After the kill: the store opens (nothing damaged), offers the session, and
 * holds at least @min_results results, each exactly as journaled. */
static void
check_after_crash (const char *path,
                   guint64     min_results)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GleanerSessionInfo) info = NULL;
  g_autoptr(GleanerSessionContents) contents = NULL;
  g_autofree char *check = NULL;
  GleanerSessionStore *store = open_store (path);

  info = find_unfinished (store);
  g_assert_nonnull (info);
  g_assert_cmpstr (gleaner_session_info_get_title (info), ==, "crash");
  g_assert_false (gleaner_session_info_get_finished (info));
  g_assert_cmpuint (gleaner_session_info_get_n_targets (info), ==, CRASH_TARGETS);
  g_assert_cmpuint (gleaner_session_info_get_n_results (info), >=, min_results);
  g_test_message ("after the kill: %" G_GUINT64_FORMAT " results (at least %" G_GUINT64_FORMAT
                  " were flushed), %" G_GUINT64_FORMAT " missing",
                  gleaner_session_info_get_n_results (info), min_results,
                  gleaner_session_info_get_n_missing (info));

  contents = load_session (store, gleaner_session_info_get_id (info), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents->input, ==, "the input");
  g_assert_cmpuint (contents->targets->len, ==, CRASH_TARGETS);
  g_assert_cmpuint (contents->results->len, ==, gleaner_session_info_get_n_results (info));
  for (guint i = 0; i < contents->results->len; i++)
    {
      GleanerResult *loaded = g_ptr_array_index (contents->results, i);
      g_autoptr(GleanerResult) expected = make_result (gleaner_result_get_id (loaded), 0);

      assert_results_equal (loaded, expected);
    }
  /* The flushed prefix is all there. */
  for (guint64 i = 0; i < min_results; i++)
    g_assert_cmpuint (gleaner_result_get_id (g_ptr_array_index (contents->results, i)), ==, i);

  assert_store_finalized (store);

  check = raw_query_text (path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
}

static void
test_store_crash_self (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;

  g_test_summary ("A process killed by SIGKILL while its writer is busy loses nothing that "
                  "was flushed, damages nothing, and its session is found as unfinished.");

  child = spawn_crash_child (path, "self");
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  check_after_crash (path, CRASH_FLUSHED * CRASH_BATCH);
}

static void
test_store_crash_parent_kills (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  guint64 flushed = 0;

  g_test_summary ("The parent kills the journaling child (SIGKILL) at a moment of its "
                  "choosing; the journal holds at least what the child had flushed.");

  child = spawn_crash_child (path, "parent");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  for (guint reports = 0; reports < 5; reports++)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "flushed "));
      flushed = g_ascii_strtoull (line + strlen ("flushed "), NULL, 10);
    }
  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  check_after_crash (path, flushed);
}

/* ---- isolated dirs -------------------------------------------------------------- */

/* G_TEST_OPTION_ISOLATE_DIRS gives each test its own XDG dirs through
 * g_set_user_dirs(), which on purpose never frees the strings it replaces
 * (callers may still hold them). Keeping them referenced here makes them
 * "still reachable" instead of a definite leak under LeakSanitizer and
 * valgrind. */
static GPtrArray *old_user_dirs;

static void
run_isolated (gconstpointer data)
{
  GTestFunc func = (GTestFunc)data;

  if (old_user_dirs == NULL)
    old_user_dirs = g_ptr_array_new ();
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_home_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_user_cache_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_user_config_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_user_data_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_user_state_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_user_runtime_dir ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_system_config_dirs ());
  g_ptr_array_add (old_user_dirs, (gpointer)g_get_system_data_dirs ());

  func ();
}

static void
add_test (const char *path,
          GTestFunc   func)
{
  g_test_add_data_func (path, (gconstpointer)func, run_isolated);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--crash-child"))
    return crash_child_main (argv[2], argv[3]);

  /* argv[0], not /proc/self/exe: under valgrind that is valgrind itself. */
  if (g_path_is_absolute (argv[0]))
    self_exe = g_strdup (argv[0]);
  else
    {
      g_autofree char *cwd = g_get_current_dir ();

      self_exe = g_build_filename (cwd, argv[0], NULL);
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  owner_thread = g_thread_self ();

  add_test ("/gleaner/session-store/create", test_store_create);
  add_test ("/gleaner/session-store/round-trip", test_store_round_trip);
  add_test ("/gleaner/session-store/rerun-replaces", test_store_rerun_replaces);
  add_test ("/gleaner/session-store/list-delete", test_store_list_delete);
  add_test ("/gleaner/session-store/unfinished", test_store_unfinished);
  add_test ("/gleaner/session-store/schema-version", test_store_schema_version);
  add_test ("/gleaner/session-store/corrupt/random", test_store_corrupt_random);
  add_test ("/gleaner/session-store/corrupt/truncated", test_store_corrupt_truncated);
  add_test ("/gleaner/session-store/releases-results", test_store_releases_results);
  add_test ("/gleaner/session-store/cancel", test_store_cancel);
  add_test ("/gleaner/session-store/write-failure", test_store_write_failure);
  add_test ("/gleaner/session-store/enqueue-never-waits", test_store_enqueue_never_waits);
  add_test ("/gleaner/session-store/crash/self-kill", test_store_crash_self);
  add_test ("/gleaner/session-store/crash/parent-kills", test_store_crash_parent_kills);

  return g_test_run ();
}
