/* gleaner-window.c: the main window (paste, run, watch, sort, filter, copy, export)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "gleaner-alert.h"
#include "gleaner-application.h"
#include "gleaner-column-sorter.h"
#include "gleaner-engine.h"
#include "gleaner-filter-model.h"
#include "gleaner-rejected-window.h"
#include "gleaner-result-list.h"
#include "gleaner-session-store.h"
#include "gleaner-sort-model.h"
#include "gleaner-ui-util.h"
#include "gleaner-window.h"

/* Results gather this long in the engine before one delivery: 10,000 pages/s
 * become 20 main-loop wakeups, each one items-changed. */
#define DELIVERY_INTERVAL_MS  50
/* The window keeps this many rejected lines for inspection; counts stay exact. */
#define MAX_KEPT_REJECTIONS   10000
/* Texts up to this size are parsed on the spot; larger ones in a thread. */
#define INLINE_PARSE_SIZE     (64 * 1024)
/* A list of links larger than this is not a list of links. */
#define MAX_INPUT_FILE_SIZE   (64 * 1024 * 1024)
/* A run's links go to the pipeline this many a main-loop turn (about 4 ms:
 * 100,000 links at once held the main loop for a tenth of a second). */
#define HAND_OVER_SLICE       4096
/* While a run goes on, the memory its requests freed goes back to the
 * system this often (gleaner_ui_release_free_memory()). */
#define RELEASE_MEMORY_US     (5 * G_USEC_PER_SEC)
#define RATE_SAMPLE_US        (G_USEC_PER_SEC)
#define PROGRESS_LABEL_US     (G_USEC_PER_SEC / 4)

typedef enum
{
  COLUMN_TITLE,
  COLUMN_URL,
  COLUMN_STATUS,
  COLUMN_TIME,
  COLUMN_SIZE,
  COLUMN_ENCODING,
  COLUMN_ERROR,
  N_COLUMNS
} ColumnId;

/* The ids of the "visible-columns" setting. */
static const char * const column_ids[N_COLUMNS] = {
  "title", "url", "status", "time", "size", "encoding", "error",
};

typedef enum
{
  OUTCOME_ALL,
  OUTCOME_SUCCEEDED,
  OUTCOME_FAILED,
} Outcome;

static const char * const outcome_names[] = { "all", "succeeded", "failed" };

/* A link waiting for a run. The queue owns @url until Start; then handing
 * until the link is given to the pipeline; then in_flight until its result
 * arrives. */
typedef struct
{
  guint64  id;
  char    *url;
} Target;

struct _GleanerWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkRevealer          *tls_revealer;
  GtkRevealer          *restore_revealer;
  GtkLabel             *restore_label;
  GtkRevealer          *history_revealer;
  GtkLabel             *history_label;
  GtkLabel             *history_detail_label;
  GtkWidget            *history_reset_button;
  GtkStack             *main_stack;
  GtkWidget            *empty_paste_button;
  AdwStatusPage        *ready_page;
  GtkWidget            *ready_start_button;
  GtkWidget            *ready_rejected_button;
  GtkSearchEntry       *search_entry;
  GtkWidget            *progress_box;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkColumnView        *column_view;
  GtkWidget            *no_match_page;
  GtkColumnViewColumn  *title_column;
  GtkColumnViewColumn  *url_column;
  GtkColumnViewColumn  *status_column;
  GtkColumnViewColumn  *time_column;
  GtkColumnViewColumn  *size_column;
  GtkColumnViewColumn  *encoding_column;
  GtkColumnViewColumn  *error_column;
  GtkLabel             *summary_label;
  GtkWidget            *rejected_button;
  GMenuModel           *copy_menu;

  /* Owned */
  GSettings            *settings;        /* NULL without an installed schema */
  GCancellable         *cancellable;     /* clipboard reads, file loads, exports */
  GleanerUrlList       *url_list;        /* dedupes across every paste; NULL while a
                                          * worker parses with it */
  GQueue                pending_texts;   /* GBytes waiting for the URL list */
  GArray               *queue;           /* Target, waiting for Start */
  GArray               *handing;         /* Target, in the run, not yet given to the pipeline */
  GHashTable           *in_flight;       /* id -> url, handed to the pipeline */
  GPtrArray            *rejections;      /* GleanerRejection, the first MAX_KEPT_REJECTIONS */
  GleanerPipeline      *pipeline;        /* the current run, NULL when idle */
  GleanerResultList    *results;
  GleanerSortModel     *sort_model;
  GleanerFilterModel   *filter_model;
  GtkMultiSelection    *selection;
  GtkWidget            *context_menu;
  GtkNativeDialog      *native_dialog;   /* GTK < 4.10 file chooser in use */
  char                 *needle;          /* casefolded filter text, NULL for none */
  GleanerApplication   *app;             /* NULL for a window without one (tests) */
  GleanerSessionStore  *store;           /* the app's journal; NULL: history is off */

  /* Borrowed */
  GtkColumnViewColumn  *columns[N_COLUMNS];

  guint64               next_id;
  guint64               n_recognised;    /* the URL list's counts, kept here */
  guint64               n_duplicates;    /* while a worker has the list */
  guint64               n_rejected;
  guint                 handing_next;    /* handing[0, handing_next) were given */
  guint                 hand_over_source;
  guint                 progress_tick;   /* keeps the progress text current while running */
  guint                 parse_generation;
  gboolean              parsing;
  Outcome               outcome;
  GleanerFormat         last_format;
  GFile                *export_folder;   /* the save dialog opens here; NULL: its choice */
  gsize                 needle_len;
  gboolean              needle_is_ascii;
  gboolean              filter_active;
  guint                 subtitle_source; /* a coalesced subtitle update while filtering */
  gboolean              has_visible_rows;
  gboolean              ignore_tls_errors;
  gboolean              run_ignores_tls;

  /* The journal: this window's session in the store. Journaling only
   * enqueues (the store writes in its own thread), so it never blocks. */
  gint64                session_id;      /* 0 until the first Start (or a restore) */
  gboolean              loading;         /* a session is being read back */
  gboolean              history_problem_dismissed;

  /* The current (or last) run */
  guint64               run_n_added;
  guint64               run_n_done;
  guint64               run_n_failed;
  gint64                run_start_us;
  gint64                run_end_us;
  gint64                rate_sample_us;
  gint64                memory_released_us;
  guint64               rate_sample_done;
  gint64                progress_label_us;
  double                rate;
  gboolean              run_stopped;
};

G_DEFINE_FINAL_TYPE (GleanerWindow, gleaner_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_IGNORE_TLS_ERRORS,
  PROP_OUTCOME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_ui       (GleanerWindow *self);
static void queue_filter_feedback (GleanerWindow *self);
static void update_progress (GleanerWindow *self,
                             gboolean       force);
static void update_bars     (GleanerWindow *self);
static GleanerSessionInfo *offered_session (GleanerWindow *self);

static void
target_clear (gpointer data)
{
  Target *target = data;

  g_clear_pointer (&target->url, g_free);
}

static void
show_toast (GleanerWindow *self,
            const char    *message)
{
  /* An export may finish after the window was closed. */
  if (self->toast_overlay != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    return g_filename_display_basename (path);

  return g_file_get_parse_name (file);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Cells: results are immutable once delivered, so a bind sets text once and
 * never listens for changes. Web text goes in through plain-text setters.
 *
 * GTK 4.8 unbinds and binds again every row whose position changes, the
 * same item included: a row inserted or removed above it is enough, so one
 * change rebinds every row the view keeps below it (~200 rows, 1,400 cells).
 * Unbinding therefore leaves the cell as it is, and a bind sets only what
 * differs (GtkInscription ignores the text it already has): such a rebind
 * changes nothing, and the next frame lays out no text again. */

static GleanerResult *
item_result (GtkListItem *item)
{
  return GLEANER_RESULT (gtk_list_item_get_item (item));
}

static GQuark
tooltip_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("gleaner-cell-tooltip");
  return quark;
}

/* gtk_widget_set_tooltip_text() asks the display where the pointer is (a round
 * trip to the X server in GTK 4.8), far too slow for cells rebound by the
 * thousand while rows stream in. Cells keep their tooltip text instead and
 * hand it out when asked. */
static gboolean
cell_query_tooltip_cb (GtkWidget  *cell,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  const char *text = g_object_get_qdata (G_OBJECT (cell), tooltip_quark ());

  if (text == NULL || text[0] == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_cell (GtkListItem *item,
          const char  *text,
          const char  *tooltip)
{
  GtkWidget *cell = gtk_list_item_get_child (item);

  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  if (g_strcmp0 (g_object_get_qdata (G_OBJECT (cell), tooltip_quark ()), tooltip) != 0)
    g_object_set_qdata_full (G_OBJECT (cell), tooltip_quark (), g_strdup (tooltip), g_free);
}

static void
set_cell_style (GtkListItem *item,
                gboolean     error,
                gboolean     dim)
{
  GtkWidget *cell = gtk_list_item_get_child (item);

  if (error)
    gtk_widget_add_css_class (cell, "error");
  else
    gtk_widget_remove_css_class (cell, "error");
  if (dim)
    gtk_widget_add_css_class (cell, "dim-label");
  else
    gtk_widget_remove_css_class (cell, "dim-label");
}

static GtkWidget *
new_cell (GtkListItem *item)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 3);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 12);
  gtk_widget_set_has_tooltip (cell, TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (cell_query_tooltip_cb), NULL);
  /* A right click finds its row through this (the list item owns the cell). */
  g_object_set_data (G_OBJECT (cell), "gleaner-list-item", item);
  gtk_list_item_set_child (item, cell);

  return cell;
}

static void
text_cell_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    GleanerWindow            *self)
{
  new_cell (item);
}

static void
number_cell_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      GleanerWindow            *self)
{
  GtkWidget *cell = new_cell (item);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1.0);
  gtk_widget_add_css_class (cell, "numeric");
}

static gboolean
row_is_pending (GleanerWindow *self,
                GleanerResult *result)
{
  return gleaner_result_list_is_pending (self->results, gleaner_result_get_id (result));
}

static void
title_cell_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    GleanerWindow            *self)
{
  const char *title = gleaner_result_get_title (item_result (item));

  set_cell (item, title, title);
}

static void
url_cell_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  GleanerWindow            *self)
{
  GleanerResult *result = item_result (item);
  const char *url = gleaner_result_get_url (result);
  const char *shown = gleaner_result_get_display_url (result);
  g_autofree char *tooltip = NULL;

  if (g_strcmp0 (url, shown) != 0)
    /* Translators: tooltip of a URL that was reached through redirects */
    tooltip = g_strdup_printf (_("%s\nRedirected from %s"), shown, url);

  set_cell (item, shown, tooltip != NULL ? tooltip : shown);
}

static void
status_cell_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     GleanerWindow            *self)
{
  GleanerResult *result = item_result (item);
  guint status = gleaner_result_get_status (result);
  const char *reason = gleaner_result_get_reason (result);
  g_autofree char *text = NULL;

  if (row_is_pending (self, result))
    {
      set_cell_style (item, FALSE, TRUE);
      set_cell (item, "…", _("Fetching again"));
      return;
    }

  set_cell_style (item, FALSE, FALSE);
  if (status != 0)
    text = g_strdup_printf ("%u", status);
  set_cell (item, text != NULL ? text : "—", reason);
}

static void
time_cell_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   GleanerWindow            *self)
{
  double elapsed = gleaner_result_get_elapsed (item_result (item));
  g_autofree char *text = NULL;

  if (elapsed > 0.0)
    text = gleaner_ui_format_elapsed (elapsed);
  set_cell (item, text, NULL);
}

