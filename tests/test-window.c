/* test-window.c: the window end to end against a loopback server (paste, run, sort, filter,
 * export, the session journal: restore after a crash, history, keyboard shortcuts, translation)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "gleaner-application.h"
#include "gleaner-column-sorter.h"
#include "gleaner-engine.h"
#include "gleaner-filter-model.h"
#include "gleaner-history-window.h"
#include "gleaner-preferences-window.h"
#include "gleaner-rejected-window.h"
#include "gleaner-renderer.h"
#include "gleaner-result-list.h"
#include "gleaner-result-private.h"
#include "gleaner-session-store.h"
#include "gleaner-sort-model.h"
#include "gleaner-test-utils.h"
#include "gleaner-title-parser.h"
#include "gleaner-ui-util.h"
#include "gleaner-window.h"

#define N_PAGES 20

static GleanerTestServer *server;
static gint flaky_hits;   /* requests of /flaky so far */
static gint page_hits;    /* requests of /page/... so far */
static GMutex hits_lock;
static GHashTable *path_hits;  /* path -> requests so far; under hits_lock */

/* ---- server (its own thread) ------------------------------------------------ */

/* The title a page serves, as document.title gives it: markup characters
 * included (a title element is raw text), so rows hold them as plain text. */
static char *
expected_title (guint n)
{
  return g_strdup_printf ("Page %02u & <b>friends</b> — ünïcode", n);
}

static void
serve_page_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  guint n = (guint)g_ascii_strtoull (strrchr (path, '/') + 1, NULL, 10);
  g_autofree char *body = NULL;

  g_atomic_int_inc (&page_hits);
  g_mutex_lock (&hits_lock);
  g_hash_table_insert (path_hits, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (path_hits, path)) + 1));
  g_mutex_unlock (&hits_lock);
  body = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=utf-8>"
                          "<title>Page %02u & <b>friends</b> — ünïcode</title>"
                          "</head><body><p>%u</p></body></html>", n, n);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
serve_missing_cb (SoupServer        *srv,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  static const char body[] = "<html><title>Not here</title></html>";

  soup_server_message_set_status (msg, 404, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, body, sizeof body - 1);
}

/* 404 the first time, a page afterwards: a failed row that a re-run fixes. */
static void
serve_flaky_cb (SoupServer        *srv,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  static const char ok[] = "<html><head><title>Recovered</title></head></html>";

  if (g_atomic_int_add (&flaky_hits, 1) == 0)
    {
      serve_missing_cb (srv, msg, path, query, user_data);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, ok, sizeof ok - 1);
}

/* Never answers while the test runs: only Stop ends these. */
static void
serve_silent_cb (SoupServer        *srv,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  soup_server_message_pause (msg);
}

static void
server_setup (SoupServer *srv,
              gpointer    user_data)
{
  soup_server_add_handler (srv, "/page", serve_page_cb, NULL, NULL);
  soup_server_add_handler (srv, "/missing", serve_missing_cb, NULL, NULL);
  soup_server_add_handler (srv, "/flaky", serve_flaky_cb, NULL, NULL);
  soup_server_add_handler (srv, "/silent", serve_silent_cb, NULL, NULL);
}

/* ---- helpers (test thread) -------------------------------------------------- */

/* Requests the server saw for @path since the last reset_hits(). */
static guint
hits (const char *path)
{
  guint n;

  g_mutex_lock (&hits_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (path_hits, path));
  g_mutex_unlock (&hits_lock);

  return n;
}

static void
reset_hits (void)
{
  g_mutex_lock (&hits_lock);
  g_hash_table_remove_all (path_hits);
  g_mutex_unlock (&hits_lock);
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default context until @condition holds or @timeout_ms pass. */
static gboolean
wait_until (Condition condition,
            gpointer  data,
            guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return ok;
}

static gboolean
run_finished (gpointer data)
{
  return !gleaner_window_get_running (data);
}

static gboolean
view_settled (gpointer data)
{
  return !gleaner_window_get_view_pending (data);
}

static gboolean
parse_finished (gpointer data)
{
  return !gleaner_window_get_parsing (data);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;
  guint tick = g_timeout_add (5, tick_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static GleanerWindow *
new_window (void)
{
  GleanerWindow *window = g_object_ref (gleaner_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
destroy_window (GleanerWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  /* Let the background threads of stopped runs exit before the next test. */
  gleaner_pipeline_wait_for_threads ();
}

static char *
page_list (guint first,
           guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *path = g_strdup_printf ("/page/%u", i);

      url = gleaner_test_server_url (server, path);
      g_string_append_printf (text, "%s\n", url);
    }

  return g_string_free (text, FALSE);
}

static GleanerResult *
row (GListModel *model,
     guint       position)
{
  GleanerResult *result = g_list_model_get_item (model, position);

  /* The models hold their own reference; tests only look. */
  g_object_unref (result);
  return result;
}

static guint
page_number (GleanerResult *result)
{
  const char *url = gleaner_result_get_url (result);
  const char *slash = strrchr (url, '/');

  return (guint)g_ascii_strtoull (slash + 1, NULL, 10);
}

/* ---- tests ------------------------------------------------------------------- */

static void
test_window_new (void)
{
  GleanerWindow *window = new_window ();

  g_assert_false (gleaner_window_get_running (window));
  g_assert_cmpuint (g_list_model_get_n_items (gleaner_window_get_results (window)), ==, 0);
  g_assert_cmpstr (gleaner_window_get_outcome (window), ==, "all");
  g_assert_false (gleaner_window_get_ignore_tls_errors (window));

  /* Per-run choice: a property action, off by default. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.ignore-tls-errors", NULL);
  g_assert_true (gleaner_window_get_ignore_tls_errors (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.ignore-tls-errors", NULL);
  g_assert_false (gleaner_window_get_ignore_tls_errors (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.outcome", "s", "failed");
  g_assert_cmpstr (gleaner_window_get_outcome (window), ==, "failed");

  /* Nothing to start. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_false (gleaner_window_get_running (window));

  destroy_window (window);
}

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        guint      *n_signals)
{
  (*n_signals)++;
}

static void
test_result_list_batches (void)
{
  g_autoptr(GleanerResultList) list = gleaner_result_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_signals = 0;
  guint64 id = 3;

  g_test_summary ("A batch is one items-changed; a known id is replaced in place");

  g_signal_connect (list, "items-changed", G_CALLBACK (count_items_changed_cb), &n_signals);

  for (guint i = 1; i <= 1000; i++)
    g_ptr_array_add (batch, gleaner_result_new_for_url (i, "http://127.0.0.1/x"));
  gleaner_result_list_apply (list, batch);
  g_assert_cmpuint (n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  g_assert_cmpuint (gleaner_result_list_get_n_failed (list), ==, 0);

  gleaner_result_list_set_pending (list, &id, 1, TRUE);
  g_assert_true (gleaner_result_list_is_pending (list, 3));
  g_assert_cmpuint (n_signals, ==, 2);

  g_ptr_array_add (again, gleaner_result_new_for_url (3, "http://127.0.0.1/y"));
  gleaner_result_list_apply (list, again);
  g_assert_cmpuint (n_signals, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  g_assert_cmpstr (gleaner_result_get_url (row (G_LIST_MODEL (list), 2)), ==, "http://127.0.0.1/y");
  g_assert_false (gleaner_result_list_is_pending (list, 3));

  gleaner_result_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&list));
}

/* A copy of a model kept only through its items-changed: every emission must
 * describe the model as it is at that moment, or the copy drifts. */
typedef struct
{
  GPtrArray *rows;
  guint      n_signals;
  gboolean   check_all;   /* compare the whole copy at every emission */
} Shadow;

static void
shadow_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Shadow     *shadow)
{
  g_assert_cmpuint (position + removed, <=, shadow->rows->len);
  g_ptr_array_remove_range (shadow->rows, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (shadow->rows, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (shadow->rows->len, ==, g_list_model_get_n_items (model));
  if (shadow->check_all)
    for (guint i = 0; i < shadow->rows->len; i++)
      g_assert_true (g_ptr_array_index (shadow->rows, i) == row (model, i));
  shadow->n_signals++;
}

static void
assert_shadow_matches (Shadow     *shadow,
                       GListModel *model)
{
  g_assert_cmpuint (shadow->rows->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < shadow->rows->len; i++)
    g_assert_true (g_ptr_array_index (shadow->rows, i) == row (model, i));
}

/* Titles "Row 00042" sort as their numbers; -1 for a page without one. */
static int
title_number (GleanerResult *result)
{
  const char *title = gleaner_result_get_title (result);

  return title != NULL ? (int)g_ascii_strtoll (title + 4, NULL, 10) : -1;
}

/* GLib's order for names, case-folded: numbers within compare by value. */
static int
natural_compare (const char *a,
                 const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a != NULL ? a : "", -1);
  g_autofree char *fb = g_utf8_casefold (b != NULL ? b : "", -1);
  g_autofree char *ka = g_utf8_collate_key_for_filename (fa, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (fb, -1);

  return strcmp (ka, kb);
}

static GleanerResult *
titled_result (guint64     id,
               int         number,
               guint       status)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1/r/%" G_GUINT64_FORMAT, id);
  GleanerResult *result = gleaner_result_new_for_url (id, url);
  GleanerPageFacts *facts = gleaner_page_facts_new ();

  if (number >= 0)
    {
      facts->has_title = TRUE;
      facts->title = g_strdup_printf ("Row %05d", number);
    }
  _gleaner_result_take_facts (result, facts);
  _gleaner_result_set_status (result, status, NULL);
  if (status >= 400)
    _gleaner_result_set_error (result, GLEANER_ERROR_HTTP_STATUS, NULL);

  return result;
}

/* Sorted by title (ties, and pages without a title, in arrival order: by id),
 * or by status first when @by_status. */
static void
assert_sorted (GListModel *model,
               gboolean    descending,
               gboolean    by_status)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 1; i < n; i++)
    {
      GleanerResult *a = row (model, i - 1);
      GleanerResult *b = row (model, i);
      int order = 0;

      if (by_status)
        order = (int)gleaner_result_get_status (a) - (int)gleaner_result_get_status (b);
      if (order == 0)
        order = descending ? title_number (b) - title_number (a) : title_number (a) - title_number (b);
      if (order == 0)
        order = gleaner_result_get_id (a) < gleaner_result_get_id (b) ? -1 : 1;
      if (order >= 0)
        g_error ("rows %u and %u out of order: %s (%" G_GUINT64_FORMAT ") before %s (%" G_GUINT64_FORMAT ")",
                 i - 1, i, gleaner_result_get_title (a), gleaner_result_get_id (a),
                 gleaner_result_get_title (b), gleaner_result_get_id (b));
    }
}

static gboolean
sort_settled (gpointer data)
{
  return !gleaner_sort_model_get_pending (data);
}

static void
add_titled_batch (GleanerResultList *list,
                  guint64           *next_id,
                  guint              n,
                  GRand             *rand)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      guint64 id = (*next_id)++;
      /* Ties (numbers repeat) and pages without a title among them. */
      int number = id % 37 == 0 ? -1 : g_rand_int_range (rand, 0, 5000);

      g_ptr_array_add (batch, titled_result (id, number, id % 11 == 0 ? 404 : 200));
    }
  gleaner_result_list_apply (list, batch);
}

static void
test_sort_model (void)
{
  g_autoptr(GleanerResultList) list = gleaner_result_list_new ();
  g_autoptr(GleanerSortModel) model = gleaner_sort_model_new (list);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  Shadow shadow = { g_ptr_array_new_with_free_func (g_object_unref), 0, TRUE };
  GleanerSortLevel by_title = { GLEANER_SORT_KEY_TITLE, FALSE };
  GleanerSortLevel by_title_descending = { GLEANER_SORT_KEY_TITLE, TRUE };
  GleanerSortLevel by_status_then_title[] = {
    { GLEANER_SORT_KEY_STATUS, FALSE }, { GLEANER_SORT_KEY_TITLE, FALSE },
  };
  guint64 next_id = 1;
  guint64 ids[3];

  g_test_summary ("Rows stay sorted batch after batch, and every items-changed holds as emitted");

  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed_cb), &shadow);

  /* A fresh view takes rows in a few at a time (a view builds widgets for
   * each), then, as that proves cheap, whole batches. */
  add_titled_batch (list, &next_id, 50, rand);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <, 50);
  g_assert_true (gleaner_sort_model_get_pending (model));
  g_assert_true (wait_until (sort_settled, model, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 50);
  for (guint i = 0; i < 50; i++)
    g_assert_true (row (G_LIST_MODEL (model), i) == gleaner_result_list_peek (list, i));
  {
    gboolean at_once = FALSE;

    for (guint i = 0; i < 10 && !at_once; i++)
      {
        guint n_signals = shadow.n_signals;

        add_titled_batch (list, &next_id, 500, rand);
        g_assert_true (wait_until (sort_settled, model, 10000));
        at_once = shadow.n_signals == n_signals + 1;
      }
    g_assert_true (at_once);
  }

  /* A few thousand rows usually sort within the first 4 ms slice; on a
   * loaded machine the slice may end first: that is timing, not behaviour. */
  gleaner_sort_model_set_levels (model, &by_title, 1);
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);

  /* Batches of every size merge in. */
  for (guint i = 0; i < 40; i++)
    {
      add_titled_batch (list, &next_id, g_rand_int_range (rand, 1, 120), rand);
      g_assert_true (wait_until (sort_settled, model, 10000));
      assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (list)));
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));

  /* A row fetched again moves to where its new title sorts; marking rows as
   * pending announces them without moving them. */
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (again, titled_result (7, 4999, 200));
    g_ptr_array_add (again, titled_result (12, 0, 200));
    gleaner_result_list_apply (list, again);
    assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
    g_assert_cmpint (title_number (row (G_LIST_MODEL (model), g_list_model_get_n_items (G_LIST_MODEL (model)) - 1)), ==, 4999);
  }
  ids[0] = 3; ids[1] = 300; ids[2] = 900;
  gleaner_result_list_set_pending (list, ids, 3, TRUE);
  gleaner_result_list_clear_pending (list);
  assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));

  /* Other orders, and back to arrival order. */
  gleaner_sort_model_set_levels (model, &by_title_descending, 1);
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), TRUE, FALSE);
  add_titled_batch (list, &next_id, 100, rand);
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), TRUE, FALSE);

  gleaner_sort_model_set_levels (model, by_status_then_title, G_N_ELEMENTS (by_status_then_title));
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), FALSE, TRUE);
  add_titled_batch (list, &next_id, 100, rand);
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), FALSE, TRUE);

  gleaner_sort_model_set_levels (model, NULL, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (list)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_assert_true (row (G_LIST_MODEL (model), i) == gleaner_result_list_peek (list, i));
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));

  /* Many rows: the new order is worked out in slices while rows keep
   * arriving (shown at the end meanwhile) and others are fetched again. */
  shadow.check_all = FALSE;
  add_titled_batch (list, &next_id, 60000, rand);
  g_assert_true (wait_until (sort_settled, model, 10000));
  gleaner_sort_model_set_levels (model, &by_title, 1);
  g_assert_true (gleaner_sort_model_get_pending (model));
  add_titled_batch (list, &next_id, 500, rand);
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (again, titled_result (20, 4998, 200));
    gleaner_result_list_apply (list, again);
  }
  g_assert_true (wait_until (sort_settled, model, 30000));
  assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));
  add_titled_batch (list, &next_id, 700, rand);
  g_assert_true (wait_until (sort_settled, model, 10000));
  assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));

  gleaner_result_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (shadow.rows->len, ==, 0);

  /* Emptied, the view starts slow again; rows fetched again before they are
   * shown go in with their new keys. */
  shadow.check_all = TRUE;
  add_titled_batch (list, &next_id, 300, rand);
  g_assert_true (gleaner_sort_model_get_pending (model));
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (again, titled_result (next_id - 300, 4997, 200));
    g_ptr_array_add (again, titled_result (next_id - 1, 4996, 200));
    gleaner_result_list_apply (list, again);
  }
  g_assert_true (wait_until (sort_settled, model, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  assert_sorted (G_LIST_MODEL (model), FALSE, FALSE);
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));
  g_assert_cmpint (title_number (row (G_LIST_MODEL (model), 299)), ==, 4997);

  g_signal_handlers_disconnect_by_data (model, &shadow);
  g_ptr_array_unref (shadow.rows);
  g_assert_finalize_object (g_steal_pointer (&model));
}

