/* gleaner-filter-model.c: the rows the filter lets through, changed so the view keeps its widgets
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-filter-model.h"
#include "gleaner-ui-util.h"

/* GtkFilterListModel (GTK 4.8) had two costs the window could not avoid:
 *
 * - Incremental, it starts every new filter, and every change of the whole
 *   source (a new sort order arriving), from an empty set of matches and adds
 *   512 rows an idle: the view showed an empty or half-filled list for frames.
 * - Either way a change is one items-changed from the first changed row to
 *   the last. GTK 4.8's list view keeps widgets for ~200 rows around its
 *   anchor; for the rows such a change removes it destroys theirs (unless the
 *   same item comes back in the same change) and for the rows that move in
 *   it builds new ones, factory setup and bind. A filter typed over 100,000
 *   rows destroyed ~200 rows and built ~200: 110-130 ms of main thread.
 *
 * The list view rebinds a widget instead when its row leaves the range
 * without being removed: rows inserted in front push it out. So this model
 * shows a new filter's rows in changes back to back in one main-loop turn
 * (no frame is drawn between them): the new rows go in ahead of the old
 * ones, then the old ones go. With the view at the top (the window scrolls
 * there for a new filter), the first change rebinds the widgets the new rows
 * push out of its range, and the others remove rows that have none. The
 * anchor row at the top must stay where it is for that: when the first old
 * row differs, the new rows go in after it and it goes last, on its own.
 * (Between these changes a row may be there twice; only the models see it.)
 *
 * That needs widgets to rebind: when fewer rows are shown than the view
 * keeps widgets for, it builds one for each row that comes, about half a
 * millisecond and a millisecond more in the next frame. Then the rows
 * change in steps from the top down instead, each step one items-changed
 * over its rows sized to take about STEP_BUDGET_US at the cost per row of
 * the steps before, a frame between two steps that built rows, until the
 * first WINDOW_ROWS rows are as they will be; the rest changes at once.
 *
 * The new filter's matches are worked out first, in slices on idle when
 * there are many rows; the old rows stay on screen meanwhile. Rows the
 * source adds are matched at once and shown as they will stay, one
 * items-changed each, also while a filter is being worked out: a new sort
 * order replaces every row, and the view goes from the old rows to the new
 * ones in that one change, never through an empty list. Main thread only,
 * like every GListModel. */

/* The longest a slice of matching holds the main loop, and how many rows go
 * between two looks at the clock. */
#define MATCH_SLICE_US    4000
#define MATCH_CHECK_ROWS  256
/* More than the view keeps widgets for (GTK 4.8: 200 and a few). */
#define WINDOW_ROWS       256
/* What a step may cost, and what a row costs until measured. */
#define STEP_BUDGET_US    4000
#define FIRST_ROW_US      400.0
#define MIN_STEP_ROWS     4
#define MAX_STEP_ROWS     64
#define FRAME_MS          16

struct _GleanerFilterModel
{
  GObject                 parent_instance;

  /* Owned. Bitsets hold source positions. While a new filter is worked out
   * @next holds the rows it lets through, of those matched, and @pending the
   * rows not matched yet. Between the changes of a swap, the rows shown are
   * @lead (if set), then @shown, then @old. */
  GListModel             *source;
  GtkBitset              *shown;      /* NULL: every source row */
  GtkBitset              *next;
  GtkBitset              *pending;
  GtkBitset              *old;
  guint                   lead;
  gboolean                has_lead;

  GleanerFilterModelFunc  func;       /* NULL lets every row through */
  gpointer                user_data;
  guint                   work_source;
  gboolean                stepping;   /* all matched; @shown moves to @next in steps */
  guint                   generation; /* of the filter: a handler may start another */
  double                  us_per_row;
};

static guint
n_shown (GleanerFilterModel *self)
{
  if (self->shown == NULL)
    return g_list_model_get_n_items (self->source);
  if (self->old != NULL)
    return self->has_lead + gtk_bitset_get_size (self->shown) + gtk_bitset_get_size (self->old);

  return gtk_bitset_get_size (self->shown);
}

static GType
gleaner_filter_model_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
gleaner_filter_model_get_n_items (GListModel *model)
{
  return n_shown (GLEANER_FILTER_MODEL (model));
}