static void
size_cell_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   GleanerWindow            *self)
{
  GleanerResult *result = item_result (item);
  guint64 bytes = gleaner_result_get_body_bytes (result);
  g_autofree char *text = NULL;

  if (bytes > 0 || gleaner_result_get_status (result) != 0)
    text = g_format_size (bytes);
  set_cell (item, text, NULL);
}

static void
encoding_cell_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       GleanerWindow            *self)
{
  set_cell (item, gleaner_result_get_encoding (item_result (item)), NULL);
}

static void
error_cell_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    GleanerWindow            *self)
{
  GleanerResult *result = item_result (item);
  const char *message;
  const char *label;

  if (gleaner_result_get_succeeded (result))
    {
      set_cell_style (item, FALSE, FALSE);
      set_cell (item, NULL, NULL);
      return;
    }

  if (row_is_pending (self, result))
    {
      set_cell_style (item, FALSE, TRUE);
      set_cell (item, _("Fetching again…"), NULL);
      return;
    }

  message = gleaner_result_get_error_message (result);
  label = gleaner_error_kind_get_label (gleaner_result_get_error_kind (result));
  set_cell_style (item, TRUE, FALSE);
  set_cell (item, message != NULL ? message : label, message != NULL ? message : label);
}

/* Filtering */

static inline char
ascii_lower (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static gboolean
ascii_contains_casefolded (const char *haystack,
                           const char *needle,
                           gsize       needle_len)
{
  char first = needle[0];
  char first_upper = g_ascii_toupper (first);

  /* An ASCII needle never matches inside a multi-byte UTF-8 sequence, so a
   * byte-wise ASCII case-insensitive search is exact and allocates nothing.
   * It runs for every row on every key typed (and on every new sort order
   * under a filter): lowered inline, and only where the first byte fits. */
  for (const char *p = haystack; *p != '\0'; p++)
    {
      gsize i;

      if (*p != first && *p != first_upper)
        continue;
      for (i = 1; i < needle_len; i++)
        if (p[i] == '\0' || ascii_lower (p[i]) != needle[i])
          break;
      if (i == needle_len)
        return TRUE;
    }

  return FALSE;
}

static gboolean
text_matches (GleanerWindow *self,
              const char    *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;

  if (self->needle_is_ascii)
    return ascii_contains_casefolded (text, self->needle, self->needle_len);

  folded = g_utf8_casefold (text, -1);
  return strstr (folded, self->needle) != NULL;
}

static gboolean
row_visible_func (gpointer item,
                  gpointer user_data)
{
  GleanerWindow *self = user_data;
  GleanerResult *result = item;

  switch (self->outcome)
    {
    case OUTCOME_SUCCEEDED:
      if (!gleaner_result_get_succeeded (result))
        return FALSE;
      break;
    case OUTCOME_FAILED:
      if (gleaner_result_get_succeeded (result))
        return FALSE;
      break;
    case OUTCOME_ALL:
    default:
      break;
    }

  if (self->needle == NULL)
    return TRUE;

  return text_matches (self, gleaner_result_get_title (result)) ||
         text_matches (self, gleaner_result_get_display_url (result));
}

/* The filter model works many rows out in slices on idle and brings the
 * result in so the view rebinds its rows (GleanerFilterModel); rows as they
 * arrive are filtered at once, each batch one precise items-changed. */
/* Scrolls to the first row and anchors the view there. Scrolling the
 * adjustment is not enough: GTK 4.8's list view then anchors on a row
 * further down the page, and its widgets follow that row wherever a change
 * moves it. */
static void
scroll_to_top (GleanerWindow *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return;

#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_column_view_scroll_to (self->column_view, 0, NULL, GTK_LIST_SCROLL_NONE, NULL);
#else
  /* No API for it before 4.12: the column view's list view does it for its
   * rows through this action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", 0);
#endif
}

static void
apply_filter (GleanerWindow   *self,
              GtkFilterChange  change)
{
  gboolean active = self->outcome != OUTCOME_ALL || self->needle != NULL;

  /* A new filter shows its first rows. The view also has to be anchored
   * at the top for the filter model to bring the new rows in cheaply (see
   * GleanerFilterModel). */
  scroll_to_top (self);

  /* No filter function means "match all": the filter model then passes
   * rows through without a bitset, which keeps streaming cheap. */
  if (!active)
    {
      if (self->filter_active)
        gleaner_filter_model_set_func (self->filter_model, NULL, NULL, GTK_FILTER_CHANGE_LESS_STRICT);
    }
  else if (!self->filter_active)
    gleaner_filter_model_set_func (self->filter_model, row_visible_func, self, GTK_FILTER_CHANGE_MORE_STRICT);
  else
    gleaner_filter_model_set_func (self->filter_model, row_visible_func, self, change);

  self->filter_active = active;
  queue_filter_feedback (self);
}

static void
set_needle (GleanerWindow *self,
            const char    *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *folded = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (stripped[0] != '\0')
    folded = g_utf8_casefold (stripped, -1);

  if (g_strcmp0 (folded, self->needle) == 0)
    return;

  if (self->needle == NULL || (folded != NULL && strstr (folded, self->needle) != NULL))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (folded == NULL || strstr (self->needle, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  g_free (self->needle);
  self->needle = g_steal_pointer (&folded);
  self->needle_is_ascii = self->needle != NULL && g_str_is_ascii (self->needle);
  self->needle_len = self->needle != NULL ? strlen (self->needle) : 0;

  apply_filter (self, change);
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   GleanerWindow  *self)
{
  set_needle (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
stop_search_cb (GtkSearchEntry *entry,
                GleanerWindow  *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Selection */

static GPtrArray *
collect_selected (GleanerWindow *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint position;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      GleanerResult *result = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (result != NULL)
        g_ptr_array_add (rows, result);
    }

  return rows;
}

static GPtrArray *
collect_visible (GleanerWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n;
  GPtrArray *rows;

  /* The rows the filter lets through, not those of a change halfway shown. */
  gleaner_filter_model_flush (self->filter_model);
  n = g_list_model_get_n_items (model);
  rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, g_list_model_get_item (model, i));

  return rows;
}

static gboolean
has_selection (GleanerWindow *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  return !gtk_bitset_is_empty (selected);
}

/* State shown to the user */

static void
update_actions (GleanerWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean running = self->pipeline != NULL;
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  guint n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint64 n_rejected = self->n_rejected;
  gboolean selected = has_selection (self);

  gtk_widget_action_set_enabled (widget, "win.start", !running && self->queue->len > 0);
  gtk_widget_action_set_enabled (widget, "win.stop", running);
  gtk_widget_action_set_enabled (widget, "win.export", n_visible > 0);
  gtk_widget_action_set_enabled (widget, "win.copy", selected);
  gtk_widget_action_set_enabled (widget, "win.copy-markdown", selected);
  gtk_widget_action_set_enabled (widget, "win.copy-urls", selected);
  gtk_widget_action_set_enabled (widget, "win.open-in-browser", selected);
  gtk_widget_action_set_enabled (widget, "win.rerun-failed",
                                 gleaner_result_list_get_n_failed (self->results) >
                                 gleaner_result_list_get_n_pending (self->results));
  gtk_widget_action_set_enabled (widget, "win.clear",
                                 running || n_rows > 0 || self->queue->len > 0 || n_rejected > 0);
  gtk_widget_action_set_enabled (widget, "win.show-rejected", n_rejected > 0);
  gtk_widget_action_set_enabled (widget, "win.find", n_rows > 0);
  gtk_widget_action_set_enabled (widget, "win.restore-session", offered_session (self) != NULL);
  gtk_widget_action_set_enabled (widget, "win.discard-session", offered_session (self) != NULL);
}

static char *
summary_text (GleanerWindow *self)
{
  guint64 n_urls = self->n_recognised;
  guint64 n_dups = self->n_duplicates;
  guint64 n_rejected = self->n_rejected;
  g_autofree char *urls = gleaner_ui_format_count (n_urls);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s link recognised",
                                             "%s links recognised", n_urls), urls);
  if (n_dups > 0)
    {
      g_autofree char *dups = gleaner_ui_format_count (n_dups);

      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s duplicate dropped",
                                                 "%s duplicates dropped", n_dups), dups);
    }
  if (n_rejected > 0)
    {
      g_autofree char *rejected = gleaner_ui_format_count (n_rejected);

      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s line rejected",
                                                 "%s lines rejected", n_rejected), rejected);
    }

  return g_string_free (text, FALSE);
}

/* "1,234 rows", or with a filter "12 of 1,234 rows". */
static char *
rows_subtitle (GleanerWindow *self,
               guint          n_rows)
{
  g_autofree char *n = gleaner_ui_format_count (n_rows);
  g_autofree char *shown = NULL;
  guint n_shown;

  if (!self->filter_active)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", n_rows), n);

  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  shown = gleaner_ui_format_count (n_shown);
  /* Translators: the window's subtitle while a filter is on: "12 of 1,234
   * rows"; the plural follows the second number */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s row", "%s of %s rows", n_rows),
                          shown, n);
}

/* "No Matching Rows" shows over the empty list once a filter has been
 * worked out and matches no row; while one is being worked out, the old
 * rows (or the page) stay. */
static void
update_no_match (GleanerWindow *self)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->results));

  if (!self->filter_active || n_rows == 0)
    gtk_widget_set_visible (self->no_match_page, FALSE);
  else if (!gleaner_filter_model_get_pending (self->filter_model))
    gtk_widget_set_visible (self->no_match_page,
                            g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0);
}

static gboolean filter_feedback_cb (gpointer data);

/* The subtitle's count and the no-match page follow what the filter shows. */
static void
update_filter_feedback (GleanerWindow *self)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->results));

  g_clear_handle_id (&self->subtitle_source, g_source_remove);
  update_no_match (self);
  if (n_rows > 0 && (self->queue->len == 0 || self->pipeline != NULL))
    {
      g_autofree char *subtitle = rows_subtitle (self, n_rows);

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  /* A filter is worked out in idle slices: look again once it is. */
  if (gleaner_filter_model_get_pending (self->filter_model))
    self->subtitle_source = g_timeout_add (50, filter_feedback_cb, self);
}

static gboolean
filter_feedback_cb (gpointer data)
{
  GleanerWindow *self = data;

  self->subtitle_source = 0;
  update_filter_feedback (self);
  return G_SOURCE_REMOVE;
}

/* A sorted, filtered view announces a batch as many small changes: the
 * count is brought up to date once they are over. */
static void
queue_filter_feedback (GleanerWindow *self)
{
  if (self->subtitle_source == 0)
    self->subtitle_source = g_idle_add_full (G_PRIORITY_LOW, filter_feedback_cb, self, NULL);
}

static void
update_ui (GleanerWindow *self)
{
  gboolean running = self->pipeline != NULL;
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  gboolean rejected = self->n_rejected > 0;
  g_autofree char *summary = summary_text (self);
  g_autofree char *subtitle = NULL;
  const char *page;

  if (running || n_rows > 0)
    page = "results";
  else if (self->queue->len > 0)
    page = "ready";
  else
    page = "empty";
  if (g_strcmp0 (page, gtk_stack_get_visible_child_name (self->main_stack)) != 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, page);
      /* Focus follows the page's main control: Paste, Start, then the rows. */
      if (g_str_equal (page, "empty"))
        gtk_widget_grab_focus (self->empty_paste_button);
      else if (g_str_equal (page, "ready"))
        gtk_widget_grab_focus (self->ready_start_button);
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
    }

  if (self->queue->len > 0 && !running)
    {
      g_autofree char *n = gleaner_ui_format_count (self->queue->len);
      g_autofree char *title = NULL;

      /* Translators: title of the page shown before a run starts */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Link Ready", "%s Links Ready",
                                            self->queue->len), n);
      adw_status_page_set_title (self->ready_page, title);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s link waiting",
                                               "%s links waiting", self->queue->len), n);
    }
  else if (n_rows > 0)
    subtitle = rows_subtitle (self, n_rows);

  {
    /* The status page's description is markup. */
    g_autofree char *escaped = g_markup_escape_text (summary, -1);

    adw_status_page_set_description (self->ready_page, escaped);
  }
  gtk_label_set_text (self->summary_label, summary);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  update_no_match (self);
  gtk_widget_set_visible (self->rejected_button, rejected);
  gtk_widget_set_visible (self->ready_rejected_button, rejected);
  gtk_widget_set_visible (self->progress_box, self->run_start_us != 0);
  gtk_revealer_set_reveal_child (self->tls_revealer,
                                 self->ignore_tls_errors || (running && self->run_ignores_tls));

  update_actions (self);
  update_bars (self);
}