/* The column view's sorter tells its columns and their directions. */
/* ---- filter model ---------------------------------------------------------- */

static gboolean
number_mod_3 (gpointer item,
              gpointer user_data)
{
  int number = title_number (item);

  return number >= 0 && number % 3 == 0;
}

/* Lets through fewer rows than number_mod_3(): a stricter filter. */
static gboolean
number_mod_3_below_2500 (gpointer item,
                         gpointer user_data)
{
  return number_mod_3 (item, NULL) && title_number (item) < 2500;
}

static gboolean
number_mod_5 (gpointer item,
              gpointer user_data)
{
  int number = title_number (item);

  return number >= 0 && number % 5 == 1;
}

static gboolean
number_from_100 (gpointer item,
                 gpointer user_data)
{
  return title_number (item) >= 100;
}

static gboolean
number_below_20 (gpointer item,
                 gpointer user_data)
{
  int number = title_number (item);

  return number >= 0 && number < 20;
}

/* The model shows exactly the source rows @func lets through, in order. */
static void
assert_filtered (GListModel             *model,
                 GListModel             *source,
                 GleanerFilterModelFunc  func)
{
  guint n_source = g_list_model_get_n_items (source);
  guint shown = 0;

  for (guint i = 0; i < n_source; i++)
    {
      GleanerResult *result = row (source, i);

      if (func != NULL && !func (result, NULL))
        continue;
      g_assert_cmpuint (shown, <, g_list_model_get_n_items (model));
      g_assert_true (row (model, shown) == result);
      shown++;
    }
  g_assert_cmpuint (shown, ==, g_list_model_get_n_items (model));
}

static void
never_empty_cb (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                gpointer    data)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
}

static void
assert_no_row_twice (GListModel *model)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    g_assert_true (g_hash_table_add (seen, row (model, i)));
}

static GPtrArray *
titled_rows (guint64 *next_id,
             guint    n,
             GRand   *rand)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      guint64 id = (*next_id)++;
      int number = id % 37 == 0 ? -1 : g_rand_int_range (rand, 0, 5000);

      g_ptr_array_add (rows, titled_result (id, number, 200));
    }

  return rows;
}

/* Iterates the main loop until @model settles, checking between iterations
 * (where a frame may be drawn) that no row is shown twice and that the list
 * is not empty while rows are to come. */
static void
settle_filter (GleanerFilterModel *model,
               gboolean            rows_expected)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (gleaner_filter_model_get_pending (model))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      assert_no_row_twice (G_LIST_MODEL (model));
      if (rows_expected)
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
    }
}

static void
test_filter_model (void)
{
  g_autoptr(GListStore) store = g_list_store_new (GLEANER_TYPE_RESULT);
  g_autoptr(GleanerFilterModel) model = gleaner_filter_model_new (G_LIST_MODEL (store));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  Shadow shadow = { g_ptr_array_new_with_free_func (g_object_unref), 0, TRUE };
  GleanerFilterModelFunc funcs[] = { NULL, number_mod_3, number_mod_3_below_2500, number_mod_5 };
  GleanerFilterModelFunc func = NULL;
  guint64 next_id = 1;

  g_test_summary ("Filtered rows are the source rows the function lets through, in order, after "
                  "any mix of new filters and source changes; every items-changed holds as "
                  "emitted; no row is ever shown twice, and the list is never empty on the way "
                  "from rows to rows");

  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed_cb), &shadow);

  {
    g_autoptr(GPtrArray) rows = titled_rows (&next_id, 3000, rand);

    g_list_store_splice (store, 0, 0, rows->pdata, rows->len);
  }
  assert_filtered (G_LIST_MODEL (model), G_LIST_MODEL (store), NULL);

  for (guint round = 0; round < 60; round++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      GleanerFilterModelFunc next = funcs[g_rand_int_range (rand, 0, G_N_ELEMENTS (funcs))];
      GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;
      guint op = g_rand_int_range (rand, 0, 5);
      g_autoptr(GPtrArray) rows = NULL;

      if (func == number_mod_3 && next == number_mod_3_below_2500)
        change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if ((func == number_mod_3_below_2500 && next == number_mod_3) || next == NULL)
        change = GTK_FILTER_CHANGE_LESS_STRICT;
      func = next;
      gleaner_filter_model_set_func (model, func, NULL, change);

      /* Part of the way through, the source changes: rows come, go, are
       * replaced, or come in a new order (a new sort order). */
      for (guint i = 0; i < (guint)g_rand_int_range (rand, 0, 4); i++)
        g_main_context_iteration (NULL, FALSE);
      switch (op)
        {
        case 0:
          rows = titled_rows (&next_id, g_rand_int_range (rand, 1, 400), rand);
          g_list_store_splice (store, g_rand_int_range (rand, 0, n + 1), 0, rows->pdata, rows->len);
          break;
        case 1:
          {
            guint at = g_rand_int_range (rand, 0, n);
            guint k = MIN ((guint)g_rand_int_range (rand, 1, 300), n - at);

            rows = titled_rows (&next_id, k, rand);
            g_list_store_splice (store, at, k, rows->pdata, rows->len);
          }
          break;
        case 2:
          {
            guint at = g_rand_int_range (rand, 0, n);

            g_list_store_splice (store, at, MIN ((guint)g_rand_int_range (rand, 1, 200), n - at), NULL, 0);
          }
          break;
        case 3:
          rows = g_ptr_array_new_with_free_func (g_object_unref);
          for (guint i = 0; i < n; i++)
            g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (store), i));
          for (guint i = n; i > 1; i--)
            {
              guint j = g_rand_int_range (rand, 0, i);
              gpointer swap = rows->pdata[i - 1];

              rows->pdata[i - 1] = rows->pdata[j];
              rows->pdata[j] = swap;
            }
          g_list_store_splice (store, 0, n, rows->pdata, rows->len);
          break;
        default:
          break;
        }

      settle_filter (model, func != number_mod_5 || g_list_model_get_n_items (G_LIST_MODEL (model)) > 0);
      assert_filtered (G_LIST_MODEL (model), G_LIST_MODEL (store), func);
      assert_shadow_matches (&shadow, G_LIST_MODEL (model));
    }

  /* From a few rows to many: the view builds a widget for each row that
   * comes, so they come over several changes, never through an empty list. */
  gleaner_filter_model_set_func (model, number_below_20, NULL, GTK_FILTER_CHANGE_DIFFERENT);
  settle_filter (model, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <, 100);
  {
    guint n_signals = shadow.n_signals;

    gleaner_filter_model_set_func (model, NULL, NULL, GTK_FILTER_CHANGE_LESS_STRICT);
    g_assert_true (gleaner_filter_model_get_pending (model));
    /* Rows arrive and are replaced while the new rows come in. */
    for (guint i = 0; i < 4; i++)
      {
        g_autoptr(GPtrArray) rows = titled_rows (&next_id, 50, rand);

        g_main_context_iteration (NULL, FALSE);
        g_assert_true (gleaner_filter_model_get_pending (model));
        g_list_store_splice (store, i * 7, i % 2, rows->pdata, rows->len);
      }
    settle_filter (model, TRUE);
    g_assert_cmpuint (shadow.n_signals - n_signals, >, 2);
    assert_filtered (G_LIST_MODEL (model), G_LIST_MODEL (store), NULL);
  }

  /* The few rows shown all come before the first new one: the step that
   * takes them away brings that one in. */
  {
    g_autoptr(GListStore) few = g_list_store_new (GLEANER_TYPE_RESULT);
    g_autoptr(GleanerFilterModel) then = gleaner_filter_model_new (G_LIST_MODEL (few));

    for (guint i = 0; i < 2010; i++)
      {
        g_autoptr(GleanerResult) result = titled_result (next_id++, i < 10 ? (int)i : (int)(90 + i), 200);

        g_list_store_append (few, result);
      }
    gleaner_filter_model_set_func (then, number_below_20, NULL, GTK_FILTER_CHANGE_DIFFERENT);
    settle_filter (then, TRUE);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (then)), ==, 10);
    g_signal_connect (then, "items-changed", G_CALLBACK (never_empty_cb), NULL);
    gleaner_filter_model_set_func (then, number_from_100, NULL, GTK_FILTER_CHANGE_DIFFERENT);
    settle_filter (then, TRUE);
    assert_filtered (G_LIST_MODEL (then), G_LIST_MODEL (few), number_from_100);
  }

  /* An export flushes a change under way. */
  gleaner_filter_model_set_func (model, number_mod_5, NULL, GTK_FILTER_CHANGE_DIFFERENT);
  gleaner_filter_model_flush (model);
  g_assert_false (gleaner_filter_model_get_pending (model));
  assert_filtered (G_LIST_MODEL (model), G_LIST_MODEL (store), number_mod_5);
  assert_shadow_matches (&shadow, G_LIST_MODEL (model));

  g_signal_handlers_disconnect_by_data (model, &shadow);
  g_ptr_array_unref (shadow.rows);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_sort_levels (void)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (g_object_ref_sink (gtk_column_view_new (NULL)));
  g_autoptr(GtkColumnViewColumn) title = gtk_column_view_column_new ("Title", NULL);
  g_autoptr(GtkColumnViewColumn) size = gtk_column_view_column_new ("Size", NULL);
  g_autoptr(GtkMultiSorter) multi = gtk_multi_sorter_new ();
  GleanerSortLevel levels[GLEANER_N_SORT_KEYS];

  gtk_column_view_column_set_sorter (title, gleaner_column_sorter_new (GLEANER_SORT_KEY_TITLE));
  g_object_unref (gtk_column_view_column_get_sorter (title));
  gtk_column_view_column_set_sorter (size, gleaner_column_sorter_new (GLEANER_SORT_KEY_SIZE));
  g_object_unref (gtk_column_view_column_get_sorter (size));
  gtk_column_view_append_column (view, title);
  gtk_column_view_append_column (view, size);

  g_assert_cmpuint (gleaner_column_sorter_read_levels (gtk_column_view_get_sorter (view), levels, 7), ==, 0);

  gtk_column_view_sort_by_column (view, size, GTK_SORT_DESCENDING);
  g_assert_cmpuint (gleaner_column_sorter_read_levels (gtk_column_view_get_sorter (view), levels, 7), ==, 1);
  g_assert_cmpint (levels[0].key, ==, GLEANER_SORT_KEY_SIZE);
  g_assert_true (levels[0].descending);

  gtk_column_view_sort_by_column (view, title, GTK_SORT_ASCENDING);
  g_assert_cmpuint (gleaner_column_sorter_read_levels (gtk_column_view_get_sorter (view), levels, 7), ==, 1);
  g_assert_cmpint (levels[0].key, ==, GLEANER_SORT_KEY_TITLE);
  g_assert_false (levels[0].descending);

  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  g_assert_cmpuint (gleaner_column_sorter_read_levels (gtk_column_view_get_sorter (view), levels, 7), ==, 0);

  /* Tie-breakers come after the primary level, in order. */
  gtk_multi_sorter_append (multi, gleaner_column_sorter_new (GLEANER_SORT_KEY_STATUS));
  gtk_multi_sorter_append (multi, gleaner_column_sorter_new (GLEANER_SORT_KEY_URL));
  g_assert_cmpuint (gleaner_column_sorter_read_levels (GTK_SORTER (multi), levels, 7), ==, 2);
  g_assert_cmpint (levels[0].key, ==, GLEANER_SORT_KEY_STATUS);
  g_assert_cmpint (levels[1].key, ==, GLEANER_SORT_KEY_URL);
  g_assert_false (levels[1].descending);

  g_object_unref (view);
}

static void
test_ui_util (void)
{
  g_autoptr(GFile) bare = g_file_new_for_path ("/tmp/links");
  g_autoptr(GFile) csv = g_file_new_for_path ("/tmp/links.csv");
  g_autoptr(GFile) resolved = NULL;
  g_autofree char *name = NULL;
  GleanerFormat format;

  /* The next save dialog opens where the last export went, except inside
   * the document portal, whose chooser keeps its own place. */
  {
    g_autoptr(GFile) written = g_file_new_for_path ("/home/ada/Reports/links.csv");
    g_autoptr(GFile) folder = gleaner_ui_export_folder_to_offer (written);
    g_autoptr(GFile) in_portal = g_file_new_build_filename (g_get_user_runtime_dir (), "doc",
                                                            "1a2b3c4d", "links.csv", NULL);
    g_autoptr(GFile) remote = g_file_new_for_uri ("sftp://host/srv/links.csv");
    g_autofree char *path = NULL;

    g_assert_nonnull (folder);
    path = g_file_get_path (folder);
    g_assert_cmpstr (path, ==, "/home/ada/Reports");
    g_assert_null (gleaner_ui_export_folder_to_offer (in_portal));
    g_assert_null (gleaner_ui_export_folder_to_offer (remote));
  }

  {
    g_autofree char *took = gleaner_ui_format_duration (245.0);
    g_autofree char *count = gleaner_ui_format_count (7);

    g_assert_cmpstr (took, ==, "4 min 5 s");
    g_assert_cmpstr (count, ==, "7");
  }

  resolved = gleaner_ui_resolve_export_file (bare, GLEANER_FORMAT_JSON, &format);
  name = g_file_get_basename (resolved);
  g_assert_cmpstr (name, ==, "links.json");
  g_assert_cmpint (format, ==, GLEANER_FORMAT_JSON);
  g_clear_object (&resolved);

  resolved = gleaner_ui_resolve_export_file (csv, GLEANER_FORMAT_TITLES, &format);
  g_assert_true (g_file_equal (resolved, csv));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_CSV);
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* data: { AdwWindowTitle *, const char *subtitle } */
static gboolean
subtitle_is (gpointer data)
{
  gpointer *expect = data;

  return g_strcmp0 (adw_window_title_get_subtitle (expect[0]), expect[1]) == 0;
}