static gpointer
gleaner_filter_model_get_item (GListModel *model,
                               guint       position)
{
  GleanerFilterModel *self = GLEANER_FILTER_MODEL (model);
  const GtkBitset *set = self->shown;

  if (set == NULL)
    return g_list_model_get_item (self->source, position);

  if (self->old != NULL)
    {
      if (self->has_lead && position == 0)
        return g_list_model_get_item (self->source, self->lead);
      position -= self->has_lead;
      if (position >= gtk_bitset_get_size (set))
        {
          position -= gtk_bitset_get_size (set);
          set = self->old;
        }
    }
  if (position >= gtk_bitset_get_size (set))
    return NULL;

  return g_list_model_get_item (self->source, gtk_bitset_get_nth (set, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = gleaner_filter_model_get_item_type;
  iface->get_n_items = gleaner_filter_model_get_n_items;
  iface->get_item = gleaner_filter_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (GleanerFilterModel, gleaner_filter_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Rows of @set in [first, first + n). */
static guint
count_in (const GtkBitset *set,
          guint            first,
          guint            n)
{
  return n == 0 ? 0 : (guint)gtk_bitset_get_size_in_range (set, first, first + n - 1);
}

static gboolean
row_matches (GleanerFilterModel *self,
             guint               row)
{
  g_autoptr(GObject) item = g_list_model_get_item (self->source, row);

  return self->func == NULL || self->func (item, self->user_data);
}

/* The rows of [position, position + n) the current function lets through. */
static GtkBitset *
match_range (GleanerFilterModel *self,
             guint               position,
             guint               n)
{
  GtkBitset *set;

  if (self->func == NULL)
    return gtk_bitset_new_range (position, n);

  set = gtk_bitset_new_empty ();
  for (guint i = 0; i < n; i++)
    if (row_matches (self, position + i))
      gtk_bitset_add (set, position + i);

  return set;
}

/* Matches pending rows, in order, until @deadline (monotonic time). Returns
 * whether all are matched. */
static gboolean
match_pending (GleanerFilterModel *self,
               gint64              deadline)
{
  GtkBitsetIter iter;
  guint row = 0;
  guint last = 0;
  guint n_done = 0;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, self->pending, &row);
       more;
       more = gtk_bitset_iter_next (&iter, &row))
    {
      if (row_matches (self, row))
        gtk_bitset_add (self->next, row);
      last = row;
      if (++n_done % MATCH_CHECK_ROWS == 0 && g_get_monotonic_time () >= deadline)
        break;
    }

  if (n_done > 0)
    gtk_bitset_remove_range_closed (self->pending, 0, last);

  return gtk_bitset_is_empty (self->pending);
}

/* Every row is matched: the new rows go in ahead of the old ones, then the
 * old ones go (see the top of the file). */
static void
swap (GleanerFilterModel *self)
{
  g_autoptr(GtkBitset) differ = gtk_bitset_copy (self->shown);
  guint n = g_list_model_get_n_items (self->source);
  guint first;
  guint at;
  guint n_new;
  guint n_old;

  gtk_bitset_difference (differ, self->next);
  if (gtk_bitset_is_empty (differ))
    return;

  /* Rows before the first difference lead both lists and stay. */
  first = gtk_bitset_get_minimum (differ);
  at = count_in (self->shown, 0, first);
  n_new = count_in (self->next, first, n - first);

  self->old = g_steal_pointer (&self->shown);
  if (first > 0)
    gtk_bitset_remove_range_closed (self->old, 0, first - 1);
  self->shown = gtk_bitset_copy (self->next);
  n_old = gtk_bitset_get_size (self->old);

  /* The first old row differs: it stays first until the new rows are in. */
  if (at == 0 && n_old > 0)
    {
      self->has_lead = TRUE;
      self->lead = gtk_bitset_get_minimum (self->old);
      gtk_bitset_remove (self->old, self->lead);
      n_old--;
    }

  if (n_new > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), at + self->has_lead, 0, n_new);
  if (n_old > 0)
    {
      gtk_bitset_remove_all (self->old);
      g_list_model_items_changed (G_LIST_MODEL (self), at + self->has_lead + n_new, n_old, 0);
    }
  if (self->has_lead)
    {
      self->has_lead = FALSE;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 1, 0);
    }
  g_clear_pointer (&self->old, gtk_bitset_unref);
}