static void
update_progress (GleanerWindow *self,
                 gboolean       force)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *done = gleaner_ui_format_count (self->run_n_done);
  g_autofree char *added = gleaner_ui_format_count (self->run_n_added);
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 self->run_n_added > 0 ?
                                 (double)self->run_n_done / (double)self->run_n_added : 0.0);

  if (self->pipeline == NULL)
    {
      double seconds = (self->run_end_us - self->run_start_us) / (double)G_USEC_PER_SEC;
      g_autofree char *took = gleaner_ui_format_duration (seconds);
      g_autofree char *failed = gleaner_ui_format_count (self->run_n_failed);

      if (self->run_stopped)
        /* Translators: "Stopped after 3.20 s: 120 of 500 fetched"; the plural
         * follows the second number (the links of the run) */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Stopped after %s: %s of %s link fetched",
                                             "Stopped after %s: %s of %s links fetched",
                                             self->run_n_added),
                                took, done, added);
      else if (self->run_n_failed == 0)
        /* Translators: "Done in 3.20 s: 500 pages" */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done in %s: %s page",
                                             "Done in %s: %s pages",
                                             self->run_n_done),
                                took, done);
      else
        {
          /* Translators: "12 failed", the end of "Done in 3.20 s: 500 pages, 12 failed" */
          g_autofree char *n_failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s failed",
                                                                    "%s failed",
                                                                    self->run_n_failed),
                                                       failed);

          /* Translators: "Done in 3.20 s: 500 pages, 12 failed"; the last %s is
           * "12 failed", translated on its own */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done in %s: %s page, %s",
                                               "Done in %s: %s pages, %s",
                                               self->run_n_done),
                                  took, done, n_failed);
        }
      gtk_label_set_text (self->progress_label, text);
      return;
    }

  if (now - self->rate_sample_us >= RATE_SAMPLE_US)
    {
      double dt = (now - self->rate_sample_us) / (double)G_USEC_PER_SEC;
      double instant = (self->run_n_done - self->rate_sample_done) / dt;

      self->rate = self->rate > 0.0 ? 0.6 * self->rate + 0.4 * instant : instant;
      self->rate_sample_us = now;
      self->rate_sample_done = self->run_n_done;
    }

  if (!force && now - self->progress_label_us < PROGRESS_LABEL_US)
    return;
  self->progress_label_us = now;

  /* Translators: progress of a run, "120 of 500" */
  text = g_strdup_printf (_("%s of %s"), done, added);
  if (self->rate > 0.0)
    {
      g_autofree char *rate = gleaner_ui_format_count ((guint64)(self->rate + 0.5));
      g_autofree char *left = gleaner_ui_format_time_left ((self->run_n_added - self->run_n_done) /
                                                           self->rate);
      g_autofree char *with_rate = NULL;

      if (*left != '\0')
        /* Translators: progress, pages per second and time left:
         * "120 of 500 · 85 pages/s · About 5 seconds left" */
        with_rate = g_strdup_printf (_("%s · %s pages/s · %s"), text, rate, left);
      else
        /* Translators: progress and pages per second, when the time left is
         * unknown: "120 of 500 · 0 pages/s" */
        with_rate = g_strdup_printf (_("%s · %s pages/s"), text, rate);
      g_free (text);
      text = g_steal_pointer (&with_rate);
    }
  gtk_label_set_text (self->progress_label, text);
}

/* The journal */

static gboolean
journaling (GleanerWindow *self)
{
  return self->store != NULL && self->session_id > 0;
}

static void
journal_targets (GleanerWindow *self,
                 const Target  *targets,
                 guint          n_targets)
{
  g_autofree guint64 *ids = NULL;
  g_autofree const char **urls = NULL;

  if (!journaling (self) || n_targets == 0)
    return;

  ids = g_new (guint64, n_targets);
  urls = g_new (const char *, n_targets);
  for (guint i = 0; i < n_targets; i++)
    {
      ids[i] = targets[i].id;
      urls[i] = targets[i].url;
    }
  gleaner_session_store_add_targets (self->store, self->session_id, ids,
                                     (const char * const *)urls, n_targets, NULL);
}

/* A run starts: a new session, or the window's own again (more links, a re-run,
 * a restored session) which is unfinished until this run is over. */
static void
journal_begin (GleanerWindow *self)
{
  g_autofree const char **urls = NULL;
  g_autofree char *title = NULL;
  guint n;

  if (self->store == NULL)
    return;

  if (self->session_id > 0)
    {
      gleaner_session_store_set_finished (self->store, self->session_id, FALSE);
      return;
    }

  n = MIN (self->queue->len, 1000);
  urls = g_new (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    urls[i] = g_array_index (self->queue, Target, i).url;
  title = gleaner_ui_session_title ((const char * const *)urls, n);
  self->session_id = gleaner_session_store_begin_session (self->store, title);
  g_debug ("Journaling into session %" G_GINT64_FORMAT, self->session_id);
}

/* The store opened (or was replaced) while a run was going: journal what the
 * window already has, so that a crash from now on loses nothing. */
static void
journal_catch_up (GleanerWindow *self)
{
  GListModel *rows = G_LIST_MODEL (self->results);
  guint n_rows = g_list_model_get_n_items (rows);
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (Target));
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  for (guint i = 0; i < n_rows; i++)
    {
      GleanerResult *result = g_list_model_get_item (rows, i);
      Target target = { gleaner_result_get_id (result), (char *)gleaner_result_get_url (result) };

      g_array_append_val (targets, target);
      g_ptr_array_add (results, result);
    }
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Target target = { GPOINTER_TO_SIZE (key), value };

      g_array_append_val (targets, target);
    }
  g_array_append_vals (targets, (Target *)(gpointer)self->handing->data + self->handing_next,
                       self->handing->len - self->handing_next);

  if (targets->len == 0)
    return;

  {
    g_autofree const char **urls = g_new (const char *, targets->len);
    g_autofree char *title = NULL;

    for (guint i = 0; i < targets->len; i++)
      urls[i] = g_array_index (targets, Target, i).url;
    title = gleaner_ui_session_title ((const char * const *)urls, MIN (targets->len, 1000));
    self->session_id = gleaner_session_store_begin_session (self->store, title);
  }
  journal_targets (self, (const Target *)(gpointer)targets->data, targets->len);
  if (results->len > 0)
    gleaner_session_store_add_results (self->store, self->session_id, results);
}

/* The window is done with its session: a normal close, or Clear. */
static void
journal_end (GleanerWindow *self)
{
  if (journaling (self))
    gleaner_session_store_set_finished (self->store, self->session_id, TRUE);
  self->session_id = 0;
}

/* Runs */

/* Links of the run nobody has a result for yet, given or not. */
static gboolean
run_has_work (GleanerWindow *self)
{
  return g_hash_table_size (self->in_flight) > 0 || self->handing->len > 0;
}

/* Results move the progress on, but they come in bursts: after the last
 * one before a slow server, the text would keep an old count, rate and
 * time left. While running it is brought up to date a few times a second,
 * and the rate falls while nothing arrives. */
static gboolean
progress_tick_cb (gpointer data)
{
  update_progress (GLEANER_WINDOW (data), FALSE);
  return G_SOURCE_CONTINUE;
}

/* After self->pipeline changed. */
static void
running_changed (GleanerWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  update_ui (self);
  update_progress (self, TRUE);
  if (self->pipeline == NULL)
    g_clear_handle_id (&self->progress_tick, g_source_remove);
  else if (self->progress_tick == 0)
    self->progress_tick = g_timeout_add (PROGRESS_LABEL_US / 1000, progress_tick_cb, self);
}

static void
finish_run (GleanerWindow *self,
            gboolean       stopped)
{
  g_autoptr(GleanerPipeline) pipeline = g_steal_pointer (&self->pipeline);

  if (pipeline == NULL)
    return;

  g_signal_handlers_disconnect_by_data (pipeline, self);
  if (stopped)
    gleaner_pipeline_cancel (pipeline);
  else
    gleaner_pipeline_close (pipeline);

  /* A stopped run is not over: its links wait for Start, and after a crash
   * they are offered again. */
  if (!stopped && self->queue->len == 0 && journaling (self))
    gleaner_session_store_set_finished (self->store, self->session_id, TRUE);

  self->run_end_us = g_get_monotonic_time ();
  self->run_stopped = stopped;
  gleaner_ui_release_free_memory ();

  /* Per run: the next one checks certificates unless asked again. */
  if (self->run_ignores_tls)
    {
      self->run_ignores_tls = FALSE;
      gleaner_window_set_ignore_tls_errors (self, FALSE);
    }
  running_changed (self);
}

static void
pipeline_results_cb (GleanerPipeline *pipeline,
                     GPtrArray       *results,
                     GleanerWindow   *self)
{
  if (pipeline != self->pipeline)
    return;

  /* Journaled as delivered: the store takes references, the writer thread does the rest. */
  if (journaling (self))
    gleaner_session_store_add_results (self->store, self->session_id, results);

  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (results, i);

      if (g_hash_table_remove (self->in_flight, GSIZE_TO_POINTER ((gsize)gleaner_result_get_id (result))))
        {
          self->run_n_done++;
          if (!gleaner_result_get_succeeded (result))
            self->run_n_failed++;
        }
    }

  /* One items-changed per delivery; the view takes the rows in at the pace
   * it can build them (GleanerSortModel), and the filter model filters them
   * as they come. */
  gleaner_result_list_apply (self->results, results);

  if (!run_has_work (self))
    finish_run (self, FALSE);
  else
    {
      update_progress (self, FALSE);
      if (g_get_monotonic_time () - self->memory_released_us >= RELEASE_MEMORY_US)
        {
          self->memory_released_us = g_get_monotonic_time ();
          gleaner_ui_release_free_memory ();
        }
    }
}

static void
pipeline_finished_cb (GleanerPipeline *pipeline,
                      GleanerWindow   *self)
{
  if (pipeline == self->pipeline)
    finish_run (self, FALSE);
}

static gboolean hand_over_cb (gpointer data);

/* Gives the pipeline the next HAND_OVER_SLICE links of the run. */
static void
hand_over_slice (GleanerWindow *self)
{
  guint end = MIN (self->handing->len, self->handing_next + HAND_OVER_SLICE);

  for (; self->handing_next < end; self->handing_next++)
    {
      Target *target = &g_array_index (self->handing, Target, self->handing_next);

      gleaner_pipeline_add (self->pipeline, target->id, target->url);
      g_hash_table_insert (self->in_flight, GSIZE_TO_POINTER ((gsize)target->id),
                           g_steal_pointer (&target->url));
    }

  if (self->handing_next < self->handing->len)
    {
      if (self->hand_over_source == 0)
        self->hand_over_source = g_idle_add (hand_over_cb, self);
      return;
    }

  g_array_set_size (self->handing, 0);
  self->handing_next = 0;
}