static void
test_window_run (void)
{
  GleanerWindow *window = new_window ();
  GListModel *results = gleaner_window_get_results (window);
  GListModel *visible = gleaner_window_get_visible_rows (window);
  g_autofree char *pages = page_list (1, N_PAGES);
  g_autofree char *missing = gleaner_test_server_url (server, "/missing");
  g_autofree char *flaky = gleaner_test_server_url (server, "/flaky");
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint flaky_position = G_MAXUINT;

  g_test_summary ("Paste a list, run it against a loopback server, check every row");

  g_atomic_int_set (&flaky_hits, 0);
  /* The pages, a failure, a duplicate, a line without a link and a flaky page. */
  text = g_strdup_printf ("%s%s\n%s\nno link on this line\n%s\n", pages, missing, missing, flaky);
  gleaner_window_add_text (window, text, -1);
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, N_PAGES + 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (gleaner_window_get_running (window));
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 0);
  g_assert_true (wait_until (run_finished, window, 30000));

  g_assert_cmpuint (g_list_model_get_n_items (results), ==, N_PAGES + 2);
  for (guint i = 0; i < N_PAGES + 2; i++)
    {
      GleanerResult *result = row (results, i);
      const char *url = gleaner_result_get_url (result);

      if (g_str_has_suffix (url, "/missing") || g_str_has_suffix (url, "/flaky"))
        {
          g_assert_false (gleaner_result_get_succeeded (result));
          g_assert_cmpuint (gleaner_result_get_status (result), ==, 404);
          if (g_str_has_suffix (url, "/flaky"))
            flaky_position = i;
        }
      else
        {
          guint n = page_number (result);
          g_autofree char *title = expected_title (n);

          g_assert_true (gleaner_result_get_succeeded (result));
          g_assert_cmpstr (gleaner_result_get_title (result), ==, title);
          g_assert_cmpuint (gleaner_result_get_status (result), ==, 200);
          g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (n)));
          g_hash_table_add (seen, GUINT_TO_POINTER (n));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_PAGES);
  g_assert_cmpuint (flaky_position, !=, G_MAXUINT);

  /* Sort by title, descending: "Page 20 …" first; rows without a title last. */
  g_assert_true (gleaner_window_sort_by_column (window, "title", GTK_SORT_DESCENDING));
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, N_PAGES + 2);
  for (guint i = 0; i < N_PAGES; i++)
    {
      g_autofree char *title = expected_title (N_PAGES - i);

      g_assert_cmpstr (gleaner_result_get_title (row (visible, i)), ==, title);
    }

  /* Sort by status, ascending: the 200s, then the 404s. */
  g_assert_true (gleaner_window_sort_by_column (window, "status", GTK_SORT_ASCENDING));
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (gleaner_result_get_status (row (visible, 0)), ==, 200);
  g_assert_cmpuint (gleaner_result_get_status (row (visible, N_PAGES + 1)), ==, 404);

  /* Filter by text: case-insensitive, title or URL. */
  gleaner_window_set_filter_text (window, "PAGE 1");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 10);   /* Page 10 … Page 19 */
  gleaner_window_set_filter_text (window, "/missing");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  gleaner_window_set_filter_text (window, "ÜNÏCODE");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, N_PAGES);

  /* The subtitle counts what the filter shows; no match says so. */
  {
    AdwWindowTitle *title = ADW_WINDOW_TITLE (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                             GLEANER_TYPE_WINDOW,
                                                                             "window_title"));
    GtkWidget *no_match = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                     GLEANER_TYPE_WINDOW,
                                                                     "no_match_page"));
    guint n_rows = g_list_model_get_n_items (gleaner_window_get_results (window));
    g_autofree char *all = g_strdup_printf ("%u rows", n_rows);
    g_autofree char *some = g_strdup_printf ("%u of %u rows", N_PAGES, n_rows);
    g_autofree char *none = g_strdup_printf ("0 of %u rows", n_rows);
    gpointer expect[] = { title, some };

    g_assert_true (wait_until (subtitle_is, expect, 5000));
    g_assert_false (gtk_widget_get_visible (no_match));

    gleaner_window_set_filter_text (window, "no such page anywhere");
    g_assert_true (wait_until (view_settled, window, 10000));
    g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 0);
    expect[1] = none;
    g_assert_true (wait_until (subtitle_is, expect, 5000));
    /* Shown once the filter model has finished, which it says by no signal:
     * the window looks again shortly after. */
    g_assert_true (wait_until (widget_visible, no_match, 5000));

    gleaner_window_set_filter_text (window, "");
    g_assert_true (wait_until (view_settled, window, 10000));
    expect[1] = all;
    g_assert_true (wait_until (subtitle_is, expect, 5000));
    g_assert_false (gtk_widget_get_visible (no_match));
  }

  /* Filter by outcome, through the action the toggle buttons use. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.outcome", "s", "failed");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.outcome", "s", "succeeded");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, N_PAGES);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.outcome", "s", "all");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, N_PAGES + 2);

  /* Re-run the failed rows: same rows, replaced in place. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.rerun-failed", NULL);
  g_assert_true (gleaner_window_get_running (window));
  g_assert_true (wait_until (run_finished, window, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, N_PAGES + 2);
  g_assert_cmpint (g_atomic_int_get (&flaky_hits), ==, 2);
  g_assert_cmpstr (gleaner_result_get_title (row (results, flaky_position)), ==, "Recovered");
  g_assert_cmpuint (gleaner_result_list_get_n_failed (GLEANER_RESULT_LIST (results)), ==, 1);

  /* The rejected line can be inspected. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-rejected", NULL);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWidget *rejected = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (GLEANER_IS_REJECTED_WINDOW (w))
          rejected = w;
      }
    g_assert_nonnull (rejected);
    g_assert_cmpuint (gleaner_rejected_window_get_n_shown (GLEANER_REJECTED_WINDOW (rejected)), ==, 1);
    gtk_window_destroy (GTK_WINDOW (rejected));
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);

  destroy_window (window);
}

typedef struct
{
  GFile   *file;
  GError  *error;
  gboolean done;
} ExportWait;

static void
export_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  ExportWait *wait = user_data;

  wait->file = gleaner_window_export_finish (GLEANER_WINDOW (source), res, &wait->error);
  wait->done = TRUE;
}

static char *
export_and_read (GleanerWindow *window,
                 GFile         *chosen,
                 GleanerFormat  format,
                 const char    *expected_basename)
{
  ExportWait wait = { NULL, NULL, FALSE };
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GError) error = NULL;

  gleaner_window_export_async (window, chosen, format, NULL, export_cb, &wait);
  g_assert_true (wait_until (flag_set, &wait.done, 10000));
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.file);

  basename = g_file_get_basename (wait.file);
  g_assert_cmpstr (basename, ==, expected_basename);
  g_file_load_contents (wait.file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.file);

  return g_steal_pointer (&contents);
}

/* Titles in the order a file manager gives names: case-folded, collated,
 * numbers by value. */
static int
collate_titles (GleanerResult *a,
                GleanerResult *b)
{
  return natural_compare (gleaner_result_get_title (a), gleaner_result_get_title (b));
}

static void
assert_titles_descending (GListModel *model)
{
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpint (collate_titles (row (model, i - 1), row (model, i)), >, 0);
}

typedef struct
{
  GleanerWindow *window;
  guint          n_checks;
} SortedRun;

/* While the run goes on: the rows shown so far are sorted and filtered. */
static gboolean
sorted_run_check (gpointer data)
{
  SortedRun *run = data;
  GListModel *visible = gleaner_window_get_visible_rows (run->window);

  if (gleaner_window_get_view_pending (run->window))
    return !gleaner_window_get_running (run->window);

  assert_titles_descending (visible);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autofree char *folded = g_utf8_casefold (gleaner_result_get_title (row (visible, i)), -1);

      g_assert_nonnull (strstr (folded, "page 1"));
    }
  run->n_checks++;

  return !gleaner_window_get_running (run->window);
}

static void
test_window_sorted_run (void)
{
  GleanerWindow *window = new_window ();
  GListModel *visible = gleaner_window_get_visible_rows (window);
  g_autofree char *pages = page_list (1, 300);
  SortedRun run = { window, 0 };
  guint n_matching = 0;

  g_test_summary ("Rows arriving in batches go straight to their places in a sorted, filtered view");

  for (guint n = 1; n <= 300; n++)
    {
      g_autofree char *title = expected_title (n);
      g_autofree char *folded = g_utf8_casefold (title, -1);

      n_matching += strstr (folded, "page 1") != NULL;
    }

  g_assert_true (gleaner_window_sort_by_column (window, "title", GTK_SORT_DESCENDING));
  gleaner_window_set_filter_text (window, "page 1");
  gleaner_window_add_text (window, pages, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (sorted_run_check, &run, 30000));
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (run.n_checks, >, 1);

  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_matching);
  run.n_checks = 0;
  sorted_run_check (&run);
  g_assert_cmpuint (run.n_checks, ==, 1);

  /* Without the filter: every row, still sorted. */
  gleaner_window_set_filter_text (window, "");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 300);
  assert_titles_descending (visible);

  /* Re-sorted by URL: /page/9 before /page/10. */
  g_assert_true (gleaner_window_sort_by_column (window, "url", GTK_SORT_ASCENDING));
  g_assert_true (wait_until (view_settled, window, 10000));
  for (guint i = 1; i < 300; i++)
    g_assert_cmpint (natural_compare (gleaner_result_get_url (row (visible, i - 1)),
                                      gleaner_result_get_url (row (visible, i))), <, 0);
  /* Numbers by value: the pages in their own order, where plain text order
   * would put /page/10 before /page/2. */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *path = g_strdup_printf ("/page/%u", i + 1);

      g_assert_true (g_str_has_suffix (gleaner_result_get_url (row (visible, i)), path));
    }

  destroy_window (window);
}

/* The question the window is asking, if any. */
static GObject *
visible_alert (GleanerWindow *window)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  return G_OBJECT (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
#else
  GList *toplevels = gtk_window_list_toplevels ();
  GObject *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window) &&
        gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
#endif
}

static gboolean
alert_shown (gpointer data)
{
  return visible_alert (data) != NULL;
}

/* Answers as a click on the button with @response would. */
static void
answer_alert (GObject    *dialog,
              const char *response)
{
  g_signal_emit_by_name (dialog, "response", response);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_force_close (ADW_DIALOG (dialog));
#else
  gtk_window_destroy (GTK_WINDOW (dialog));
#endif
}

/* Held by the toplevel list and the test alone: no export in flight. */
static gboolean
window_only_held_by_test (gpointer data)
{
  return G_OBJECT (data)->ref_count <= 2;
}

static gboolean
file_changed_from (gpointer data)
{
  const char **path_and_old = data;
  g_autofree char *now = NULL;

  return g_file_get_contents (path_and_old[0], &now, NULL, NULL) &&
         g_strcmp0 (now, path_and_old[1]) != 0;
}

static void
test_window_export (void)
{
  GleanerWindow *window = new_window ();
  g_autofree char *pages = page_list (1, 5);
  g_autofree char *dir = NULL;
  g_autoptr(GFile) bare = NULL;
  g_autoptr(GFile) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_test_summary ("Export through the function the save dialog calls; the extension follows the format");

  dir = g_dir_make_tmp ("gleaner-test-window-XXXXXX", &error);
  g_assert_no_error (error);

  gleaner_window_add_text (window, pages, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (run_finished, window, 30000));
  g_assert_true (gleaner_window_sort_by_column (window, "title", GTK_SORT_ASCENDING));
  g_assert_true (wait_until (view_settled, window, 10000));

  /* A bare name gets the chosen format's extension. Titles: one per line, in view order. */
  bare = g_file_new_build_filename (dir, "links", NULL);
  contents = export_and_read (window, bare, GLEANER_FORMAT_TITLES, "links.txt");
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = expected_title (i + 1);

      g_assert_cmpstr (lines[i], ==, title);
    }
  g_clear_pointer (&contents, g_free);

  /* A typed extension names the format: CSV, with a header and every URL. */
  csv = g_file_new_build_filename (dir, "rows.csv", NULL);
  contents = export_and_read (window, csv, GLEANER_FORMAT_TITLES, "rows.csv");
  g_assert_true (g_str_has_prefix (contents, "url,"));
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *path = g_strdup_printf ("/page/%u", i);
      g_autofree char *url = gleaner_test_server_url (server, path);

      g_assert_nonnull (strstr (contents, url));
    }
  g_clear_pointer (&contents, g_free);

  /* Only what is visible is exported. */
  gleaner_window_set_filter_text (window, "page 03");
  g_assert_true (wait_until (view_settled, window, 10000));
  g_clear_object (&bare);
  bare = g_file_new_build_filename (dir, "one", NULL);
  contents = export_and_read (window, bare, GLEANER_FORMAT_MARKDOWN, "one.md");
  g_assert_nonnull (strstr (contents, "/page/3"));
  g_assert_null (strstr (contents, "/page/4"));
  g_clear_pointer (&contents, g_free);

  /* The save dialog asked about "one", not "one.md": replacing that one is
   * asked first. Cancel keeps the file as it was; Replace writes it. */
  {
    g_autoptr(GFile) again = g_file_new_build_filename (dir, "one", NULL);
    g_autofree char *path = g_build_filename (dir, "one.md", NULL);
    const char *path_and_old[] = { path, "precious" };
    g_autofree char *kept = NULL;

    g_file_set_contents (path, "precious", -1, &error);
    g_assert_no_error (error);
    g_assert_false (gleaner_window_export_chosen (window, again, GLEANER_FORMAT_MARKDOWN));
    g_assert_true (wait_until (alert_shown, window, 5000));
    answer_alert (visible_alert (window), "cancel");
    spin (300);
    g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
    g_assert_cmpstr (kept, ==, "precious");

    g_assert_false (gleaner_window_export_chosen (window, again, GLEANER_FORMAT_MARKDOWN));
    g_assert_true (wait_until (alert_shown, window, 5000));
    answer_alert (visible_alert (window), "replace");
    g_assert_true (wait_until (file_changed_from, path_and_old, 10000));
    g_clear_pointer (&kept, g_free);
    g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
    g_assert_nonnull (strstr (kept, "/page/3"));

    /* A name the dialog itself asked about is written at once (in the
     * format its extension names). */
    g_clear_object (&again);
    again = g_file_new_build_filename (dir, "one.md", NULL);
    g_file_set_contents (path, "precious", -1, &error);
    g_assert_no_error (error);
    path_and_old[1] = "precious";
    g_assert_true (gleaner_window_export_chosen (window, again, GLEANER_FORMAT_TITLES));
    g_assert_null (visible_alert (window));
    g_assert_true (wait_until (file_changed_from, path_and_old, 10000));
    /* The export's task holds the window until its callback has run. */
    g_assert_true (wait_until (window_only_held_by_test, window, 10000));
  }

  /* A failed write says why and returns an error. */
  {
    g_autoptr(GFile) nowhere = g_file_new_build_filename (dir, "no-such-dir", "x.tsv", NULL);
    ExportWait wait = { NULL, NULL, FALSE };

    gleaner_window_export_async (window, nowhere, GLEANER_FORMAT_TSV, NULL, export_cb, &wait);
    g_assert_true (wait_until (flag_set, &wait.done, 10000));
    g_assert_null (wait.file);
    g_assert_nonnull (wait.error);
    g_clear_error (&wait.error);
  }

  destroy_window (window);

  /* Leave nothing behind. */
  {
    const char *names[] = { "links.txt", "rows.csv", "one.md" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);

        g_assert_cmpint (g_remove (path), ==, 0);
      }
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardWait;