/* Rows past the first WINDOW_ROWS change at once, in runs: those that go,
 * from the end, then those that come. One change over all of them would
 * remove rows the view tracks (its focus, say) and then make it look for
 * them among every row added, one by one. */
static void
change_in_runs (GleanerFilterModel *self,
                const GtkBitset    *differ)
{
  g_autoptr(GtkBitset) going = gtk_bitset_copy (differ);
  g_autoptr(GtkBitset) coming = gtk_bitset_copy (differ);
  GtkBitsetIter iter;
  guint row = 0;
  guint run_first = 0;
  guint run_last = 0;
  guint run_n = 0;

  gtk_bitset_intersect (going, self->shown);
  gtk_bitset_subtract (coming, self->shown);

  for (gboolean more = gtk_bitset_iter_init_last (&iter, going, &row); ; more = gtk_bitset_iter_previous (&iter, &row))
    {
      /* Rows next to each other in @shown make one run. */
      if (run_n > 0 && (!more || count_in (self->shown, row + 1, run_first - row - 1) > 0))
        {
          guint at = count_in (self->shown, 0, run_first);

          gtk_bitset_remove_range_closed (self->shown, run_first, run_last);
          g_list_model_items_changed (G_LIST_MODEL (self), at, run_n, 0);
          run_n = 0;
        }
      if (!more)
        break;
      if (run_n == 0)
        run_last = row;
      run_first = row;
      run_n++;
    }

  for (gboolean more = gtk_bitset_iter_init_first (&iter, coming, &row); ; more = gtk_bitset_iter_next (&iter, &row))
    {
      /* Rows with no shown row between them make one run. */
      if (run_n > 0 && (!more || count_in (self->shown, run_last + 1, row - run_last - 1) > 0))
        {
          g_autoptr(GtkBitset) run = gtk_bitset_new_range (run_first, run_last - run_first + 1);
          guint at = count_in (self->shown, 0, run_first);

          gtk_bitset_intersect (run, coming);
          gtk_bitset_union (self->shown, run);
          g_list_model_items_changed (G_LIST_MODEL (self), at, 0, run_n);
          run_n = 0;
        }
      if (!more)
        break;
      if (run_n == 0)
        run_first = row;
      run_last = row;
      run_n++;
    }
}

/* One step: @shown takes the new state of the rows of its next @max_rows
 * differences, all of them once the first WINDOW_ROWS rows are settled.
 * Returns how many rows changed. */
static guint
take_step (GleanerFilterModel *self,
           guint               max_rows)
{
  g_autoptr(GtkBitset) differ = gtk_bitset_copy (self->shown);
  g_autoptr(GtkBitset) part = NULL;
  guint n = g_list_model_get_n_items (self->source);
  guint n_differ;
  guint first;
  guint end;
  guint at;
  guint removed;
  guint added;

  gtk_bitset_difference (differ, self->next);
  n_differ = gtk_bitset_get_size (differ);
  if (n_differ == 0)
    return 0;

  first = gtk_bitset_get_minimum (differ);
  at = count_in (self->shown, 0, first);
  if (at >= WINDOW_ROWS)
    {
      change_in_runs (self, differ);
      return n_differ;
    }
  if (n_differ <= max_rows)
    end = gtk_bitset_get_maximum (differ) + 1;
  else
    end = gtk_bitset_get_nth (differ, max_rows);

  removed = count_in (self->shown, first, end - first);
  added = count_in (self->next, first, end - first);

  /* A step that would take every row away brings the next new one in:
   * the list is never empty on the way to rows. */
  if (removed == gtk_bitset_get_size (self->shown) && added == 0 && end < n)
    {
      guint next_row = count_in (self->next, 0, end);

      if (next_row < gtk_bitset_get_size (self->next))
        {
          end = gtk_bitset_get_nth (self->next, next_row) + 1;
          removed = count_in (self->shown, first, end - first);
          added = count_in (self->next, first, end - first);
        }
    }
  part = gtk_bitset_new_range (first, end - first);
  gtk_bitset_intersect (part, self->next);
  gtk_bitset_remove_range_closed (self->shown, first, end - 1);
  gtk_bitset_union (self->shown, part);
  g_list_model_items_changed (G_LIST_MODEL (self), at, removed, added);

  return MIN (n_differ, max_rows);
}