static gboolean
hand_over_cb (gpointer data)
{
  GleanerWindow *self = data;

  self->hand_over_source = 0;
  hand_over_slice (self);
  return G_SOURCE_REMOVE;
}

/* Moves every queued link into the running run: counted and journaled now,
 * given to the pipeline a slice at a time. */
static void
hand_over_queue (GleanerWindow *self)
{
  g_assert (self->pipeline != NULL);

  journal_targets (self, (const Target *)(gpointer)self->queue->data, self->queue->len);
  g_array_append_vals (self->handing, self->queue->data, self->queue->len);
  self->run_n_added += self->queue->len;
  /* The targets now belong to handing: drop them without freeing. */
  g_array_set_clear_func (self->queue, NULL);
  g_array_set_size (self->queue, 0);
  g_array_set_clear_func (self->queue, target_clear);

  hand_over_slice (self);
}

static GleanerConfig *
build_config (GleanerWindow *self)
{
  GleanerConfig *config = gleaner_config_new ();
  GSettings *settings = self->settings;

  config->n_workers = (guint)gleaner_ui_settings_get_number (settings, "fetch-workers",
                                                             config->n_workers);
  config->per_host = (guint)gleaner_ui_settings_get_number (settings, "per-host", config->per_host);
  config->timeout = gleaner_ui_settings_get_number (settings, "timeout", config->timeout);
  config->deadline = gleaner_ui_settings_get_number (settings, "deadline", config->deadline);
  config->max_body = (gsize)gleaner_ui_settings_get_number (settings, "max-page-size",
                                                            config->max_body);
  config->retries = (guint)gleaner_ui_settings_get_number (settings, "retries", config->retries);
  if (gleaner_ui_settings_has_key (settings, "user-agent"))
    {
      g_autofree char *user_agent = g_settings_get_string (settings, "user-agent");

      g_strstrip (user_agent);
      if (user_agent[0] != '\0')
        gleaner_config_set_user_agent (config, user_agent);
    }

  config->n_workers = MAX (config->n_workers, 1);
  config->per_host = MAX (config->per_host, 1);
  config->deadline = MAX (config->deadline, config->timeout);
  config->fields = GLEANER_FIELD_TITLE;
  config->delivery_interval_ms = DELIVERY_INTERVAL_MS;
  config->ignore_tls_errors = self->ignore_tls_errors;

  return config;
}

static void
start_run (GleanerWindow *self)
{
  g_autoptr(GleanerConfig) config = NULL;

  if (self->pipeline != NULL || self->queue->len == 0)
    return;

  config = build_config (self);
  self->pipeline = gleaner_pipeline_new (config);
  g_signal_connect (self->pipeline, "results", G_CALLBACK (pipeline_results_cb), self);
  g_signal_connect (self->pipeline, "finished", G_CALLBACK (pipeline_finished_cb), self);

  self->run_ignores_tls = config->ignore_tls_errors;
  self->run_n_added = 0;
  self->run_n_done = 0;
  self->run_n_failed = 0;
  self->run_start_us = g_get_monotonic_time ();
  self->rate_sample_us = self->run_start_us;
  self->memory_released_us = self->run_start_us;
  self->rate_sample_done = 0;
  self->progress_label_us = 0;
  self->rate = 0.0;
  self->run_stopped = FALSE;

  journal_begin (self);
  hand_over_queue (self);
  running_changed (self);
}

static int
compare_targets (gconstpointer a,
                 gconstpointer b)
{
  const Target *ta = a;
  const Target *tb = b;

  return ta->id < tb->id ? -1 : ta->id > tb->id;
}

static void
stop_run (GleanerWindow *self)
{
  g_autoptr(GArray) unfetched = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  guint n_unfetched;

  if (self->pipeline == NULL)
    return;

  /* Cancel first: nothing is delivered afterwards, so in_flight is final. */
  gleaner_pipeline_cancel (self->pipeline);

  /* What was not fetched goes back to the queue, in input order, ahead of
   * anything pasted meanwhile: Start picks up where Stop left off. */
  unfetched = g_array_sized_new (FALSE, FALSE, sizeof (Target), g_hash_table_size (self->in_flight));
  g_array_set_clear_func (unfetched, target_clear);
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Target target = { GPOINTER_TO_SIZE (key), value };

      g_hash_table_iter_steal (&iter);
      g_array_append_val (unfetched, target);
    }
  g_clear_handle_id (&self->hand_over_source, g_source_remove);
  g_array_append_vals (unfetched, (Target *)(gpointer)self->handing->data + self->handing_next,
                       self->handing->len - self->handing_next);
  g_array_set_clear_func (self->handing, NULL);
  g_array_set_size (self->handing, 0);
  g_array_set_clear_func (self->handing, target_clear);
  self->handing_next = 0;
  g_array_sort (unfetched, compare_targets);
  n_unfetched = unfetched->len;
  g_array_append_vals (unfetched, self->queue->data, self->queue->len);
  /* The queue's targets now belong to unfetched: drop them without freeing. */
  g_array_set_clear_func (self->queue, NULL);
  g_array_set_size (self->queue, 0);
  g_array_set_clear_func (self->queue, target_clear);
  g_array_append_vals (self->queue, unfetched->data, unfetched->len);
  g_array_set_clear_func (unfetched, NULL);

  gleaner_result_list_clear_pending (self->results);
  finish_run (self, TRUE);

  if (n_unfetched > 0)
    {
      g_autofree char *n = gleaner_ui_format_count (n_unfetched);
      g_autofree char *message = NULL;

      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Stopped: %s link was not fetched",
                                              "Stopped: %s links were not fetched",
                                              n_unfetched), n);
      show_toast (self, message);
    }
}

/* Sessions: the restore offer, history problems, reading a session back */

/* The session a crash left unfinished, while this window offers to restore it:
 * only while the window has nothing else to show, so a restore never mixes
 * with links pasted meanwhile (the offer comes back once they are cleared). */
static GleanerSessionInfo *
offered_session (GleanerWindow *self)
{
  GleanerSessionInfo *info = NULL;

  if (self->app != NULL && self->store != NULL)
    info = gleaner_application_get_unfinished_session (self->app);
  if (info == NULL || !gleaner_window_get_is_empty (self))
    return NULL;

  return info;
}

static void
update_restore_bar (GleanerWindow *self)
{
  GleanerSessionInfo *info = offered_session (self);

  if (info != NULL)
    {
      guint64 n_targets = gleaner_session_info_get_n_targets (info);
      guint64 n_missing = gleaner_session_info_get_n_missing (info);
      g_autofree char *targets = gleaner_ui_format_count (n_targets);
      g_autofree char *missing = gleaner_ui_format_count (n_missing);
      g_autofree char *closed = NULL;
      g_autofree char *question = NULL;
      g_autofree char *text = NULL;

      /* Two sentences, each with its own plural (they follow different
       * numbers), then put together by a message of their own. */
      /* Translators: the restore bar after a crash; %s is a number of links */
      closed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Gleaner was closed while fetching %s link.",
                                             "Gleaner was closed while fetching %s links.",
                                             n_targets), targets);
      if (n_missing == 0)
        /* Translators: the restore bar's question, after "Gleaner was closed while fetching 12 links." */
        question = g_strdup (_("Restore them?"));
      else
        /* Translators: the restore bar's question, after "Gleaner was closed while fetching
         * 1,234 links."; %s is how many of them were not fetched yet */
        question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Restore them and fetch the %s that is missing?",
                                                 "Restore them and fetch the %s that are missing?",
                                                 n_missing), missing);
      /* Translators: the restore bar: the sentence "Gleaner was closed while fetching
       * 12 links." then the question "Restore them?"; write %2$s %1$s to swap them */
      text = g_strdup_printf (C_("restore bar", "%1$s %2$s"), closed, question);
      gtk_label_set_text (self->restore_label, text);
    }

  gtk_revealer_set_reveal_child (self->restore_revealer, info != NULL);
}

static void
update_history_bar (GleanerWindow *self)
{
  const GError *error = NULL;
  const char *text = NULL;

  if (self->app != NULL)
    error = gleaner_application_get_store_error (self->app);

  if (error != NULL && error->domain == GLEANER_STORE_ERROR)
    {
      switch ((GleanerStoreError)error->code)
        {
        case GLEANER_STORE_ERROR_CORRUPT:
          text = _("Gleaner’s history is damaged and cannot be read, so this session "
                   "will not be saved. Start a new history to save it; the damaged one is kept.");
          break;
        case GLEANER_STORE_ERROR_TOO_NEW:
          text = _("Gleaner’s history was saved by a newer version of Gleaner. It is left "
                   "untouched, and this session will not be saved.");
          break;
        case GLEANER_STORE_ERROR_IO:
        default:
          text = _("Gleaner’s history could not be opened, so this session will not be saved.");
          break;
        }
    }
  else if (error != NULL)
    text = _("Gleaner’s history could not be opened, so this session will not be saved.");

  if (text != NULL)
    {
      gtk_label_set_text (self->history_label, text);
      /* The store's own message: technical, in English, names the file. */
      gtk_label_set_text (self->history_detail_label, error->message);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->history_detail_label), error->message);
      gtk_widget_set_visible (self->history_reset_button,
                              g_error_matches (error, GLEANER_STORE_ERROR,
                                               GLEANER_STORE_ERROR_CORRUPT));
    }
  gtk_revealer_set_reveal_child (self->history_revealer,
                                 text != NULL && !self->history_problem_dismissed);
}

static void
update_bars (GleanerWindow *self)
{
  /* The template's children are gone once the window is disposed. */
  if (self->restore_revealer == NULL)
    return;

  update_restore_bar (self);
  update_history_bar (self);
}

static void
write_error_cb (GleanerSessionStore *store,
                GParamSpec          *pspec,
                GleanerWindow       *self)
{
  const GError *error = gleaner_session_store_get_write_error (store);
  g_autofree char *message = NULL;

  if (error == NULL || !journaling (self))
    return;

  /* Translators: %s says why (a technical message) */
  message = g_strdup_printf (_("Could not save to the history: %s"), error->message);
  show_toast (self, message);
}

/* Follows the application's store: it opens after the window appears, and a
 * damaged one may be replaced by a new history. */
static void
sync_store (GleanerWindow *self)
{
  GleanerSessionStore *store = NULL;

  if (self->app != NULL)
    store = gleaner_application_get_session_store (self->app);

  if (store != self->store)
    {
      if (self->store != NULL)
        g_signal_handlers_disconnect_by_data (self->store, self);
      g_set_object (&self->store, store);
      /* Ids of another store mean nothing in this one. */
      self->session_id = 0;
      if (store != NULL)
        {
          g_signal_connect_object (store, "notify::write-error", G_CALLBACK (write_error_cb),
                                   self, 0);
          if (self->pipeline != NULL)
            journal_catch_up (self);
        }
    }

  if (self->app != NULL && gleaner_application_get_store_error (self->app) == NULL)
    self->history_problem_dismissed = FALSE;
  update_ui (self);
}

static void
app_store_changed_cb (GleanerApplication *app,
                      GParamSpec         *pspec,
                      GleanerWindow      *self)
{
  sync_store (self);
}

static void
app_unfinished_changed_cb (GleanerApplication *app,
                           GParamSpec         *pspec,
                           GleanerWindow      *self)
{
  update_ui (self);
}

/* GtkWindow sets its application after constructed(), and unsets it on destroy. */
static void
application_changed_cb (GleanerWindow *self,
                        GParamSpec    *pspec,
                        gpointer       user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if ((GtkApplication *)self->app == app)
    return;

  if (self->app != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->app, self);
      g_clear_object (&self->app);
    }
  if (GLEANER_IS_APPLICATION (app))
    {
      self->app = g_object_ref (GLEANER_APPLICATION (app));
      g_signal_connect_object (app, "notify::session-store", G_CALLBACK (app_store_changed_cb),
                               self, 0);
      g_signal_connect_object (app, "notify::unfinished-session",
                               G_CALLBACK (app_unfinished_changed_cb), self, 0);
    }
  sync_store (self);
}