static void
clipboard_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  ClipboardWait *wait = user_data;

  wait->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), res, NULL);
  wait->done = TRUE;
}

static char *
read_clipboard (GtkWidget *widget)
{
  ClipboardWait wait = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_cb, &wait);
  g_assert_true (wait_until (flag_set, &wait.done, 5000));
  return wait.text;
}

static gboolean
has_queued (gpointer data)
{
  return gleaner_window_get_n_queued (data) > 0;
}

static gboolean
has_two_queued (gpointer data)
{
  return gleaner_window_get_n_queued (data) == 2;
}

static gboolean
search_says_page_02 (gpointer data)
{
  return g_strcmp0 (gtk_editable_get_text (data), "Page 02") == 0;
}

static void
test_window_copy_paste (void)
{
  GleanerWindow *window = new_window ();
  GtkSelectionModel *selection = gleaner_window_get_selection (window);
  g_autofree char *pages = page_list (1, 3);
  g_autofree char *copied = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *expected = NULL;
  GString *lines = g_string_new (NULL);

  g_test_summary ("Ctrl+V reads the clipboard; Ctrl+C copies title<TAB>url lines");

  /* Paste from the clipboard, as Ctrl+V does. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), pages);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
  g_assert_true (wait_until (has_queued, window, 5000));
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 3);

  /* Loopback is plain HTTP, so the per-run TLS choice changes nothing here
   * but its lifetime: on for this run, off again after it. */
  gleaner_window_set_ignore_tls_errors (window, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (gleaner_window_get_ignore_tls_errors (window));
  g_assert_true (wait_until (run_finished, window, 30000));
  g_assert_false (gleaner_window_get_ignore_tls_errors (window));
  g_assert_true (gleaner_window_sort_by_column (window, "url", GTK_SORT_ASCENDING));
  g_assert_true (wait_until (view_settled, window, 10000));

  gtk_selection_model_select_all (selection);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.copy", NULL);
  copied = read_clipboard (GTK_WIDGET (window));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *title = expected_title (i);
      g_autofree char *path = g_strdup_printf ("/page/%u", i);
      g_autofree char *url = gleaner_test_server_url (server, path);

      g_string_append_printf (lines, "%s\t%s\n", title, url);
    }
  expected = g_string_free (lines, FALSE);
  g_assert_cmpstr (copied, ==, expected);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-urls", NULL);
  urls = read_clipboard (GTK_WIDGET (window));
  g_assert_cmpstr (urls, ==, pages);

  /* Pasted into the filter, a list joins the links; one line is searched for. */
  {
    GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                       GLEANER_TYPE_WINDOW,
                                                                       "search_entry"));
    GtkEditable *text = gtk_editable_get_delegate (search);
    g_autofree char *more = page_list (10, 2);

    gtk_widget_grab_focus (GTK_WIDGET (search));
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), more);
    g_signal_emit_by_name (text, "paste-clipboard");
    g_assert_true (wait_until (has_two_queued, window, 5000));
    g_assert_cmpstr (gtk_editable_get_text (search), ==, "");

    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "Page 02\n");
    g_signal_emit_by_name (text, "paste-clipboard");
    g_assert_true (wait_until (search_says_page_02, search, 5000));
    g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 2);
  }

  destroy_window (window);
}

static gboolean
focus_in (GtkWidget *window,
          GtkWidget *area)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

  return focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area));
}

static void
test_window_tab_leaves_list (void)
{
  GleanerWindow *window = new_window ();
  g_autofree char *pages = page_list (1, N_PAGES);
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              GLEANER_TYPE_WINDOW,
                                                              "column_view"));

  g_test_summary ("Tab and Shift+Tab leave the list of rows; they never walk it row by row");

  gleaner_window_add_text (window, pages, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (run_finished, window, 30000));
  g_assert_true (wait_until (view_settled, window, 10000));

#if GTK_CHECK_VERSION (4, 12, 0)
  g_assert_cmpint (gtk_column_view_get_tab_behavior (GTK_COLUMN_VIEW (list)), ==, GTK_LIST_TAB_ITEM);
#else
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
    GtkEventController *keys = NULL;
    GtkWidget *after;
    GtkWidget *before;
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (g_strcmp0 (gtk_event_controller_get_name (controller), "gleaner-list-tab") == 0)
          keys = controller;
      }
    g_assert_nonnull (keys);

    /* On a row, Tab goes past the list, not to the next row. */
    g_assert_true (gtk_widget_grab_focus (list));
    spin (50);
    g_assert_true (focus_in (GTK_WIDGET (window), list));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Tab, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_false (focus_in (GTK_WIDGET (window), list));
    after = gtk_window_get_focus (GTK_WINDOW (window));
    g_assert_nonnull (after);

    /* Shift+Tab goes before it: somewhere else. */
    g_assert_true (gtk_widget_grab_focus (list));
    spin (50);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_ISO_Left_Tab, 0, GDK_SHIFT_MASK, &handled);
    g_assert_true (handled);
    g_assert_false (focus_in (GTK_WIDGET (window), list));
    before = gtk_window_get_focus (GTK_WINDOW (window));
    g_assert_nonnull (before);
    g_assert_true (before != after);

    /* And the list can take focus again. */
    g_assert_true (gtk_widget_grab_focus (list));
    g_assert_true (focus_in (GTK_WIDGET (window), list));
    g_test_message ("after the list: %s; before it: %s",
                    G_OBJECT_TYPE_NAME (after), G_OBJECT_TYPE_NAME (before));
  }
#endif

  destroy_window (window);
}

static gboolean
has_four_rows (gpointer data)
{
  return g_list_model_get_n_items (data) >= 4;
}

static gboolean
progress_says_four_of_nine (gpointer data)
{
  GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (data, GLEANER_TYPE_WINDOW,
                                                               "progress_label"));

  return g_str_has_prefix (gtk_label_get_text (label), "4 of 9");
}

static void
test_window_stop_and_join (void)
{
  GleanerWindow *window = new_window ();
  GListModel *results = gleaner_window_get_results (window);
  GString *silent = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *more = page_list (100, 4);
  gint64 before;

  g_test_summary ("Links pasted during a run join it; Stop is immediate and keeps what was fetched");

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *path = g_strdup_printf ("/silent/%u", i);
      g_autofree char *url = gleaner_test_server_url (server, path);

      g_string_append_printf (silent, "%s\n", url);
    }
  text = g_string_free (silent, FALSE);

  gleaner_window_add_text (window, text, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (gleaner_window_get_running (window));
  spin (100);

  /* Paste more while running: they join the run and arrive. */
  gleaner_window_add_text (window, more, -1);
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 0);
  g_assert_true (wait_until (has_four_rows, results, 20000));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 4);
  g_assert_true (gleaner_window_get_running (window));
  /* The four came in a burst, then nothing: the progress text still catches up. */
  g_assert_true (wait_until (progress_says_four_of_nine, window, 2000));

  /* Stop: at once, and nothing arrives afterwards. */
  before = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_cmpint (g_get_monotonic_time () - before, <, 200 * 1000);
  g_assert_false (gleaner_window_get_running (window));
  spin (300);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 4);
  /* The silent links wait for the next Start. */
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 5);

  destroy_window (window);
}

static gboolean
has_three_queued (gpointer data)
{
  return gleaner_window_get_n_queued (data) >= 3;
}

/* More links than the window gives the pipeline in one main-loop turn. */
static void
test_window_large_run (void)
{
  GleanerWindow *window = new_window ();
  GListModel *results = gleaner_window_get_results (window);
  GString *silent = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *pages = page_list (1, 5000);
  g_autofree char *base = gleaner_test_server_url (server, "/silent/");

  g_test_summary ("A run of thousands of links is handed over in slices: Stop gives every "
                  "unfetched link back, and the run ends only when all have a row");

  for (guint i = 0; i < 6000; i++)
    g_string_append_printf (silent, "%s%u\n", base, i);
  text = g_string_free (silent, FALSE);
  gleaner_window_add_text (window, text, -1);
  g_assert_true (wait_until (parse_finished, window, 20000));
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 6000);

  /* Stopped before the rest of the links were given to the pipeline. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_false (gleaner_window_get_running (window));
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 6000);

  /* And after they all were. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  spin (300);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 6000);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
  gleaner_window_add_text (window, pages, -1);
  g_assert_true (wait_until (parse_finished, window, 20000));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (run_finished, window, 60000));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 5000);
  g_assert_true (wait_until (view_settled, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (gleaner_window_get_visible_rows (window)), ==, 5000);

  destroy_window (window);
}

static void
test_window_open_files (void)
{
  GleanerWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("gleaner-test-open-XXXXXX", &error);
  g_autofree char *path = NULL;
  GFile *files[3] = { NULL, };
  const char *markdown = "# Reading\n\n- [One](https://example.org/one)\n- see <https://example.org/two>\n";

  g_test_summary ("Open reads files off the main thread; a dropped web address is a link");

  g_assert_no_error (error);
  path = g_build_filename (dir, "links.md", NULL);
  g_file_set_contents (path, markdown, -1, &error);
  g_assert_no_error (error);

  files[0] = g_file_new_for_path (path);
  files[1] = g_file_new_for_uri ("https://example.org/three");
  files[2] = g_file_new_for_path (dir);   /* a folder: refused with a toast */
  gleaner_window_open_files (window, (GFile **)files, G_N_ELEMENTS (files));
  g_assert_true (wait_until (has_three_queued, window, 5000));
  spin (100);
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 3);

  destroy_window (window);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_window_settings (void)
{
  GleanerWindow *window = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GListModel) columns = NULL;
  GleanerPreferencesWindow *preferences;
  const char *visible[] = { "title", "url", NULL };

  settings = gleaner_settings_new ();
  if (settings == NULL)
    {
      g_test_skip ("the settings schema is not compiled (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  g_settings_set_strv (settings, "visible-columns", visible);
  window = new_window ();
  {
    GtkWidget *view = NULL;

    /* The column view is the one GtkColumnView in the window. */
    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window)); w != NULL; )
      {
        if (GTK_IS_COLUMN_VIEW (w))
          {
            view = w;
            break;
          }
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            if (w != NULL)
              w = gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (view);
    columns = g_object_ref (gtk_column_view_get_columns (GTK_COLUMN_VIEW (view)));
  }
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_true (gtk_column_view_column_get_visible (column) == (i < 2));
    }
  g_settings_reset (settings, "visible-columns");
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_true (gtk_column_view_column_get_visible (column));
    }

  /* The preferences write through to GSettings. */
  preferences = gleaner_preferences_window_present (settings, GTK_WINDOW (window));
  g_object_ref (preferences);
  g_settings_set_uint (settings, "fetch-workers", 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "fetch-workers"), ==, 7);
#if ADW_CHECK_VERSION (1, 6, 0)
  adw_dialog_force_close (ADW_DIALOG (preferences));
#else
  gtk_window_destroy (GTK_WINDOW (preferences));
#endif
  g_assert_finalize_object (preferences);
  g_settings_reset (settings, "fetch-workers");

  /* The last export format is remembered. */
  g_clear_object (&columns);
  destroy_window (window);
}


/* ---- the session journal ------------------------------------------------------ */

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

static gboolean
store_ready (gpointer data)
{
  return gleaner_application_get_store_ready (data);
}

/* An application as main() makes it, without D-Bus uniqueness, registered
 * (which opens its journal under the test's own XDG data folder). */
static GleanerApplication *
new_app (void)
{
  GleanerApplication *app = gleaner_application_new ();
  g_autoptr(GError) error = NULL;

  /* Without an id, registering stays local: nothing exported on the bus
   * (which would keep a reference to the application for good). */
  g_application_set_application_id (G_APPLICATION (app), NULL);
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (store_ready, app, 10000));

  return app;
}