static void
end_change (GleanerFilterModel *self)
{
  g_clear_handle_id (&self->work_source, g_source_remove);
  g_clear_pointer (&self->next, gtk_bitset_unref);
  g_clear_pointer (&self->pending, gtk_bitset_unref);
  self->stepping = FALSE;
  self->generation++;

  /* Every row shown again: no bitset to keep up while rows stream in. */
  if (self->func == NULL)
    g_clear_pointer (&self->shown, gtk_bitset_unref);
}

static gboolean work_cb (gpointer data);

static void
schedule (GleanerFilterModel *self,
          gboolean            after_frame)
{
  if (self->work_source != 0)
    return;

  if (after_frame)
    self->work_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, FRAME_MS, work_cb, self, NULL);
  else
    self->work_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, work_cb, self, NULL);
}

/* Goes on with a new filter for a slice: matching, then showing it. */
static void
run_change (GleanerFilterModel *self)
{
  gint64 start = gleaner_ui_thread_cpu_time_us ();
  guint generation = self->generation;

  if (self->pending != NULL)
    {
      if (!match_pending (self, g_get_monotonic_time () + MATCH_SLICE_US))
        {
          schedule (self, FALSE);
          return;
        }
      g_clear_pointer (&self->pending, gtk_bitset_unref);
    }

  if (!self->stepping)
    {
      if (gtk_bitset_get_size (self->shown) >= WINDOW_ROWS)
        {
          swap (self);
          end_change (self);
          return;
        }
      self->stepping = TRUE;
    }

  for (;;)
    {
      double fit = STEP_BUDGET_US / self->us_per_row;
      guint max_rows = CLAMP ((guint)MIN (fit, G_MAXUINT), MIN_STEP_ROWS, MAX_STEP_ROWS);
      gint64 before = gleaner_ui_thread_cpu_time_us ();
      guint n_changed = take_step (self, max_rows);
      gint64 took = gleaner_ui_thread_cpu_time_us () - before;

      /* A handler may have started another filter, or flushed this one. */
      if (self->generation != generation)
        return;
      if (n_changed == 0)
        break;

      /* Up at once, down by half a step: the next rows may cost more. */
      self->us_per_row = MAX (MAX (took, 1) / (double)n_changed, self->us_per_row / 2);

      /* It built rows: a frame lays them out before the next step. */
      if (took > STEP_BUDGET_US / 2)
        {
          schedule (self, TRUE);
          return;
        }
      if (gleaner_ui_thread_cpu_time_us () - start >= STEP_BUDGET_US)
        {
          schedule (self, FALSE);
          return;
        }
    }

  end_change (self);
}

static gboolean
work_cb (gpointer data)
{
  GleanerFilterModel *self = data;

  self->work_source = 0;
  run_change (self);
  return G_SOURCE_REMOVE;
}

static void
source_items_changed_cb (GListModel         *source,
                         guint               position,
                         guint               removed,
                         guint               added,
                         GleanerFilterModel *self)
{
  g_autoptr(GtkBitset) arrived = NULL;
  guint at;
  guint n_removed;
  guint n_added;

  if (self->shown == NULL)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  at = count_in (self->shown, 0, position);
  n_removed = count_in (self->shown, position, removed);
  gtk_bitset_splice (self->shown, position, removed, added);
  if (self->next != NULL)
    gtk_bitset_splice (self->next, position, removed, added);
  if (self->pending != NULL)
    gtk_bitset_splice (self->pending, position, removed, added);

  /* New rows are matched by the current function at once, and shown as
   * they will stay. */
  arrived = match_range (self, position, added);
  gtk_bitset_union (self->shown, arrived);
  if (self->next != NULL)
    gtk_bitset_union (self->next, arrived);

  n_added = gtk_bitset_get_size (arrived);
  if (n_removed > 0 || n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), at, n_removed, n_added);
}

/* GObject */