/* Shows a journaled session: its results as rows, its missing links (never
 * fetched, or cut short) queued for Start, and journals on into it. */
static void
apply_session (GleanerWindow          *self,
               GleanerSessionContents *contents)
{
  g_autoptr(GArray) missing = gleaner_session_contents_get_missing (contents, TRUE);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint64 n_targets = contents->targets->len;
  g_autofree char *n = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *message = NULL;

  self->session_id = gleaner_session_info_get_id (contents->info);

  /* Re-pasting the same list adds nothing twice; new links get new ids. */
  for (guint i = 0; i < contents->targets->len; i++)
    {
      const GleanerSessionTarget *target = &g_array_index (contents->targets,
                                                           GleanerSessionTarget, i);

      self->next_id = MAX (self->next_id, target->id);
      if (self->url_list != NULL)
        gleaner_url_list_add_line (self->url_list, target->url, strlen (target->url));
    }
  if (self->url_list != NULL)
    {
      g_ptr_array_unref (gleaner_url_list_take_urls (self->url_list));
      g_ptr_array_unref (gleaner_url_list_take_rejections (self->url_list));
      self->n_recognised = gleaner_url_list_get_n_urls (self->url_list);
      self->n_duplicates = gleaner_url_list_get_n_duplicates (self->url_list);
    }

  /* A row cut short by Stop is to be fetched, not shown as a failure. */
  for (guint i = 0; i < contents->results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (contents->results, i);

      self->next_id = MAX (self->next_id, gleaner_result_get_id (result));
      if (gleaner_result_get_error_kind (result) != GLEANER_ERROR_CANCELLED)
        g_ptr_array_add (rows, result);
    }
  if (rows->len > 0)
    gleaner_result_list_apply (self->results, rows);

  for (guint i = 0; i < missing->len; i++)
    {
      GleanerSessionTarget *target = &g_array_index (missing, GleanerSessionTarget, i);
      Target queued = { target->id, g_steal_pointer (&target->url) };

      g_array_append_val (self->queue, queued);
    }

  n = gleaner_ui_format_count (n_targets);
  restored = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Restored %s link.",
                                           "Restored %s links.", n_targets), n);
  if (missing->len > 0)
    {
      g_autofree char *m = gleaner_ui_format_count (missing->len);

      g_autofree char *hint = NULL;

      /* Translators: after "Restored 1,234 links."; %s is a number of links */
      hint = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Start fetches the %s that is missing.",
                                           "Start fetches the %s that are missing.",
                                           missing->len), m);
      /* Translators: a toast: "Restored 1,234 links." then "Start fetches the 12 that
       * are missing."; write %2$s %1$s to swap them */
      message = g_strdup_printf (C_("restore toast", "%1$s %2$s"), restored, hint);
    }
  show_toast (self, message != NULL ? message : restored);

  update_ui (self);
}

static void
load_session_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GleanerSessionContents) contents = NULL;
  g_autoptr(GError) error = NULL;
  GleanerWindow *target = self;

  contents = gleaner_session_store_load_session_finish (GLEANER_SESSION_STORE (source), res, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->loading = FALSE;
  if (contents == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why (a technical message) */
      message = g_strdup_printf (_("Could not open the session: %s"), error->message);
      show_toast (self, message);
      update_ui (self);
      return;
    }

  /* Links pasted while it loaded: the session gets a window of its own. */
  if (!gleaner_window_get_is_empty (self) && self->app != NULL)
    {
      target = gleaner_window_new (GTK_APPLICATION (self->app));
      gtk_window_present (GTK_WINDOW (target));
    }
  if (gleaner_window_get_is_empty (target))
    apply_session (target, contents);
  update_ui (self);
}

/* Input */

/* Text pasted, dropped or loaded, waiting for the URL list. */
typedef struct
{
  GleanerUrlList *url_list;    /* the window's, handed to the worker and back */
  GBytes         *text;
  GPtrArray      *urls;        /* results of the parse */
  GPtrArray      *rejections;
  guint           generation;  /* the window's parse_generation at the start */
} ParseJob;

static void
parse_job_free (ParseJob *job)
{
  g_clear_pointer (&job->url_list, gleaner_url_list_free);
  g_clear_pointer (&job->text, g_bytes_unref);
  g_clear_pointer (&job->urls, g_ptr_array_unref);
  g_clear_pointer (&job->rejections, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParseJob, parse_job_free)

static void
parse_job_run (ParseJob *job)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (job->text, &len);

  gleaner_url_list_add_text (job->url_list, text, len);
  job->urls = gleaner_url_list_take_urls (job->url_list);
  job->rejections = gleaner_url_list_take_rejections (job->url_list);
}

/* Worker thread: the job owns the URL list until it returns it. */
static void
parse_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  parse_job_run (task_data);
  g_task_return_boolean (task, TRUE);
}

static void parse_next (GleanerWindow *self);

/* Queues what one parse found, and says so. */
static void
apply_parse (GleanerWindow *self,
             ParseJob      *job)
{
  g_autofree char *message = NULL;
  guint n_new = job->urls->len;
  guint n_rejected = job->rejections->len;

  self->n_recognised = gleaner_url_list_get_n_urls (job->url_list);
  self->n_duplicates = gleaner_url_list_get_n_duplicates (job->url_list);
  self->n_rejected = gleaner_url_list_get_n_rejected (job->url_list);

  for (guint i = 0; i < n_rejected && self->rejections->len < MAX_KEPT_REJECTIONS; i++)
    g_ptr_array_add (self->rejections, g_steal_pointer (&g_ptr_array_index (job->rejections, i)));

  for (guint i = 0; i < n_new; i++)
    {
      Target target = { ++self->next_id, g_steal_pointer (&g_ptr_array_index (job->urls, i)) };

      g_array_append_val (self->queue, target);
    }

  if (n_new == 0)
    {
      if (n_rejected > 0)
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "No new links: %u line rejected",
                                                "No new links: %u lines rejected",
                                                n_rejected), n_rejected);
      else
        message = g_strdup (_("No new links found"));
    }
  else if (self->pipeline != NULL)
    {
      g_autofree char *n = gleaner_ui_format_count (n_new);

      hand_over_queue (self);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s link joined the run",
                                              "%s links joined the run", n_new), n);
      update_progress (self, TRUE);
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    {
      g_autofree char *n = gleaner_ui_format_count (self->queue->len);

      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s link ready to start",
                                              "%s links ready to start", self->queue->len), n);
    }

  if (message != NULL)
    show_toast (self, message);

  update_ui (self);
}

static void
parse_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  GleanerWindow *self = GLEANER_WINDOW (source);
  ParseJob *job = g_task_get_task_data (G_TASK (res));

  /* Closed, or cleared meanwhile: the job frees the old list with itself. */
  if (g_cancellable_is_cancelled (self->cancellable) || job->generation != self->parse_generation)
    return;

  self->parsing = FALSE;
  apply_parse (self, job);
  self->url_list = g_steal_pointer (&job->url_list);
  parse_next (self);
}

/* Parses queued texts in order: small ones at once, large ones in a worker
 * thread so a 50,000-line paste never freezes the window. */
static void
parse_next (GleanerWindow *self)
{
  GBytes *text;

  while (!self->parsing && (text = g_queue_pop_head (&self->pending_texts)) != NULL)
    {
      g_autoptr(ParseJob) job = g_new0 (ParseJob, 1);

      job->text = text;
      job->generation = self->parse_generation;
      job->url_list = g_steal_pointer (&self->url_list);

      if (g_bytes_get_size (text) <= INLINE_PARSE_SIZE)
        {
          parse_job_run (job);
          apply_parse (self, job);
          self->url_list = g_steal_pointer (&job->url_list);
        }
      else
        {
          g_autoptr(GTask) task = g_task_new (self, self->cancellable, parse_done_cb, NULL);

          self->parsing = TRUE;
          g_task_set_source_tag (task, parse_next);
          g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify)parse_job_free);
          g_task_run_in_thread (task, parse_worker);
        }
    }
}

/**
 * gleaner_window_add_text:
 * @self: a window
 * @text: pasted, dropped or loaded text (any mix of lists, Markdown, HTML, prose)
 * @len: length of @text, or -1 if nul-terminated
 *
 * What Paste, Drop and Open do with their text: every link found joins the
 * queue (or the running run); rejected lines are counted and kept for
 * inspection. Texts up to 64 KiB are parsed before this returns; larger ones
 * in a worker thread, in the order they came.
 */
void
gleaner_window_add_text (GleanerWindow *self,
                         const char    *text,
                         gssize         len)
{
  g_return_if_fail (GLEANER_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  if (len < 0)
    len = strlen (text);

  g_queue_push_tail (&self->pending_texts, g_bytes_new (text, len));
  parse_next (self);
}

/* Whether a large text is still being parsed. */
gboolean
gleaner_window_get_parsing (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return self->parsing || !g_queue_is_empty (&self->pending_texts);
}

static void
load_contents_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_load_contents_finish (G_FILE (source), res, &contents, &len, NULL, &error))
    {
      if (!is_cancelled (error))
        {
          g_autofree char *name = file_display_name (G_FILE (source));
          g_autofree char *message = NULL;

          /* Translators: the first %s is a file name, the second an error message */
          message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
          show_toast (self, message);
        }
      return;
    }

  gleaner_window_add_text (self, contents, len);
}

static void
query_info_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  GCancellable *cancellable;

  info = g_file_query_info_finish (G_FILE (source), res, &error);
  if (info == NULL && is_cancelled (error))
    return;

  name = file_display_name (G_FILE (source));
  if (info == NULL)
    /* Translators: the first %s is a file name, the second an error message */
    message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
  else if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    message = g_strdup_printf (_("Could not open “%s”: it is a folder"), name);
  else if (g_file_info_get_size (info) > MAX_INPUT_FILE_SIZE)
    message = g_strdup_printf (_("Could not open “%s”: it is larger than 64 MB"), name);

  if (message != NULL)
    {
      show_toast (self, message);
      return;
    }

  cancellable = self->cancellable;
  g_file_load_contents_async (G_FILE (source), cancellable, load_contents_cb,
                              g_steal_pointer (&self));
}

static void
load_file (GleanerWindow *self,
           GFile         *file)
{
  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           query_info_cb, g_object_ref (self));
}

/**
 * gleaner_window_open_files:
 * @files: (array length=n_files): text files of links
 *
 * Reads the files asynchronously and adds their links. A "file" that is a web
 * address (a link dragged from a browser arrives as one) is added as a link.
 */
void
gleaner_window_open_files (GleanerWindow  *self,
                           GFile         **files,
                           guint           n_files)
{
  g_autoptr(GString) links = g_string_new (NULL);

  g_return_if_fail (GLEANER_IS_WINDOW (self));

  for (guint i = 0; i < n_files; i++)
    {
      if (g_file_has_uri_scheme (files[i], "http") || g_file_has_uri_scheme (files[i], "https"))
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          g_string_append_printf (links, "%s\n", uri);
        }
      else
        load_file (self, files[i]);
    }

  if (links->len > 0)
    gleaner_window_add_text (self, links->str, links->len);
}

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), res, &error);
  if (text == NULL)
    {
      if (!is_cancelled (error))
        show_toast (self, _("Nothing to paste: the clipboard holds no text"));
      return;
    }

  gleaner_window_add_text (self, text, -1);
}