static GleanerWindow *
new_app_window (GleanerApplication *app)
{
  GleanerWindow *window = g_object_ref (gleaner_window_new (GTK_APPLICATION (app)));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
stop_activate_cb (GApplication *app,
                  gpointer      user_data)
{
  g_signal_stop_emission_by_name (app, "activate");
}

static void
free_app (GleanerApplication *app)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  gleaner_pipeline_wait_for_threads ();
  spin (50);
  /* Only g_application_run() unregisters and emits "shutdown" (where the
   * store is dropped: what is queued is written, the file closed). With no
   * window left and activation stopped, it returns at once. */
  g_signal_connect (app, "activate", G_CALLBACK (stop_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_finalize_object (app);
}

static GleanerSessionStore *
app_store (GleanerApplication *app)
{
  GleanerSessionStore *store = gleaner_application_get_session_store (app);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (store);
  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);

  return store;
}

static GleanerSessionContents *
load_session (GleanerSessionStore *store,
              gint64               session_id)
{
  AsyncWait wait = { NULL, FALSE };
  g_autoptr(GError) error = NULL;
  GleanerSessionContents *contents = NULL;

  gleaner_session_store_load_session_async (store, session_id, NULL, async_done_cb, &wait);
  g_assert_true (wait_until (flag_set, &wait.done, 10000));
  contents = gleaner_session_store_load_session_finish (store, wait.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contents);
  g_object_unref (wait.result);

  return contents;
}

static GListModel *
list_sessions (GleanerSessionStore *store)
{
  AsyncWait wait = { NULL, FALSE };
  g_autoptr(GError) error = NULL;
  GListModel *model = NULL;

  gleaner_session_store_list_sessions_async (store, NULL, async_done_cb, &wait);
  g_assert_true (wait_until (flag_set, &wait.done, 10000));
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
  g_assert_true (wait_until (flag_set, &wait.done, 10000));
  info = gleaner_session_store_find_unfinished_finish (store, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);

  return info;
}

static GleanerResult *
journaled_result (guint64     id,
                  const char *url,
                  const char *title)
{
  GleanerResult *result = gleaner_result_new_for_url (id, url);
  GleanerPageFacts *facts = gleaner_page_facts_new ();

  _gleaner_result_set_status (result, 200, "OK");
  facts->has_title = TRUE;
  facts->title = g_strdup (title);
  _gleaner_result_take_facts (result, facts);

  return result;
}

/* Journals, straight through the store's API, a session with @n_targets
 * links to /page/FIRST...; the first @n_results have a result ("Journaled
 * N"), the one after them was cut short (cancelled). Returns its id. */
static gint64
journal_session (GleanerSessionStore *store,
                 const char          *title,
                 guint                first,
                 guint                n_targets,
                 guint                n_results,
                 gboolean             finished)
{
  g_autofree guint64 *ids = g_new (guint64, n_targets);
  g_auto(GStrv) urls = g_new0 (char *, n_targets + 1);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 id = gleaner_session_store_begin_session (store, title);

  for (guint i = 0; i < n_targets; i++)
    {
      g_autofree char *path = g_strdup_printf ("/page/%u", first + i);

      ids[i] = i + 1;
      urls[i] = gleaner_test_server_url (server, path);
    }
  gleaner_session_store_add_targets (store, id, ids, (const char * const *)urls, n_targets, NULL);

  for (guint i = 0; i < n_results; i++)
    {
      g_autofree char *journaled = g_strdup_printf ("Journaled %u", first + i);

      g_ptr_array_add (results, journaled_result (ids[i], urls[i], journaled));
    }
  if (n_results < n_targets)
    {
      GleanerResult *cancelled = gleaner_result_new_for_url (ids[n_results], urls[n_results]);

      _gleaner_result_set_error (cancelled, GLEANER_ERROR_CANCELLED, NULL);
      g_ptr_array_add (results, cancelled);
    }
  gleaner_session_store_add_results (store, id, results);
  gleaner_session_store_set_finished (store, id, finished);

  return id;
}

/* A store of the default path, as a previous run (that crashed) left it. */
static GleanerSessionStore *
open_default_store (void)
{
  g_autofree char *path = gleaner_session_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  GleanerSessionStore *store = gleaner_session_store_new (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
close_store (GleanerSessionStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gleaner_session_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
}

static gboolean
has_n_rows (GleanerWindow *window,
            guint          n)
{
  return g_list_model_get_n_items (gleaner_window_get_results (window)) == n;
}

static gboolean
has_eight_rows (gpointer data)
{
  return has_n_rows (data, 8);
}

static gboolean
not_loading (gpointer data)
{
  return !gleaner_window_get_loading (data);
}

static void
test_window_journal (void)
{
  GleanerApplication *app = new_app ();
  GleanerWindow *window = new_app_window (app);
  GListModel *rows = gleaner_window_get_results (window);
  g_autofree char *pages = page_list (301, 8);
  g_autofree char *silent = gleaner_test_server_url (server, "/silent/journal");
  g_autofree char *text = g_strdup_printf ("%s%s\n", pages, silent);
  g_autoptr(GleanerSessionContents) contents = NULL;
  g_autoptr(GleanerSessionInfo) unfinished = NULL;
  g_autoptr(GListModel) sessions = NULL;
  GleanerSessionStore *store;
  gint64 id;

  g_test_summary ("Every link and result of a run lands in the journal as it arrives; "
                  "the session is unfinished until the window closes");

  g_assert_null (gleaner_application_get_unfinished_session (app));
  g_assert_false (gleaner_window_get_restore_offered (window));
  g_assert_cmpint (gleaner_window_get_session_id (window), ==, 0);

  gleaner_window_add_text (window, text, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  id = gleaner_window_get_session_id (window);
  g_assert_cmpint (id, >, 0);

  /* Mid-run: eight pages in, one link still fetching. */
  g_assert_true (wait_until (has_eight_rows, window, 20000));
  g_assert_true (gleaner_window_get_running (window));
  store = app_store (app);
  contents = load_session (store, id);
  g_assert_false (gleaner_session_info_get_finished (contents->info));
  g_assert_cmpuint (contents->targets->len, ==, 9);
  for (guint i = 0; i < 8; i++)
    {
      const GleanerSessionTarget *target = &g_array_index (contents->targets, GleanerSessionTarget, i);
      g_autofree char *path = g_strdup_printf ("/page/%u", 301 + i);
      g_autofree char *url = gleaner_test_server_url (server, path);

      g_assert_cmpstr (target->url, ==, url);
    }
  g_assert_cmpstr (g_array_index (contents->targets, GleanerSessionTarget, 8).url, ==, silent);
  g_assert_cmpuint (contents->results->len, ==, 8);
  for (guint i = 0; i < contents->results->len; i++)
    {
      GleanerResult *journaled = g_ptr_array_index (contents->results, i);
      GleanerResult *shown = gleaner_result_list_lookup (GLEANER_RESULT_LIST (rows),
                                                         gleaner_result_get_id (journaled));
      g_autofree char *title = expected_title (page_number (journaled));

      g_assert_nonnull (shown);
      g_assert_cmpstr (gleaner_result_get_url (journaled), ==, gleaner_result_get_url (shown));
      g_assert_cmpstr (gleaner_result_get_title (journaled), ==, title);
      g_assert_cmpuint (gleaner_result_get_status (journaled), ==, 200);
    }
  g_clear_pointer (&contents, gleaner_session_contents_free);

  /* The history names it after its hosts. */
  sessions = list_sessions (store);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);
  {
    g_autoptr(GleanerSessionInfo) info = g_list_model_get_item (sessions, 0);

    g_assert_cmpint (gleaner_session_info_get_id (info), ==, id);
    g_assert_cmpstr (gleaner_session_info_get_title (info), ==, "127.0.0.1");
    g_assert_cmpuint (gleaner_session_info_get_n_results (info), ==, 8);
  }

  /* Stop keeps the session open (the silent link waits for Start) ... */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  unfinished = find_unfinished (app_store (app));
  g_assert_nonnull (unfinished);
  g_assert_cmpint (gleaner_session_info_get_id (unfinished), ==, id);
  g_clear_object (&unfinished);

  /* ... a normal close ends it. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_null (find_unfinished (app_store (app)));
  contents = load_session (app_store (app), id);
  g_assert_true (gleaner_session_info_get_finished (contents->info));
  g_assert_cmpuint (contents->results->len, ==, 8);

  g_object_unref (window);
  free_app (app);
}

static void
test_window_restore (void)
{
  GleanerSessionStore *store = open_default_store ();
  gint64 id = journal_session (store, "Before the crash", 201, 10, 6, FALSE);
  GleanerApplication *app = NULL;
  GleanerWindow *window = NULL;
  GListModel *rows = NULL;
  GleanerSessionInfo *offered = NULL;
  g_autoptr(GleanerSessionContents) contents = NULL;
  g_autoptr(GListModel) sessions = NULL;

  g_test_summary ("After a crash, the next start offers the unfinished session; Restore "
                  "shows the results so far and Start fetches only what is missing");

  close_store (store);

  app = new_app ();
  offered = gleaner_application_get_unfinished_session (app);
  g_assert_nonnull (offered);
  g_assert_cmpint (gleaner_session_info_get_id (offered), ==, id);
  g_assert_cmpuint (gleaner_session_info_get_n_targets (offered), ==, 10);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (offered), ==, 3);

  window = new_app_window (app);
  rows = gleaner_window_get_results (window);
  g_assert_true (gleaner_window_get_restore_offered (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-session", NULL);
  g_assert_null (gleaner_application_get_unfinished_session (app));
  g_assert_true (wait_until (not_loading, window, 10000));
  g_assert_false (gleaner_window_get_restore_offered (window));
  g_assert_cmpint (gleaner_window_get_session_id (window), ==, id);

  /* The six results, as journaled; the cut-short one and the three never
   * fetched wait for Start. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      GleanerResult *result = row (rows, i);
      g_autofree char *title = g_strdup_printf ("Journaled %u", 201 + i);

      g_assert_cmpuint (gleaner_result_get_id (result), ==, i + 1);
      g_assert_cmpstr (gleaner_result_get_title (result), ==, title);
    }
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, 4);

  reset_hits ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (run_finished, window, 30000));
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *path = g_strdup_printf ("/page/%u", 201 + i);

      g_assert_cmpuint (hits (path), ==, i < 6 ? 0 : 1);
    }
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10);
  for (guint i = 6; i < 10; i++)
    {
      GleanerResult *fetched = gleaner_result_list_lookup (GLEANER_RESULT_LIST (rows), i + 1);
      g_autofree char *title = expected_title (201 + i);

      /* In arrival order, after the restored rows. */
      g_assert_nonnull (fetched);
      g_assert_cmpstr (gleaner_result_get_title (fetched), ==, title);
    }

  /* Journaled into the same session, which is now over. */
  contents = load_session (app_store (app), id);
  g_assert_true (gleaner_session_info_get_finished (contents->info));
  g_assert_cmpuint (contents->results->len, ==, 10);
  g_assert_cmpuint (gleaner_session_info_get_n_missing (contents->info), ==, 0);
  sessions = list_sessions (app_store (app));
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);

  /* New links get new ids: no clash with the restored ones. */
  {
    g_autofree char *more = page_list (211, 1);

    gleaner_window_add_text (window, more, -1);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
    g_assert_true (wait_until (run_finished, window, 30000));
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 11);
  }

  g_object_unref (window);
  free_app (app);
}

static void
test_window_discard (void)
{
  GleanerSessionStore *store = open_default_store ();
  gint64 id = journal_session (store, "Declined", 401, 3, 1, FALSE);
  GleanerApplication *app = NULL;
  GleanerWindow *window = NULL;
  g_autoptr(GleanerSessionContents) contents = NULL;

  g_test_summary ("Discard declines the restore: the session is over, History keeps it");

  close_store (store);
  app = new_app ();
  window = new_app_window (app);
  g_assert_true (gleaner_window_get_restore_offered (window));

  /* A second window offers it too, until one of them answers. */
  {
    GleanerWindow *other = new_app_window (app);

    g_assert_true (gleaner_window_get_restore_offered (other));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.discard-session", NULL);
    g_assert_false (gleaner_window_get_restore_offered (other));
    gtk_window_destroy (GTK_WINDOW (other));
    g_object_unref (other);
  }
  g_assert_false (gleaner_window_get_restore_offered (window));
  g_assert_true (gleaner_window_get_is_empty (window));
  g_assert_null (find_unfinished (app_store (app)));
  contents = load_session (app_store (app), id);
  g_assert_true (gleaner_session_info_get_finished (contents->info));

  g_object_unref (window);
  free_app (app);
}

static gboolean
history_settled (gpointer data)
{
  return !gleaner_history_window_get_busy (data) &&
         gleaner_history_window_get_sessions (data) != NULL;
}

/* Whether a label under @widget shows @text, as plain text (never markup). */
static gboolean
label_shown (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    {
      g_assert_false (gtk_label_get_use_markup (GTK_LABEL (widget)));
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (widget)), ==, text);
      return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_shown (child, text))
      return TRUE;

  return FALSE;
}

static void
test_window_history (void)
{
  static const char nasty[] = "<b>Bold</b> & <i>not markup</i> \xe2\x80\x94 ünïcode";
  GleanerSessionStore *store = open_default_store ();
  gint64 a = journal_session (store, "Session A", 501, 3, 3, TRUE);
  gint64 b = journal_session (store, "Session B", 511, 4, 2, TRUE);
  gint64 c = journal_session (store, nasty, 521, 2, 2, TRUE);
  GleanerApplication *app = NULL;
  GleanerWindow *window = NULL;
  GleanerHistoryWindow *history = NULL;
  g_autoptr(GListModel) sessions = NULL;
  GListModel *shown;

  g_test_summary ("History lists the sessions, opens one into the window, deletes another; "
                  "titles are plain text");

  close_store (store);
  app = new_app ();
  g_assert_null (gleaner_application_get_unfinished_session (app));
  window = new_app_window (app);

  /* app.history, as the menu and Ctrl+H do. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "history", NULL);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (GLEANER_IS_HISTORY_WINDOW (w))
          history = GLEANER_HISTORY_WINDOW (w);
      }
  }
  g_assert_nonnull (history);
  g_object_ref (history);
  g_assert_true (wait_until (history_settled, history, 10000));
  shown = gleaner_history_window_get_sessions (history);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);
  g_assert_cmpuint (gleaner_history_window_get_n_shown (history), ==, 3);
  g_assert_true (label_shown (GTK_WIDGET (history), "Session A"));
  g_assert_true (label_shown (GTK_WIDGET (history), nasty));

  /* Delete B: gone from the list and from the store. */
  gleaner_history_window_delete_session (history, b);
  g_assert_true (wait_until (history_settled, history, 10000));
  g_assert_cmpuint (gleaner_history_window_get_n_shown (history), ==, 2);
  g_assert_false (label_shown (GTK_WIDGET (history), "Session B"));
  sessions = list_sessions (app_store (app));
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 2);
  g_clear_object (&sessions);

  /* Open A: into the (empty) window History was asked from; History closes. */
  gleaner_history_window_open_session (history, a);
  g_assert_true (wait_until (not_loading, window, 10000));
  g_assert_cmpint (gleaner_window_get_session_id (window), ==, a);
  g_assert_cmpuint (g_list_model_get_n_items (gleaner_window_get_results (window)), ==, 3);
  g_assert_cmpstr (gleaner_result_get_title (row (gleaner_window_get_results (window), 0)), ==,
                   "Journaled 501");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (history)));
  gtk_window_destroy (GTK_WINDOW (history));
  g_assert_finalize_object (history);

  /* A session a window journals into is not deleted. */
  history = GLEANER_HISTORY_WINDOW (gleaner_history_window_present (app, GTK_WINDOW (window)));
  g_object_ref (history);
  g_assert_true (wait_until (history_settled, history, 10000));
  g_assert_true (gleaner_application_is_session_open (app, a));
  gleaner_history_window_delete_session (history, a);
  gleaner_history_window_delete_session (history, c);
  g_assert_true (wait_until (history_settled, history, 10000));
  sessions = list_sessions (app_store (app));
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);
  {
    g_autoptr(GleanerSessionInfo) left = g_list_model_get_item (sessions, 0);

    g_assert_cmpint (gleaner_session_info_get_id (left), ==, a);
  }
  g_assert_cmpuint (gleaner_history_window_get_n_shown (history), ==, 1);
  gtk_window_destroy (GTK_WINDOW (history));
  g_assert_finalize_object (history);

  g_object_unref (window);
  free_app (app);
}