static void
gleaner_filter_model_dispose (GObject *object)
{
  GleanerFilterModel *self = (GleanerFilterModel *)object;

  g_clear_handle_id (&self->work_source, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (gleaner_filter_model_parent_class)->dispose (object);
}

static void
gleaner_filter_model_finalize (GObject *object)
{
  GleanerFilterModel *self = (GleanerFilterModel *)object;

  g_clear_pointer (&self->shown, gtk_bitset_unref);
  g_clear_pointer (&self->next, gtk_bitset_unref);
  g_clear_pointer (&self->pending, gtk_bitset_unref);
  g_clear_pointer (&self->old, gtk_bitset_unref);

  G_OBJECT_CLASS (gleaner_filter_model_parent_class)->finalize (object);
}

static void
gleaner_filter_model_class_init (GleanerFilterModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gleaner_filter_model_dispose;
  object_class->finalize = gleaner_filter_model_finalize;
}

static void
gleaner_filter_model_init (GleanerFilterModel *self)
{
  self->us_per_row = FIRST_ROW_US;
}

/* Public API */

GleanerFilterModel *
gleaner_filter_model_new (GListModel *source)
{
  GleanerFilterModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);

  self = g_object_new (GLEANER_TYPE_FILTER_MODEL, NULL);
  self->source = g_object_ref (source);
  g_signal_connect (source, "items-changed", G_CALLBACK (source_items_changed_cb), self);

  return self;
}

/**
 * gleaner_filter_model_set_func:
 * @func: (nullable): which rows to show; %NULL shows all
 * @change: how the rows @func lets through relate to those of the function
 *   before (or of the same function before its answers changed)
 *
 * Filters anew. The first slice of matching happens here; with many rows
 * the rest follows on idle (see gleaner_filter_model_get_pending()) while
 * the rows shown stay as they are.
 */
void
gleaner_filter_model_set_func (GleanerFilterModel     *self,
                               GleanerFilterModelFunc  func,
                               gpointer                user_data,
                               GtkFilterChange         change)
{
  guint n;

  g_return_if_fail (GLEANER_IS_FILTER_MODEL (self));

  n = g_list_model_get_n_items (self->source);
  if (self->shown == NULL)
    self->shown = gtk_bitset_new_range (0, n);

  /* What the function before let through: what is shown, or, while it was
   * being worked out or shown, @next and @pending together. */
  if (self->next == NULL)
    self->next = gtk_bitset_copy (self->shown);
  if (self->pending == NULL)
    self->pending = gtk_bitset_new_empty ();
  self->func = func;
  self->user_data = user_data;
  self->stepping = FALSE;
  self->generation++;
  self->us_per_row = FIRST_ROW_US;

  if (func == NULL)
    {
      gtk_bitset_remove_all (self->pending);
      gtk_bitset_add_range (self->next, 0, n);
    }
  else if (change == GTK_FILTER_CHANGE_MORE_STRICT)
    {
      /* Only rows that passed before can pass now. */
      gtk_bitset_union (self->pending, self->next);
      gtk_bitset_remove_all (self->next);
    }
  else if (change == GTK_FILTER_CHANGE_LESS_STRICT)
    {
      /* Rows that passed before still pass. */
      gtk_bitset_add_range (self->pending, 0, n);
      gtk_bitset_subtract (self->pending, self->next);
    }
  else
    {
      gtk_bitset_remove_all (self->next);
      gtk_bitset_add_range (self->pending, 0, n);
    }

  g_clear_handle_id (&self->work_source, g_source_remove);
  run_change (self);
}

/* Whether a new filter is still being worked out or shown. */
gboolean
gleaner_filter_model_get_pending (GleanerFilterModel *self)
{
  g_return_val_if_fail (GLEANER_IS_FILTER_MODEL (self), FALSE);

  return self->next != NULL;
}

/* Finishes a new filter at once (for those that need the rows as they will
 * be, an export say). */
void
gleaner_filter_model_flush (GleanerFilterModel *self)
{
  g_return_if_fail (GLEANER_IS_FILTER_MODEL (self));

  if (self->next == NULL)
    return;

  if (self->pending != NULL)
    {
      match_pending (self, G_MAXINT64);
      g_clear_pointer (&self->pending, gtk_bitset_unref);
    }
  take_step (self, G_MAXUINT);
  end_change (self);
}