/* Whether @text holds more than one line: a list, never a search. */
static gboolean
is_multi_line (const char *text)
{
  const char *newline = strpbrk (text, "\r\n");

  if (newline == NULL)
    return FALSE;
  /* One line and its line break is still one line. */
  return newline[strspn (newline, "\r\n")] != '\0';
}

static void
search_paste_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autofree char *text = NULL;
  GtkEditable *entry;
  int position;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), res, NULL);
  if (text == NULL || self->search_entry == NULL)
    return;

  if (is_multi_line (text))
    {
      gleaner_window_add_text (self, text, -1);
      return;
    }

  /* What the entry's own paste would do, less the line break. */
  text[strcspn (text, "\r\n")] = '\0';
  entry = GTK_EDITABLE (self->search_entry);
  gtk_editable_delete_selection (entry);
  position = gtk_editable_get_position (entry);
  gtk_editable_insert_text (entry, text, -1, &position);
  gtk_editable_set_position (entry, position);
}

/* Ctrl+V pastes links anywhere in the window, the filter included: a list
 * pasted there (more than one line, which a one-line filter could not take)
 * joins the links instead of becoming a search. One line is searched for.
 * The entry's text widget does the paste of Ctrl+V, Shift+Insert and its
 * menu alike, so that is where it is taken over. */
static void
search_paste_clipboard_cb (GtkText       *text,
                           GleanerWindow *self)
{
  g_signal_stop_emission_by_name (text, "paste-clipboard");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (text)), self->cancellable,
                                 search_paste_cb, g_object_ref (self));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         GleanerWindow *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new ();

      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        g_ptr_array_add (files, l->data);
      gleaner_window_open_files (self, (GFile **)files->pdata, files->len);
      return TRUE;
    }

  if (G_VALUE_HOLDS_STRING (value) && g_value_get_string (value) != NULL)
    {
      gleaner_window_add_text (self, g_value_get_string (value), -1);
      return TRUE;
    }

  return FALSE;
}

/* File dialogs: GtkFileDialog from GTK 4.10, GtkFileChooserNative before. */

static GtkFileFilter *
new_text_filter (void)
{
  static const char * const mime_types[] = {
    "text/plain", "text/csv", "text/markdown", "text/x-markdown", "text/html",
    "text/tab-separated-values",
  };
  static const char * const patterns[] = { "*.txt", "*.csv", "*.md", "*.html", "*.htm", "*.tsv" };
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Text, Markdown, CSV and HTML"));
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);

  return filter;
}

static GtkFileFilter *
new_all_files_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All Files"));
  gtk_file_filter_add_pattern (filter, "*");

  return filter;
}

static void
remember_format (GleanerWindow *self,
                 GleanerFormat  format)
{
  self->last_format = format;
  if (gleaner_ui_settings_has_key (self->settings, "last-export-format"))
    g_settings_set_string (self->settings, "last-export-format", gleaner_format_to_string (format));
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  file = gleaner_window_export_finish (GLEANER_WINDOW (source), res, &error);
  if (file == NULL && !is_cancelled (error))
    g_debug ("Export failed: %s", error->message);
}

typedef struct
{
  GleanerWindow *self;    /* owned */
  GFile         *chosen;  /* owned */
  GleanerFormat  format;
} ReplaceQuestion;

static void
replace_question_free (gpointer data)
{
  ReplaceQuestion *question = data;

  g_object_unref (question->self);
  g_object_unref (question->chosen);
  g_free (question);
}

static void
replace_response_cb (GObject    *dialog,
                     const char *response,
                     gpointer    user_data)
{
  ReplaceQuestion *question = user_data;

  if (g_strcmp0 (response, "replace") == 0)
    gleaner_window_export_async (question->self, question->chosen, question->format,
                                 NULL, export_done_cb, NULL);
}

/**
 * gleaner_window_export_chosen:
 * @self: a window
 * @chosen: the file the save dialog returned
 * @format: the format picked there
 *
 * What the save dialog does once it closes. The dialog asked before replacing
 * @chosen; when the name gets the format's extension here ("links" becomes
 * "links.json") and that file exists, the dialog never asked about it, so
 * the window does before writing.
 *
 * Returns: %TRUE if the export started, %FALSE if it waits for an answer
 */
gboolean
gleaner_window_export_chosen (GleanerWindow *self,
                              GFile         *chosen,
                              GleanerFormat  format)
{
  g_autoptr(GFile) target = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GFile) parent = NULL;
  ReplaceQuestion *question;
  GleanerFormat resolved;

  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (chosen), FALSE);

  target = gleaner_ui_resolve_export_file (chosen, format, &resolved);
  /* A stat of the file the user just picked a folder for: one syscall. */
  if (g_file_equal (target, chosen) || !g_file_query_exists (target, NULL))
    {
      gleaner_window_export_async (self, chosen, format, NULL, export_done_cb, NULL);
      return TRUE;
    }

  name = file_display_name (target);
  parent = g_file_get_parent (target);
  folder = parent != NULL ? file_display_name (parent) : g_strdup ("");
  /* Translators: %s is a file name; the same question GTK's file chooser asks */
  heading = g_strdup_printf (_("Replace “%s”?"), name);
  /* Translators: %s is a folder's name */
  body = g_strdup_printf (_("A file with this name already exists in “%s”. "
                            "Replacing it will overwrite its contents."), folder);

  question = g_new0 (ReplaceQuestion, 1);
  question->self = g_object_ref (self);
  question->chosen = g_object_ref (chosen);
  question->format = format;
  gleaner_alert_confirm (GTK_WIDGET (self), heading, body, "replace", _("_Replace"),
                         G_CALLBACK (replace_response_cb), question, replace_question_free);
  return FALSE;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static GtkFileFilter *
new_format_filter (GleanerFormat format)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *pattern = g_strconcat ("*.", gleaner_format_get_extension (format), NULL);

  gtk_file_filter_set_name (filter, gleaner_format_get_label (format));
  gtk_file_filter_add_pattern (filter, pattern);

  return filter;
}

static void
open_dialog_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), res, &error);
  if (files == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  gleaner_window_open_files (self, (GFile **)array->pdata, array->len);
}

static void
choose_input_files (GleanerWindow *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) text = new_text_filter ();
  g_autoptr(GtkFileFilter) all = new_all_files_filter ();

  g_list_store_append (filters, text);
  g_list_store_append (filters, all);
  gtk_file_dialog_set_title (dialog, _("Open Links"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, text);
  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), self->cancellable,
                                 open_dialog_cb, g_object_ref (self));
}

static void
save_dialog_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GleanerWindow) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), res, &error);
  if (file == NULL)
    return;

  /* GtkFileDialog does not say which filter was picked: the name's extension
   * names the format, and a bare name gets the format offered by default. */
  gleaner_window_export_chosen (self, file, self->last_format);
}

static void
choose_export_file (GleanerWindow *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autofree char *name = NULL;

  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      g_autoptr(GtkFileFilter) filter = new_format_filter (i);

      g_list_store_append (filters, filter);
      if (i == self->last_format)
        gtk_file_dialog_set_default_filter (dialog, filter);
    }

  /* Translators: the suggested name of an exported file, without extension */
  name = g_strconcat (_("links"), ".", gleaner_format_get_extension (self->last_format), NULL);
  gtk_file_dialog_set_title (dialog, _("Export Rows"));
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_initial_name (dialog, name);
  if (self->export_folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, self->export_folder);
  gtk_file_dialog_save (dialog, GTK_WINDOW (self), self->cancellable,
                        save_dialog_cb, g_object_ref (self));
}

static void
open_uri (GleanerWindow *self,
          const char    *uri)
{
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

  gtk_uri_launcher_launch (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
}

#else /* GTK < 4.10 */

static void
set_native_dialog (GleanerWindow   *self,
                   GtkNativeDialog *dialog)
{
  if (self->native_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->native_dialog, self);
      gtk_native_dialog_destroy (self->native_dialog);
      g_clear_object (&self->native_dialog);
    }
  self->native_dialog = dialog;
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  GleanerWindow   *self)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
    }
  set_native_dialog (self, NULL);

  if (array->len > 0)
    gleaner_window_open_files (self, (GFile **)array->pdata, array->len);
}

static void
choose_input_files (GleanerWindow *self)
{
  GtkFileChooserNative *native;
  /* GtkFileFilter is not floating: gtk_file_chooser_add_filter() takes its own ref. */
  g_autoptr(GtkFileFilter) text = new_text_filter ();
  g_autoptr(GtkFileFilter) all = new_all_files_filter ();

  native = gtk_file_chooser_native_new (_("Open Links"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), text);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), text);

  set_native_dialog (self, GTK_NATIVE_DIALOG (native));
  g_signal_connect (native, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  GleanerWindow   *self)
{
  g_autoptr(GFile) file = NULL;
  GleanerFormat format = self->last_format;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      const char *choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");

      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (choice != NULL)
        gleaner_format_from_string (choice, &format);
    }
  set_native_dialog (self, NULL);

  if (file != NULL)
    gleaner_window_export_chosen (self, file, format);
}

static void
choose_export_file (GleanerWindow *self)
{
  GtkFileChooserNative *native;
  const char *ids[GLEANER_N_FORMATS + 1] = { NULL, };
  const char *labels[GLEANER_N_FORMATS + 1] = { NULL, };

  native = gtk_file_chooser_native_new (_("Export Rows"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  /* GTK 4.8's gtk_file_chooser_set_choice() leaves a list choice alone, so
   * the last format used is offered first instead of being preselected. */
  ids[0] = gleaner_format_to_string (self->last_format);
  labels[0] = gleaner_format_get_label (self->last_format);
  for (guint i = 0, n = 1; i < GLEANER_N_FORMATS; i++)
    {
      if (i == self->last_format)
        continue;
      ids[n] = gleaner_format_to_string (i);
      labels[n] = gleaner_format_get_label (i);
      n++;
    }
  /* The name comes without extension: the format chosen here adds it, unless
   * the name typed already ends in one of the formats' extensions. */
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "format", _("Format"), ids, labels);
  /* Translators: the suggested name of an exported file, without extension */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _("links"));
  if (self->export_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), self->export_folder, NULL);

  set_native_dialog (self, GTK_NATIVE_DIALOG (native));
  g_signal_connect (native, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_uri (GleanerWindow *self,
          const char    *uri)
{
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

#endif /* GTK_CHECK_VERSION (4, 10, 0) */

static void
open_result_in_browser (GleanerWindow *self,
                        GleanerResult *result)
{
  const char *url = gleaner_result_get_final_url (result);
  const char *scheme = g_uri_peek_scheme (url);

  /* Only web pages: a redirect may have pointed anywhere. */
  if (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0)
    open_uri (self, url);
}

/* Export */

static void
export_file_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GleanerWindow *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = file_display_name (file);
  g_autofree char *message = NULL;

  if (!gleaner_export_to_file_finish (res, &error))
    {
      if (!is_cancelled (error))
        {
          /* Translators: the first %s is a file name, the second says why */
          message = g_strdup_printf (_("Could not export to “%s”: %s"), name, error->message);
          show_toast (self, message);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Exported to “%s”"), name);
  show_toast (self, message);
  g_clear_object (&self->export_folder);
  self->export_folder = gleaner_ui_export_folder_to_offer (file);
  g_task_return_pointer (task, g_object_ref (file), g_object_unref);
}

/**
 * gleaner_window_export_async:
 * @self: a window
 * @file: the file picked in the save dialog
 * @format: the format picked in the save dialog
 *
 * What the save dialog does once a file is chosen: writes the visible rows, in
 * their visible order, to @file (its extension follows @format) off the main
 * thread, and reports the outcome with a toast.
 */
void
gleaner_window_export_async (GleanerWindow       *self,
                             GFile               *file,
                             GleanerFormat        format,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GFile) target = NULL;
  GleanerFormat resolved;

  g_return_if_fail (GLEANER_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  target = gleaner_ui_resolve_export_file (file, format, &resolved);
  remember_format (self, resolved);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gleaner_window_export_async);
  g_task_set_task_data (task, g_object_ref (target), g_object_unref);

  /* A snapshot: rows keep arriving while the writer works in its thread. */
  rows = collect_visible (self);
  gleaner_export_to_file_async (target, resolved, GLEANER_FIELD_TITLE, rows,
                                cancellable != NULL ? cancellable : self->cancellable,
                                export_file_cb, g_steal_pointer (&task));
}

/**
 * gleaner_window_export_finish:
 *
 * Returns: (transfer full): the file written (the chosen one, with the
 *   format's extension when it had none)
 */
GFile *
gleaner_window_export_finish (GleanerWindow  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Actions */

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 clipboard_text_cb, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  choose_input_files (GLEANER_WINDOW (widget));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  start_run (GLEANER_WINDOW (widget));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  stop_run (GLEANER_WINDOW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_export_file (GLEANER_WINDOW (widget));
}

static void
copy_rows (GleanerWindow   *self,
           GleanerCopyKind  kind)
{
  g_autoptr(GPtrArray) rows = collect_selected (self);
  g_autofree char *text = NULL;
  g_autofree char *n = NULL;
  g_autofree char *message = NULL;

  if (rows->len == 0)
    return;

  text = gleaner_ui_rows_to_text (rows, kind);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);

  n = gleaner_ui_format_count (rows->len);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %s row", "Copied %s rows",
                                          rows->len), n);
  show_toast (self, message);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GleanerCopyKind kind = GLEANER_COPY_TITLES_AND_URLS;

  if (g_str_equal (action_name, "win.copy-markdown"))
    kind = GLEANER_COPY_MARKDOWN;
  else if (g_str_equal (action_name, "win.copy-urls"))
    kind = GLEANER_COPY_URLS;

  copy_rows (GLEANER_WINDOW (widget), kind);
}