static void
test_window_corrupt_history (void)
{
  g_autofree char *path = gleaner_session_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  GleanerApplication *app = NULL;
  GleanerWindow *window = NULL;
  const char *name;
  guint n_moved = 0;
  char junk[4096];

  g_test_summary ("A damaged journal: history is off with a clear message, until "
                  "“Start a New History” moves it aside and opens a new one");

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (char)(i * 7 + 3);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, junk, sizeof junk, &error);
  g_assert_no_error (error);

  app = new_app ();
  g_assert_null (gleaner_application_get_session_store (app));
  g_assert_error (gleaner_application_get_store_error (app), GLEANER_STORE_ERROR,
                  GLEANER_STORE_ERROR_CORRUPT);
  window = new_app_window (app);
  g_assert_true (gleaner_window_get_history_problem_shown (window));
  g_assert_false (gleaner_window_get_restore_offered (window));

  /* Without history the window still fetches. */
  {
    g_autofree char *pages = page_list (601, 2);

    gleaner_window_add_text (window, pages, -1);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
    g_assert_cmpint (gleaner_window_get_session_id (window), ==, 0);
    g_assert_true (wait_until (run_finished, window, 30000));
    g_assert_cmpuint (g_list_model_get_n_items (gleaner_window_get_results (window)), ==, 2);
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "reset-history", NULL);
  g_assert_true (wait_until (store_ready, app, 10000));
  g_assert_nonnull (gleaner_application_get_session_store (app));
  g_assert_null (gleaner_application_get_store_error (app));
  g_assert_false (gleaner_window_get_history_problem_shown (window));

  /* The damaged file is kept beside the new one. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "sessions.sqlite3.corrupt-"))
      {
        g_autofree char *moved = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        gsize len = 0;

        g_file_get_contents (moved, &contents, &len, &error);
        g_assert_no_error (error);
        g_assert_cmpmem (contents, len, junk, sizeof junk);
        n_moved++;
      }
  g_assert_cmpuint (n_moved, ==, 1);

  g_object_unref (window);
  free_app (app);
}

/* ---- keyboard shortcuts ------------------------------------------------------- */

/* The list is written once, in src/ui/shortcuts-dialog.ui. Against libadwaita
 * 1.8 that file is the resource (AdwApplication shows it for app.shortcuts);
 * before, the build puts a GtkShortcutsWindow made from it there instead
 * (src/ui/meson.build, tools/gen-help-overlay.py). Either way the same
 * titles and accelerators must come out of GtkBuilder. */
#define RESOURCE_BASE "/io/github/gleaner/Gleaner"
#if ADW_CHECK_VERSION (1, 8, 0)
#define SHORTCUTS_RESOURCE      RESOURCE_BASE "/shortcuts-dialog.ui"
#define NOT_SHORTCUTS_RESOURCE  RESOURCE_BASE "/gtk/help-overlay.ui"
#define SHORTCUTS_ID            "shortcuts_dialog"
#define SHORTCUTS_SECTION_TYPE  "AdwShortcutsSection"
#define SHORTCUTS_ITEM_TYPE     "AdwShortcutsItem"
#else
#define SHORTCUTS_RESOURCE      RESOURCE_BASE "/gtk/help-overlay.ui"
#define NOT_SHORTCUTS_RESOURCE  RESOURCE_BASE "/shortcuts-dialog.ui"
#define SHORTCUTS_ID            "help_overlay"
#define SHORTCUTS_SECTION_TYPE  "GtkShortcutsGroup"
#define SHORTCUTS_ITEM_TYPE     "GtkShortcutsShortcut"
#endif

/* Section titles and "title\taccelerator" of the items, as written in the source. */
typedef struct
{
  GPtrArray *sections;
  GPtrArray *items;
  GPtrArray *classes;      /* of the open <object> elements */
  char      *property;     /* being read, or NULL */
  GString   *text;
  char      *title;        /* of the item being read */
  char      *accelerator;
} ShortcutsSource;

static void
source_start_cb (GMarkupParseContext  *context,
                 const char           *element,
                 const char          **names,
                 const char          **values,
                 gpointer              user_data,
                 GError              **error)
{
  ShortcutsSource *source = user_data;
  const char *class = NULL, *name = NULL, *translatable = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "class"))
      class = values[i];
    else if (g_str_equal (names[i], "name"))
      name = values[i];
    else if (g_str_equal (names[i], "translatable"))
      translatable = values[i];

  if (g_str_equal (element, "object"))
    g_ptr_array_add (source->classes, g_strdup (class));
  else if (g_str_equal (element, "property"))
    {
      /* A title the user reads is translated. */
      if (g_str_equal (name, "title"))
        g_assert_cmpstr (translatable, ==, "yes");
      g_free (source->property);
      source->property = g_strdup (name);
      g_string_truncate (source->text, 0);
    }
}

static void
source_text_cb (GMarkupParseContext  *context,
                const char           *text,
                gsize                 len,
                gpointer              user_data,
                GError              **error)
{
  ShortcutsSource *source = user_data;

  if (source->property != NULL)
    g_string_append_len (source->text, text, len);
}

static void
source_end_cb (GMarkupParseContext  *context,
               const char           *element,
               gpointer              user_data,
               GError              **error)
{
  ShortcutsSource *source = user_data;
  const char *class = source->classes->len > 0
                      ? g_ptr_array_index (source->classes, source->classes->len - 1) : "";

  if (g_str_equal (element, "property"))
    {
      if (g_str_equal (class, "AdwShortcutsSection") && g_str_equal (source->property, "title"))
        g_ptr_array_add (source->sections, g_strdup (source->text->str));
      else if (g_str_equal (class, "AdwShortcutsItem") && g_str_equal (source->property, "title"))
        {
          g_free (source->title);
          source->title = g_strdup (source->text->str);
        }
      else if (g_str_equal (class, "AdwShortcutsItem") && g_str_equal (source->property, "accelerator"))
        {
          g_free (source->accelerator);
          source->accelerator = g_strdup (source->text->str);
        }
      g_clear_pointer (&source->property, g_free);
    }
  else if (g_str_equal (element, "object"))
    {
      if (g_str_equal (class, "AdwShortcutsItem"))
        {
          g_assert_nonnull (source->title);
          g_assert_nonnull (source->accelerator);
          g_ptr_array_add (source->items, g_strconcat (source->title, "\t", source->accelerator, NULL));
          g_clear_pointer (&source->title, g_free);
          g_clear_pointer (&source->accelerator, g_free);
        }
      g_ptr_array_remove_index (source->classes, source->classes->len - 1);
    }
}

static void
shortcuts_from_source (GPtrArray *sections,
                       GPtrArray *items)
{
  static const GMarkupParser parser = { source_start_cb, source_end_cb, source_text_cb, NULL, NULL };
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "ui",
                                                 "shortcuts-dialog.ui", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  ShortcutsSource source = { sections, items, g_ptr_array_new_with_free_func (g_free), NULL,
                             g_string_new (NULL), NULL, NULL };
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &source, NULL);
  g_markup_parse_context_parse (context, contents, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (source.classes->len, ==, 0);
  g_ptr_array_unref (source.classes);
  g_string_free (source.text, TRUE);
}

/* The same, from the objects GtkBuilder makes of the resource (in the current
 * language: GtkBuilder translates the titles). */
static void
shortcuts_from_resource (GPtrArray *sections,
                         GPtrArray *items)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (SHORTCUTS_RESOURCE);
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  GObject *root = gtk_builder_get_object (builder, SHORTCUTS_ID);

  g_assert_nonnull (root);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      const char *type = G_OBJECT_TYPE_NAME (l->data);
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;

      if (g_str_equal (type, SHORTCUTS_SECTION_TYPE))
        {
          g_object_get (l->data, "title", &title, NULL);
          g_ptr_array_add (sections, g_strdup (title != NULL ? title : ""));
        }
      else if (g_str_equal (type, SHORTCUTS_ITEM_TYPE))
        {
          g_object_get (l->data, "title", &title, "accelerator", &accelerator, NULL);
          g_ptr_array_add (items, g_strconcat (title, "\t", accelerator, NULL));
        }
    }

#if !ADW_CHECK_VERSION (1, 8, 0)
  /* A window: GTK holds it until it is destroyed. */
  gtk_window_destroy (GTK_WINDOW (root));
#endif
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
assert_same_strings (GPtrArray *expected,
                     GPtrArray *got)
{
  g_ptr_array_sort (expected, compare_strings);
  g_ptr_array_sort (got, compare_strings);
  for (guint i = 0; i < MIN (expected->len, got->len); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (got->len, ==, expected->len);
}

#if ADW_CHECK_VERSION (1, 8, 0)
static gboolean
shortcuts_shown (gpointer data)
{
  AdwDialog *dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (data));

  return dialog != NULL && ADW_IS_SHORTCUTS_DIALOG (dialog);
}
#else
/* The help overlay shown, a toplevel of its own (found by type name: the
 * type's symbols are deprecated from GTK 4.18 on, and GNOME 48 still takes
 * this branch). Borrowed: GTK holds its toplevels. */
static GtkWindow *
find_help_overlay (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (toplevel), "GtkShortcutsWindow") &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

static gboolean
shortcuts_shown (gpointer data)
{
  return find_help_overlay () != NULL;
}
#endif

static void
test_window_shortcuts (void)
{
  g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) built_sections = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) built_items = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) question_actions = NULL;
  GleanerApplication *app = NULL;
  GleanerWindow *window = NULL;

  g_test_summary ("The keyboard shortcuts: the resource lists what shortcuts-dialog.ui lists, "
                  "and app.shortcuts (Ctrl+?, the menu) shows it");

  shortcuts_from_source (sections, items);
  g_assert_cmpuint (sections->len, >, 0);
  g_assert_cmpuint (items->len, >, 0);

  /* One of the two resources, never both: both would claim Ctrl+?. */
  g_assert_true (g_resources_get_info (SHORTCUTS_RESOURCE, 0, NULL, NULL, NULL));
  g_assert_false (g_resources_get_info (NOT_SHORTCUTS_RESOURCE, 0, NULL, NULL, NULL));
  shortcuts_from_resource (built_sections, built_items);
  assert_same_strings (sections, built_sections);
  assert_same_strings (items, built_items);

  app = new_app ();
  window = new_app_window (app);

  /* Ctrl+? reaches app.shortcuts and nothing else (not win.show-help-overlay too). */
  question_actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>question");
  g_assert_cmpuint (g_strv_length (question_actions), ==, 1);
  g_assert_cmpstr (question_actions[0], ==, "app.shortcuts");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "shortcuts"));

  /* app.shortcuts, as the menu and Ctrl+? do. */
  g_assert_false (shortcuts_shown (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_true (wait_until (shortcuts_shown, window, 10000));
#if ADW_CHECK_VERSION (1, 8, 0)
  adw_dialog_force_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
#else
  gtk_window_close (find_help_overlay ());
#endif
  spin (50);
  g_assert_false (shortcuts_shown (window));

  g_object_unref (window);
  free_app (app);
}

/* Every GtkInscription text under @widget. */
static gboolean
inscription_shown (GtkWidget  *widget,
                   const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) &&
      g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (inscription_shown (child, text))
      return TRUE;

  return FALSE;
}

static GtkWidget *
find_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
translated_child (void)
{
  const char *localedir = g_getenv ("GLEANER_TEST_LOCALEDIR");
  GleanerWindow *window = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  GleanerResult *no_title = gleaner_result_new_for_url (1, "http://127.0.0.1/a");
  GleanerResult *cancelled = gleaner_result_new_for_url (2, "http://127.0.0.1/b");
  GtkWidget *empty_page;
  const char *title;

  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  window = new_window ();
  spin (100);

  /* The template's strings come from Gleaner's catalogue. */
  empty_page = find_status_page (GTK_WIDGET (window));
  g_assert_nonnull (empty_page);
  title = adw_status_page_get_title (ADW_STATUS_PAGE (empty_page));
  g_assert_cmpstr (title, ==, g_dgettext (GETTEXT_PACKAGE, "Paste Some Links"));
  if (g_strcmp0 (title, "Paste Some Links") == 0)
    g_test_message ("the empty page's title is not translated into German yet");

  /* Rows whose failure has no message show the error's translated name. */
  _gleaner_result_set_error (no_title, GLEANER_ERROR_NO_TITLE, NULL);
  _gleaner_result_set_error (cancelled, GLEANER_ERROR_CANCELLED, NULL);
  g_ptr_array_add (batch, no_title);
  g_ptr_array_add (batch, cancelled);
  gleaner_result_list_apply (GLEANER_RESULT_LIST (gleaner_window_get_results (window)), batch);
  spin (300);
  g_assert_true (inscription_shown (GTK_WIDGET (window), "Kein Titel"));
  g_assert_true (inscription_shown (GTK_WIDGET (window), "Abgebrochen"));
  g_assert_false (inscription_shown (GTK_WIDGET (window), "No title"));

  /* So are the keyboard shortcuts' titles, with their context: the help
   * overlay made from shortcuts-dialog.ui keeps both. */
  {
    g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

    shortcuts_from_resource (sections, items);
    g_assert_true (g_ptr_array_find_with_equal_func (sections, "Allgemein", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (sections, "General", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (items, "Beenden\t<Control>q", g_str_equal, NULL));
  }

  destroy_window (window);
}

static void
test_window_translated (void)
{
  g_autofree char *mo = NULL;
  const char *localedir = g_getenv ("GLEANER_TEST_LOCALEDIR");

  g_test_summary ("Under LANGUAGE=de the window shows the German catalogue's strings");

  if (localedir == NULL)
    {
      g_test_skip ("GLEANER_TEST_LOCALEDIR is not set (meson sets it to the built catalogues)");
      return;
    }
  mo = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the German catalogue is not built");
      return;
    }

  if (g_test_subprocess ())
    {
      translated_child ();
      return;
    }

  /* Its own process: the language and the locale are process-wide. */
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}


/* Rows as a run delivers them, numbered titles in random order, into a window
 * sized as a user's. */
static GleanerWindow *
window_with_rows (guint n,
                  GRand *rand)
{
  GleanerWindow *window = new_window ();
  GleanerResultList *list = GLEANER_RESULT_LIST (gleaner_window_get_results (window));
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  spin (200);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (batch, titled_result (i + 1, g_rand_int_range (rand, 0, 5000), i % 7 == 3 ? 404 : 200));
  gleaner_result_list_apply (list, batch);
  g_assert_true (wait_until (view_settled, window, 20000));
  spin (100);

  return window;
}

/* Rows whose title has "Row 01" (numbers 1000-1999): what the filter "row 01"
 * lets through, worked out here from the titles. */
static guint
count_row_01 (GListModel *rows)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      int number = title_number (row (rows, i));

      n += number >= 1000 && number < 2000;
    }

  return n;
}

typedef struct
{
  guint n_empty;       /* items-changed that left the rows empty */
  guint n_changes;
} EmptyWatch;

static void
empty_watch_cb (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                EmptyWatch *watch)
{
  watch->n_changes++;
  watch->n_empty += g_list_model_get_n_items (model) == 0;
}

static void
test_window_sort_filtered (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  GleanerWindow *window = window_with_rows (30000, rand);
  GListModel *visible = gleaner_window_get_visible_rows (window);
  guint expected = count_row_01 (gleaner_window_get_results (window));
  const char *columns[] = { "title", "status", "size", "title" };
  EmptyWatch watch = { 0, };

  g_test_summary ("With a filter over more than 20,000 rows, a new sort order never shows an "
                  "empty list on the way, and ends with the filtered rows in the new order");

  g_assert_cmpuint (expected, >, 1000);
  gleaner_window_set_filter_text (window, "row 01");
  g_assert_true (wait_until (view_settled, window, 20000));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, expected);

  g_signal_connect (visible, "items-changed", G_CALLBACK (empty_watch_cb), &watch);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

      gleaner_window_sort_by_column (window, columns[c], c == 3 ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
      /* Between main-loop iterations (where frames are drawn) as well as at
       * every change. */
      do
        {
          g_main_context_iteration (NULL, FALSE);
          g_assert_cmpuint (g_list_model_get_n_items (visible), >, 0);
          g_assert_cmpint (g_get_monotonic_time (), <, end);
        }
      while (gleaner_window_get_view_pending (window));
      g_assert_cmpuint (watch.n_empty, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (visible), ==, expected);
      g_assert_cmpuint (count_row_01 (visible), ==, expected);
    }
  g_assert_cmpuint (watch.n_changes, >, 0);
  /* The last order: by title, descending (ties in arrival order). */
  assert_sorted (visible, TRUE, FALSE);

  g_signal_handlers_disconnect_by_data (visible, &watch);
  destroy_window (window);
}

static void
count_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                guint                    *n_setup)
{
  (*n_setup)++;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Every title cell the view has shows the title of the row at its position
 * (a rebound cell must not keep the text of the row it showed before).
 * Returns how many title cells there are. */
static guint
check_title_cells (GtkWidget  *widget,
                   GListModel *visible)
{
  guint n = 0;

  if (GTK_IS_INSCRIPTION (widget))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (widget), "gleaner-list-item");
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

      if (item != NULL && gtk_list_item_get_item (item) != NULL && text != NULL &&
          g_str_has_prefix (text, "Row "))
        {
          guint position = gtk_list_item_get_position (item);

          g_assert_cmpuint (position, <, g_list_model_get_n_items (visible));
          g_assert_true (gtk_list_item_get_item (item) == (gpointer)row (visible, position));
          g_assert_cmpstr (text, ==, gleaner_result_get_title (row (visible, position)));
          n++;
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_title_cells (child, visible);

  return n;
}

static void
test_window_filter_rebinds (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (29);
  GleanerWindow *window = window_with_rows (30000, rand);
  GtkColumnView *view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  GListModel *columns = gtk_column_view_get_columns (view);
  guint n_setup = 0;
  const char *filters[] = { "row 01", "row 02", "row 0", "" };

  g_test_summary ("A new filter over many rows rebinds the rows the view has instead of "
                  "building new ones (GTK 4.8 builds each row of widgets anew, ~0.5 ms)");

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_signal_connect (gtk_column_view_column_get_factory (column), "setup",
                        G_CALLBACK (count_setup_cb), &n_setup);
    }

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      guint before = n_setup;

      gleaner_window_set_filter_text (window, filters[f]);
      g_assert_true (wait_until (view_settled, window, 20000));
      spin (50);
      /* A row of cells is one setup a column; the view keeps ~200 rows. A
       * few may be built where the view's range moves by a row. */
      g_assert_cmpuint (n_setup - before, <=, 5 * g_list_model_get_n_items (columns));
      /* ...and the rows it rebound show their new rows. */
      g_assert_cmpuint (check_title_cells (GTK_WIDGET (view), gleaner_window_get_visible_rows (window)), >, 20);
    }

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_signal_handlers_disconnect_by_data (gtk_column_view_column_get_factory (column), &n_setup);
    }
  destroy_window (window);
}

/* ---- scale (only with -m perf: tools/ui-benchmark) ---------------------------- */

/* The worst main-loop stall: a high-priority 1 ms timeout notes the longest gap
 * between two of its dispatches. Anything that blocks the loop (a batch going
 * into the models, sorting, layout, drawing) shows up as a gap. On a loaded
 * machine a gap also holds the time the main thread waited for a CPU, so the
 * meter also notes the CPU time the main thread itself used in each gap: the
 * part of a stall that is ours. */
typedef struct
{
  GListModel *rows;
  gint64      last;
  gint64      last_cpu;
  gint64      worst;
  gint64      worst_steady;  /* once the view holds its first 1,000 rows */
  gint64      worst_cpu;
  gint64      worst_cpu_steady;
  guint       over_50ms;
  guint       over_100ms;
  guint       cpu_over_50ms;
  guint       source;
  guint       frames;
  guint       tick;
} StallMeter;

/* CPU time of the calling thread, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
stall_cb (gpointer data)
{
  StallMeter *meter = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 gap = now - meter->last;
  gint64 gap_cpu = cpu - meter->last_cpu;
  guint n_rows = g_list_model_get_n_items (meter->rows);

  meter->worst = MAX (meter->worst, gap);
  meter->worst_cpu = MAX (meter->worst_cpu, gap_cpu);
  if (n_rows >= 1000)
    {
      meter->worst_steady = MAX (meter->worst_steady, gap);
      meter->worst_cpu_steady = MAX (meter->worst_cpu_steady, gap_cpu);
    }
  meter->over_50ms += gap > 50000;
  meter->over_100ms += gap > 100000;
  meter->cpu_over_50ms += gap_cpu > 50000;
  if ((gap > 30000 || gap_cpu > 15000) && g_getenv ("GLEANER_UI_BENCH_TRACE"))
    g_printerr ("stall %.1f ms (%.1f ms CPU) from %.3f to %.3f s, %u rows\n",
                gap / 1000.0, gap_cpu / 1000.0, (meter->last % 100000000) / 1e6, (now % 100000000) / 1e6, n_rows);
  meter->last = now;
  meter->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

/* With GLEANER_UI_BENCH_TRACE: the main thread's CPU time for the layout and
 * paint of a frame, to tell laying out and drawing rows from the rest of a
 * stall. GTK's own handlers of a phase run before ours (it connected first),
 * so the frame is measured from the end of update to the end of paint. */
static gint64 frame_start_cpu;

static void
frame_begin_cb (GdkFrameClock *clock,
                gpointer       data)
{
  frame_start_cpu = thread_cpu_us ();
}

static void
frame_end_cb (GdkFrameClock *clock,
              gpointer       data)
{
  gint64 took = thread_cpu_us () - frame_start_cpu;

  if (took > 2000)
    g_printerr ("  frame %.1f ms CPU ending at %.3f\n", took / 1000.0, (g_get_monotonic_time () % 100000000) / 1e6);
}

static void
trace_frames (GdkFrameClock *clock)
{
  g_signal_connect_after (clock, "update", G_CALLBACK (frame_begin_cb), NULL);
  g_signal_connect_after (clock, "paint", G_CALLBACK (frame_end_cb), NULL);
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       data)
{
  StallMeter *meter = data;

  /* The window's clock, once it has one. */
  if (meter->frames++ == 0 && g_getenv ("GLEANER_UI_BENCH_TRACE"))
    trace_frames (clock);
  return G_SOURCE_CONTINUE;
}

static void
stall_meter_start (StallMeter *meter,
                   GtkWidget  *widget)
{
  meter->last = g_get_monotonic_time ();
  meter->last_cpu = thread_cpu_us ();
  meter->source = g_timeout_add_full (G_PRIORITY_HIGH, 1, stall_cb, meter, NULL);
  meter->tick = gtk_widget_add_tick_callback (widget, frame_cb, meter, NULL);
}

static void
stall_meter_stop (StallMeter *meter,
                  GtkWidget  *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (widget), frame_begin_cb, NULL);
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (widget), frame_end_cb, NULL);
  g_clear_handle_id (&meter->source, g_source_remove);
  gtk_widget_remove_tick_callback (widget, meter->tick);
}

static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0.0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtod (line + 6, NULL) / 1024.0 : 0.0;
}

/* A field of /proc/self/status, in MiB. */
static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0.0;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtod (line + strlen (field), NULL) / 1024.0 : 0.0;
}

/* Free memory malloc keeps in its arenas (glibc), in MiB. */
static double
heap_free_mib (void)
{
#ifdef __GLIBC__
  struct mallinfo2 info = mallinfo2 ();

  return info.fordblks / (1024.0 * 1024.0);
#else
  return 0.0;
#endif
}

/* Bytes malloc hands out right now, all arenas (glibc), in MiB. */
static double
heap_mib (void)
{
#ifdef __GLIBC__
  struct mallinfo2 info = mallinfo2 ();

  return (info.uordblks + info.hblkhd) / (1024.0 * 1024.0);
#else
  return 0.0;
#endif
}

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1.0;
  return g_ascii_strtod (text, NULL);
}

static guint
perf_n_urls (guint fallback)
{
  const char *env = g_getenv ("GLEANER_UI_BENCH_URLS");

  return env != NULL ? (guint)g_ascii_strtoull (env, NULL, 10) : fallback;
}

static void
perf_run (guint       n_urls,
          const char *sort_column)
{
  GleanerWindow *window = new_window ();
  GListModel *results = gleaner_window_get_results (window);
  g_autofree char *text = page_list (1, n_urls);
  StallMeter meter = { results, 0, };
  gint64 t0;
  gint64 t_paste;
  gint64 t_run;
  double rss_before;
  double heap_before;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  spin (300);
  rss_before = rss_mib ();
  heap_before = heap_mib ();
  if (sort_column != NULL)
    gleaner_window_sort_by_column (window, sort_column, GTK_SORT_ASCENDING);

  /* The meter runs from the paste on: parsing must not stall either. */
  stall_meter_start (&meter, GTK_WIDGET (window));
  t0 = g_get_monotonic_time ();
  gleaner_window_add_text (window, text, -1);
  t_paste = g_get_monotonic_time () - t0;
  /* A paste this large is parsed in a worker thread. */
  g_assert_true (wait_until (parse_finished, window, 60 * 1000));
  g_assert_cmpuint (gleaner_window_get_n_queued (window), ==, n_urls);
  spin (200);

  t0 = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (wait_until (run_finished, window, 600 * 1000));
  t_run = g_get_monotonic_time () - t0;
  g_assert_true (wait_until (view_settled, window, 60 * 1000));
  spin (200);
  stall_meter_stop (&meter, GTK_WIDGET (window));

  g_assert_cmpuint (g_list_model_get_n_items (results), ==, n_urls);
  g_test_message ("%u URLs%s%s, %s: paste returned in %.1f ms (parsed in a worker); run %.2f s = %.0f rows/s; "
                  "worst main-loop stall %.1f ms (%.1f ms after the first 1,000 rows; "
                  "%u gaps over 50 ms, %u over 100 ms); main thread's CPU time in the worst gap "
                  "%.1f ms (%.1f ms after the first 1,000 rows; %u gaps over 50 ms); "
                  "load average %.2f; %u frames (%.0f/s); "
                  "VmRSS %.0f MiB with the rows (%.0f MiB before the paste); "
                  "malloc heap in use %.1f MiB more than before the paste (%.0f bytes a row); "
                  "RSS: %.0f MiB anonymous, %.0f MiB files, %.0f MiB shared memory; peak VmHWM %.0f MiB; "
                  "malloc: %.0f MiB in use, %.0f MiB free in its arenas",
                  n_urls, sort_column ? ", sorted by " : "", sort_column ? sort_column : "",
                  G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
                  t_paste / 1000.0, t_run / 1e6, n_urls / (t_run / 1e6),
                  meter.worst / 1000.0, meter.worst_steady / 1000.0,
                  meter.over_50ms, meter.over_100ms,
                  meter.worst_cpu / 1000.0, meter.worst_cpu_steady / 1000.0, meter.cpu_over_50ms,
                  load_average (), meter.frames, meter.frames / (t_run / 1e6),
                  rss_mib (), rss_before,
                  heap_mib () - heap_before, (heap_mib () - heap_before) * 1024.0 * 1024.0 / n_urls,
                  status_mib ("RssAnon:"), status_mib ("RssFile:"), status_mib ("RssShmem:"),
                  status_mib ("VmHWM:"),
                  heap_mib (), heap_free_mib ());
  g_test_minimized_result (meter.worst / 1000.0, "worst stall %.1f ms", meter.worst / 1000.0);
  g_test_maximized_result (n_urls / (t_run / 1e6), "%.0f rows/s", n_urls / (t_run / 1e6));

  destroy_window (window);
}