static void
open_in_browser_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);
  g_autoptr(GPtrArray) rows = collect_selected (self);

  if (rows->len > 0)
    open_result_in_browser (self, g_ptr_array_index (rows, 0));
}

#if !GTK_CHECK_VERSION (4, 12, 0)
/* GTK 4.8's list widgets take Tab to the next row: with thousands of rows,
 * everything after the list, and the header bar past it, is out of reach
 * by keyboard. Tab and Shift+Tab leave the list instead, as GTK 4.12's
 * GTK_LIST_TAB_ITEM makes them; the arrow keys move between rows. */
static gboolean
list_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GleanerWindow         *self)
{
  GtkWidget *list = GTK_WIDGET (self->column_view);
  GtkDirectionType direction;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  if (keyval == GDK_KEY_ISO_Left_Tab ||
      ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && (state & GDK_SHIFT_MASK)))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return FALSE;

  /* For a moment the list cannot take focus: the move goes on from it as a
   * whole, to the widget before or after it. */
  gtk_widget_set_can_focus (list, FALSE);
  if (!gtk_widget_child_focus (GTK_WIDGET (self), direction))
    {
      /* Past the last widget: round to the first, as GtkWindow does. */
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_widget_child_focus (GTK_WIDGET (self), direction);
    }
  gtk_widget_set_can_focus (list, TRUE);

  return TRUE;
}
#endif

static void
row_activated_cb (GtkColumnView *column_view,
                  guint          position,
                  GleanerWindow *self)
{
  g_autoptr(GleanerResult) result = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (result != NULL)
    open_result_in_browser (self, result);
}

static void
rerun_failed_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);
  g_autoptr(GPtrArray) failed = gleaner_result_list_collect_failed (self->results);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), failed->len);
  g_autoptr(GArray) again = NULL;

  if (failed->len == 0)
    return;

  again = g_array_sized_new (FALSE, FALSE, sizeof (Target), failed->len + self->queue->len);
  for (guint i = 0; i < failed->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (failed, i);
      Target target = { gleaner_result_get_id (result), g_strdup (gleaner_result_get_url (result)) };

      g_array_append_val (ids, target.id);
      g_array_append_val (again, target);
    }

  /* Same ids: each new result replaces its row in place. The failed rows go
   * first, ahead of links queued meanwhile. */
  g_array_append_vals (again, self->queue->data, self->queue->len);
  g_array_set_clear_func (self->queue, NULL);
  g_array_set_size (self->queue, 0);
  g_array_set_clear_func (self->queue, target_clear);
  g_array_append_vals (self->queue, again->data, again->len);

  gleaner_result_list_set_pending (self->results, (const guint64 *)(gpointer)ids->data, ids->len, TRUE);

  if (self->pipeline != NULL)
    {
      hand_over_queue (self);
      update_progress (self, TRUE);
      update_ui (self);
    }
  else
    start_run (self);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  if (self->pipeline != NULL)
    {
      gleaner_pipeline_cancel (self->pipeline);
      finish_run (self, TRUE);
    }
  journal_end (self);

  g_hash_table_remove_all (self->in_flight);
  g_clear_handle_id (&self->hand_over_source, g_source_remove);
  g_array_set_size (self->handing, 0);
  self->handing_next = 0;
  g_array_set_size (self->queue, 0);
  g_ptr_array_set_size (self->rejections, 0);
  /* A parse in a worker keeps its list and drops it when it sees the new generation. */
  self->parse_generation++;
  self->parsing = FALSE;
  g_queue_clear_full (&self->pending_texts, (GDestroyNotify)g_bytes_unref);
  g_clear_pointer (&self->url_list, gleaner_url_list_free);
  self->url_list = gleaner_url_list_new ();
  self->n_recognised = 0;
  self->n_duplicates = 0;
  self->n_rejected = 0;
  gleaner_result_list_clear (self->results);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  self->run_start_us = 0;

  update_ui (self);
  gleaner_ui_release_free_memory ();
}

static void
show_rejected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  gleaner_rejected_window_present (GTK_WINDOW (self), self->rejections, self->n_rejected);
}

static void
restore_session_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  if (self->app != NULL && gleaner_window_get_is_empty (self))
    gleaner_application_restore_unfinished (self->app, GTK_WINDOW (self));
}

static void
discard_session_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  if (self->app == NULL || gleaner_application_get_unfinished_session (self->app) == NULL)
    return;

  gleaner_application_discard_unfinished (self->app);
  show_toast (self, _("The unfinished session is kept in History"));
}

static void
dismiss_history_problem_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  self->history_problem_dismissed = TRUE;
  update_bars (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GleanerWindow *self = GLEANER_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Context menu: a right click selects the row under the pointer (unless it
 * is part of the selection already) and offers copy and open. */
static void
context_click_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  GleanerWindow   *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GdkRectangle rect = { (int)x, (int)y, 1, 1 };

  for (; picked != NULL; picked = gtk_widget_get_parent (picked))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (picked), "gleaner-list-item");

      if (item != NULL)
        {
          guint position = gtk_list_item_get_position (item);

          if (position != GTK_INVALID_LIST_POSITION &&
              !gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
            gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
          break;
        }
    }

  if (!has_selection (self))
    return;

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* Settings */

static void
apply_visible_columns (GleanerWindow *self)
{
  g_auto(GStrv) visible = NULL;

  if (!gleaner_ui_settings_has_key (self->settings, "visible-columns"))
    return;

  visible = g_settings_get_strv (self->settings, "visible-columns");
  for (guint i = 0; i < N_COLUMNS; i++)
    gtk_column_view_column_set_visible (self->columns[i],
                                        i == COLUMN_TITLE ||
                                        g_strv_contains ((const char * const *)visible, column_ids[i]));
}

static void
settings_changed_cb (GSettings     *settings,
                     const char    *key,
                     GleanerWindow *self)
{
  if (g_strcmp0 (key, "visible-columns") == 0)
    apply_visible_columns (self);
}

static void
restore_window_state (GleanerWindow *self)
{
  int width;
  int height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  width = (int)gleaner_ui_settings_get_number (self->settings, "window-width", width);
  height = (int)gleaner_ui_settings_get_number (self->settings, "window-height", height);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);

  if (gleaner_ui_settings_has_key (self->settings, "window-maximized") &&
      g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (GleanerWindow *self)
{
  int width;
  int height;

  if (self->settings == NULL)
    return;

  /* The default size tracks the unmaximized size in GTK 4. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gleaner_ui_settings_set_number (self->settings, "window-width", width);
  gleaner_ui_settings_set_number (self->settings, "window-height", height);
  if (gleaner_ui_settings_has_key (self->settings, "window-maximized"))
    g_settings_set_boolean (self->settings, "window-maximized",
                            gtk_window_is_maximized (GTK_WINDOW (self)));
}

static GleanerFormat
initial_format (GleanerWindow *self)
{
  GleanerFormat format = GLEANER_FORMAT_TSV;

  if (gleaner_ui_settings_has_key (self->settings, "last-export-format"))
    {
      g_autofree char *name = g_settings_get_string (self->settings, "last-export-format");

      if (!gleaner_format_from_string (name, &format))
        format = GLEANER_FORMAT_TSV;
    }

  return format;
}

/* GObject */

static gboolean
gleaner_window_close_request (GtkWindow *window)
{
  GleanerWindow *self = GLEANER_WINDOW (window);

  save_window_state (self);
  if (self->pipeline != NULL)
    {
      gleaner_pipeline_cancel (self->pipeline);
      finish_run (self, TRUE);
    }
  /* Closed on purpose, stopped or not: nothing to restore next time (History
   * still has it). Only a crash leaves a session unfinished. */
  journal_end (self);

  return GTK_WINDOW_CLASS (gleaner_window_parent_class)->close_request (window);
}

static void
items_changed_cb (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  GleanerWindow *self)
{
  /* A sorted view announces a batch as many small changes: here only
   * whether any row is shown matters (Export); rows_changed_cb() sees each
   * batch once. */
  gboolean has_visible_rows = g_list_model_get_n_items (model) > 0;

  if (has_visible_rows != self->has_visible_rows)
    {
      self->has_visible_rows = has_visible_rows;
      update_actions (self);
    }
  if (self->filter_active || has_visible_rows != gtk_widget_get_visible (self->no_match_page))
    queue_filter_feedback (self);
}

/* A click on a column header (or gleaner_window_sort_by_column()). */
static void
sorter_changed_cb (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   GleanerWindow   *self)
{
  GleanerSortLevel levels[GLEANER_N_SORT_KEYS];
  guint n_levels = gleaner_column_sorter_read_levels (sorter, levels, G_N_ELEMENTS (levels));

  /* The new order replaces the whole list in one items-changed once it is
   * ready; the filter model matches it there and then, so the view goes
   * from the old rows to the new ones without an empty list between. */
  gleaner_sort_model_set_levels (self->sort_model, levels, n_levels);
}

static void
rows_changed_cb (GListModel    *model,
                 guint          position,
                 guint          removed,
                 guint          added,
                 GleanerWindow *self)
{
  /* The stack and the subtitle follow the number of rows; rows fetched
   * again change what Re-run Failed has to do. */
  if (removed != added)
    update_ui (self);
  else
    update_actions (self);
}

static void
selection_changed_cb (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      GleanerWindow     *self)
{
  update_actions (self);
}

static void
gleaner_window_constructed (GObject *object)
{
  GleanerWindow *self = (GleanerWindow *)object;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (gleaner_window_parent_class)->constructed (object);

  if (GLEANER_IS_APPLICATION (app) && gleaner_application_get_settings (GLEANER_APPLICATION (app)))
    self->settings = g_object_ref (gleaner_application_get_settings (GLEANER_APPLICATION (app)));
  else
    self->settings = gleaner_settings_new ();

  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
      apply_visible_columns (self);
      restore_window_state (self);
    }
  self->last_format = initial_format (self);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
gleaner_window_dispose (GObject *object)
{
  GleanerWindow *self = (GleanerWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->hand_over_source, g_source_remove);
  g_clear_handle_id (&self->progress_tick, g_source_remove);
  g_clear_handle_id (&self->subtitle_source, g_source_remove);
  if (self->app != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->app, self);
      g_clear_object (&self->app);
    }
  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_clear_object (&self->store);
    }
  if (self->pipeline != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->pipeline, self);
      gleaner_pipeline_cancel (self->pipeline);
      g_clear_object (&self->pipeline);
    }