/* A result as a run delivers it: a page with a title, status, time and size. */
static GleanerResult *
synthetic_result (guint n)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:8080/page/%u", n);
  GleanerResult *result = gleaner_result_new_for_url (n, url);
  GleanerPageFacts *facts = gleaner_page_facts_new ();

  facts->has_title = TRUE;
  facts->title = expected_title (n);
  facts->encoding = g_strdup ("UTF-8");
  _gleaner_result_take_facts (result, facts);
  _gleaner_result_set_status (result, 200, "OK");
  _gleaner_result_set_content_type (result, "text/html; charset=utf-8");
  _gleaner_result_set_body (result, 120 + n % 1000, FALSE);
  _gleaner_result_set_elapsed (result, 0.002 + (n % 97) / 1000.0);

  return result;
}

/* What building the first page of rows costs: fresh windows each run 300 URLs
 * (a run's first deliveries fill the view) while the stall meter watches. */
static void
test_perf_first_page (void)
{
  const guint n_windows = 5;
  const guint n_urls = 300;
  gint64 worst_cpu = 0;
  gint64 worst = 0;
  double cpu_ms = 0.0;

  g_test_summary ("The main thread while a fresh window fills its first page of rows");

  for (guint w = 0; w < n_windows; w++)
    {
      GleanerWindow *window = new_window ();
      GListModel *results = gleaner_window_get_results (window);
      g_autofree char *text = page_list (1, n_urls);
      StallMeter meter = { results, 0, };
      gint64 cpu0;

      gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
      spin (300);
      gleaner_window_add_text (window, text, -1);
      g_assert_true (wait_until (parse_finished, window, 10000));
      spin (100);

      stall_meter_start (&meter, GTK_WIDGET (window));
      cpu0 = thread_cpu_us ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
      g_assert_true (wait_until (run_finished, window, 60000));
      g_assert_true (wait_until (view_settled, window, 10000));
      spin (100);
      cpu_ms += (thread_cpu_us () - cpu0) / 1000.0;
      stall_meter_stop (&meter, GTK_WIDGET (window));
      g_assert_cmpuint (g_list_model_get_n_items (gleaner_window_get_visible_rows (window)), ==, n_urls);

      worst_cpu = MAX (worst_cpu, meter.worst_cpu);
      worst = MAX (worst, meter.worst);
      destroy_window (window);
      reset_hits ();
    }

  g_test_message ("fresh window, %u URLs, %u times: main thread's CPU time in the worst gap %.1f ms "
                  "(worst gap %.1f ms); %.0f ms CPU from Start until the view settled (average); "
                  "load average %.2f",
                  n_urls, n_windows, worst_cpu / 1000.0, worst / 1000.0, cpu_ms / n_windows,
                  load_average ());
  g_test_minimized_result (worst_cpu / 1000.0, "worst gap %.1f ms CPU", worst_cpu / 1000.0);
}

/* Memory of the window's own structures per row, without the engine: synthetic
 * results go straight into the window's result list. */
static void
test_perf_model_memory (void)
{
  GleanerWindow *window = new_window ();
  GleanerResultList *list = GLEANER_RESULT_LIST (gleaner_window_get_results (window));
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = perf_n_urls (100000);
  double heap0;
  double heap1;
  double heap2;

  spin (300);
  heap0 = heap_mib ();
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (all, synthetic_result (i + 1));
  heap1 = heap_mib ();
  for (guint i = 0; i < n; i += 1000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint j = i; j < MIN (n, i + 1000); j++)
        g_ptr_array_add (batch, g_ptr_array_index (all, j));
      gleaner_result_list_apply (list, batch);
      spin (1);
    }
  g_assert_true (wait_until (view_settled, window, 60000));
  spin (300);
  heap2 = heap_mib ();
  g_test_message ("%u rows: results %.0f bytes each; the window's models and view %.0f bytes a row",
                  n, (heap1 - heap0) * 1048576.0 / n, (heap2 - heap1) * 1048576.0 / n);

  g_ptr_array_set_size (all, 0);
  destroy_window (window);
}

/* With GLEANER_UI_BENCH_TRACE: each change of the rows the view shows that
 * held the main thread long, with its range. An emission hook runs before
 * any handler (the view's included), a handler connected after runs last. */
static gint64 change_start_cpu;

static gboolean
change_begin_cb (GSignalInvocationHint *hint,
                 guint                  n_params,
                 const GValue          *params,
                 gpointer               data)
{
  if (g_value_get_object (&params[0]) == data)
    change_start_cpu = thread_cpu_us ();
  return TRUE;
}

static void
change_end_cb (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    data)
{
  gint64 took = thread_cpu_us () - change_start_cpu;

  if (took > 2000)
    g_printerr ("  items-changed (%u, -%u, +%u) of %u: %.1f ms CPU\n",
                position, removed, added, g_list_model_get_n_items (model), took / 1000.0);
}

static gulong
trace_changes (GListModel *model)
{
  guint id = g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL);

  g_signal_connect_after (model, "items-changed", G_CALLBACK (change_end_cb), NULL);
  return g_signal_add_emission_hook (id, 0, change_begin_cb, model, NULL);
}

static void
untrace_changes (GListModel *model,
                 gulong      hook)
{
  g_signal_remove_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), hook);
  g_signal_handlers_disconnect_by_func (model, change_end_cb, NULL);
}

/* One step of the re-sort case: the worst main-loop gap until the view settles. */
static void
perf_view_step (GleanerWindow *window,
                const char    *what,
                void         (*step) (GleanerWindow *window))
{
  StallMeter meter = { gleaner_window_get_results (window), 0, };
  GListModel *shown = G_LIST_MODEL (gleaner_window_get_selection (window));
  gint64 t0 = g_get_monotonic_time ();
  gulong hook = 0;

  if (g_getenv ("GLEANER_UI_BENCH_TRACE") != NULL)
    hook = trace_changes (shown);
  stall_meter_start (&meter, GTK_WIDGET (window));
  step (window);
  g_assert_true (wait_until (view_settled, window, 60000));
  spin (100);
  stall_meter_stop (&meter, GTK_WIDGET (window));
  if (hook != 0)
    untrace_changes (shown, hook);
  g_test_message ("%s: settled in %.0f ms; worst main-loop gap %.1f ms, main thread's CPU time in it "
                  "%.1f ms; load average %.2f",
                  what, (g_get_monotonic_time () - t0) / 1000.0 - 100, meter.worst / 1000.0,
                  meter.worst_cpu / 1000.0, load_average ());
}

/* A 1000×700 window holding 100,000 rows (GLEANER_UI_BENCH_URLS changes it),
 * titles in random order so a sort moves every row; with @failed_every > 0,
 * every such row failed. Settled, ready for a step to be measured. */
static GleanerWindow *
perf_window_with_rows (guint failed_every)
{
  GleanerWindow *window = new_window ();
  GleanerResultList *list = GLEANER_RESULT_LIST (gleaner_window_get_results (window));
  guint n = perf_n_urls (100000);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  spin (300);
  for (guint i = 0; i < n; i++)
    {
      GleanerResult *result = synthetic_result ((i * 7919u) % n + 1);

      if (failed_every > 0 && i % failed_every == failed_every - 1)
        _gleaner_result_set_error (result, GLEANER_ERROR_HTTP_STATUS, "Not Found");
      g_ptr_array_add (batch, result);
    }
  gleaner_result_list_apply (list, batch);
  g_assert_true (wait_until (view_settled, window, 60000));
  spin (300);

  return window;
}

static void sort_title (GleanerWindow *w) { gleaner_window_sort_by_column (w, "title", GTK_SORT_ASCENDING); }
static void sort_title_down (GleanerWindow *w) { gleaner_window_sort_by_column (w, "title", GTK_SORT_DESCENDING); }
static void sort_status (GleanerWindow *w) { gleaner_window_sort_by_column (w, "status", GTK_SORT_DESCENDING); }
static void filter_page_1 (GleanerWindow *w) { gleaner_window_set_filter_text (w, "page 1"); }
static void filter_none (GleanerWindow *w) { gleaner_window_set_filter_text (w, ""); }

/* A click on a column header, and a filter typed, with 100,000 rows. */
static void
test_perf_resort (void)
{
  GleanerWindow *window;

  g_test_summary ("Sorting and filtering 100,000 rows in the window");

  window = perf_window_with_rows (0);

  perf_view_step (window, "sort by title", sort_title);
  perf_view_step (window, "title, descending", sort_title_down);
  perf_view_step (window, "filter \"page 1\"", filter_page_1);
  perf_view_step (window, "sort by status (filtered)", sort_status);
  perf_view_step (window, "no filter", filter_none);

  destroy_window (window);
}

static void filter_page_2 (GleanerWindow *w) { gleaner_window_set_filter_text (w, "page 2"); }
static void filter_page_23 (GleanerWindow *w) { gleaner_window_set_filter_text (w, "page 23"); }
static void filter_page_2345 (GleanerWindow *w) { gleaner_window_set_filter_text (w, "page 2345"); }
static void outcome_failed (GleanerWindow *w) { gleaner_window_set_outcome (w, "failed"); }
static void outcome_all (GleanerWindow *w) { gleaner_window_set_outcome (w, "all"); }

/* Typing a filter, and switching the outcome filter, with 100,000 rows in
 * arrival order (titles in random order, a fifth of the rows failed): each
 * step replaces the rows on screen. */
static void
test_perf_filter (void)
{
  GleanerWindow *window;

  g_test_summary ("Filtering 100,000 rows in the window: the worst stall of each change");

  window = perf_window_with_rows (5);

  perf_view_step (window, "filter \"page 1\"", filter_page_1);
  perf_view_step (window, "filter \"page 2\"", filter_page_2);
  perf_view_step (window, "filter \"page 23\"", filter_page_23);
  perf_view_step (window, "filter \"page 2345\"", filter_page_2345);
  perf_view_step (window, "no filter", filter_none);
  perf_view_step (window, "outcome: failed", outcome_failed);
  perf_view_step (window, "outcome: all", outcome_all);

  destroy_window (window);
}

static void
test_perf_stream (void)
{
  g_test_summary ("50,000 URLs against the loopback server: rows/s and the worst stall");
  perf_run (perf_n_urls (50000), NULL);
}

static void
test_perf_stream_sorted (void)
{
  g_test_summary ("The same while the view is sorted by title (incremental sort)");
  perf_run (perf_n_urls (50000), "title");
}

static void
test_perf_rss (void)
{
  g_test_summary ("Resident memory with 100,000 rows in the window");
  perf_run (100000, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_setenv ("GDK_BACKEND", "x11", FALSE);

  /* Each test gets private XDG folders (the session journal lives there),
   * system data folders included: keep the MIME database that tells GTK an
   * SVG icon from the others. */
  {
    g_auto(GStrv) mime_dirs = NULL;

    /* A test's subprocess inherits the isolated folders: it is told the real ones. */
    if (g_getenv ("GLEANER_TEST_MIME_DIRS") == NULL)
      {
        const char * const *system_dirs = g_get_system_data_dirs ();
        GString *joined = g_string_new (NULL);

        for (guint i = 0; system_dirs[i] != NULL; i++)
          {
            g_autofree char *dir = g_build_filename (system_dirs[i], "mime", NULL);

            if (i > 0)
              g_string_append (joined, G_SEARCHPATH_SEPARATOR_S);
            g_string_append (joined, dir);
          }
        g_setenv ("GLEANER_TEST_MIME_DIRS", joined->str, TRUE);
        g_string_free (joined, TRUE);
      }
    mime_dirs = g_strsplit (g_getenv ("GLEANER_TEST_MIME_DIRS"), G_SEARCHPATH_SEPARATOR_S, -1);
    g_content_type_set_mime_dirs ((const char * const *)mime_dirs);
  }

  /* gtk_test_init() without its locale. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "C.UTF-8");
  gtk_init ();
  adw_init ();
  /* As the application does at startup (the ui suite sets GSK_RENDERER=cairo,
   * which this leaves alone; ui-benchmark's default case does not). */
  gleaner_renderer_choose (gdk_display_get_default ());
  path_hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gleaner_engine_init ();

  server = gleaner_test_server_new (server_setup, NULL);

  g_test_add_func ("/gleaner/window/new", test_window_new);
  g_test_add_func ("/gleaner/window/result-list-batches", test_result_list_batches);
  g_test_add_func ("/gleaner/window/sort-model", test_sort_model);
  g_test_add_func ("/gleaner/window/sort-levels", test_sort_levels);
  g_test_add_func ("/gleaner/window/filter-model", test_filter_model);
  g_test_add_func ("/gleaner/window/ui-util", test_ui_util);
  g_test_add_func ("/gleaner/window/run-sort-filter-rerun", test_window_run);
  g_test_add_func ("/gleaner/window/sorted-run", test_window_sorted_run);
  g_test_add_func ("/gleaner/window/sort-filtered-never-empty", test_window_sort_filtered);
  g_test_add_func ("/gleaner/window/filter-rebinds", test_window_filter_rebinds);
  g_test_add_func ("/gleaner/window/export", test_window_export);
  g_test_add_func ("/gleaner/window/copy-paste", test_window_copy_paste);
  g_test_add_func ("/gleaner/window/tab-leaves-list", test_window_tab_leaves_list);
  g_test_add_func ("/gleaner/window/stop-and-join", test_window_stop_and_join);
  g_test_add_func ("/gleaner/window/large-run", test_window_large_run);
  g_test_add_func ("/gleaner/window/open-files", test_window_open_files);
  g_test_add_func ("/gleaner/window/settings", test_window_settings);
  g_test_add_func ("/gleaner/window/journal", test_window_journal);
  g_test_add_func ("/gleaner/window/restore", test_window_restore);
  g_test_add_func ("/gleaner/window/discard", test_window_discard);
  g_test_add_func ("/gleaner/window/history", test_window_history);
  g_test_add_func ("/gleaner/window/corrupt-history", test_window_corrupt_history);
  g_test_add_func ("/gleaner/window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/gleaner/window/translated", test_window_translated);
  if (g_test_perf ())
    {
      g_test_add_func ("/gleaner/window/perf/stream", test_perf_stream);
      g_test_add_func ("/gleaner/window/perf/stream-sorted", test_perf_stream_sorted);
      g_test_add_func ("/gleaner/window/perf/rss-100k", test_perf_rss);
      g_test_add_func ("/gleaner/window/perf/model-memory", test_perf_model_memory);
      g_test_add_func ("/gleaner/window/perf/first-page", test_perf_first_page);
      g_test_add_func ("/gleaner/window/perf/resort-100k", test_perf_resort);
      g_test_add_func ("/gleaner/window/perf/filter-100k", test_perf_filter);
    }

  ret = g_test_run ();

  gleaner_test_server_free (server);
  g_hash_table_unref (path_hits);
  return ret;
}