#if !GTK_CHECK_VERSION (4, 10, 0)
  set_native_dialog (self, NULL);
#endif
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);

  /* Removing a sorted column re-sorts as the template goes: nobody listens. */
  if (self->filter_model != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      g_signal_handlers_disconnect_by_data (self->results, self);
      g_signal_handlers_disconnect_by_data (self->filter_model, self);
      g_signal_handlers_disconnect_by_data (self->selection, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), GLEANER_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->results);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gleaner_window_parent_class)->dispose (object);
}

static void
gleaner_window_finalize (GObject *object)
{
  GleanerWindow *self = (GleanerWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->url_list, gleaner_url_list_free);
  g_queue_clear_full (&self->pending_texts, (GDestroyNotify)g_bytes_unref);
  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->handing, g_array_unref);
  g_clear_pointer (&self->rejections, g_ptr_array_unref);
  g_clear_pointer (&self->needle, g_free);
  g_clear_object (&self->export_folder);

  G_OBJECT_CLASS (gleaner_window_parent_class)->finalize (object);
}

static void
gleaner_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GleanerWindow *self = GLEANER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, gleaner_window_get_running (self));
      break;
    case PROP_IGNORE_TLS_ERRORS:
      g_value_set_boolean (value, self->ignore_tls_errors);
      break;
    case PROP_OUTCOME:
      g_value_set_string (value, gleaner_window_get_outcome (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GleanerWindow *self = GLEANER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_IGNORE_TLS_ERRORS:
      gleaner_window_set_ignore_tls_errors (self, g_value_get_boolean (value));
      break;
    case PROP_OUTCOME:
      gleaner_window_set_outcome (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_window_class_init (GleanerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = gleaner_window_constructed;
  object_class->dispose = gleaner_window_dispose;
  object_class->finalize = gleaner_window_finalize;
  object_class->get_property = gleaner_window_get_property;
  object_class->set_property = gleaner_window_set_property;

  window_class->close_request = gleaner_window_close_request;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Per run, never saved: a user turns it on for one job. */
  properties[PROP_IGNORE_TLS_ERRORS] =
    g_param_spec_boolean ("ignore-tls-errors", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTCOME] =
    g_param_spec_string ("outcome", NULL, NULL, "all",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (GLEANER_TYPE_RESULT);
  g_type_ensure (GLEANER_TYPE_COLUMN_SORTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gleaner/Gleaner/gleaner-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, tls_revealer);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, restore_revealer);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, restore_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, history_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, history_detail_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, history_reset_button);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, empty_paste_button);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, ready_page);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, ready_start_button);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, ready_rejected_button);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, no_match_page);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, title_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, url_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, status_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, time_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, size_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, encoding_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, error_column);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, rejected_button);
  gtk_widget_class_bind_template_child (widget_class, GleanerWindow, copy_menu);

  gtk_widget_class_bind_template_callback (widget_class, text_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, number_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, title_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, time_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, size_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, encoding_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, error_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.copy-markdown", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.copy-urls", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.open-in-browser", NULL, open_in_browser_action);
  gtk_widget_class_install_action (widget_class, "win.rerun-failed", NULL, rerun_failed_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.show-rejected", NULL, show_rejected_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.restore-session", NULL, restore_session_action);
  gtk_widget_class_install_action (widget_class, "win.discard-session", NULL, discard_session_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-history-problem", NULL,
                                   dismiss_history_problem_action);
  gtk_widget_class_install_property_action (widget_class, "win.outcome", "outcome");
  gtk_widget_class_install_property_action (widget_class, "win.ignore-tls-errors", "ignore-tls-errors");

  /* Window-scope shortcuts bubble: a focused text entry keeps its own
   * Ctrl+V, Ctrl+C and Escape. Every one is listed in shortcuts-dialog.ui. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "win.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-markdown", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "win.copy-urls", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-in-browser", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.rerun-failed", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.show-rejected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.outcome", "s", "all");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.outcome", "s", "succeeded");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.outcome", "s", "failed");
}

static void
gleaner_window_init (GleanerWindow *self)
{
  GtkDropTarget *drop;
  GtkGesture *click;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->url_list = gleaner_url_list_new ();
  self->queue = g_array_new (FALSE, FALSE, sizeof (Target));
  g_array_set_clear_func (self->queue, target_clear);
  self->in_flight = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->handing = g_array_new (FALSE, FALSE, sizeof (Target));
  g_array_set_clear_func (self->handing, target_clear);
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify)gleaner_rejection_free);
  self->outcome = OUTCOME_ALL;
  self->last_format = GLEANER_FORMAT_TSV;

  self->columns[COLUMN_TITLE] = self->title_column;
  self->columns[COLUMN_URL] = self->url_column;
  self->columns[COLUMN_STATUS] = self->status_column;
  self->columns[COLUMN_TIME] = self->time_column;
  self->columns[COLUMN_SIZE] = self->size_column;
  self->columns[COLUMN_ENCODING] = self->encoding_column;
  self->columns[COLUMN_ERROR] = self->error_column;

  /* results -> sort (by the column view's sorter) -> filter -> selection.
   * Sorting below filtering: the sort model only ever sees whole batches
   * appended, and a new filter never re-sorts. */
  self->results = gleaner_result_list_new ();
  self->sort_model = gleaner_sort_model_new (self->results);
  self->filter_model = gleaner_filter_model_new (G_LIST_MODEL (self->sort_model));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, 0);
  g_signal_connect_object (self->results, "items-changed", G_CALLBACK (rows_changed_cb), self, 0);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, 0);

  self->context_menu = gtk_popover_menu_new_from_model (self->copy_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->context_menu), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self->column_view));
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (context_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  /* Tab leaves the list (the arrow keys move between rows). */
#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_column_view_set_tab_behavior (self->column_view, GTK_LIST_TAB_ITEM);
#else
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_name (keys, "gleaner-list-tab");
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (list_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), keys);
  }
#endif

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->main_stack), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->search_entry)),
                           "paste-clipboard", G_CALLBACK (search_paste_clipboard_cb), self, 0);

  update_ui (self);
  gtk_window_set_focus (GTK_WINDOW (self), self->empty_paste_button);
}

/* Public API */

GleanerWindow *
gleaner_window_new (GtkApplication *application)
{
  return g_object_new (GLEANER_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

gboolean
gleaner_window_get_running (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return self->pipeline != NULL;
}

/* Links waiting for Start. */
guint
gleaner_window_get_n_queued (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), 0);

  return self->queue->len;
}

/**
 * gleaner_window_get_results:
 *
 * Returns: (transfer none): every row, in arrival order (a GleanerResultList)
 */
GListModel *
gleaner_window_get_results (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->results);
}

/**
 * gleaner_window_get_visible_rows:
 *
 * Returns: (transfer none): the rows as shown: filtered, then sorted
 */
GListModel *
gleaner_window_get_visible_rows (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->filter_model);
}

/* Whether incremental filtering or sorting still has work to do. */
gboolean
gleaner_window_get_view_pending (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return gleaner_filter_model_get_pending (self->filter_model) ||
         gleaner_sort_model_get_pending (self->sort_model);
}

/**
 * gleaner_window_get_selection:
 *
 * Returns: (transfer none): the selection over the visible rows
 */
GtkSelectionModel *
gleaner_window_get_selection (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

/* Sets the filter entry's text and filters at once (no typing delay). */
void
gleaner_window_set_filter_text (GleanerWindow *self,
                                const char    *text)
{
  g_return_if_fail (GLEANER_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  set_needle (self, text);
}

const char *
gleaner_window_get_outcome (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), NULL);

  return outcome_names[self->outcome];
}

/* @outcome: "all", "succeeded" or "failed" */
void
gleaner_window_set_outcome (GleanerWindow *self,
                            const char    *outcome)
{
  Outcome value = OUTCOME_ALL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (GLEANER_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    if (g_strcmp0 (outcome, outcome_names[i]) == 0)
      value = i;

  if (value == self->outcome)
    return;

  if (self->outcome == OUTCOME_ALL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (value == OUTCOME_ALL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  self->outcome = value;
  apply_filter (self, change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
}

gboolean
gleaner_window_get_ignore_tls_errors (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return self->ignore_tls_errors;
}

/* Applies to the next run started, and goes back to off when that run ends;
 * never saved. While on (or while a run uses it) a banner says so. */
void
gleaner_window_set_ignore_tls_errors (GleanerWindow *self,
                                      gboolean       ignore_tls_errors)
{
  g_return_if_fail (GLEANER_IS_WINDOW (self));

  ignore_tls_errors = !!ignore_tls_errors;
  if (ignore_tls_errors == self->ignore_tls_errors)
    return;

  self->ignore_tls_errors = ignore_tls_errors;
  update_ui (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IGNORE_TLS_ERRORS]);
}

/**
 * gleaner_window_sort_by_column:
 * @column_id: one of "title", "url", "status", "time", "size", "encoding", "error"
 *
 * What a click on a column header does.
 *
 * Returns: whether @column_id names a column
 */
gboolean
gleaner_window_sort_by_column (GleanerWindow *self,
                               const char    *column_id,
                               GtkSortType    order)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (g_strcmp0 (column_id, column_ids[i]) == 0)
        {
          gtk_column_view_sort_by_column (self->column_view, self->columns[i], order);
          return TRUE;
        }
    }

  return FALSE;
}

/* Nothing shown, queued, running or on its way in: a restore or a session
 * from History may go into this window. */
gboolean
gleaner_window_get_is_empty (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return self->pipeline == NULL &&
         self->queue->len == 0 &&
         g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0 &&
         !gleaner_window_get_parsing (self) &&
         !self->loading;
}

/* The session this window journals into; 0 for none (yet). */
gint64
gleaner_window_get_session_id (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), 0);

  return self->session_id;
}

/**
 * gleaner_window_load_session:
 * @session_id: a session of the application's store
 *
 * Reads the session back (in a thread) and shows it: its results as rows,
 * its missing links queued for Start; the window then journals into it. When
 * the window is no longer empty by the time it is read, the session opens in
 * a new window.
 */
void
gleaner_window_load_session (GleanerWindow *self,
                             gint64         session_id)
{
  g_return_if_fail (GLEANER_IS_WINDOW (self));
  g_return_if_fail (session_id > 0);

  if (self->store == NULL)
    return;

  self->loading = TRUE;
  gleaner_session_store_load_session_async (self->store, session_id, self->cancellable,
                                            load_session_cb, g_object_ref (self));
  update_ui (self);
}

/* Whether a session is being read back. */
gboolean
gleaner_window_get_loading (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return self->loading;
}

/* Whether the restore bar is up (the state, not the animation). */
gboolean
gleaner_window_get_restore_offered (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->restore_revealer);
}

/* Whether the bar saying that history is off is up. */
gboolean
gleaner_window_get_history_problem_shown (GleanerWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->history_revealer);
}

void
gleaner_window_show_toast (GleanerWindow *self,
                           const char    *message)
{
  g_return_if_fail (GLEANER_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  show_toast (self, message);
}
